/* SPDX-License-Identifier: ISC */
/*
 * fuzz_sasl.c - libFuzzer target for what sasl.c reads from the server:
 * the base64 of a 334 challenge (sasl_unb64) and the RFC 7628 error
 * JSON (sasl_oauth_error), also through sasl_next for XOAUTH2 and
 * OAUTHBEARER.  Invariants: outputs stay NUL-terminated inside their
 * buffers, a reason is printable ASCII, errors carry a code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "sasl.h"

static void
printable(const char *s, size_t sz)
{
	const char *nul = memchr(s, '\0', sz);

	if (nul == NULL)
		abort();
	for (; s < nul; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char dec[LIMIT_REPLY_TEXT];
	char reason[LIMIT_SASL_REASON], out[64];
	struct sasl x;
	struct err e;
	long n;

	if (size > LIMIT_REPLY_TEXT)
		return 0;
	n = sasl_unb64((const char *)data, size, dec, sizeof(dec));
	if (n >= 0 && ((size_t)n >= sizeof(dec) || dec[n] != '\0'))
		abort();
	if (sasl_oauth_error((const char *)data, size, reason,
	    sizeof(reason)) == 0)
		printable(reason, sizeof(reason));
	memset(&x, 0, sizeof(x));
	x.mech = size % 2 ? AUTH_XOAUTH2 : AUTH_OAUTHBEARER;
	err_clear(&e);
	if (sasl_next(&x, (const char *)data, size, out, sizeof(out),
	    &e) == -1) {
		if (e.code == 0 || e.msg[0] == '\0')
			abort();
	} else
		printable(x.reason, sizeof(x.reason));
	sasl_clear(&x);
	return 0;
}
