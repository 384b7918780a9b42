/* SPDX-License-Identifier: ISC */
/*
 * t_dot.c - tests of the streaming CRLF normaliser and dot-stuffer.
 *
 * 1. golden one-shot cases;
 * 2. chunk boundaries: every input is also fed split at every position
 *    (two chunks), at every pair of positions (three chunks, short inputs)
 *    and byte by byte; the output must equal the one-shot output;
 * 3. random inputs over a hostile alphabet compared with an independent
 *    non-streaming oracle written with look-ahead/look-behind;
 * 4. output sizes stay within the bounds promised in dot.h (buffers are
 *    allocated at exactly that size, so ASan catches any overrun);
 * 5. dot_stuff_room in small rooms equals dot_stuff; the counts of long
 *    blocks (counted in 64-byte blocks) equal a byte-by-byte count.
 */
#include <stdlib.h>

#include "t.h"
#include "dot.h"

enum { CRLF, STUFF };

struct out {
	char	*buf;
	size_t	 len;
	unsigned long long eightbit, nul;
};

static int over;	/* outputs larger than dot.h promises */

/* exactly-sized scratch buffer for one call */
static char *
scratch(size_t n)
{
	return malloc(n == 0 ? 1 : n);
}

static void
append(struct out *o, const char *p, size_t n)
{
	o->buf = realloc(o->buf, o->len + n + 1);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

/* run transform `which` over in, cut at the sorted positions cuts[] */
static struct out
run(int which, const char *in, size_t len, const size_t *cuts, int ncuts)
{
	struct out o = { NULL, 0, 0, 0 };
	struct dot d;
	size_t st = 0, n, bound;
	int k;
	char *b;

	dot_init(&d);
	for (k = 0; k <= ncuts; k++) {
		size_t en = k < ncuts ? cuts[k] : len;

		bound = which == CRLF ? 2 * (en - st) + 4 : 2 * (en - st);
		b = scratch(bound);
		n = which == CRLF ? dot_crlf(&d, in + st, en - st, b) :
		    dot_stuff(&d, in + st, en - st, b);
		over += n > bound;
		append(&o, b, n);
		free(b);
		st = en;
	}
	b = scratch(5);
	n = which == CRLF ? dot_crlf_end(&d, b) : dot_stuff_end(&d, b);
	over += n > 5;
	append(&o, b, n);
	free(b);
	o.eightbit = d.eightbit;
	o.nul = d.nul;
	return o;
}

static int
same(const struct out *a, const struct out *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->buf, b->buf, a->len) == 0) &&
	    a->eightbit == b->eightbit && a->nul == b->nul;
}

/* compare one-shot output with every 2-way, 3-way and 1-byte split */
static void
check_chunks(int which, const char *in, size_t len)
{
	struct out one = run(which, in, len, NULL, 0), o;
	size_t cuts[2], *bytes, i, j;
	int bad = 0;

	for (i = 0; i <= len; i++) {
		cuts[0] = i;
		o = run(which, in, len, cuts, 1);
		bad += !same(&one, &o);
		free(o.buf);
	}
	for (i = 0; len <= 40 && i <= len; i++)
		for (j = i; j <= len; j++) {
			cuts[0] = i;
			cuts[1] = j;
			o = run(which, in, len, cuts, 2);
			bad += !same(&one, &o);
			free(o.buf);
		}
	bytes = calloc(len + 1, sizeof(*bytes));
	for (i = 0; i < len; i++)
		bytes[i] = i + 1;
	o = run(which, in, len, bytes, len > 0 ? (int)len - 1 : 0);
	bad += !same(&one, &o);
	free(o.buf);
	free(bytes);
	free(one.buf);
	T_OK(bad == 0, "%s: %d chunked runs differ from one-shot for "
	    "\"%.*s\"", which == CRLF ? "crlf" : "stuff", bad, (int)len, in);
}

/* ---- independent oracles (whole input at once, with look-ahead) ---- */

