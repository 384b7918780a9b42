/* SPDX-License-Identifier: ISC */
/*
 * reply.c - PURE SMTP reply and EHLO-capability parser (contract: reply.h).
 *
 * reply_feed() takes one line at a time, without its CRLF, and is strict:
 *  - every line is "DDD", "DDD " text or "DDD-" text, DDD in 200..599;
 *  - all lines of one reply carry the same code;
 *  - a line longer than LIMIT_REPLY_LINE, a NUL byte, more than
 *    LIMIT_REPLY_LINES lines or more than LIMIT_REPLY_TEXT - 1 bytes of
 *    stored text is EX_PROTOCOL (the server is broken or hostile);
 *  - feeding a reply that is already complete is EX_SOFTWARE.
 * text is always NUL-terminated; len excludes the NUL.  The enhanced
 * status code (RFC 3463: class.subject.detail, class equal to the reply's
 * first digit, 1-3 digits each) is taken from the first line only.
 *
 * reply_caps() reads the EHLO keywords of a complete 250 reply, one per
 * line after the first; case-insensitive; unknown keywords are ignored.
 * No I/O, no globals.
 */
#include <string.h>
#include <strings.h>
#include <limits.h>

#include "reply.h"

void
reply_init(struct reply *r)
{
	memset(r, 0, sizeof(*r));
}

