/* SPDX-License-Identifier: ISC */
/*
 * t_bsproto.c - golden sessions of the `-bs` SMTP server state machine
 * (src/bsproto.c).
 *
 * Each case feeds lines (as a client would send them, one array entry per
 * line; an entry starting with "~" is fed as a piece without line end) and
 * compares the whole transcript: every reply, "{BODY:text|}" for a body
 * piece ("|" = the line ended), "{DATA}", "{MSG from rcpt,rcpt}" for a
 * finished message (then bsproto_result() is called with `code`/`text` and its
 * reply follows), "{QUIT}".
 */
#include <stdlib.h>
#include <string.h>

#include "bsproto.h"
#include "t.h"

#define MAXL	24

struct scase {
	const char	*name;
	const char	*in[MAXL];
	int		 code;		/* bsproto_result code for each
					   message */
	const char	*text;
	const char	*want;
};

#define GREET	"220 mx.example ESMTP smtps -bs ready\r\n"
#define EHLO_R	"250-mx.example Hello client.example\r\n250-PIPELINING\r\n" \
		"250-SIZE 2147483648\r\n250-8BITMIME\r\n" \
		"250 ENHANCEDSTATUSCODES\r\n"

static const struct scase cases[] = {
	{ "plain session",
	  { "EHLO client.example", "MAIL FROM:<a@example.org>",
	    "RCPT TO:<b@example.net>", "RCPT TO:<root>", "DATA",
	    "Subject: hi", "", "body", "..dot", ".", "QUIT" },
	  0, "queued as Q1",
	  GREET EHLO_R "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
	  "354 End data with <CR><LF>.<CR><LF>\r\n{DATA}"
	  "{BODY:Subject: hi|}{BODY:|}{BODY:body|}{BODY:.dot|}"
	  "{MSG a@example.org b@example.net,root}250 2.0.0 Ok: queued as Q1\r\n"
	  "221 2.0.0 mx.example closing connection\r\n{QUIT}" },
	{ "CRLF lines, lower case, HELO, null sender, params",
	  { "helo x\r", "mail from: <> BODY=8BITMIME SIZE=100\r",
	    "rcpt to:<b@example.net>\r", "data\r", "x\r", ".\r", "quit\r" },
	  EX_NOUSER, "recipient rejected: 550 5.1.1 no\r\nsuch",
	  GREET "250 mx.example Hello x\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
	  "354 End data with <CR><LF>.<CR><LF>\r\n{DATA}{BODY:x|}"
	  "{MSG  b@example.net}550 5.1.1 recipient rejected: 550 5.1.1 "
	  "no\\r\\nsuch\r\n221 2.0.0 mx.example closing connection\r\n{QUIT}" },
	{ "sequence errors",
	  { "RCPT TO:<b@x.example>", "DATA", "MAIL FROM:<a@x.example>",
	    "MAIL FROM:<a@x.example>", "DATA", "RSET", "RCPT TO:<b@x.example>",
	    "NOOP", "HELP" },
	  0, NULL,
	  GREET "503 5.5.1 Error: need MAIL command\r\n"
	  "503 5.5.1 Error: need MAIL command\r\n250 2.1.0 Ok\r\n"
	  "503 5.5.1 Error: nested MAIL command\r\n"
	  "554 5.5.1 Error: no valid recipients\r\n250 2.0.0 Ok\r\n"
	  "503 5.5.1 Error: need MAIL command\r\n250 2.0.0 Ok\r\n"
	  "214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT HELP\r\n"
	  },
	{ "syntax errors and refused commands",
	  { "EHLO", "MAIL TO:<a@b>", "MAIL FROM:", "MAIL FROM:<a b@c>",
	    "MAIL FROM:<a@b> SMTPUTF8", "MAIL FROM:<a@b> SIZE=x",
	    "MAIL FROM:<a@b> SIZE=99999999999", "MAIL FROM:<a@b>",
	    "RCPT TO:<>", "RCPT TO:<x@y> NOTIFY=NEVER", "RCPT TO:<x@y",
	    "DATA now", "VRFY root", "EXPN staff", "STARTTLS", "AUTH PLAIN",
	    "FOO", "", "   " },
	  0, NULL,
	  GREET "501 5.5.4 Syntax: EHLO hostname\r\n"
	  "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"
	  "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"
	  "501 5.1.7 Bad sender address syntax\r\n"
	  "555 5.5.4 Unsupported option\r\n501 5.5.4 Bad SIZE= value\r\n"
	  "552 5.3.4 Message size exceeds fixed limit\r\n250 2.1.0 Ok\r\n"
	  "501 5.1.3 Bad recipient address syntax\r\n"
	  "555 5.5.4 Unsupported option\r\n"
	  "501 5.1.3 Bad recipient address syntax\r\n"
	  "501 5.5.4 Syntax: DATA\r\n502 5.5.1 VRFY command is disabled\r\n"
	  "502 5.5.1 EXPN command is disabled\r\n"
	  "502 5.5.1 Error: command not implemented\r\n"
	  "502 5.5.1 Error: command not implemented\r\n"
	  "500 5.5.2 Error: command not recognized\r\n"
	  "500 5.5.2 Error: bad syntax\r\n500 5.5.2 Error: bad syntax\r\n" },
	{ "control bytes in a command, long lines in pieces",
	  { "NOOP\033[2J", "~NOOP aaaa", "~bbbb", "cccc", "NOOP" },
	  0, NULL,
	  GREET "500 5.5.2 Error: bad character in command\r\n"
	  "500 5.5.2 Error: line too long\r\n250 2.0.0 Ok\r\n" },
	{ "body pieces: dots only at line start, lone dot inside a line",
	  { "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA",
	    "~.start", "~ .mid", ". end", "~.", "x", "..", ".", "RSET" },
	  EX_TEMPFAIL, "connect to mx: timed out",
	  GREET "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
	  "354 End data with <CR><LF>.<CR><LF>\r\n{DATA}"
	  "{BODY:start}{BODY: .mid}{BODY:. end|}{BODY:}{BODY:x|}{BODY:.|}"
	  "{MSG a@b.example c@d.example}451 4.3.0 connect to mx: timed out\r\n"
	  "250 2.0.0 Ok\r\n" },
	{ "a new transaction after a message; duplicates once",
	  { "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>",
	    "RCPT TO:<C@d.example>", "DATA", ".", "RCPT TO:<x@y.example>",
	    "MAIL FROM:<a@b.example>", "RCPT TO:<x@y.example>", "DATA", "." },
	  EX_DATAERR, "message: NUL byte in header 'Subject'",
	  GREET "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
	  "354 End data with <CR><LF>.<CR><LF>\r\n{DATA}"
	  "{MSG a@b.example c@d.example}554 5.6.0 message: NUL byte in header "
	  "'Subject'\r\n503 5.5.1 Error: need MAIL command\r\n250 2.1.0 Ok\r\n"
	  "250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n{DATA}"
	  "{MSG a@b.example x@y.example}554 5.6.0 message: NUL byte in header "
	  "'Subject'\r\n" },
};

