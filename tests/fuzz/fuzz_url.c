/* SPDX-License-Identifier: ISC */
/*
 * fuzz_url.c - libFuzzer target for url.c.  The input is a URL to parse
 * (https only and with http), a query to look names up in, and a value
 * to form-encode.  Invariants: a parsed URL has a host within
 * LIMIT_DOMAIN, a port 1-65535 and a path starting with '/'; lookups
 * stay within their buffer and NUL-terminate; encoding yields only
 * unreserved bytes, '%', '=' and '&'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[32], *f = NULL;
	struct url u;
	struct err e;
	size_t i;
	int http;

	memcpy(s, data, size);
	s[size] = '\0';
	for (http = 0; http < 2; http++) {
		err_clear(&e);
		if (url_parse(s, http, &u, &e) == 0 &&
		    (strlen(u.host) > LIMIT_DOMAIN || u.port < 1 ||
		    u.port > 65535 || u.path[0] != '/'))
			abort();
		if (e.code != 0 && e.code != EX_CONFIG)
			abort();
	}
	if (url_query_get(s, "code", out, sizeof(out)) == 1 &&
	    strlen(out) >= sizeof(out))
		abort();
	url_form_add(&f, "k", s);
	for (i = 0; f[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ" "0123456789-._~%=&",
		    f[i]) == NULL)
			abort();
	free(f);
	free(s);
	return 0;
}
