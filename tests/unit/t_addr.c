/* SPDX-License-Identifier: ISC */
/*
 * t_addr.c - table tests for the RFC 5322 address-list parser (src/addr.c);
 * every address it returns must pass the RFC 5321 path checks (t_path.c).
 *
 * Each list case gives the exact addresses expected in order, or a piece
 * of the error message that must appear (and then EX_DATAERR and an
 * untouched list).
 *
 * Golden files (t.h's t_golden): tests/unit/data/addr/NAME.in is a header
 * field's value, byte for byte (no newline added at the end), parsed as
 * an address list; NAME.out is "ok N" and the N addresses, one a line, or
 * "error CODE: MESSAGE".  The rfc5322-* cases are the examples of RFC 5322
 * Appendix A, with the addresses the RFC gives.  The .in files are also
 * fuzz_addr's seeds (tests/fuzz/run.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "path.h"
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

		T_OK(path_check(l.v[i], strlen(l.v[i]), 0, out,
		    sizeof(out), &e) == 0 && strcmp(out, l.v[i]) == 0,
		    "[%s] '%s' fails the path check: %s", c->in, l.v[i],
		    e.msg);
	}
	addr_list_free(&l);
}

/* limits: LIMIT_ADDR for list entries, LIMIT_RCPTS entries */
static void
test_limits(void)
{
	char big[LIMIT_ADDR + 64];
	struct addr_list l = { NULL, 0 };
	struct err e;
	char *many, *p;
	size_t i;

	/* in a list: an over-long address is an error naming the limit */
	memset(big, 'a', LIMIT_ADDR + 1);
	memcpy(big + LIMIT_ADDR + 1 - 12, "@example.com", 12);
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

/* golden files: the parse of a header value as the canonical dump */
static void
dump_list(const char *in, size_t len, FILE *f)
{
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t i;

	err_clear(&e);
	if (addr_list_parse(in, len, &l, &e) == -1) {
		fprintf(f, "error %d: %s\n", e.code, e.msg);
		addr_list_free(&l);
		return;
	}
	fprintf(f, "ok %zu\n", l.n);
	for (i = 0; i < l.n; i++) {
		t_put_escaped(f, l.v[i], strlen(l.v[i]));
		fputc('\n', f);
	}
	addr_list_free(&l);
}

/* ---- addr_list_walk: the parts of each mailbox ------------------------ */

struct wcase {
	const char	*in;
	const char	*want;	/* per mailbox "addr|m|d|a|c;", the spans'
				   text; NULL: error */
};

static const struct wcase wcases[] = {
	{ "root", "root|root||root|;" },
	{ " root (Cron Daemon)", "root|root||root| (Cron Daemon);" },
	{ "Cron Daemon <root>", "root|Cron Daemon <root>|Cron Daemon|root|;" },
	{ "\"A, B\" <a@b.example> (x), c@d.example",
	  "a@b.example|\"A, B\" <a@b.example>|\"A, B\"|a@b.example| (x);"
	  "c@d.example|c@d.example||c@d.example|;" },
	{ "team: x, x;", "x|x||x|;x|x||x|;" },
	{ "<@r.example:u@v.example>",
	  "u@v.example|<@r.example:u@v.example>||u@v.example|;" },
	{ "a <b", NULL },
};

struct wout {
	const char	*v;
	char		 out[512];
};

static int
walk_fn(void *ctx, const struct addr_mbox *m, struct err *e)
{
	struct wout *w = ctx;
	const char *v = w->v;
	size_t n = strlen(w->out);

	(void)e;
	snprintf(w->out + n, sizeof(w->out) - n, "%s|%.*s|%.*s|%.*s|%.*s;",
	    m->addr, (int)(m->m1 - m->m0), v + m->m0,
	    (int)(m->d1 - m->d0), v + m->d0, (int)(m->a1 - m->a0), v + m->a0,
	    (int)(m->c1 - m->c0), v + m->c0);
	return 0;
}

static int
stop_fn(void *ctx, const struct addr_mbox *m, struct err *e)
{
	(void)ctx;
	(void)m;
	return err_set(e, EX_USAGE, "stopped");
}

static void
test_walk(void)
{
	struct wout w;
	struct err e;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(wcases) / sizeof(wcases[0]); i++) {
		memset(&w, 0, sizeof(w));
		w.v = wcases[i].in;
		err_clear(&e);
		rc = addr_list_walk(w.v, strlen(w.v), walk_fn, &w, &e);
		if (wcases[i].want == NULL) {
			T_OK(rc == -1 && e.code == EX_DATAERR, "walk [%s] "
			    "must fail", wcases[i].in);
			continue;
		}
		T_OK(rc == 0, "walk [%s]: %s", wcases[i].in, e.msg);
		T_EQ_STR(w.out, wcases[i].want);
	}
	err_clear(&e);
	T_EQ_INT(addr_list_walk("a@b.example", 11, stop_fn, NULL, &e), -1);
	T_EQ_STR(e.msg, "stopped");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++)
		test_list_case(&lcases[i]);
	test_limits();
	test_list_api();
	test_walk();
	t_golden("tests/unit/data/addr", dump_list);
	return t_done("t_addr");
}
