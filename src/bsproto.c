/* SPDX-License-Identifier: ISC */
/*
 * bsproto.c - PURE SMTP server state machine for `smtps -bs`.
 * The contract is in bsproto.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bsproto.h"
#include "path.h"

static void
out_clear(struct bsproto_out *out)
{
	memset(out, 0, sizeof(*out));
	out->act = BSPROTO_NONE;
}

static int
reply(struct bsproto *b, struct bsproto_out *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
reply(struct bsproto *b, struct bsproto_out *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->buf, sizeof(b->buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(b->buf) - 3)
		n = (int)sizeof(b->buf) - 3;
	memcpy(b->buf + n, "\r\n", 3);
	out->reply = b->buf;
	out->replylen = (size_t)n + 2;
	return 0;
}

/* a 5xx for a bad command; too many of them end the session */
static int
bad(struct bsproto *b, struct bsproto_out *out, const char *text)
{
	if (++b->errors >= LIMIT_BS_ERRORS) {
		reply(b, out, "421 4.7.0 %s Error: too many errors", b->host);
		out->act = BSPROTO_QUIT;
		return 0;
	}
	return reply(b, out, "%s", text);
}

static void
reset_tx(struct bsproto *b)
{
	b->in_mail = b->in_data = b->body8 = b->toobig = 0;
	b->from[0] = '\0';
	b->size = 0;
	addr_list_free(&b->rcpts);
}

void
bsproto_init(struct bsproto *b, const char *host, struct bsproto_out *out)
{
	memset(b, 0, sizeof(*b));
	if (host == NULL || host[0] == '\0' ||
	    strlcpy(b->host, host, sizeof(b->host)) >= sizeof(b->host))
		strlcpy(b->host, "localhost", sizeof(b->host));
	out_clear(out);
	reply(b, out, "220 %s ESMTP smtps -bs ready", b->host);
}

void
bsproto_free(struct bsproto *b)
{
	reset_tx(b);
}

/* "FROM:" / "TO:" after the verb, blanks allowed after the colon */
static const char *
after_key(const char *arg, const char *key)
{
	size_t n = strlen(key);

	if (strncasecmp(arg, key, n) != 0)
		return NULL;
	arg += n;
	while (*arg == ' ')
		arg++;
	return arg;
}

/* length of the path token: up to a space outside quotes and <> */
static size_t
path_len(const char *s)
{
	size_t i;
	int q = 0, angle = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (q && s[i] == '\\' && s[i + 1] != '\0')
			i++;
		else if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '<')
			angle++;
		else if (!q && s[i] == '>' && angle > 0)
			angle--;
		else if (!q && angle == 0 && s[i] == ' ')
			break;
	}
	return i;
}

/* MAIL parameters: BODY= and SIZE=; returns 0, or -1 with a reply made */
static int
mail_params(struct bsproto *b, const char *p, struct bsproto_out *out)
{
	while (*p != '\0') {
		size_t n;
		const char *errstr = NULL;
		char num[24];

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == 0)
			break;
		if (n == 13 && strncasecmp(p, "BODY=8BITMIME", n) == 0)
			b->body8 = 1;
		else if (n == 9 && strncasecmp(p, "BODY=7BIT", n) == 0)
			b->body8 = 0;
		else if (n > 5 && n < 5 + sizeof(num) &&
		    strncasecmp(p, "SIZE=", 5) == 0) {
			memcpy(num, p + 5, n - 5);
			num[n - 5] = '\0';
			(void)strtonum(num, 0, LIMIT_MESSAGE, &errstr);
			if (errstr != NULL && strcmp(errstr, "too large") ==
			    0) {
				reply(b, out, "552 5.3.4 Message size exceeds "
				    "fixed limit");
				return -1;
			}
			if (errstr != NULL) {
				bad(b, out, "501 5.5.4 Bad SIZE= value");
				return -1;
			}
		} else {
			bad(b, out, "555 5.5.4 Unsupported option");
			return -1;
		}
		p += n;
	}
	return 0;
}

