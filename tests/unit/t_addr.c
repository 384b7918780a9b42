/*
 * t_addr.c - table tests for the RFC 5322 address-list parser and the
 * RFC 5321 envelope path checks (src/addr.c).
 *
 * Each list case gives the exact addresses expected in order, or a piece
 * of the error message that must appear (and then EX_DATAERR and an
 * untouched list).  Each path case gives the bare address expected, or a
 * piece of the error message.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "t.h"

#define MAXW	6

struct lcase {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want[MAXW];	/* expected addresses, NULL-ended */
	const char	*err;		/* expected error text, or NULL */
};

static const struct lcase lcases[] = {
	/* plain forms */
	{ "a@example.com", 0, { "a@example.com" }, NULL },
	{ "John Doe <john@example.com>", 0, { "john@example.com" }, NULL },
	{ "<john@example.com>", 0, { "john@example.com" }, NULL },
	{ "\"Doe, John\" <john@example.com>, jane@example.com", 0,
	  { "john@example.com", "jane@example.com" }, NULL },
	{ "\"a\\\"b, <c>\" <x@example.com>", 0, { "x@example.com" }, NULL },
	{ "\"Smith; Jo: a@b\" <jo@example.com>", 0, { "jo@example.com" },
	  NULL },
	{ "J. Q. Public <jqp@example.com>", 0, { "jqp@example.com" }, NULL },
	{ "=?UTF-8?B?SsO2cmc=?= <joerg@example.com>", 0,
	  { "joerg@example.com" }, NULL },
	{ "J\xc3\xb6rg M\xc3\xbcller <joerg@example.com>", 0,
	  { "joerg@example.com" }, NULL },
	{ "=?utf-8?q?a=2C_b?= <x@example.com>", 0, { "x@example.com" }, NULL },
	/* comments, nested and escaped, anywhere CFWS may be */
	{ "john@example.com (John, the \"boss\" <x@y>)", 0,
	  { "john@example.com" }, NULL },
	{ "(nested (comment (deep)) here) a@b.example", 0,
	  { "a@b.example" }, NULL },
	{ "a(c1)@(c2)example(c3).(c4)com", 0, { "a@example.com" }, NULL },
	{ "a@b.example (with \\) escaped paren) , c@d.example", 0,
	  { "a@b.example", "c@d.example" }, NULL },
	{ "Name (comment) <a@b.example> (trailing)", 0, { "a@b.example" },
	  NULL },
	/* groups */
	{ "Team: a@example.com, B <b@example.com>;", 0,
	  { "a@example.com", "b@example.com" }, NULL },
	{ "undisclosed-recipients:;", 0, { NULL }, NULL },
	{ "Undisclosed recipients:;", 0, { NULL }, NULL },
	{ "undisclosed-recipients:", 0, { NULL }, NULL },
	{ "a@example.com, g1: b@example.com;, c@example.com", 0,
	  { "a@example.com", "b@example.com", "c@example.com" }, NULL },
	{ "team (the A team): a@x.example (Alice);", 0, { "a@x.example" },
	  NULL },
	{ "\"My: Team\": , a@x.example, ;", 0, { "a@x.example" }, NULL },
	/* obsolete empty elements, empty values */
	{ "a@example.com,,b@example.com", 0,
	  { "a@example.com", "b@example.com" }, NULL },
	{ ", ,a@example.com ,", 0, { "a@example.com" }, NULL },
	{ "", 0, { NULL }, NULL },
	{ "  (just a comment)  ", 0, { NULL }, NULL },
	/* folding */
	{ "a@example.com,\r\n b@example.com", 0,
	  { "a@example.com", "b@example.com" }, NULL },
	{ "John\r\n\tDoe <j@example.com>", 0, { "j@example.com" }, NULL },
	{ "\"Doe,\r\n John\" <j@example.com>", 0, { "j@example.com" }, NULL },
	{ "a@example.com\r\n", 0, { "a@example.com" }, NULL },
	{ " a@example.com,\n b@example.com", 0,
	  { "a@example.com", "b@example.com" }, NULL },
	/* route-addr with an obsolete source route */
	{ "<@relay1.example,@relay2.example:user@example.com>", 0,
	  { "user@example.com" }, NULL },
	{ "Name <,@relay.example:user@example.com>", 0,
	  { "user@example.com" }, NULL },
	/* local parts: canonical form */
	{ "\"john.doe\"@example.com", 0, { "john.doe@example.com" }, NULL },
	{ "\"john doe\"@example.com", 0, { "\"john doe\"@example.com" }, NULL },
	{ "\"a\\\\b\"@example.com", 0, { "\"a\\\\b\"@example.com" }, NULL },
	{ "\"a\\\"b\"@example.com", 0, { "\"a\\\"b\"@example.com" }, NULL },
	{ "\"a..b\"@example.com", 0, { "\"a..b\"@example.com" }, NULL },
	{ "\"\"@example.com", 0, { "\"\"@example.com" }, NULL },
	{ "john . doe @ example . com", 0, { "john.doe@example.com" }, NULL },
	{ "\"john\".doe@example.com", 0, { "john.doe@example.com" }, NULL },
	{ "user@[192.0.2.1]", 0, { "user@[192.0.2.1]" }, NULL },
	{ "user@[IPv6:2001:db8::1]", 0, { "user@[IPv6:2001:db8::1]" }, NULL },
	{ "r\xc3\xa9sum\xc3\xa9@exa\xcc\x81mple.com", 0,
	  { "r\xc3\xa9sum\xc3\xa9@exa\xcc\x81mple.com" }, NULL },
	/* unqualified addresses (sendmail's local users) */
	{ "root", 0, { "root" }, NULL },
	{ "<root>", 0, { "root" }, NULL },
	{ "root, postmaster", 0, { "root", "postmaster" }, NULL },
	{ "first.last", 0, { "first.last" }, NULL },
	/* duplicates, case-insensitively, first spelling kept */
	{ "A@Example.com, a@example.COM, <a@EXAMPLE.com>", 0,
	  { "A@Example.com" }, NULL },
	{ "g: a@x.example;, h: a@x.example, b@x.example;", 0,
	  { "a@x.example", "b@x.example" }, NULL },
	{ "\"a\"@x.example, a@x.example", 0, { "a@x.example" }, NULL },

	/* errors: unbalanced and unterminated */
	{ "John <john@example.com", 0, { NULL }, "unbalanced '<'" },
	{ "<a@b.example", 0, { NULL }, "unbalanced '<'" },
	{ "<", 0, { NULL }, "unbalanced '<'" },
	{ "john@example.com>", 0, { NULL }, "unbalanced '>'" },
	{ "\"unterminated@example.com", 0, { NULL },
	  "unterminated quoted string" },
	{ "\"ends with backslash\\", 0, { NULL },
	  "unterminated quoted string" },
	{ "a@example.com (oops", 0, { NULL }, "unterminated comment" },
	{ "a@example.com (a (b)", 0, { NULL }, "unterminated comment" },
	{ "a@example.com)", 0, { NULL }, "unbalanced ')'" },
	{ "a@[192.0.2.1", 0, { NULL }, "unterminated domain literal" },
	{ "a@ex]ample", 0, { NULL }, "unbalanced ']'" },
	{ "a@[1[2]", 0, { NULL }, "'[' inside a domain literal" },
	/* errors: hostile bytes, header injection */
	{ "a@b.example\0evil@x.example", 25, { NULL }, "NUL byte" },
	{ "\"a\0b\"@x.example", 15, { NULL }, "NUL byte in quoted string" },
	{ "a@example.com\r\nBcc: evil@example.com", 0, { NULL },
	  "line break without folding whitespace" },
	{ "a@example.com\nb@example.com", 0, { NULL },
	  "line break without folding whitespace" },
	{ "a@exam\rple.com", 0, { NULL }, "line break" },
	{ "\"a\r\nb\"@example.com", 0, { NULL },
	  "line break without folding whitespace in quoted string" },
	{ "a\x1b[31m@example.com", 0, { NULL }, "control character 0x1b" },
	{ "Evil (\x07) <a@example.com>", 0, { NULL },
	  "control character 0x07 in comment" },
	{ "\"a\tb\"@example.com", 0, { NULL }, "control character 0x09" },
	{ "\"a\\\tb\"@example.com", 0, { NULL }, "control character 0x09" },
	{ "a\x7f@example.com", 0, { NULL }, "control character 0x7f" },
	/* errors: structure */
	{ "John Smith", 0, { NULL }, "'John Smith' is not an address" },
	{ "\"Jo\"", 0, { NULL }, "'\"Jo\"' is not an address" },
	{ "John Smith@example.com", 0, { NULL },
	  "expected '@' or '.' in address, found 'Smith'" },
	{ "\"a\"b@example.com", 0, { NULL }, "expected '@' or '.'" },
	{ "a@b@c.example", 0, { NULL }, "more than one '@'" },
	{ "a@", 0, { NULL }, "empty domain after '@'" },
	{ "a@,b@c.example", 0, { NULL }, "expected a domain after '@'" },
	{ "@example.com", 0, { NULL }, "expected an address, found '@'" },
	{ "a..b@example.com", 0, { NULL }, "misplaced '.'" },
	{ "a.@example.com", 0, { NULL }, "misplaced '.'" },
	{ ".a@example.com", 0, { NULL }, "misplaced '.'" },
	{ "a@example..com", 0, { NULL }, "misplaced '.' in domain" },
	{ "a@example.com.", 0, { NULL }, "misplaced '.' in domain" },
	{ "g: h: a@b.example;;", 0, { NULL }, "group inside a group" },
	{ ": a@b.example;", 0, { NULL }, "missing group name" },
	{ "a@b.example; c@d.example", 0, { NULL }, "';' outside a group" },
	{ "a@example.com b@example.com", 0, { NULL },
	  "expected ',' between addresses, found 'b'" },
	{ "<>", 0, { NULL }, "empty address '<>'" },
	{ "Name <>", 0, { NULL }, "empty address '<>'" },
	{ "x@example.com <y@example.com>", 0, { NULL }, "unexpected '<'" },
	{ "Name <a@b.example> junk", 0, { NULL },
	  "expected ',' between addresses, found 'junk'" },
	{ "Name <a@b.example c>", 0, { NULL },
	  "expected '>' after the address, found 'c'" },
	{ "<@relay.example user@example.com>", 0, { NULL },
	  "expected ':' after the source route" },
	{ "a\\b@example.com", 0, { NULL }, "'\\' outside a quoted string" },
	{ "<\"x\"@[]>", 0, { NULL }, "empty domain literal" },
	{ "a@exa!mple.com", 0, { NULL }, "invalid character '!' in domain" },
	{ "a@[192.0.2.1 ]", 0, { NULL }, "unquoted space" },
	{ "Name <a@b.example>, <c", 0, { NULL }, "unbalanced '<'" },
};

