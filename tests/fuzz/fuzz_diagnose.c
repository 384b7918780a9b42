/* SPDX-License-Identifier: ISC */
/*
 * fuzz_diagnose.c - libFuzzer target for diagnose.c: the input's first
 * byte picks the step, the rest up to the first NUL is the error text and
 * what follows it the server's reply; both go through diagnose_fix, the
 * whole input through diagnose_first_bytes.  Invariants: a fix is always
 * given and is one non-empty line; the class is one of the four; a
 * "220 " start is SMTP, a 0x16 0x03 start is TLS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *reply;
	const char *fix;
	enum diagnose_bytes b;

	if (size == 0)
		return 0;
	buf = calloc(1, size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	reply = buf + strlen(buf) + 1;	/* "" when no NUL was in the input */
	fix = diagnose_fix((enum diagnose_step)(data[0] % DG_NSTEPS), buf,
	    reply);
	if (fix == NULL || fix[0] == '\0' || strchr(fix, '\n') != NULL)
		abort();
	b = diagnose_first_bytes(data, size);
	if (b != DG_BYTES_NONE && b != DG_BYTES_SMTP && b != DG_BYTES_TLS &&
	    b != DG_BYTES_OTHER)
		abort();
	if (size >= 4 && memcmp(data, "220 ", 4) == 0 && b != DG_BYTES_SMTP)
		abort();
	if (size >= 2 && data[0] == 0x16 && data[1] == 0x03 &&
	    b != DG_BYTES_TLS)
		abort();
	free(buf);
	return 0;
}