static int
cmd_mail(struct bsproto *b, const char *arg, struct bsproto_out *out)
{
	const char *p = after_key(arg, "FROM:");
	struct err e;
	size_t n;

	if (b->in_mail)
		return bad(b, out, "503 5.5.1 Error: nested MAIL command");
	if (p == NULL || *p == '\0')
		return bad(b, out, "501 5.5.4 Syntax: MAIL FROM:<address>");
	n = path_len(p);
	if (path_check(p, n, 1, b->from, sizeof(b->from), &e) == -1)
		return bad(b, out, "501 5.1.7 Bad sender address syntax");
	if (mail_params(b, p + n, out) == -1) {
		b->from[0] = '\0';
		b->body8 = 0;
		return 0;
	}
	b->in_mail = 1;
	return reply(b, out, "250 2.1.0 Ok");
}

static int
cmd_rcpt(struct bsproto *b, const char *arg, struct bsproto_out *out)
{
	const char *p = after_key(arg, "TO:");
	char addr[LIMIT_ADDR + 1];
	struct err e;
	size_t n;

	if (!b->in_mail)
		return bad(b, out, "503 5.5.1 Error: need MAIL command");
	if (p == NULL || *p == '\0')
		return bad(b, out, "501 5.5.4 Syntax: RCPT TO:<address>");
	n = path_len(p);
	if (path_check(p, n, 0, addr, sizeof(addr), &e) == -1)
		return bad(b, out, "501 5.1.3 Bad recipient address syntax");
	p += n;
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return bad(b, out, "555 5.5.4 Unsupported option");
	if (!addr_list_has(&b->rcpts, addr) && b->rcpts.n >= LIMIT_RCPTS)
		return reply(b, out, "452 4.5.3 Error: too many recipients");
	addr_list_add(&b->rcpts, addr);
	return reply(b, out, "250 2.1.5 Ok");
}

static int
cmd_data(struct bsproto *b, const char *arg, struct bsproto_out *out)
{
	if (*arg != '\0')
		return bad(b, out, "501 5.5.4 Syntax: DATA");
	if (!b->in_mail)
		return bad(b, out, "503 5.5.1 Error: need MAIL command");
	if (b->rcpts.n == 0)
		return bad(b, out, "554 5.5.1 Error: no valid recipients");
	b->in_data = 1;
	b->bol = 1;
	b->size = 0;
	out->act = BSPROTO_DATA;
	return reply(b, out, "354 End data with <CR><LF>.<CR><LF>");
}

static int
cmd_helo(struct bsproto *b, const char *arg, int ehlo, struct bsproto_out *out)
{
	char vis[LIMIT_QUOTE_SHORT];

	if (*arg == '\0')
		return bad(b, out, ehlo ? "501 5.5.4 Syntax: EHLO hostname" :
		    "501 5.5.4 Syntax: HELO hostname");
	reset_tx(b);
	err_visible(vis, sizeof(vis), arg, strlen(arg));
	if (!ehlo)
		return reply(b, out, "250 %s Hello %s", b->host, vis);
	return reply(b, out, "250-%s Hello %s\r\n250-PIPELINING\r\n250-SIZE "
	    "%lld\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES", b->host, vis,
	    (long long)LIMIT_MESSAGE);
}

