/* SPDX-License-Identifier: ISC */
/*
 * t_sum.c - tests of the streaming checksum.
 *
 * 1. an independent oracle (words built byte by byte, little-endian) on
 *    golden and random inputs;
 * 2. any cut into sum_add() calls, including byte by byte, gives the same
 *    result, and sum_hex() leaves the state usable;
 * 3. the damage a crash can do is seen: a zero-filled page, a truncated
 *    or extended file, two swapped blocks, one flipped bit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "t.h"
#include "sum.h"

static void
oracle(const unsigned char *p, size_t n, char out[SUM_HEX])
{
	unsigned long long a = 0, b = 0, w;
	size_t i, j;

	for (i = 0; i < n; i += 8) {
		for (w = 0, j = 0; j < 8 && i + j < n; j++)
			w |= (unsigned long long)p[i + j] << (8 * j);
		a += w;
		b += a;
	}
	b ^= (unsigned long long)n * 0x9e3779b97f4a7c15ULL;
	snprintf(out, SUM_HEX, "%016llx%016llx", a, b);
}

static void
one(const void *p, size_t n, char out[SUM_HEX])
{
	struct sum s;

	sum_init(&s);
	sum_add(&s, p, n);
	sum_hex(&s, out);
}

/* a 64-bit LCG: plenty for picking bytes and cut points */
static unsigned long long rng = 1;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static void
test_golden(void)
{
	char got[SUM_HEX], want[SUM_HEX];

	one("", 0, got);
	T_EQ_STR(got, "00000000000000000000000000000000");
	/* "abc": a = b = 0x636261, length 3 folded into b */
	one("abc", 3, got);
	oracle((const unsigned char *)"abc", 3, want);
	T_EQ_STR(got, want);
	T_EQ_STR(got, "0000000000636261daa66d2c7dbc165e");
	one("0123456789abcdefX", 17, got);
	oracle((const unsigned char *)"0123456789abcdefX", 17, want);
	T_EQ_STR(got, want);
}

/* random data, random cuts, byte by byte: all equal to the oracle */
static void
test_chunks(void)
{
	static unsigned char buf[9000];
	char want[SUM_HEX], got[SUM_HEX], mid[SUM_HEX];
	int iter, bad = 0, bytewise = 0;

	for (iter = 0; iter < 300; iter++) {
		size_t n = rnd(sizeof(buf)), i, at;
		struct sum s;

		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)rnd(256);
		oracle(buf, n, want);
		sum_init(&s);
		for (at = 0; at < n; at += i) {
			i = 1 + rnd(iter % 2 ? 20 : 3000);
			if (i > n - at)
				i = n - at;
			sum_add(&s, buf + at, i);
			if (at == 0)
				sum_hex(&s, mid);	/* must not disturb */
		}
		sum_hex(&s, got);
		bad += strcmp(got, want) != 0;
		if (n > 0) {
			oracle(buf, n, want);
			sum_init(&s);
			for (i = 0; i < n; i++)
				sum_add(&s, buf + i, 1);
			sum_hex(&s, got);
			bytewise += strcmp(got, want) != 0;
		}
	}
	T_EQ_INT(bad, 0);
	T_EQ_INT(bytewise, 0);
}

static void
test_damage(void)
{
	enum { N = 64 * 1024 };
	unsigned char *m = malloc(N), *c = malloc(N);
	char ok[SUM_HEX], got[SUM_HEX];
	size_t i;

	for (i = 0; i < N; i++)		/* text lines, like a message */
		m[i] = i % 78 == 77 ? '\n' : i % 78 == 76 ? '\r' :
		    (unsigned char)('a' + i % 26);
	one(m, N, ok);
	memcpy(c, m, N);
	memset(c + 8192, 0, 4096);		/* a page never written */
	one(c, N, got);
	T_OK(strcmp(ok, got) != 0, "zero-filled page not seen");
	one(m, N - 4096, got);
	T_OK(strcmp(ok, got) != 0, "truncation not seen");
	one(m, N - 1, got);
	T_OK(strcmp(ok, got) != 0, "one byte short not seen");
	memcpy(c, m, N);
	memcpy(c, m + 4096, 4096);		/* two pages swapped */
	memcpy(c + 4096, m, 4096);
	one(c, N, got);
	T_OK(strcmp(ok, got) != 0, "swapped pages not seen");
	memcpy(c, m, N);
	c[N / 2] ^= 0x10;
	one(c, N, got);
	T_OK(strcmp(ok, got) != 0, "flipped bit not seen");
	memset(c, 0, N);
	one(c, N, got);
	T_OK(strcmp(ok, got) != 0, "all zeros not seen");
	free(m);
	free(c);
}

int
main(void)
{
	test_golden();
	test_chunks();
	test_damage();
	return t_done("t_sum");
}
