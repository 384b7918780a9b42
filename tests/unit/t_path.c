/* SPDX-License-Identifier: ISC */
/*
 * t_path.c - table tests for the RFC 5321 envelope path checks
 * (src/path.c): each case gives the bare address expected, or a piece of
 * the error message (then EX_USAGE, no raw control bytes); the LIMIT_ADDR
 * bound; path_domain.
 */
#include <string.h>

#include "path.h"
#include "t.h"

struct pcase {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	int		 allow_null;
	const char	*want;		/* bare address, or NULL */
	const char	*err;		/* expected error text */
};

static const struct pcase pcases[] = {
	{ "user@example.com", 0, 0, "user@example.com", NULL },
	{ "<user@example.com>", 0, 0, "user@example.com", NULL },
	{ "root", 0, 0, "root", NULL },
	{ "<root>", 0, 0, "root", NULL },
	{ "first.last+tag@sub.example.co.uk", 0, 0,
	  "first.last+tag@sub.example.co.uk", NULL },
	{ "\"john doe\"@example.com", 0, 0, "\"john doe\"@example.com", NULL },
	{ "\"a\\\"b\"@example.com", 0, 0, "\"a\\\"b\"@example.com", NULL },
	{ "\"a@b\"@example.com", 0, 0, "\"a@b\"@example.com", NULL },
	{ "a@[192.0.2.1]", 0, 0, "a@[192.0.2.1]", NULL },
	{ "j\xc3\xb6rg@ex\xc3\xa4mple.de", 0, 0,
	  "j\xc3\xb6rg@ex\xc3\xa4mple.de", NULL },
	{ "a_b@under_score.example", 0, 0, "a_b@under_score.example", NULL },
	{ "", 0, 1, "", NULL },
	{ "<>", 0, 1, "", NULL },
	{ "", 0, 0, NULL, "empty address" },
	{ "<>", 0, 0, NULL, "null sender is not allowed" },
	{ "john doe@example.com", 0, 0, NULL, "unquoted space" },
	{ " a@example.com", 0, 0, NULL, "unquoted space" },
	{ "a@example.com ", 0, 0, NULL, "unquoted space" },
	{ "a@b c.example", 0, 0, NULL, "unquoted space" },
	{ "a@b.example\r\nRCPT TO:<x@y.example>", 0, 0, NULL,
	  "carriage return" },
	{ "a@b.example\nDATA", 0, 0, NULL, "line feed" },
	{ "\"a\r\nb\"@example.com", 0, 0, NULL, "carriage return" },
	{ "a\0b@example.com", 15, 0, NULL, "NUL byte" },
	{ "a\x1b[31m@example.com", 0, 0, NULL, "control character 0x1b" },
	{ "a@example.com\t", 0, 0, NULL, "control character 0x09" },
	{ "a\x7f@example.com", 0, 0, NULL, "control character 0x7f" },
	{ "<a@example.com", 0, 0, NULL, "unbalanced '<'" },
	{ "<", 0, 1, NULL, "unbalanced '<'" },
	{ "a@example.com>", 0, 0, NULL, "unbalanced '>'" },
	{ "<<a@example.com>>", 0, 0, NULL, "unbalanced '<'" },
	{ "a<b@example.com", 0, 0, NULL, "unbalanced '<'" },
	{ "<a@example.com>>", 0, 0, NULL, "unbalanced '>'" },
	{ "a@", 0, 0, NULL, "empty domain after '@'" },
	{ "@example.com", 0, 0, NULL, "empty local part" },
	{ "<@relay.example:a@example.com>", 0, 0, NULL, "empty local part" },
	{ "a@b@example.com", 0, 0, NULL, "more than one '@'" },
	{ "a..b@example.com", 0, 0, NULL, "misplaced '.' in local part" },
	{ ".a@example.com", 0, 0, NULL, "misplaced '.' in local part" },
	{ "a@example..com", 0, 0, NULL, "misplaced '.' in domain" },
	{ "a@.example.com", 0, 0, NULL, "misplaced '.' in domain" },
	{ "\"unterminated@example.com", 0, 0, NULL, "unterminated quoted" },
	{ "\"a\\\"@example.com", 0, 0, NULL, "unterminated quoted" },
	{ "\"a\"b@example.com", 0, 0, NULL, "text after the quoted local" },
	{ "a\"b\"@example.com", 0, 0, NULL, "misplaced '\"'" },
	{ "a@[]", 0, 0, NULL, "empty domain literal" },
	{ "a@[192.0.2.1", 0, 0, NULL, "unterminated domain literal" },
	{ "a@[1\\]", 0, 0, NULL, "invalid character '\\' in domain literal" },
	{ "a,b@example.com", 0, 0, NULL, "invalid character ',' in local" },
	{ "a@b,example.com", 0, 0, NULL, "invalid character ',' in domain" },
	{ "a(x)@example.com", 0, 0, NULL, "invalid character '(' in local" },
	{ "a@exa!mple.com", 0, 0, NULL, "invalid character '!' in domain" },
};