static void
test_list_case(const struct lcase *c)
{
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t len = c->len ? c->len : strlen(c->in), n = 0, i;
	int rc;

	err_clear(&e);
	rc = addr_list_parse(c->in, len, &l, &e);
	while (n < MAXW && c->want[n] != NULL)
		n++;
	if (c->err != NULL) {
		T_OK(rc == -1, "[%s] parsed, expected error '%s'", c->in,
		    c->err);
		T_OK(e.code == EX_DATAERR, "[%s] code %d", c->in, e.code);
		T_OK(strstr(e.msg, c->err) != NULL, "[%s] error '%s', "
		    "expected '%s'", c->in, e.msg, c->err);
		T_EQ_INT(l.n, 0);
	} else {
		T_OK(rc == 0, "[%s] failed: %s", c->in, e.msg);
		T_OK(l.n == n, "[%s] %zu addresses, expected %zu", c->in,
		    l.n, n);
		for (i = 0; i < n && i < l.n; i++)
			T_OK(strcmp(l.v[i], c->want[i]) == 0, "[%s] #%zu is "
			    "'%s', expected '%s'", c->in, i, l.v[i],
			    c->want[i]);
	}
	/* whatever the parser accepts is a valid envelope address */
	for (i = 0; i < l.n; i++) {
		char out[LIMIT_ADDR + 1];

		T_OK(addr_path_check(l.v[i], strlen(l.v[i]), 0, out,
		    sizeof(out), &e) == 0 && strcmp(out, l.v[i]) == 0,
		    "[%s] '%s' fails the path check: %s", c->in, l.v[i],
		    e.msg);
	}
	addr_list_free(&l);
}

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
	    "j\xc3\xb6rg@ex\xc3\xa4mple.de",
	  NULL },
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
	rc = addr_path_check(c->in, len, c->allow_null, out, sizeof(out), &e);
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