static struct out
oracle_crlf(const char *in, size_t len)
{
	struct out o = { NULL, 0, 0, 0 };
	size_t i;

	for (i = 0; i < len; i++) {
		o.eightbit += (unsigned char)in[i] >= 0x80;
		o.nul += in[i] == '\0';
	}
	for (i = 0; i < len; i++) {
		if (in[i] == '\r' && i + 2 < len && in[i + 1] == '\r' &&
		    in[i + 2] == '\n') {
			append(&o, "\r\n", 2);	/* CR CR LF: one */
			i += 2;
		} else if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n') {
			append(&o, "\r\n", 2);
			i++;
		} else if (in[i] == '\r' || in[i] == '\n')
			append(&o, "\r\n", 2);
		else
			append(&o, in + i, 1);
	}
	return o;
}

static struct out
oracle_stuff(const char *in, size_t len)
{
	struct out o = { NULL, 0, 0, 0 };
	size_t i;

	for (i = 0; i < len; i++) {
		o.eightbit += (unsigned char)in[i] >= 0x80;
		o.nul += in[i] == '\0';
		if (in[i] == '.' && (i == 0 || in[i - 1] == '\n'))
			append(&o, ".", 1);
		append(&o, in + i, 1);
	}
	if (!(len == 0 || (len >= 2 && in[len - 2] == '\r' &&
	    in[len - 1] == '\n')))
		append(&o, "\r\n", 2);
	append(&o, ".\r\n", 3);
	return o;
}

/* ---- golden cases ---- */

struct gcase {
	const char	*in;
	size_t		 inlen;
	const char	*out;
	size_t		 outlen;
};
#define G(i, o) { i, sizeof(i) - 1, o, sizeof(o) - 1 }

static const struct gcase crlf_cases[] = {
	G("", ""),
	G("a", "a"),
	G("a\n", "a\r\n"),
	G("a\r", "a\r\n"),
	G("a\r\n", "a\r\n"),
	/* CR CR LF (a CRLF converted twice) is one line end */
	G("\r\r\n", "\r\n"),
	G("a\r\r\nb", "a\r\nb"),
	G("\r\r\r\n", "\r\n\r\n"),
	G("\r\r\r\r\n", "\r\n\r\n\r\n"),
	G("\r\r\r", "\r\n\r\n\r\n"),
	G("a\r\r", "a\r\n\r\n"),
	G("\r\rx", "\r\n\r\nx"),
	G("\r\r\n\r\r\n", "\r\n\r\n"),
	G("To: a@b\r\r\nBcc: c@d\r\r\n\r\r\nbody\r\r\n",
	    "To: a@b\r\nBcc: c@d\r\n\r\nbody\r\n"),
	G("\n\r", "\r\n\r\n"),
	G("\r\n\r", "\r\n\r\n"),
	G("a\rb", "a\r\nb"),
	G("\n\n", "\r\n\r\n"),
	G("\r\r", "\r\n\r\n"),
	G("\n\r\n", "\r\n\r\n"),
	G("\r\n\n\r\r\n", "\r\n\r\n\r\n"),
	G("x\r\n.\n.\r", "x\r\n.\r\n.\r\n"),
	G("nul\0byte\n", "nul\0byte\r\n"),
	G("\xc3\xa9\r\xff", "\xc3\xa9\r\n\xff"),
};

static const struct gcase stuff_cases[] = {
	G("", ".\r\n"),
	G("a", "a\r\n.\r\n"),
	G("a\r\n", "a\r\n.\r\n"),
	G(".", "..\r\n.\r\n"),
	G(".\r\n", "..\r\n.\r\n"),
	G("..x\r\n.\r\n", "...x\r\n..\r\n.\r\n"),
	G("a.b\r\n", "a.b\r\n.\r\n"),
	G("\r\n.\r\n", "\r\n..\r\n.\r\n"),
	G("a\r.b\r\n", "a\r.b\r\n.\r\n"),
	G("a\n.b", "a\n..b\r\n.\r\n"),
	G("a\n", "a\n\r\n.\r\n"),
	G("a\r", "a\r\r\n.\r\n"),
	G("x\r\n\r\n", "x\r\n\r\n.\r\n"),
	G("x\r\n..\r\n...", "x\r\n...\r\n....\r\n.\r\n"),
	G(" .\r\n", " .\r\n.\r\n"),
};

static void
test_golden(int which, const struct gcase *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct out o = run(which, c[i].in, c[i].inlen, NULL, 0);

		T_EQ_MEM(o.buf, o.len, c[i].out, c[i].outlen);
		free(o.buf);
		check_chunks(which, c[i].in, c[i].inlen);
	}
}

