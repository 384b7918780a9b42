/* SPDX-License-Identifier: ISC */
/*
 * dot.c - PURE streaming transforms of message bytes (contract: dot.h).
 *
 * Both transforms keep all their state in struct dot, so a stream may be
 * cut into chunks anywhere and the output is byte-for-byte the same as for
 * the whole stream in one call.  One struct dot per transform and stream.
 *
 * dot_crlf: CRLF stays, CR CR LF (a CRLF converted twice) -> CRLF, bare
 * LF -> CRLF, bare CR -> CRLF.  CRs are held back (d->cr counts them, at
 * most two) until the next byte shows whether they were part of CRLF or
 * CR CR LF; of three CRs in a row the first is a bare CR; dot_crlf_end()
 * writes each held CR as CRLF at end of input.
 *
 * dot_stuff: a '.' at the start of a line is doubled.  The stream starts
 * at the beginning of a line.  Lines end with CRLF; as a safety net a bare
 * LF (which a correct caller never passes) also counts as a line end, so
 * no server that accepts bare LF can ever see an unstuffed "\n.\r\n".
 * dot_stuff_end: CRLF unless the data ended with CRLF (empty data counts
 * as ending with one), then ".\r\n"; the state is then back at the start.
 * dot_stuff_room: the same transform, stopping where the output is full
 * (a doubled dot is written whole or not at all), so the sender can stuff
 * straight into its write buffer: one copy of the body instead of two.
 *
 * dot_crlf and dot_stuff count bytes >= 0x80 (eightbit) and NUL bytes (nul) of
 * their input.
 * No I/O, no globals.
 */
#include <string.h>

#include "dot.h"

void
dot_init(struct dot *d)
{
	memset(d, 0, sizeof(*d));
	d->bol = 1;
	d->lastnl = 1;
}

/*
 * Bytes >= 0x80 and NULs of a block.  The inner loop has a fixed trip
 * count and byte-sized sums (at most 64), which compilers turn into
 * vector code at -O2: this runs over every byte of every message.
 */
static void
count_block(struct dot *d, const char *in, size_t n)
{
	const unsigned char *p = (const unsigned char *)in;
	unsigned long long hi = 0, nul = 0;
	unsigned char h, z;
	size_t i = 0, j;

	for (; n - i >= 64; i += 64) {
		for (h = z = 0, j = 0; j < 64; j++) {
			h += p[i + j] >> 7;
			z += p[i + j] == 0;
		}
		hi += h;
		nul += z;
	}
	for (; i < n; i++) {
		hi += p[i] >> 7;
		nul += p[i] == 0;
	}
	d->eightbit += hi;
	d->nul += nul;
}

/* next occurrence of c at or after p, reusing the last search (*cache) */
static const char *
next_of(const char *p, const char *end, int c, const char **cache, int *valid)
{
	if (!*valid || (*cache != NULL && *cache < p)) {
		*cache = memchr(p, c, (size_t)(end - p));
		*valid = 1;
	}
	return *cache;
}

/* one line end */
static size_t
eol(struct dot *d, char *out)
{
	out[0] = '\r';
	out[1] = '\n';
	d->lastnl = 1;
	return 2;
}

/*
 * The CRs held back (d->cr) meet the byte at p.  Another CR is held too
 * (of three, the first is a bare CR); otherwise they end one line with
 * this LF (CRLF, CR CR LF) or one line each.  Returns the bytes written
 * (at most 4), *p advanced past what was consumed.
 */
static size_t
held_cr(struct dot *d, const char **p, char *out)
{
	size_t o = 0;

	if (**p == '\r') {
		if (d->cr == 2)
			o += eol(d, out);
		d->cr = 2;
		(*p)++;
		return o;
	}
	o += eol(d, out);
	if (**p == '\n')
		(*p)++;
	else if (d->cr == 2)
		o += eol(d, out + o);
	d->cr = 0;
	return o;
}

/*
 * Block copy between line ends: memchr finds the next CR and the next LF
 * (each search continues from the last one, so a chunk is scanned once
 * per character), the bytes between are copied with memcpy.
 */
size_t
dot_crlf(struct dot *d, const char *in, size_t inlen, char *out)
{
	const char *p = in, *end = in + inlen, *cr = NULL, *lf = NULL, *s;
	int crv = 0, lfv = 0;
	size_t o = 0;

	count_block(d, in, inlen);
	while (p < end) {
		if (d->cr) {
			o += held_cr(d, &p, out + o);
			continue;
		}
		next_of(p, end, '\r', &cr, &crv);
		next_of(p, end, '\n', &lf, &lfv);
		s = cr != NULL && (lf == NULL || cr < lf) ? cr : lf;
		if (s == NULL)
			s = end;
		memcpy(out + o, p, (size_t)(s - p));
		o += (size_t)(s - p);
		if (s > p)
			d->lastnl = 0;
		if (s == end)
			break;
		if (*s == '\r')
			d->cr = 1;
		else
			o += eol(d, out + o);
		p = s + 1;
	}
	return o;
}

size_t
dot_crlf_end(struct dot *d, char *out)
{
	size_t o = 0;

	for (; d->cr > 0; d->cr--)
		o += eol(d, out + o);
	return o;
}

/* the state after in[start..k) was consumed (k > start) */
static void
stuff_state(struct dot *d, const char *in, size_t start, size_t k)
{
	if (in[k - 1] == '\n') {
		/* CRLF when the byte before the LF is a CR */
		d->lastnl = k - start >= 2 ? in[k - 2] == '\r' : d->cr;
		d->bol = 1;
		d->cr = 0;
	} else {
		d->lastnl = 0;
		d->bol = 0;
		d->cr = in[k - 1] == '\r';
	}
}

size_t
dot_stuff(struct dot *d, const char *in, size_t inlen, char *out)
{
	size_t used;

	count_block(d, in, inlen);
	return dot_stuff_room(d, in, inlen, out, 2 * inlen, &used);
}

/* the first '.' right after a LF in in[from..len) (from >= 1), or len */
static size_t
next_line_dot(const char *in, size_t from, size_t len)
{
	const char *p;

	while (from < len && (p = memchr(in + from, '.', len - from)) != NULL) {
		if (p[-1] == '\n')
			return (size_t)(p - in);
		from = (size_t)(p - in) + 1;
	}
	return len;
}

/*
 * Spans between line-start dots are copied whole: the search is for '.',
 * not for every line end, so a body without such dots is one memchr and
 * one memcpy per block.
 */
size_t
dot_stuff_room(struct dot *d, const char *in, size_t inlen, char *out,
    size_t outsz, size_t *used)
{
	size_t i = 0, o = 0, n;

	while (i < inlen && o < outsz) {
		if ((i == 0 ? d->bol : in[i - 1] == '\n') && in[i] == '.') {
			if (outsz - o < 2)
				break;
			out[o++] = '.';
			out[o++] = '.';
			i++;
			continue;
		}
		n = next_line_dot(in, i + 1, inlen) - i;
		if (n > outsz - o)
			n = outsz - o;
		memcpy(out + o, in + i, n);
		o += n;
		i += n;
	}
	if (i > 0)
		stuff_state(d, in, 0, i);
	*used = i;
	return o;
}

size_t
dot_stuff_end(struct dot *d, char *out)
{
	size_t o = 0;

	if (!d->lastnl) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	memcpy(out + o, ".\r\n", 3);
	o += 3;
	d->bol = 1;
	d->cr = 0;
	d->lastnl = 1;
	return o;
}