/* limits: LIMIT_ADDR for paths and list entries, LIMIT_RCPTS entries */
static void
test_limits(void)
{
	char big[LIMIT_ADDR + 64], out[LIMIT_ADDR + 1], small[8];
	struct addr_list l = { NULL, 0 };
	struct err e;
	char *many, *p;
	size_t i;

	/* exactly LIMIT_ADDR bytes: accepted; one more: refused */
	memset(big, 'a', LIMIT_ADDR);
	memcpy(big + LIMIT_ADDR - 12, "@example.com", 12);
	T_EQ_INT(addr_path_check(big, LIMIT_ADDR, 0, out, sizeof(out), &e), 0);
	T_EQ_INT(strlen(out), LIMIT_ADDR);
	memset(big, 'a', LIMIT_ADDR + 1);
	memcpy(big + LIMIT_ADDR + 1 - 12, "@example.com", 12);
	T_EQ_INT(addr_path_check(big, LIMIT_ADDR + 1, 0, out, sizeof(out),
	    &e), -1);
	T_OK(strstr(e.msg, "longer than 512 bytes") != NULL, "%s", e.msg);
	/* output buffer too small: refused, never truncated */
	T_EQ_INT(addr_path_check("a@example.com", 13, 0, small, sizeof(small),
	    &e), -1);
	T_EQ_INT(e.code, EX_SOFTWARE);

	/* in a list: an over-long address is an error naming the limit */
	T_EQ_INT(addr_list_parse(big, LIMIT_ADDR + 1, &l, &e), -1);
	T_OK(strstr(e.msg, "longer than 512 bytes") != NULL, "%s", e.msg);
	T_EQ_INT(addr_list_parse(big, LIMIT_ADDR, &l, &e), 0);
	T_EQ_INT(l.n, 1);
	addr_list_free(&l);

	/* LIMIT_RCPTS distinct addresses pass, one more fails */
	many = xmalloc((LIMIT_RCPTS + 1) * 24);
	for (p = many, i = 0; i <= LIMIT_RCPTS; i++)
		p += snprintf(p, 24, "u%zu@x.example,", i);
	p[-1] = '\0';
	T_EQ_INT(addr_list_parse(many, strlen(many), &l, &e), -1);
	T_OK(strstr(e.msg, "more than 4096 recipients") != NULL, "%s", e.msg);
	T_EQ_INT(l.n, 0);
	p = strrchr(many, ',');
	*p = '\0';
	T_EQ_INT(addr_list_parse(many, strlen(many), &l, &e), 0);
	T_EQ_INT(l.n, LIMIT_RCPTS);
	addr_list_free(&l);
	free(many);
}