static int
isdigit_c(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of an RFC 3463 code at s (class must be `cls`), 0 if none. */
static size_t
enh_len(const char *s, size_t len, char cls)
{
	size_t i = 0, n;
	int part;

	if (len < 5 || s[0] != cls || (cls != '2' && cls != '4' && cls != '5'))
		return 0;
	i = 1;
	for (part = 0; part < 2; part++) {
		if (i >= len || s[i] != '.')
			return 0;
		i++;
		for (n = 0; i < len && isdigit_c(s[i]) && n < 4; n++)
			i++;
		if (n == 0 || n > 3)
			return 0;
	}
	if (i < len && s[i] != ' ' && s[i] != '\t')
		return 0;
	return i;
}

static int
malformed(const char *line, size_t len, const char *why, struct err *e)
{
	err_set(e, EX_PROTOCOL, "malformed reply line from the server: %s",
	    why);
	err_set_reply(e, line, len > 200 ? 200 : len);
	return -1;
}

/* Check the code and separator of one line; returns the code or -1. */
static int
line_code(const char *line, size_t len, struct err *e)
{
	if (len > LIMIT_REPLY_LINE)
		return malformed(line, len, "line too long", e);
	if (len < 3 || !isdigit_c(line[0]) || !isdigit_c(line[1]) ||
	    !isdigit_c(line[2]))
		return malformed(line, len, "no three-digit reply code", e);
	if (line[0] < '2' || line[0] > '5')
		return malformed(line, len, "reply code out of range", e);
	if (len > 3 && line[3] != ' ' && line[3] != '-')
		return malformed(line, len, "no space or '-' after the code",
		    e);
	if (memchr(line, '\0', len) != NULL)
		return malformed(line, len, "NUL byte in reply", e);
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

int
reply_feed(struct reply *r, const char *line, size_t len, struct err *e)
{
	int code;
	size_t tlen, need;
	const char *t;

	if (r->done)
		return err_set(e, EX_SOFTWARE, "reply_feed: reply already "
		    "complete");
	if ((code = line_code(line, len, e)) == -1)
		return -1;
	if (r->nlines > 0 && code != r->code)
		return malformed(line, len, "reply code changed within a "
		    "multi-line reply", e);
	if (r->nlines >= LIMIT_REPLY_LINES)
		return malformed(line, len, "too many lines in one reply", e);
	t = len > 4 ? line + 4 : "";
	tlen = len > 4 ? len - 4 : 0;
	need = tlen + (r->nlines > 0 ? 1 : 0);
	if (r->len + need >= sizeof(r->text))
		return malformed(line, len, "reply text too long", e);
	if (r->nlines > 0)
		r->text[r->len++] = '\n';
	else {
		size_t el;

		r->code = code;
		el = enh_len(t, tlen, line[0]);
		if (el > 0 && el < sizeof(r->enh)) {
			memcpy(r->enh, t, el);
			r->enh[el] = '\0';
		}
	}
	memcpy(r->text + r->len, t, tlen);
	r->len += tlen;
	r->text[r->len] = '\0';
	r->nlines++;
	if (len == 3 || line[3] == ' ')
		r->done = 1;
	return r->done;
}

/* --- which reply may answer which command -------------------------- */

/*
 * The positive (2xx, 3xx) replies each command can get (0 ends a list),
 * and which 4xx or 5xx: any (FAIL_ANY), only those any command can get
 * (FAIL_GENERIC: 421 closing, 500-504 syntax or not implemented; RFC
 * 5321 4.3.2 lists no other for RSET, so a 451 or 550 there is the late
 * answer to an earlier command), or none: QUIT only ever gets 221.
 */
enum { FAIL_NONE, FAIL_ANY, FAIL_GENERIC };

static const struct {
	enum reply_to	 to;
	const char	*name;
	int		 ok[3];
	int		 fail;
} allowed[] = {
	{ REPLY_TO_GREETING,	"greeting",	{ 220 }, FAIL_ANY },
	{ REPLY_TO_EHLO,	"EHLO",		{ 250 }, FAIL_ANY },
	{ REPLY_TO_STARTTLS,	"STARTTLS",	{ 220 }, FAIL_ANY },
	{ REPLY_TO_AUTH,	"AUTH",		{ 235, 334 }, FAIL_ANY },
	{ REPLY_TO_MAIL,	"MAIL",		{ 250 }, FAIL_ANY },
	{ REPLY_TO_RCPT,	"RCPT",		{ 250, 251 }, FAIL_ANY },
	{ REPLY_TO_DATA,	"DATA",		{ 354 }, FAIL_ANY },
	{ REPLY_TO_DOT,		"end of data",	{ 250 }, FAIL_ANY },
	{ REPLY_TO_BDAT,	"BDAT",		{ 250 }, FAIL_ANY },
	{ REPLY_TO_RSET,	"RSET",		{ 250 }, FAIL_GENERIC },
	{ REPLY_TO_QUIT,	"QUIT",		{ 221 }, FAIL_NONE },
};

int
reply_allowed(enum reply_to to, int code)
{
	size_t i, k;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i].to != to)
			continue;
		if (code >= 400 && code <= 599)
			return allowed[i].fail == FAIL_ANY ||
			    (allowed[i].fail == FAIL_GENERIC && (code == 421 ||
			    (code >= 500 && code <= 504)));
		for (k = 0; k < 3 && allowed[i].ok[k] != 0; k++)
			if (allowed[i].ok[k] == code)
				return 1;
	}
	return 0;
}

const char *
reply_to_name(enum reply_to to)
{
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].to == to)
			return allowed[i].name;
	return "command";
}

/* --- EHLO capabilities ------------------------------------------------ */

static const struct {
	const char	*name;
	unsigned	 flag;
} cap_words[] = {
	{ "STARTTLS",		CAP_STARTTLS },
	{ "PIPELINING",		CAP_PIPELINING },
	{ "SIZE",		CAP_SIZE },
	{ "8BITMIME",		CAP_8BITMIME },
	{ "AUTH",		CAP_AUTH },
	{ "DSN",		CAP_DSN },
	{ "CHUNKING",		CAP_CHUNKING },
	{ "SMTPUTF8",		CAP_SMTPUTF8 },
	{ "ENHANCEDSTATUSCODES", CAP_ENHANCEDSTATUSCODES },
	{ "REQUIRETLS",		CAP_REQUIRETLS },
};