static void
test_path_case(const struct pcase *c)
{
	char out[LIMIT_ADDR + 1];
	struct err e;
	size_t len = c->len ? c->len : strlen(c->in);
	int rc;

	err_clear(&e);
	memset(out, 'X', sizeof(out));
	rc = path_check(c->in, len, c->allow_null, out, sizeof(out), &e);
	if (c->want != NULL) {
		T_OK(rc == 0, "path [%s] refused: %s", c->in, e.msg);
		if (rc == 0)
			T_EQ_STR(out, c->want);
	} else {
		T_OK(rc == -1, "path [%s] accepted, expected '%s'", c->in,
		    c->err);
		T_EQ_INT(e.code, EX_USAGE);
		T_OK(strstr(e.msg, c->err) != NULL, "path [%s] error '%s', "
		    "expected '%s'", c->in, e.msg, c->err);
		/* the message never carries the raw control bytes */
		T_OK(strpbrk(e.msg, "\r\n\x1b\x07") == NULL, "raw bytes in "
		    "'%s'", e.msg);
	}
}

/* exactly LIMIT_ADDR bytes: accepted; one more: refused */
static void
test_limits(void)
{
	char big[LIMIT_ADDR + 64], out[LIMIT_ADDR + 1], small[8];
	struct err e;

	memset(big, 'a', LIMIT_ADDR);
	memcpy(big + LIMIT_ADDR - 12, "@example.com", 12);
	T_EQ_INT(path_check(big, LIMIT_ADDR, 0, out, sizeof(out), &e), 0);
	T_EQ_INT(strlen(out), LIMIT_ADDR);
	memset(big, 'a', LIMIT_ADDR + 1);
	memcpy(big + LIMIT_ADDR + 1 - 12, "@example.com", 12);
	T_EQ_INT(path_check(big, LIMIT_ADDR + 1, 0, out, sizeof(out),
	    &e), -1);
	T_OK(strstr(e.msg, "longer than 512 bytes") != NULL, "%s", e.msg);
	/* output buffer too small: refused, never truncated */
	T_EQ_INT(path_check("a@example.com", 13, 0, small, sizeof(small),
	    &e), -1);
	T_EQ_INT(e.code, EX_SOFTWARE);
}

static void
test_domain(void)
{
	T_EQ_STR(path_domain("a@b.example"), "b.example");
	T_EQ_STR(path_domain("\"x@y\"@z.example"), "z.example");
	T_EQ_STR(path_domain("\"a\\\"@b\"@c.example"), "c.example");
	T_EQ_STR(path_domain("a@[192.0.2.1]"), "[192.0.2.1]");
	T_OK(path_domain("\"x@y\"") == NULL, "quoted @ only");
	T_OK(path_domain("root") == NULL, "unqualified");
	T_OK(path_domain("a@") == NULL, "empty domain");
	T_OK(path_domain("") == NULL, "empty");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++)
		test_path_case(&pcases[i]);
	test_limits();
	test_domain();
	return t_done("t_path");
}