/* the list helpers and accumulation over several calls */
static void
test_list_api(void)
{
	struct addr_list l = { NULL, 0 };
	struct err e;

	addr_list_add(&l, "arg@example.com");
	addr_list_add(&l, "ARG@example.com");
	T_EQ_INT(l.n, 1);
	T_OK(addr_list_has(&l, "Arg@Example.Com"), "has, any case");
	T_OK(!addr_list_has(&l, "arg@example.co"), "has, prefix is not");
	T_EQ_INT(addr_list_parse("To <arg@example.com>, b@example.com", 35,
	    &l, &e), 0);
	T_EQ_INT(l.n, 2);
	T_EQ_STR(l.v[1], "b@example.com");
	/* a failed parse leaves earlier entries alone and adds nothing */
	T_EQ_INT(addr_list_parse("c@example.com, <d@example.com", 28, &l,
	    &e), -1);
	T_EQ_INT(l.n, 2);
	T_OK(!addr_list_has(&l, "c@example.com"), "rolled back");
	addr_list_free(&l);
	T_EQ_INT(l.n, 0);
	T_OK(l.v == NULL, "freed");
	/* a length shorter than the string: the rest is not read */
	T_EQ_INT(addr_list_parse("a@b.example, c@d.example", 11, &l, &e), 0);
	T_EQ_INT(l.n, 1);
	T_EQ_STR(l.v[0], "a@b.example");
	addr_list_free(&l);
}

static void
test_domain(void)
{
	T_EQ_STR(addr_domain("a@b.example"), "b.example");
	T_EQ_STR(addr_domain("\"x@y\"@z.example"), "z.example");
	T_EQ_STR(addr_domain("\"a\\\"@b\"@c.example"), "c.example");
	T_EQ_STR(addr_domain("a@[192.0.2.1]"), "[192.0.2.1]");
	T_OK(addr_domain("\"x@y\"") == NULL, "quoted @ only");
	T_OK(addr_domain("root") == NULL, "unqualified");
	T_OK(addr_domain("a@") == NULL, "empty domain");
	T_OK(addr_domain("") == NULL, "empty");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++)
		test_list_case(&lcases[i]);
	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++)
		test_path_case(&pcases[i]);
	test_limits();
	test_list_api();
	test_domain();
	return t_done("t_addr");
}
