/* SPDX-License-Identifier: ISC */
/*
 * fuzz_dot.c - libFuzzer target for the streaming transforms.
 * The first byte seeds the chunk sizes; the rest is the message.
 * Checked: chunked output equals one-shot output (both transforms);
 * outputs stay within dot.h's bounds; dot_crlf output has no bare CR or
 * LF; after dot_crlf + dot_stuff + dot_stuff_end the first "CRLF.CRLF" a
 * server would see is the terminator at the very end; removing the
 * stuffed dots gives back the normalised message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dot.h"

enum { CRLF, STUFF };

/* run a transform, chunk sizes from seed (0 = one shot); malloc'd result */
static char *
run(int which, const char *in, size_t len, unsigned seed, size_t *outlen)
{
	char *out = malloc(2 * len + 8), *tmp;
	size_t o = 0, i = 0, n, k, bound;
	struct dot d;

	dot_init(&d);
	while (i < len) {
		n = seed == 0 ? len - i : 1 + (seed = seed * 1103515245u +
		    12345u) % 97;
		if (n > len - i)
			n = len - i;
		bound = which == CRLF ? 2 * n + 4 : 2 * n;
		tmp = malloc(bound + 1);
		k = which == CRLF ? dot_crlf(&d, in + i, n, tmp) :
		    dot_stuff(&d, in + i, n, tmp);
		if (k > bound)
			abort();
		/* total output bound holds for the whole stream too */
		memcpy(out + o, tmp, k);
		free(tmp);
		o += k;
		i += n;
	}
	tmp = malloc(5);
	k = which == CRLF ? dot_crlf_end(&d, tmp) : dot_stuff_end(&d, tmp);
	if (k > 5)
		abort();
	memcpy(out + o, tmp, k);
	free(tmp);
	*outlen = o + k;
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 1;
	size_t len, a, b, c, d, i, j;
	char *x, *y, *s, *t;
	unsigned seed;

	if (size < 1)
		return 0;
	seed = data[0] | 1u;
	len = size - 1;
	x = run(CRLF, in, len, 0, &a);
	y = run(CRLF, in, len, seed, &b);
	if (a != b || memcmp(x, y, a) != 0)
		abort();
	for (i = 0; i < a; i++)
		if ((x[i] == '\r') != (i + 1 < a && x[i + 1] == '\n') ||
		    (x[i] == '\n' && (i == 0 || x[i - 1] != '\r')))
			abort();
	s = run(STUFF, x, a, 0, &c);
	t = run(STUFF, x, a, seed, &d);
	if (c != d || memcmp(s, t, c) != 0)
		abort();
	/* the server's view: the first line that is "." ends the data */
	for (i = 0; i + 3 <= c; i++)
		if (memcmp(s + i, ".\r\n", 3) == 0 &&
		    (i == 0 || s[i - 1] == '\n'))
			break;
	if (i + 3 != c)
		abort();
	/* unstuff the data before the terminator */
	for (i = 0, j = 0; i < c - 3; i++)
		if (!(s[i] == '.' && (i == 0 || s[i - 1] == '\n')))
			y[j++] = s[i];
	if (a > 0 && (a < 2 || memcmp(x + a - 2, "\r\n", 2) != 0)) {
		memcpy(x + a, "\r\n", 2);
		a += 2;
	}
	if (j != a || memcmp(y, x, a) != 0)
		abort();
	free(x);
	free(y);
	free(s);
	free(t);
	return 0;
}
