/* SPDX-License-Identifier: ISC */
/*
 * fuzz_scram.c - libFuzzer target for the SCRAM server messages: the
 * input is split at the first newline into a server-first message
 * (scram_parse_first, then scram_final with a fixed client) and a
 * server-final message (scram_verify).  Invariants: a parsed message
 * points inside the input with bounded iteration count; errors carry a
 * code; a random server-final never verifies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "scram.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nl;
	size_t l1;
	struct scram_first f;
	struct scram *s;
	struct err e;
	char out[LIMIT_SCRAM_MSG * 2];

	nl = memchr(in, '\n', size);
	l1 = nl != NULL ? (size_t)(nl - in) : size;
	err_clear(&e);
	if (scram_parse_first(in, l1, &f, &e) == 0) {
		if (f.nonce < in || f.nonce + f.noncelen > in + l1 ||
		    f.salt < in || f.salt + f.saltlen > in + l1 ||
		    f.iter < 1 || f.iter > LIMIT_SCRAM_ITER)
			abort();
		if (f.iter > 64)	/* keep each run fast */
			return 0;
	} else if (e.code == 0)
		abort();
	s = scram_new(1, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", NULL, NULL,
	    0, 0, &e);
	if (s == NULL)
		abort();
	if (scram_final(s, in, l1, out, sizeof(out), &e) == 0 &&
	    strlen(out) >= sizeof(out))
		abort();
	if (nl != NULL && scram_verify(s, nl + 1, size - l1 - 1, &e) == 0 &&
	    !scram_verified(s))
		abort();
	scram_free(s);
	return 0;
}