static const struct {
	const char	*name;
	unsigned	 flag;
} auth_words[] = {
	{ "PLAIN",		AUTH_PLAIN },
	{ "LOGIN",		AUTH_LOGIN },
	{ "CRAM-MD5",		AUTH_CRAM_MD5 },
	{ "SCRAM-SHA-1",	AUTH_SCRAM_SHA_1 },
	{ "SCRAM-SHA-256",	AUTH_SCRAM_SHA_256 },
	{ "XOAUTH2",		AUTH_XOAUTH2 },
	{ "OAUTHBEARER",	AUTH_OAUTHBEARER },
	{ "EXTERNAL",		AUTH_EXTERNAL },
	{ "SCRAM-SHA-1-PLUS",	AUTH_SCRAM_SHA_1_PLUS },
	{ "SCRAM-SHA-256-PLUS",	AUTH_SCRAM_SHA_256_PLUS },
};

static int
word_is(const char *w, size_t wl, const char *name)
{
	return strlen(name) == wl && strncasecmp(w, name, wl) == 0;
}

static int
is_sp(char c)
{
	return c == ' ' || c == '\t';
}

/* Next token of s[0..len) from *pos, separated by blanks; 0 = none. */
static size_t
next_word(const char *s, size_t len, size_t *pos, const char **w)
{
	size_t i = *pos, st;

	while (i < len && is_sp(s[i]))
		i++;
	st = i;
	while (i < len && !is_sp(s[i]))
		i++;
	*pos = i;
	*w = s + st;
	return i - st;
}

static void
caps_auth(const char *s, size_t len, struct caps *c)
{
	const char *w;
	size_t pos = 0, wl, i;

	while ((wl = next_word(s, len, &pos, &w)) > 0)
		for (i = 0; i < sizeof(auth_words) / sizeof(auth_words[0]); i++)
			if (word_is(w, wl, auth_words[i].name))
				c->auth |= auth_words[i].flag;
}

/* "SIZE 10240000": digits only; overflow saturates; junk = no number. */
static void
caps_size(const char *s, size_t len, struct caps *c)
{
	const char *w;
	size_t pos = 0, wl, i;
	unsigned long long v = 0;

	if ((wl = next_word(s, len, &pos, &w)) == 0)
		return;
	for (i = 0; i < wl; i++) {
		unsigned d;

		if (!isdigit_c(w[i]))
			return;
		d = (unsigned)(w[i] - '0');
		if (v > (ULLONG_MAX - d) / 10)
			v = ULLONG_MAX;
		else
			v = v * 10 + d;
	}
	c->size = v;
}

static void
caps_line(const char *s, size_t len, struct caps *c)
{
	size_t kl = 0, i;

	while (kl < len && !is_sp(s[kl]) && s[kl] != '=')
		kl++;
	/* the pre-RFC 2554 form "AUTH=LOGIN PLAIN" */
	if (kl < len && s[kl] == '=') {
		if (word_is(s, kl, "AUTH")) {
			c->flags |= CAP_AUTH;
			caps_auth(s + kl + 1, len - kl - 1, c);
		}
		return;
	}
	for (i = 0; i < sizeof(cap_words) / sizeof(cap_words[0]); i++) {
		if (!word_is(s, kl, cap_words[i].name))
			continue;
		c->flags |= cap_words[i].flag;
		if (cap_words[i].flag == CAP_AUTH)
			caps_auth(s + kl, len - kl, c);
		else if (cap_words[i].flag == CAP_SIZE)
			caps_size(s + kl, len - kl, c);
		return;
	}
}

void
reply_caps(const struct reply *r, struct caps *c)
{
	const char *p, *end, *nl;

	memset(c, 0, sizeof(*c));
	if (!r->done || r->code != 250)
		return;
	end = r->text + r->len;
	/* the first line is the server's greeting, not a keyword */
	p = memchr(r->text, '\n', r->len);
	while (p != NULL && p < end) {
		p++;
		nl = memchr(p, '\n', (size_t)(end - p));
		caps_line(p, (size_t)((nl != NULL ? nl : end) - p), c);
		p = nl;
	}
}
