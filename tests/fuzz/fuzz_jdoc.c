/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jdoc.c - libFuzzer target for jdoc.c (json-c with our limits):
 * whatever the identity provider sends, parsing returns a document or an
 * EX_PROTOCOL error, and the OAuth2 members read back safely.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jdoc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jdoc *d;
	struct err e;
	const char *s;

	err_clear(&e);
	if ((d = jdoc_parse((const char *)data, size, &e)) == NULL) {
		if (e.code != EX_PROTOCOL)
			abort();
		return 0;
	}
	if ((s = jdoc_str(d, "access_token")) != NULL && strlen(s) > size)
		abort();
	(void)jdoc_num(d, "expires_in", 0);
	jdoc_free(d);
	return 0;
}
