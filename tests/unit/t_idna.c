/* SPDX-License-Identifier: ISC */
/*
 * t_idna.c - tests of idna.c: domains to A-labels with libidn2 (IDNA
 * 2008, UTS #46 non-transitional, NFC input), what is left alone, and the
 * errors (naming the address).
 */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "idna.h"

static void
test_convert(void)
{
	static const struct { const char *in, *want; } c[] = {
		{ "joran@ex\xc3\xa4mple.org", "joran@xn--exmple-cua.org" },
		{ "x@b\xc3\xbc" "cher.example", "x@xn--bcher-kva.example" },
		/* non-transitional: sharp s stays (transitional: "ss") */
		{ "a@stra\xc3\x9f" "e.de", "a@xn--strae-oqa.de" },
		/* NFC first: a + combining diaeresis is a-umlaut */
		{ "joran@exa\xcc\x88mple.org", "joran@xn--exmple-cua.org" },
		/* UTS #46 mapping: upper case folded */
		{ "joran@EX\xc3\x84MPLE.org", "joran@xn--exmple-cua.org" },
		/* left alone: ASCII, A-labels, literals, no domain, and the
		   local part always */
		{ "alice@Example.ORG", "alice@Example.ORG" },
		{ "a@xn--exmple-cua.org", "a@xn--exmple-cua.org" },
		{ "a@[192.0.2.1]", "a@[192.0.2.1]" },
		{ "r\xc3\xb6\xc3\xb6t", "r\xc3\xb6\xc3\xb6t" },
		{ "\"a@b\"@ex\xc3\xa4mple.org", "\"a@b\"@xn--exmple-cua.org" },
	};
	char out[256];
	size_t i;
	struct err e;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		err_clear(&e);
		out[0] = '\0';
		T_EQ_INT(idna_addr(c[i].in, out, sizeof(out), &e), 0);
		T_EQ_STR(out, c[i].want);
	}
}

static void
test_errors(void)
{
	static const char *const c[] = {
		"bob@\xe2\x98\x83.example",	/* DISALLOWED symbol */
		"bob@ex\xc3mple.org",		/* not UTF-8 */
		"bob@\xd7\x90" "a.example",	/* bidi rule */
	};
	char out[256];
	size_t i;
	struct err e;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		err_clear(&e);
		T_EQ_INT(idna_addr(c[i], out, sizeof(out), &e), -1);
		T_EQ_INT(e.code, EX_DATAERR);
		T_OK(strncmp(e.msg, "invalid internationalised domain in "
		    "'bob@", 41) == 0, "message: %s", e.msg);
	}
	err_clear(&e);
	T_EQ_INT(idna_addr("joran@ex\xc3\xa4mple.org", out, 10, &e), -1);
	T_EQ_INT(e.code, EX_DATAERR);
	err_clear(&e);
	T_EQ_INT(idna_addr("alice@example.org", out, 10, &e), -1);
}

int
main(void)
{
	test_convert();
	test_errors();
	return t_done("t_idna");
}