static void
add(char **t, size_t *n, const char *s, size_t len)
{
	*t = realloc(*t, *n + len + 1);
	memcpy(*t + *n, s, len);
	*n += len;
	(*t)[*n] = '\0';
}

static void
adds(char **t, size_t *n, const char *s)
{
	add(t, n, s, strlen(s));
}

static void
record(struct bsproto *b, const struct bsproto_out *o, const struct scase *c,
    char **t, size_t *n)
{
	struct bsproto_out r;
	size_t i;

	if (o->reply != NULL)
		add(t, n, o->reply, o->replylen);
	switch (o->act) {
	case BSPROTO_NONE:	break;
	case BSPROTO_DATA:	adds(t, n, "{DATA}"); break;
	case BSPROTO_QUIT:	adds(t, n, "{QUIT}"); break;
	case BSPROTO_BODY:
		adds(t, n, "{BODY:");
		add(t, n, o->data, o->datalen);
		adds(t, n, o->eol ? "|}" : "}");
		break;
	case BSPROTO_MESSAGE:
		adds(t, n, "{MSG ");
		adds(t, n, b->from);
		for (i = 0; i < b->rcpts.n; i++) {
			adds(t, n, i ? "," : " ");
			adds(t, n, b->rcpts.v[i]);
		}
		adds(t, n, "}");
		T_OK(o->reply == NULL, "no reply before the result");
		bsproto_result(b, c->code, c->text, &r);
		add(t, n, r.reply, r.replylen);
		break;
	}
}

static void
run(const struct scase *c)
{
	struct bsproto b;
	struct bsproto_out o;
	char *t = NULL;
	size_t n = 0, i;

	bsproto_init(&b, "mx.example", &o);
	record(&b, &o, c, &t, &n);
	for (i = 0; i < MAXL && c->in[i] != NULL; i++) {
		const char *l = c->in[i];
		int piece = l[0] == '~';

		if (piece)
			l++;
		bsproto_line(&b, l, strlen(l), !piece, &o);
		record(&b, &o, c, &t, &n);
	}
	T_OK(strcmp(t, c->want) == 0, "%s:\n--- got:\n%s\n--- want:\n%s",
	    c->name, t, c->want);
	bsproto_free(&b);
	free(t);
}

/* LIMIT_BS_ERRORS bad commands end the session with 421 */
static void
too_many_errors(void)
{
	struct bsproto b;
	struct bsproto_out o;
	int i;

	bsproto_init(&b, NULL, &o);
	T_EQ_MEM(o.reply, o.replylen, "220 localhost ESMTP smtps -bs ready\r\n",
	    (size_t)37);
	for (i = 1; i < LIMIT_BS_ERRORS; i++) {
		bsproto_line(&b, "BAD", 3, 1, &o);
		T_EQ_INT(o.act, BSPROTO_NONE);
	}
	bsproto_line(&b, "BAD", 3, 1, &o);
	T_EQ_INT(o.act, BSPROTO_QUIT);
	T_EQ_MEM(o.reply, o.replylen,
	    "421 4.7.0 localhost Error: too many errors\r\n", (size_t)44);
	bsproto_free(&b);
}

/* a command line over LIMIT_BS_LINE in one piece */
static void
long_line(void)
{
	static char l[LIMIT_BS_LINE + 10];
	struct bsproto b;
	struct bsproto_out o;

	memset(l, 'a', sizeof(l));
	bsproto_init(&b, "h", &o);
	bsproto_line(&b, l, sizeof(l), 1, &o);
	T_EQ_MEM(o.reply, o.replylen, "500 5.5.2 Error: line too long\r\n",
	    (size_t)32);
	bsproto_free(&b);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(&cases[i]);
	too_many_errors();
	long_line();
	return t_done("t_bsproto");
}