static void
command(struct bsproto *b, const char *line, struct bsproto_out *out)
{
	size_t n = strcspn(line, " ");
	const char *arg = line + n;

	while (*arg == ' ')
		arg++;
#define IS(w)	(n == sizeof(w) - 1 && strncasecmp(line, w, n) == 0)
	if (IS("EHLO") || IS("HELO"))
		cmd_helo(b, arg, IS("EHLO"), out);
	else if (IS("MAIL"))
		cmd_mail(b, arg, out);
	else if (IS("RCPT"))
		cmd_rcpt(b, arg, out);
	else if (IS("DATA"))
		cmd_data(b, arg, out);
	else if (IS("RSET")) {
		reset_tx(b);
		reply(b, out, "250 2.0.0 Ok");
	} else if (IS("NOOP"))
		reply(b, out, "250 2.0.0 Ok");
	else if (IS("QUIT")) {
		reply(b, out, "221 2.0.0 %s closing connection", b->host);
		out->act = BSPROTO_QUIT;
	} else if (IS("HELP"))
		reply(b, out, "214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA "
		    "RSET NOOP QUIT HELP");
	else if (IS("VRFY"))
		bad(b, out, "502 5.5.1 VRFY command is disabled");
	else if (IS("EXPN"))
		bad(b, out, "502 5.5.1 EXPN command is disabled");
	else if (IS("STARTTLS") || IS("AUTH") || IS("BDAT") || IS("ETRN") ||
	    IS("TURN"))
		bad(b, out, "502 5.5.1 Error: command not implemented");
	else
		bad(b, out, "500 5.5.2 Error: command not recognized");
#undef IS
}

/* one piece of the message after 354 */
static void
data_line(struct bsproto *b, const char *line, size_t len, int eol,
    struct bsproto_out *out)
{
	int bol = b->bol;

	b->bol = eol;
	if (eol && len > 0 && line[len - 1] == '\r')
		len--;
	if (bol && eol && len == 1 && line[0] == '.') {
		b->in_data = 0;
		if (b->toobig) {
			reply(b, out, "552 5.3.4 Error: message exceeds "
			    "fixed maximum message size");
			reset_tx(b);
			return;
		}
		out->act = BSPROTO_MESSAGE;
		return;
	}
	if (bol && len > 0 && line[0] == '.') {
		line++;
		len--;
	}
	b->size += (long long)len + (eol ? 2 : 0);
	if (b->size > LIMIT_MESSAGE)
		b->toobig = 1;
	if (b->toobig)
		return;
	out->act = BSPROTO_BODY;
	out->data = line;
	out->datalen = len;
	out->eol = eol;
}

void
bsproto_line(struct bsproto *b, const char *line, size_t len, int eol,
    struct bsproto_out *out)
{
	char cmd[LIMIT_BS_LINE + 1];
	size_t i;

	out_clear(out);
	if (b->in_data) {
		data_line(b, line, len, eol, out);
		return;
	}
	if (len > 0 && line[len - 1] == '\r' && eol)
		len--;
	if (b->skipping) {		/* the rest of an over-long line */
		b->skipping = !eol;
		if (eol)
			bad(b, out, "500 5.5.2 Error: line too long");
		return;
	}
	if (!eol || len > LIMIT_BS_LINE) {
		b->skipping = !eol;
		if (eol)
			bad(b, out, "500 5.5.2 Error: line too long");
		return;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
		    line[i] == 0x7f)
			break;
	if (i < len) {
		bad(b, out, "500 5.5.2 Error: bad character in command");
		return;
	}
	memcpy(cmd, line, len);
	cmd[len] = '\0';
	while (len > 0 && cmd[len - 1] == ' ')
		cmd[--len] = '\0';
	if (len == 0) {
		bad(b, out, "500 5.5.2 Error: bad syntax");
		return;
	}
	command(b, cmd, out);
}

static const char *
result_code(int code)
{
	switch (code) {
	case 0:			return "250 2.0.0 Ok:";
	case EX_NOUSER:		return "550 5.1.1";
	case EX_DATAERR:	return "554 5.6.0";
	case EX_USAGE:		return "553 5.1.3";
	case EX_UNAVAILABLE:	return "554 5.0.0";
	default:		return "451 4.3.0";
	}
}

void
bsproto_result(struct bsproto *b, int code, const char *text,
    struct bsproto_out *out)
{
	char vis[LIMIT_BS_RESULT];

	out_clear(out);
	if (text == NULL || text[0] == '\0')
		text = code == 0 ? "delivered" : "failed";
	err_visible(vis, sizeof(vis), text, strlen(text));
	reply(b, out, "%s %s", result_code(code), vis);
	reset_tx(b);
}
