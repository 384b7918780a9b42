/* SPDX-License-Identifier: ISC */
/*
 * t_alias.c - the aliases file parser and the recursive expansion
 * (src/alias.c): file forms, every parse error, default:, loops and
 * self references, qualification of bare names, limits.
 */
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "t.h"

#define MAXW	8

/* parse cases: text -> number of entries, or an error text */
struct pcase {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	long		 n;		/* entries expected */
	const char	*err;		/* expected error message, or NULL */
};

static const struct pcase pcases[] = {
	{ "", 0, 0, NULL },
	{ "# only a comment\n\n   \n", 0, 0, NULL },
	{ "root: a@example.org\n", 0, 1, NULL },
	{ "root: a@example.org", 0, 1, NULL },
	{ "root:a@example.org,b@example.org\r\n", 0, 1, NULL },
	{ "root : a@example.org # admin\npm: root\n", 0, 2, NULL },
	{ "team: a@example.org,\n  b@example.org,\n\tc@example.org\n", 0, 1,
	  NULL },
	{ "r: Alice Doe <a@example.org>, \"Doe, Bob\" <b@example.org>\n", 0, 1,
	  NULL },
	{ "root: a@x.example\nROOT: b@x.example\n", 0, 1, NULL },
	{ "a@b: c@d\n", 0, 0, "al:1: bad alias name 'a@b'" },
	{ ": c@d\n", 0, 0, "al:1: bad alias name ''" },
	{ "my name: c@d\n", 0, 0, "al:1: bad alias name 'my name'" },
	{ "\xc4P\r:", 0, 0, "al:1: bad alias name '\\xc4P\\r'" },
	{ "root a@b\n", 0, 0, "al:1: missing ':' after the alias name" },
	{ "ok: a@b\nroot:\n", 0, 0, "al:2: alias 'root' has no addresses" },
	{ "root: # nothing\n", 0, 0, "al:1: alias 'root' has no addresses" },
	{ "  x@y\n", 0, 0,
	    "al:1: continuation line without an alias before it" },
	{ "log: |/usr/bin/logger\n", 0, 0,
	  "al:1: alias 'log': '|/usr/bin/logger': pipes and files cannot be "
	  "relayed" },
	{ "f: /var/log/mail\n", 0, 0,
	  "al:1: alias 'f': '/var/log/mail': pipes and files cannot be "
	  "relayed" },
	{ "i: :include:/etc/list\n", 0, 0,
	    "al:1: ':include:' is not supported" },
	{ "u: <a@b\n", 0, 0, "al:1: alias 'u': " },
	{ "n: a@b\0\n", 7, 0, "al: NUL byte in the aliases file" },
};

/* expansion cases over one table */
static const char table[] =
    "# test table\n"
    "root: alice@example.org, postmaster\n"
    "postmaster: ops@example.org\n"
    "self: self, s@example.org\n"
    "loopa: loopb\n"
    "loopb: loopa, lb@example.org\n"
    "team: alice@example.org, Root, bob\n"
    "Mixed: m@example.org\n"
    "nobody2: nobody\n";

struct xcase {
	const char	*in[4];
	const char	*domain;
	const char	*want[MAXW];
	const char	*err;
	int		 with_default;
	const char	*admin;		/* admin_address (or from) */
};

