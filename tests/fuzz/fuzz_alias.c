/* SPDX-License-Identifier: ISC */
/*
 * fuzz_alias.c - libFuzzer target for the aliases parser and expansion
 * (src/alias.c).
 *
 * Invariants checked:
 *  - alias_parse either fails with EX_CONFIG, a one-line message and an
 *    empty table, or gives entries with non-empty names and address lists;
 *  - expanding every name (plus "default" and an unknown name) ends within
 *    the limits, and every address it gives has a domain, is unique (any
 *    case) and passes path_check unchanged; a failure is EX_CONFIG or
 *    EX_USAGE with a one-line message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alias.h"
#include "path.h"

static void
check_out(const struct addr_list *out)
{
	char chk[LIMIT_ADDR + 1];
	struct err e;
	size_t i, j;

	for (i = 0; i < out->n; i++) {
		if (path_domain(out->v[i]) == NULL)
			abort();
		if (path_check(out->v[i], strlen(out->v[i]), 0, chk,
		    sizeof(chk), &e) == -1 || strcmp(chk, out->v[i]) != 0)
			abort();
		for (j = 0; j < i; j++)
			if (strcasecmp(out->v[i], out->v[j]) == 0)
				abort();
	}
}

static void
expand(const struct alias_tab *t, const char *name)
{
	struct addr_list in = { NULL, 0 }, out = { NULL, 0 };
	struct alias_local loc = { NULL, "fuzz.example", NULL };
	struct err e;

	loc.tab = t;
	addr_list_add(&in, name);
	err_clear(&e);
	if (alias_expand(&loc, &in, &out, &e) == -1) {
		if ((e.code != EX_CONFIG && e.code != EX_USAGE) ||
		    strpbrk(e.msg, "\r\n") != NULL)
			abort();
	} else
		check_out(&out);
	addr_list_free(&in);
	addr_list_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alias_tab t;
	struct err e;
	size_t i;

	err_clear(&e);
	if (alias_parse((const char *)data, size, "fuzz", &t, &e) == -1) {
		if (e.code != EX_CONFIG || e.msg[0] == '\0' ||
		    strpbrk(e.msg, "\r\n") != NULL || t.n != 0)
			abort();
		return 0;
	}
	for (i = 0; i < t.n; i++) {
		if (t.v[i].name[0] == '\0' || t.v[i].to.n == 0)
			abort();
		if (i < 64)
			expand(&t, t.v[i].name);
	}
	expand(&t, "default");
	expand(&t, "unknown-name");
	alias_free(&t);
	return 0;
}