static void
test_counts(void)
{
	static const char in[] = "\xc3\xa9t\xc3\xa9\0\0\x7f\x80";
	struct out a = run(CRLF, in, sizeof(in) - 1, NULL, 0);
	struct out b = run(STUFF, in, sizeof(in) - 1, NULL, 0);

	T_EQ_INT(a.eightbit, 5);
	T_EQ_INT(a.nul, 2);
	T_EQ_INT(b.eightbit, 5);
	T_EQ_INT(b.nul, 2);
	free(a.buf);
	free(b.buf);
}

/* dot_stuff_end leaves the state at the start of a new stream */
static void
test_reuse(void)
{
	struct dot d;
	char b[16];
	size_t n;

	dot_init(&d);
	n = dot_stuff(&d, "a", 1, b);
	n += dot_stuff_end(&d, b + n);
	T_EQ_MEM(b, n, "a\r\n.\r\n", 6);
	n = dot_stuff(&d, ".", 1, b);
	T_EQ_MEM(b, n, "..", 2);
	dot_init(&d);
	n = dot_crlf(&d, "a\r", 2, b);
	T_EQ_MEM(b, n, "a", 1);
	T_EQ_INT(d.cr, 1);
	n = dot_crlf_end(&d, b);
	T_EQ_MEM(b, n, "\r\n", 2);
	T_EQ_INT(dot_crlf_end(&d, b), 0);
	/* two CRs held across chunks: one line end with a LF, else two */
	dot_init(&d);
	n = dot_crlf(&d, "a\r", 2, b);
	n += dot_crlf(&d, "\r", 1, b + n);
	T_EQ_INT(d.cr, 2);
	n += dot_crlf(&d, "\nb", 2, b + n);
	T_EQ_MEM(b, n, "a\r\nb", 4);
	dot_init(&d);
	n = dot_crlf(&d, "\r\r", 2, b);
	T_EQ_INT(n, 0);
	n = dot_crlf(&d, "x", 1, b);
	T_EQ_MEM(b, n, "\r\n\r\nx", 5);
	dot_init(&d);
	n = dot_crlf(&d, "\r\r", 2, b);
	n = dot_crlf_end(&d, b);
	T_EQ_MEM(b, n, "\r\n\r\n", 4);
}

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void
test_random(void)
{
	static const char alpha[] = "\r\n.a\0\x80 ";
	char in[64];
	size_t cuts[3];
	int iter, bad_c = 0, bad_s = 0, bad_p = 0;

	for (iter = 0; iter < 20000; iter++) {
		size_t len = rnd(sizeof(in)), i;
		struct out a, b, c, d;

		for (i = 0; i < len; i++)
			in[i] = alpha[rnd(sizeof(alpha) - 1)];
		for (i = 0; i < 3; i++)
			cuts[i] = rnd((unsigned)len + 1);
		if (cuts[0] >
		    cuts[1]) { i = cuts[0]; cuts[0] = cuts[1]; cuts[1] = i; }
		if (cuts[1] >
		    cuts[2]) { i = cuts[1]; cuts[1] = cuts[2]; cuts[2] = i; }
		if (cuts[0] >
		    cuts[1]) { i = cuts[0]; cuts[0] = cuts[1]; cuts[1] = i; }
		a = run(CRLF, in, len, cuts, 3);
		b = oracle_crlf(in, len);
		bad_c += !same(&a, &b);
		c = run(STUFF, in, len, cuts, 3);
		d = oracle_stuff(in, len);
		bad_s += !same(&c, &d);
		free(c.buf);
		free(d.buf);
		/* the pipeline: normalised input never needs the LF net */
		c = run(STUFF, a.buf, a.len, NULL, 0);
		d = oracle_stuff(b.buf, b.len);
		bad_p += !same(&c, &d) || !((c.len == 3 && a.len == 0) ||
		    (c.len >= 5 &&
		    memcmp(c.buf + c.len - 5, "\r\n.\r\n", 5) == 0));
		free(a.buf);
		free(b.buf);
		free(c.buf);
		free(d.buf);
	}
	T_EQ_INT(bad_c, 0);
	T_EQ_INT(bad_s, 0);
	T_EQ_INT(bad_p, 0);
}

/*
 * dot_stuff_room: fed in random chunks into random small rooms (a write
 * buffer with little space left), alternating with plain dot_stuff
 * calls, the bytes equal one dot_stuff call; nothing is written past the
 * room; every call with room >= 2 makes progress.
 */
