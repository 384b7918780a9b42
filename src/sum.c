/* SPDX-License-Identifier: ISC */
/*
 * sum.c - PURE streaming checksum (contract: sum.h).
 *
 * The words are loaded with memcpy (any alignment) and byte-swapped on a
 * big-endian machine, so a file's sum is the same everywhere.  The inner
 * loop takes four words at once (b gains 4a + 4w0 + 3w1 + 2w2 + w3, the
 * same as four single steps), so neither sum is a chain of one addition
 * per word: cheap next to the copies the data goes through anyway.  No
 * I/O, no globals.
 */
#include <stdio.h>
#include <string.h>

#include "sum.h"

void
sum_init(struct sum *s)
{
	memset(s, 0, sizeof(*s));
}

static unsigned long long
word(const unsigned char *p)
{
	unsigned long long w;

	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

void
sum_add(struct sum *s, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	unsigned long long a = s->a, b = s->b;
	size_t k;

	s->len += n;
	if (s->npart > 0) {		/* finish the word begun last time */
		k = 8 - s->npart < n ? 8 - s->npart : n;
		memcpy(s->part + s->npart, p, k);
		s->npart += k;
		p += k;
		n -= k;
		if (s->npart < 8)
			return;
		a += word(s->part);
		b += a;
		s->npart = 0;
	}
	for (; n >= 32; p += 32, n -= 32) {	/* four words, short chains */
		unsigned long long w0 = word(p), w1 = word(p + 8),
		    w2 = word(p + 16), w3 = word(p + 24);

		b += 4 * a + 4 * w0 + 3 * w1 + 2 * w2 + w3;
		a += w0 + w1 + w2 + w3;
	}
	for (; n >= 8; p += 8, n -= 8) {
		a += word(p);
		b += a;
	}
	memcpy(s->part, p, n);
	s->npart = n;
	s->a = a;
	s->b = b;
}

void
sum_hex(const struct sum *s, char out[SUM_HEX])
{
	unsigned long long a = s->a, b = s->b;
	unsigned char last[8];

	if (s->npart > 0) {
		memset(last, 0, sizeof(last));
		memcpy(last, s->part, s->npart);
		a += word(last);
		b += a;
	}
	b ^= s->len * 0x9e3779b97f4a7c15ULL;
	snprintf(out, SUM_HEX, "%016llx%016llx", a, b);
}