static const struct xcase xcases[] = {
	{ { "bob@example.net" }, "d.example", { "bob@example.net" }, NULL, 0,
	  NULL },
	/* full addresses are never looked up, even if the local part is */
	{ { "root@example.net" }, NULL, { "root@example.net" }, NULL, 0, NULL },
	{ { "root" }, NULL, { "alice@example.org", "ops@example.org" },
	  NULL, 0, NULL },
	{ { "ROOT" }, NULL, { "alice@example.org", "ops@example.org" },
	  NULL, 0, NULL },
	{ { "mixed" }, NULL, { "m@example.org" }, NULL, 0, NULL },
	/* recursion, duplicates once */
	{ { "team", "root" }, "d.example",
	  { "alice@example.org", "ops@example.org", "bob@d.example" },
	  NULL, 0, NULL },
	/* self reference and loops: literal, qualified */
	{ { "self" }, "d.example", { "self@d.example", "s@example.org" },
	  NULL, 0, NULL },
	{ { "loopa" }, "d.example", { "loopa@d.example", "lb@example.org" },
	  NULL, 0, NULL },
	/* unknown bare name: qualified, or an error without a domain */
	{ { "carol" }, "d.example", { "carol@d.example" }, NULL, 0, NULL },
	{ { "carol" }, NULL, { NULL },
	  "recipient 'carol' has no domain: set maildomain or admin_address "
	  "in the account, or give a full address", 0, NULL },
	{ { "carol" }, "", { NULL },
	  "recipient 'carol' has no domain: set maildomain or admin_address "
	  "in the account, or give a full address", 0, NULL },
	/* no domain: the admin address takes every bare name left, once */
	{ { "carol", "www-data" }, NULL, { "adm@example.org" }, NULL, 0,
	  "adm@example.org" },
	{ { "carol", "root" }, "", { "adm@example.org", "alice@example.org",
	    "ops@example.org" }, NULL, 0, "adm@example.org" },
	/* an alias still wins, a domain still qualifies (never the admin) */
	{ { "mixed", "carol" }, "d.example", { "m@example.org",
	    "carol@d.example" }, NULL, 0, "adm@example.org" },
	/* a self-reference with no domain ends at the admin address */
	{ { "self" }, NULL, { "adm@example.org", "s@example.org" }, NULL, 0,
	  "adm@example.org" },
	{ { "carol" }, "bad domain", { NULL },
	  "recipient 'carol' qualified with 'bad domain': ", 0, NULL },
	/* default: catches every unknown name, once */
	{ { "carol" }, "d.example", { "catch@example.org" }, NULL, 1, NULL },
	{ { "nobody2", "root" }, "d.example",
	  { "catch@example.org", "alice@example.org", "ops@example.org" },
	  NULL, 1, NULL },
	{ { "a@b.example", "zed" }, NULL, { "a@b.example",
	    "catch@example.org" },
	  NULL, 1, NULL },
};

static void
run_pcase(const struct pcase *c, size_t len)
{
	struct alias_tab t;
	struct err e;
	int rc;

	err_clear(&e);
	rc = alias_parse(c->in, len, "al", &t, &e);
	if (c->err == NULL) {
		T_OK(rc == 0, "parse '%s': %s", c->in, e.msg);
		T_EQ_INT((long)t.n, c->n);
	} else {
		T_OK(rc == -1, "parse '%s' must fail", c->in);
		T_EQ_INT(e.code, EX_CONFIG);
		T_OK(strncmp(e.msg, c->err, strlen(c->err)) == 0,
		    "parse '%s': got '%s', want '%s'", c->in, e.msg, c->err);
		T_EQ_INT((long)t.n, 0);
	}
	alias_free(&t);
}

static void
run_xcase(const struct alias_tab *t, const struct xcase *c)
{
	struct alias_local loc;
	struct addr_list in = { NULL, 0 }, out = { NULL, 0 };
	struct err e;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < 4 && c->in[i] != NULL; i++)
		addr_list_add(&in, c->in[i]);
	while (n < MAXW && c->want[n] != NULL)
		n++;
	err_clear(&e);
	loc.tab = t;
	loc.domain = c->domain;
	loc.admin = c->admin;
	rc = alias_expand(&loc, &in, &out, &e);
	if (c->err == NULL) {
		T_OK(rc == 0, "expand '%s': %s", c->in[0], e.msg);
		T_EQ_INT((long)out.n, (long)n);
		for (i = 0; i < n && i < out.n; i++)
			T_EQ_STR(out.v[i], c->want[i]);
	} else {
		T_OK(rc == -1, "expand '%s' must fail", c->in[0]);
		T_EQ_INT(e.code, EX_USAGE);
		T_OK(strncmp(e.msg, c->err, strlen(c->err)) == 0,
		    "expand '%s': got '%s', want '%s'", c->in[0], e.msg,
		    c->err);
	}
	addr_list_free(&in);
	addr_list_free(&out);
}

