/* SPDX-License-Identifier: ISC */
/*
 * fuzz_addr.c - libFuzzer target for the address-list parser and the
 * envelope path checks (src/addr.c, src/path.c).
 *
 * Invariants checked:
 *  - addr_list_parse either fails with EX_DATAERR, a message without raw
 *    line breaks and an untouched list, or gives addresses that each pass
 *    path_check unchanged, have no duplicates (any case) and parse
 *    back to the same list when written as "<a>, <b>, ...";
 *  - path_check accepts only bytes safe on the wire, is idempotent,
 *    and what it accepts the list parser accepts too (inside <>).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "path.h"

static void
check_entry(const struct addr_list *l, size_t i)
{
	char out[LIMIT_ADDR + 1];
	struct err e;
	size_t j, n = strlen(l->v[i]);

	if (n == 0 || n > LIMIT_ADDR)
		abort();
	if (path_check(l->v[i], n, 0, out, sizeof(out), &e) == -1 ||
	    strcmp(out, l->v[i]) != 0)
		abort();
	for (j = 0; j < i; j++)
		if (strcasecmp(l->v[j], l->v[i]) == 0)
			abort();
}

/* "<a>, <b>, ..." parses back to the same list */
static void
check_roundtrip(const struct addr_list *l)
{
	struct addr_list again = { NULL, 0 };
	struct err e;
	size_t i, len = 0;
	char *s, *p;

	for (i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 4;
	p = s = xmalloc(len + 1);
	*p = '\0';
	for (i = 0; i < l->n; i++)
		p += snprintf(p, len + 1 - (size_t)(p - s), "%s<%s>",
		    i ? ", " : "", l->v[i]);
	if (addr_list_parse(s, strlen(s), &again, &e) == -1 ||
	    again.n != l->n)
		abort();
	for (i = 0; i < l->n; i++)
		if (strcmp(again.v[i], l->v[i]) != 0)
			abort();
	addr_list_free(&again);
	free(s);
}

static void
fuzz_list(const char *d, size_t size)
{
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t i;

	err_clear(&e);
	if (addr_list_parse(d, size, &l, &e) == -1) {
		if (e.code != EX_DATAERR || e.msg[0] == '\0' ||
		    strpbrk(e.msg, "\r\n") != NULL || l.n != 0)
			abort();
		addr_list_free(&l);
		return;
	}
	for (i = 0; i < l.n; i++)
		check_entry(&l, i);
	check_roundtrip(&l);
	addr_list_free(&l);
}

static void
fuzz_path(const char *d, size_t size, int allow_null)
{
	char out[LIMIT_ADDR + 1], out2[LIMIT_ADDR + 1], wrapped[LIMIT_ADDR + 3];
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t n, i;

	err_clear(&e);
	if (path_check(d, size, allow_null, out, sizeof(out), &e) == -1) {
		if (e.code == 0 || e.msg[0] == '\0' ||
		    strpbrk(e.msg, "\r\n") != NULL)
			abort();
		return;
	}
	n = strlen(out);
	if (n > LIMIT_ADDR || n > size || (n == 0 && !allow_null))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
	if (n == 0)
		return;
	if (path_check(out, n, 0, out2, sizeof(out2), &e) == -1 ||
	    strcmp(out, out2) != 0)
		abort();
	snprintf(wrapped, sizeof(wrapped), "<%s>", out);
	if (addr_list_parse(wrapped, n + 2, &l, &e) == -1 || l.n != 1)
		abort();
	addr_list_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;

	fuzz_list(d, size);
	fuzz_path(d, size, (int)(size & 1));
	return 0;
}
