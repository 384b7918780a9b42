/* SPDX-License-Identifier: ISC */
/*
 * fuzz_logline.c - libFuzzer target for the logfile/syslog line formatter
 * (src/logline.c).  The input is cut at NUL bytes into field values and a
 * time format; the first byte picks the output size.
 *
 * Invariants checked: the line fits the buffer, is NUL-terminated, its
 * length is the return value, and it holds no control byte and no byte
 * >= 0x7f (a hostile reply cannot break the line or the terminal).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logline.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *v[8], out[1024];
	struct logline l;
	struct tm tm;
	size_t i, n, outsz;
	char *p;

	if (size < 1)
		return 0;
	outsz = 1 + data[0] * 4;
	copy = malloc(size);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	for (i = 0, p = copy; i < 8; i++) {
		v[i] = p;
		p += strlen(p);
		if (p < copy + size - 1)
			p++;
	}
	memset(&l, 0, sizeof(l));
	l.account = v[0];
	l.host = v[1];
	l.tls = v[2][0] ? v[2] : NULL;
	l.auth = v[3][0] ? v[3] : NULL;
	l.from = v[4];
	l.rcpts = &v[5];
	l.nrcpts = 2;
	l.size = (long long)size - 5;
	l.reply = v[7];
	l.status = data[0];
	l.exitcode = data[0] % 80;
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = 1;
	n = logline_format(&l, data[0] & 1 ? &tm : NULL, v[6], out, outsz);
	if (n >= outsz || out[n] != '\0' || strlen(out) != n)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 ||
		    (unsigned char)out[i] >= 0x7f)
			abort();
	free(copy);
	return 0;
}
