/* SPDX-License-Identifier: ISC */
/*
 * fuzz_httpresp.c - libFuzzer target for the HTTP response parser.  The
 * input is fed whole (with and without EOF) and as every-prefix growth
 * the way http.c reads it.  Invariants: a complete response has a
 * status 200-599 and a NUL-terminated body of bodylen <= LIMIT_HTTP_BODY
 * bytes; errors are EX_PROTOCOL with a message and leave no body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpresp.h"

static void
check(const uint8_t *data, size_t size, int eof)
{
	struct httpresp r;
	struct err e;
	int rc;

	err_clear(&e);
	rc = httpresp_parse((const char *)data, size, eof, &r, &e);
	if (rc == 1 && (r.status < 200 || r.status > 599 || r.body == NULL ||
	    r.bodylen > LIMIT_HTTP_BODY || r.body[r.bodylen] != '\0'))
		abort();
	if (rc == -1 && (e.code != EX_PROTOCOL || e.msg[0] == '\0' ||
	    r.body != NULL))
		abort();
	if (rc == 0 && eof)
		abort();
	if (rc == 1)
		httpresp_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t k;

	check(data, size, 0);
	check(data, size, 1);
	for (k = 0; k < size && k < 512; k += 7)
		check(data, k, 0);
	return 0;
}