/* a chain deeper than LIMIT_ALIAS_DEPTH, and an exponential fan-out */
static void
limits(void)
{
	char buf[8192], *p = buf;
	struct alias_tab t;
	struct addr_list in = { NULL, 0 }, out = { NULL, 0 };
	struct alias_local loc = { NULL, "d.example", NULL };
	struct err e;
	int i;

	for (i = 0; i < LIMIT_ALIAS_DEPTH + 5; i++)
		p += snprintf(p, sizeof(buf) - (size_t)(p - buf),
		    "a%d: a%d\n", i, i + 1);
	T_EQ_INT(alias_parse(buf, strlen(buf), "deep", &t, &e), 0);
	addr_list_add(&in, "a0");
	loc.tab = &t;
	T_EQ_INT(alias_expand(&loc, &in, &out, &e), -1);
	T_EQ_INT(e.code, EX_CONFIG);
	T_OK(strstr(e.msg, "nested more than") != NULL, "%s", e.msg);
	alias_free(&t);
	addr_list_free(&out);

	/* f0_0 -> f1_0..f1_3 -> ... : 4^20 lookups without the step limit */
	p = buf;
	for (i = 0; i < 4 * 20; i++)
		p += snprintf(p, sizeof(buf) - (size_t)(p - buf),
		    "f%d_%d: f%d_0, f%d_1, f%d_2, f%d_3\n", i / 4, i % 4,
		    i / 4 + 1, i / 4 + 1, i / 4 + 1, i / 4 + 1);
	T_EQ_INT(alias_parse(buf, strlen(buf), "fan", &t, &e), 0);
	addr_list_free(&in);
	addr_list_add(&in, "f0_0");
	loc.tab = &t;
	T_EQ_INT(alias_expand(&loc, &in, &out, &e), -1);
	T_OK(strstr(e.msg, "more than 100000 steps") != NULL, "%s", e.msg);
	alias_free(&t);
	addr_list_free(&in);
	addr_list_free(&out);
}

/* alias_resolve: one name, as the header rewriting asks */
static void
resolve_one(const struct alias_tab *t)
{
	struct alias_local loc = { NULL, NULL, "adm@example.org" };
	struct addr_list out = { NULL, 0 };
	struct err e;

	loc.tab = t;
	err_clear(&e);
	T_EQ_INT(alias_resolve(&loc, "root", &out, &e), 0);
	T_EQ_INT((long)out.n, 2);
	T_EQ_STR(out.v[0], "alice@example.org");
	addr_list_free(&out);
	T_EQ_INT(alias_resolve(&loc, "cron", &out, &e), 0);
	T_EQ_INT((long)out.n, 1);
	T_EQ_STR(out.v[0], "adm@example.org");
	addr_list_free(&out);
	loc.admin = NULL;
	T_EQ_INT(alias_resolve(&loc, "cron", &out, &e), -1);
	T_EQ_INT(e.code, EX_USAGE);
	addr_list_free(&out);
}

static void
duplicates(void)
{
	static const char dup[] = "a: x@y\nb: z@y\nA: w@y\nb: v@y\n";
	struct alias_tab t;
	struct err e;

	T_EQ_INT(alias_parse(dup, sizeof(dup) - 1, "dup", &t, &e), 0);
	T_EQ_INT((long)t.n, 2);
	T_EQ_STR(t.dup_name, "A");
	T_EQ_INT(t.dup_line, 3);
	T_EQ_STR(alias_find(&t, "a")->to.v[0], "x@y");
	T_OK(alias_find(&t, "c") == NULL, "c is not an alias");
	alias_free(&t);
}

int
main(void)
{
	struct alias_tab t, td;
	struct err e;
	char withdef[sizeof(table) + 64];
	size_t i;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++)
		run_pcase(&pcases[i], pcases[i].len ? pcases[i].len :
		    strlen(pcases[i].in));
	T_EQ_INT(alias_parse(table, sizeof(table) - 1, "tab", &t, &e), 0);
	snprintf(withdef, sizeof(withdef), "%sdefault: catch@example.org\n",
	    table);
	T_EQ_INT(alias_parse(withdef, strlen(withdef), "tab", &td, &e), 0);
	for (i = 0; i < sizeof(xcases) / sizeof(xcases[0]); i++)
		run_xcase(xcases[i].with_default ? &td : &t, &xcases[i]);
	/* no table: qualification only */
	{
		struct xcase c = { { "root", "x@y.example" }, "d.example",
		    { "root@d.example", "x@y.example" }, NULL, 0, NULL };
		run_xcase(NULL, &c);
	}
	resolve_one(&t);
	alias_free(&t);
	alias_free(&td);
	duplicates();
	limits();
	return t_done("t_alias");
}
