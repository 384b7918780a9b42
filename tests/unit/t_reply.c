/* SPDX-License-Identifier: ISC */
/*
 * t_reply.c - table tests of the SMTP reply and EHLO-capability parser,
 * including hostile input: mixed codes, missing separators, codes out of
 * range, NUL bytes, overlong lines, too many lines, too much text.
 */
#include <stdlib.h>
#include <limits.h>

#include "t.h"
#include "reply.h"

#define MAXL 12

struct rcase {
	const char	*lines[MAXL];	/* NULL-terminated */
	int		 want;		/* rc of the last feed: 1, 0, -1 */
	int		 ex;		/* sysexits code when want == -1 */
	int		 code;
	const char	*text;
	const char	*enh;
	int		 nlines;
};

static const struct rcase cases[] = {
	{ { "250", NULL }, 1, 0, 250, "", "", 1 },
	{ { "250 ", NULL }, 1, 0, 250, "", "", 1 },
	{ { "220 mx.example.org ESMTP ready", NULL }, 1, 0, 220,
	    "mx.example.org ESMTP ready", "", 1 },
	{ { "250-a", "250-b", "250 c", NULL }, 1, 0, 250, "a\nb\nc", "", 3 },
	{ { "250-a", "250-b", NULL }, 0, 0, 250, "a\nb", "", 2 },
	{ { "250-", "250", NULL }, 1, 0, 250, "\n", "", 2 },
	{ { "354 go ahead", NULL }, 1, 0, 354, "go ahead", "", 1 },
	{ { "599 x", NULL }, 1, 0, 599, "x", "", 1 },
	{ { "200 x", NULL }, 1, 0, 200, "x", "", 1 },
	{ { "250 text with  two  spaces\tand tab ", NULL }, 1, 0, 250,
	    "text with  two  spaces\tand tab ", "", 1 },
	{ { "250 8bit \xc3\xa9t\xc3\xa9", NULL }, 1, 0, 250,
	    "8bit \xc3\xa9t\xc3\xa9", "", 1 },
	/* enhanced status codes */
	{ { "550 5.1.1 User unknown", NULL }, 1, 0, 550,
	    "5.1.1 User unknown", "5.1.1", 1 },
	{ { "250 2.0.0", NULL }, 1, 0, 250, "2.0.0", "2.0.0", 1 },
	{ { "451 4.100.999 busy", NULL }, 1, 0, 451, "4.100.999 busy",
	    "4.100.999", 1 },
	{ { "550 4.1.1 class differs", NULL }, 1, 0, 550,
	    "4.1.1 class differs", "", 1 },
	{ { "550 5.1 too short", NULL }, 1, 0, 550, "5.1 too short", "", 1 },
	{ { "550 5.1.1234 long", NULL }, 1, 0, 550, "5.1.1234 long", "", 1 },
	{ { "550 5.1.1x", NULL }, 1, 0, 550, "5.1.1x", "", 1 },
	{ { "550 5..1 x", NULL }, 1, 0, 550, "5..1 x", "", 1 },
	{ { "550 5.1.", NULL }, 1, 0, 550, "5.1.", "", 1 },
	{ { "354 3.0.0 no class 3", NULL }, 1, 0, 354,
	    "3.0.0 no class 3", "", 1 },
	{ { "250-2.1.0 first", "250 2.1.5 second", NULL }, 1, 0, 250,
	    "2.1.0 first\n2.1.5 second", "2.1.0", 2 },
	{ { "250-no code first", "250 2.1.5 second", NULL }, 1, 0, 250,
	    "no code first\n2.1.5 second", "", 2 },
	/* hostile: codes */
	{ { "099 x", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "600 x", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "199 x", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "000", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "2500 x", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "25 x", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "25", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "abc def", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { " 250 ok", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "2a0 ok", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "+OK pop3", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "HTTP/1.1 400 Bad", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	/* hostile: separators */
	{ { "250a", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "250\tok", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "250_ok", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "250-a", "250b", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "250-a", "", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	/* hostile: mixed codes in one reply */
	{ { "250-a", "251 b", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "250-a", "550 b", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
	{ { "250-a", "250-b", "350 c", NULL }, -1, EX_PROTOCOL, 0, NULL,
	    NULL, 0 },
	{ { "550-a", "250 b", NULL }, -1, EX_PROTOCOL, 0, NULL, NULL, 0 },
};

static void
test_table(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *c = &cases[i];
		struct reply r;
		struct err e;
		int rc = -2;

		reply_init(&r);
		err_clear(&e);
		for (j = 0; c->lines[j] != NULL; j++) {
			rc = reply_feed(&r, c->lines[j], strlen(c->lines[j]),
			    &e);
			if (rc != 0)
				break;
		}
		T_OK(rc == c->want, "case %zu (%s): rc %d, expected %d", i,
		    c->lines[0], rc, c->want);
		T_OK(c->lines[j] == NULL || c->lines[j + 1] == NULL,
		    "case %zu: stopped early at line %zu", i, j);
		if (c->want == -1) {
			T_EQ_INT(e.code, c->ex);
			T_OK(strncmp(e.msg, "malformed reply line", 20) == 0,
			    "case %zu: msg \"%s\"", i, e.msg);
			continue;
		}
		T_EQ_INT(e.code, 0);
		T_EQ_INT(r.code, c->code);
		T_EQ_STR(r.text, c->text);
		T_EQ_INT(r.len, strlen(c->text));
		T_EQ_STR(r.enh, c->enh);
		T_EQ_INT(r.nlines, c->nlines);
		T_EQ_INT(r.done, c->want);
	}
}

/* feed one line of explicit length into a fresh reply */
static int
feed1(struct reply *r, const char *s, size_t len, struct err *e)
{
	reply_init(r);
	err_clear(e);
	return reply_feed(r, s, len, e);
}

static void
test_nul_and_reply_text(void)
{
	struct reply r;
	struct err e;

	T_EQ_INT(feed1(&r, "250 a\0b", 7, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_OK(strstr(e.msg, "NUL") != NULL, "msg: %s", e.msg);
	/* the offending line is kept, made visible, for "server said" */
	T_EQ_INT(feed1(&r, "250\x1b[31m", 8, &e), -1);
	T_EQ_STR(e.reply, "250\\e[31m");
	/* length is honoured: no reading past len, no need for a NUL */
	T_EQ_INT(feed1(&r, "250 okXXXX", 6, &e), 1);
	T_EQ_STR(r.text, "ok");
	T_EQ_INT(feed1(&r, "250-okXXXX", 3, &e), 1);
	T_EQ_STR(r.text, "");
	/* fed after completion */
	T_EQ_INT(feed1(&r, "250 ok", 6, &e), 1);
	T_EQ_INT(reply_feed(&r, "250 again", 9, &e), -1);
	T_EQ_INT(e.code, EX_SOFTWARE);
}

static void
test_line_limit(void)
{
	char *buf = malloc(LIMIT_REPLY_LINE + 2);
	struct reply r;
	struct err e;

	memset(buf, 'x', LIMIT_REPLY_LINE + 1);
	memcpy(buf, "250 ", 4);
	T_EQ_INT(feed1(&r, buf, LIMIT_REPLY_LINE, &e), 1);
	T_EQ_INT(r.len, LIMIT_REPLY_LINE - 4);
	T_EQ_INT(feed1(&r, buf, LIMIT_REPLY_LINE + 1, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_OK(strstr(e.msg, "too long") != NULL, "msg: %s", e.msg);
	free(buf);
}

static void
test_line_count(void)
{
	struct reply r;
	struct err e;
	int i, rc = 0;

	/* exactly LIMIT_REPLY_LINES lines are fine */
	reply_init(&r);
	err_clear(&e);
	for (i = 0; i < LIMIT_REPLY_LINES - 1 && rc == 0; i++)
		rc = reply_feed(&r, "250-x", 5, &e);
	T_EQ_INT(rc, 0);
	T_EQ_INT(reply_feed(&r, "250 y", 5, &e), 1);
	T_EQ_INT(r.nlines, LIMIT_REPLY_LINES);
	/* one more continuation line is not */
	reply_init(&r);
	for (i = 0, rc = 0; i < LIMIT_REPLY_LINES && rc == 0; i++)
		rc = reply_feed(&r, "250-x", 5, &e);
	T_EQ_INT(rc, 0);
	T_EQ_INT(reply_feed(&r, "250 y", 5, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_OK(strstr(e.msg, "too many lines") != NULL, "msg: %s", e.msg);
}

/* n lines whose joined text is exactly `total` bytes */
static int
feed_text(struct reply *r, size_t total, struct err *e)
{
	char line[LIMIT_REPLY_LINE];
	size_t per = 1000, left = total;
	int rc = 0;

	reply_init(r);
	err_clear(e);
	memcpy(line, "250-", 4);
	memset(line + 4, 't', sizeof(line) - 4);
	while (rc == 0) {
		size_t n = left > per ? per : left;

		left -= n;
		line[3] = left == 0 ? ' ' : '-';
		rc = reply_feed(r, line, 4 + n, e);
		if (left == 0)
			break;
		left--;		/* the '\n' joining the next line */
	}
	return rc;
}

static void
test_text_limit(void)
{
	struct reply r;
	struct err e;

	T_EQ_INT(feed_text(&r, LIMIT_REPLY_TEXT - 1, &e), 1);
	T_EQ_INT(r.len, LIMIT_REPLY_TEXT - 1);
	T_EQ_INT(r.text[r.len], '\0');
	T_EQ_INT(feed_text(&r, LIMIT_REPLY_TEXT, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_OK(strstr(e.msg, "text too long") != NULL, "msg: %s", e.msg);
}

/* ---- capabilities ---- */

struct ccase {
	const char		*lines[MAXL];
	unsigned		 flags;
	unsigned		 auth;
	unsigned long long	 size;
};

static const struct ccase ccases[] = {
	{ { "250-mail.example.com Hello [192.0.2.1]", "250-PIPELINING",
	    "250-SIZE 10240000", "250-8BITMIME",
	    "250-AUTH PLAIN LOGIN CRAM-MD5", "250-STARTTLS",
	    "250-ENHANCEDSTATUSCODES", "250-DSN", "250-CHUNKING",
	    "250 SMTPUTF8", NULL },
	    CAP_PIPELINING | CAP_SIZE | CAP_8BITMIME | CAP_AUTH |
	    CAP_STARTTLS | CAP_ENHANCEDSTATUSCODES | CAP_DSN | CAP_CHUNKING |
	    CAP_SMTPUTF8, AUTH_PLAIN | AUTH_LOGIN | AUTH_CRAM_MD5, 10240000 },
	/* RFC 8689 */
	{ { "250-x", "250-REQUIRETLS", "250 smtputf8", NULL },
	    CAP_REQUIRETLS | CAP_SMTPUTF8, 0, 0 },
	{ { "250-x", "250 REQUIRETLSX", NULL }, 0, 0, 0 },
	/* case-insensitive, old AUTH= form */
	{ { "250-x", "250-starttls", "250 auth=login plain", NULL },
	    CAP_STARTTLS | CAP_AUTH, AUTH_LOGIN | AUTH_PLAIN, 0 },
	{ { "250-x", "250-AUTH=LOGIN", "250 AUTH XOAUTH2", NULL },
	    CAP_AUTH, AUTH_LOGIN | AUTH_XOAUTH2, 0 },
	{ { "250-x", "250-AUTH= PLAIN", NULL }, 0, 0, 0 },  /* incomplete */
	{ { "250-x", "250 AUTH= PLAIN", NULL }, CAP_AUTH, AUTH_PLAIN, 0 },
	{ { "250-x", "250 AUTH SCRAM-SHA-1-PLUS SCRAM-SHA-256 OAUTHBEARER "
	    "XOAUTH2 EXTERNAL GSSAPI", NULL },
	    CAP_AUTH, AUTH_SCRAM_SHA_1_PLUS | AUTH_SCRAM_SHA_256 |
	    AUTH_OAUTHBEARER | AUTH_XOAUTH2 | AUTH_EXTERNAL, 0 },
	{ { "250-x", "250 AUTH\tPLAIN  SCRAM-SHA-1\t LOGIN", NULL },
	    CAP_AUTH, AUTH_PLAIN | AUTH_SCRAM_SHA_1 | AUTH_LOGIN, 0 },
	{ { "250-x", "250 AUTH", NULL }, CAP_AUTH, 0, 0 },
	{ { "250-x", "250 AUTHPLAIN", NULL }, 0, 0, 0 },
	/* the greeting line is not a keyword */
	{ { "250 STARTTLS", NULL }, 0, 0, 0 },
	{ { "250-STARTTLS", "250 8BITMIME", NULL }, CAP_8BITMIME, 0, 0 },
	/* near misses */
	{ { "250-x", "250-STARTTLSX", "250-XSTARTTLS", "250- STARTTLS",
	    "250 X PIPELINING", NULL }, 0, 0, 0 },
	{ { "250-x", "250 8BITMIME=yes", NULL }, 0, 0, 0 },
	{ { "250-x", "250 PIPELINING extra", NULL }, CAP_PIPELINING, 0, 0 },
	/* SIZE */
	{ { "250-x", "250 SIZE", NULL }, CAP_SIZE, 0, 0 },
	{ { "250-x", "250 SIZE 0", NULL }, CAP_SIZE, 0, 0 },
	{ { "250-x", "250 SIZE abc", NULL }, CAP_SIZE, 0, 0 },
	{ { "250-x", "250 SIZE 12x", NULL }, CAP_SIZE, 0, 0 },
	{ { "250-x", "250 SIZE -5", NULL }, CAP_SIZE, 0, 0 },
	{ { "250-x", "250 size   52428800  ", NULL }, CAP_SIZE, 0, 52428800 },
	{ { "250-x", "250 SIZE 18446744073709551615", NULL }, CAP_SIZE, 0,
	    ULLONG_MAX },
	{ { "250-x", "250 SIZE 99999999999999999999999", NULL }, CAP_SIZE, 0,
	    ULLONG_MAX },
	/* not a 250 reply, or not complete: nothing */
	{ { "550-x", "550 STARTTLS", NULL }, 0, 0, 0 },
	{ { "220-x", "220 STARTTLS", NULL }, 0, 0, 0 },
	{ { "250-x", "250-STARTTLS", NULL }, 0, 0, 0 },
};

static void
test_caps(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(ccases) / sizeof(ccases[0]); i++) {
		const struct ccase *c = &ccases[i];
		struct reply r;
		struct caps cp;
		struct err e;
		int rc = 0;

		reply_init(&r);
		err_clear(&e);
		for (j = 0; c->lines[j] != NULL && rc == 0; j++)
			rc = reply_feed(&r, c->lines[j], strlen(c->lines[j]),
			    &e);
		T_OK(rc >= 0, "caps case %zu: feed failed: %s", i, e.msg);
		memset(&cp, 0xa5, sizeof(cp));
		reply_caps(&r, &cp);
		T_OK(cp.flags == c->flags, "caps case %zu: flags %#x, "
		    "expected %#x", i, cp.flags, c->flags);
		T_OK(cp.auth == c->auth, "caps case %zu: auth %#x, "
		    "expected %#x", i, cp.auth, c->auth);
		T_OK(cp.size == c->size, "caps case %zu: size %llu, "
		    "expected %llu", i, cp.size, c->size);
	}
}

/* the replies RFC 5321 4.3.2 (and 3207, 4954, 3030) allow per command */
static const struct {
	enum reply_to	to;
	int		code;
	int		ok;
} acases[] = {
	{ REPLY_TO_GREETING, 220, 1 }, { REPLY_TO_GREETING, 250, 0 },
	{ REPLY_TO_GREETING, 554, 1 }, { REPLY_TO_GREETING, 421, 1 },
	{ REPLY_TO_EHLO, 250, 1 }, { REPLY_TO_EHLO, 220, 0 },
	{ REPLY_TO_EHLO, 502, 1 },
	{ REPLY_TO_STARTTLS, 220, 1 }, { REPLY_TO_STARTTLS, 250, 0 },
	{ REPLY_TO_STARTTLS, 454, 1 },
	{ REPLY_TO_AUTH, 235, 1 }, { REPLY_TO_AUTH, 334, 1 },
	{ REPLY_TO_AUTH, 250, 0 }, { REPLY_TO_AUTH, 354, 0 },
	{ REPLY_TO_AUTH, 535, 1 }, { REPLY_TO_AUTH, 454, 1 },
	{ REPLY_TO_MAIL, 250, 1 }, { REPLY_TO_MAIL, 251, 0 },
	{ REPLY_TO_MAIL, 354, 0 }, { REPLY_TO_MAIL, 235, 0 },
	{ REPLY_TO_MAIL, 530, 1 },
	{ REPLY_TO_RCPT, 250, 1 }, { REPLY_TO_RCPT, 251, 1 },
	{ REPLY_TO_RCPT, 354, 0 }, { REPLY_TO_RCPT, 221, 0 },
	{ REPLY_TO_RCPT, 252, 0 }, { REPLY_TO_RCPT, 550, 1 },
	{ REPLY_TO_RCPT, 554, 1 }, { REPLY_TO_RCPT, 452, 1 },
	{ REPLY_TO_DATA, 354, 1 }, { REPLY_TO_DATA, 250, 0 },
	{ REPLY_TO_DATA, 334, 0 }, { REPLY_TO_DATA, 554, 1 },
	{ REPLY_TO_DOT, 250, 1 }, { REPLY_TO_DOT, 354, 0 },
	{ REPLY_TO_DOT, 221, 0 }, { REPLY_TO_DOT, 251, 0 },
	{ REPLY_TO_DOT, 451, 1 }, { REPLY_TO_DOT, 550, 1 },
	{ REPLY_TO_BDAT, 250, 1 }, { REPLY_TO_BDAT, 221, 0 },
	{ REPLY_TO_BDAT, 354, 0 }, { REPLY_TO_BDAT, 552, 1 },
	{ REPLY_TO_RSET, 250, 1 }, { REPLY_TO_RSET, 221, 0 },
	{ REPLY_TO_RSET, 421, 1 }, { REPLY_TO_RSET, 500, 1 },
	{ REPLY_TO_RSET, 504, 1 }, { REPLY_TO_RSET, 451, 0 },
	{ REPLY_TO_RSET, 550, 0 }, { REPLY_TO_RSET, 452, 0 },
	{ REPLY_TO_QUIT, 221, 1 }, { REPLY_TO_QUIT, 250, 0 },
	{ REPLY_TO_QUIT, 451, 0 }, { REPLY_TO_QUIT, 550, 0 },
	/* nothing outside 200..599 */
	{ REPLY_TO_MAIL, 199, 0 }, { REPLY_TO_MAIL, 600, 0 },
	{ REPLY_TO_MAIL, 0, 0 }, { REPLY_TO_DATA, 399, 0 },
};

static void
test_allowed(void)
{
	size_t i;

	for (i = 0; i < sizeof(acases) / sizeof(acases[0]); i++)
		T_OK(reply_allowed(acases[i].to, acases[i].code) ==
		    acases[i].ok, "allowed case %zu: %s %d", i,
		    reply_to_name(acases[i].to), acases[i].code);
	T_OK(strcmp(reply_to_name(REPLY_TO_RCPT), "RCPT") == 0,
	    "name of RCPT");
}

int
main(void)
{
	test_allowed();
	test_table();
	test_nul_and_reply_text();
	test_line_limit();
	test_line_count();
	test_text_limit();
	test_caps();
	return t_done("t_reply");
}
