/* SPDX-License-Identifier: ISC */
/*
 * fuzz_presets.c - libFuzzer target for presets_find: the input (up to
 * its first NUL) is the domain of an address given to --configure.
 * Invariants: a preset found has a host, a port of 465 or 587, a page
 * and sign-in notes, and the domain is one of its names (any case) or
 * ends in its suffix.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "presets.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct preset *p;
	char *d = calloc(1, size + 1);
	size_t dl;

	if (d == NULL)
		return 0;
	memcpy(d, data, size);
	p = presets_find(d);
	dl = strlen(d);
	if (p != NULL) {
		if (p->host == NULL || (p->port != 465 && p->port != 587) ||
		    p->url == NULL || p->signin == NULL || dl == 0)
			abort();
		if (strchr(d, ' ') != NULL)
			abort();	/* a list separator never matches */
	}
	free(d);
	return 0;
}