static size_t
room_run(const char *in, size_t len, char *got, unsigned seed_room)
{
	struct dot d;
	size_t at = 0, o = 0, used, n, room;
	char *b;

	dot_init(&d);
	while (at < len) {
		size_t chunk = 1 + rnd((unsigned)(len - at));

		if (rnd(4) == 0) {	/* plain dot_stuff for this chunk */
			b = scratch(2 * chunk);
			n = dot_stuff(&d, in + at, chunk, b);
			memcpy(got + o, b, n);
			free(b);
			o += n;
			at += chunk;
			continue;
		}
		room = 2 + rnd(seed_room);
		b = scratch(room);
		n = dot_stuff_room(&d, in + at, chunk, b, room, &used);
		over += n > room;
		over += used == 0 || used > chunk;	/* no progress */
		memcpy(got + o, b, n);
		free(b);
		o += n;
		at += used;
	}
	return o + dot_stuff_end(&d, got + o);
}

static void
test_room(void)
{
	static const char alpha[] = "\r\n.a\0\x80 ";
	char in[200], got[2 * sizeof(in) + 8];
	size_t i, k, n;
	int iter, bad = 0;
	struct dot d;

	for (iter = 0; iter < 20000; iter++) {
		size_t len = rnd(sizeof(in));
		struct out want;

		for (i = 0; i < len; i++)
			in[i] = alpha[rnd(sizeof(alpha) - 1)];
		want = run(STUFF, in, len, NULL, 0);
		n = room_run(in, len, got, iter % 2 ? 3 : 80);
		bad += n != want.len || memcmp(got, want.buf, n) != 0;
		free(want.buf);
	}
	T_EQ_INT(bad, 0);
	for (k = 0; k < sizeof(stuff_cases) / sizeof(stuff_cases[0]); k++) {
		n = room_run(stuff_cases[k].in, stuff_cases[k].inlen, got, 1);
		T_EQ_MEM(got, n, stuff_cases[k].out, stuff_cases[k].outlen);
	}
	/* a doubled dot does not fit in one byte: nothing is taken */
	dot_init(&d);
	T_EQ_INT(dot_stuff_room(&d, ".x", 2, got, 1, &i), 0);
	T_EQ_INT(i, 0);
	T_EQ_INT(dot_stuff_room(&d, ".x", 2, got, 2, &i), 2);
	T_EQ_INT(i, 1);
	T_EQ_MEM(got, 2, "..", 2);
	/* no counting */
	T_EQ_INT(d.eightbit + d.nul, 0);
}

/* count_block works in 64-byte blocks: lengths, offsets, every byte */
static void
test_counts_big(void)
{
	static const unsigned char edge[] = { 0, 0x7f, 0x80, 0xff, 1, 'a' };
	static unsigned char in[9000];
	unsigned long long hi, nul;
	int iter, bad = 0;
	size_t i, len, off;
	struct dot d;
	char *b;

	for (iter = 0; iter < 400; iter++) {
		len = rnd(sizeof(in) - 8);
		off = rnd(8);			/* any alignment */
		for (i = 0; i < len; i++)	/* lane edge cases, or any */
			in[off + i] = iter % 3 == 0 ? (unsigned char)rnd(256) :
			    edge[rnd(sizeof(edge))];
		for (hi = nul = 0, i = 0; i < len; i++) {
			hi += in[off + i] >= 0x80;
			nul += in[off + i] == 0;
		}
		dot_init(&d);
		b = scratch(2 * len + 4);
		dot_crlf(&d, (const char *)in + off, len, b);
		bad += d.eightbit != hi || d.nul != nul;
		dot_init(&d);
		dot_stuff(&d, (const char *)in + off, len, b);
		bad += d.eightbit != hi || d.nul != nul;
		free(b);
	}
	T_EQ_INT(bad, 0);
}

int
main(void)
{
	test_golden(CRLF, crlf_cases,
	    sizeof(crlf_cases) / sizeof(crlf_cases[0]));
	test_golden(STUFF, stuff_cases,
	    sizeof(stuff_cases) / sizeof(stuff_cases[0]));
	test_counts();
	test_reuse();
	test_random();
	test_room();
	test_counts_big();
	T_EQ_INT(over, 0);
	return t_done("t_dot");
}
