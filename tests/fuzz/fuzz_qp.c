/* SPDX-License-Identifier: ISC */
/*
 * fuzz_qp.c - libFuzzer target for the re-encoding of over-long lines:
 * qp.c (the quoted-printable encoder, the plan over a header block, the
 * header fields, the multipart part tracker) and hdrfold.c.
 * The first byte seeds the chunk sizes; the rest is the data.
 * Checked: decode(encode(x)) == x; chunked output equals one-shot
 * output; no encoded line is longer than LIMIT_QP_LINE or ends in white
 * space, only printable ASCII, tab and CRLF come out; the output stays
 * within QP_ROOM.  The data as a header block (LF made CRLF): qp_plan
 * and qp_headers run (qp_headers' output holds exactly one
 * Content-Transfer-Encoding field, the last); hdrfold_block either
 * refuses with EX_DATAERR and a message, or gives lines within
 * LIMIT_LINE whose unfolding is the block.  The data as body lines feeds
 * qp_part, whose part stays >= -1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdrfold.h"
#include "qp.h"

static char *
encode(const char *in, size_t len, unsigned seed, size_t *outlen)
{
	char *out = malloc(QP_ROOM(len) + QP_ROOM(0)), *tmp;
	size_t o = 0, i = 0, n, k;
	struct qp q;

	qp_init(&q);
	while (i < len) {
		n = seed == 0 ? len - i : 1 + (seed = seed * 1103515245u +
		    12345u) % 97;
		n = n > len - i ? len - i : n;
		tmp = malloc(QP_ROOM(n));
		k = qp_encode(&q, in + i, n, tmp);
		if (k > QP_ROOM(n))
			abort();
		memcpy(out + o, tmp, k);
		free(tmp);
		o += k;
		i += n;
	}
	o += qp_encode_end(&q, out + o);
	*outlen = o;
	return out;
}

static void
check_lines(const char *p, size_t n)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r') {
			if (i + 1 >= n || p[i + 1] != '\n' || col >
			    LIMIT_QP_LINE || (i > 0 && (p[i - 1] == ' ' ||
			    p[i - 1] == '\t')))
				abort();
			col = 0;
			i++;
		} else if ((c < 32 && c != '\t') || c > 126)
			abort();
		else
			col++;
	}
	if (col > LIMIT_QP_LINE)
		abort();
}

static void
check_qp(const char *in, size_t len, unsigned seed)
{
	size_t a, b;
	char *x = encode(in, len, 0, &a), *y = encode(in, len, seed, &b);
	char *d = malloc(a + 1);
	long dn;

	if (a != b || memcmp(x, y, a) != 0)
		abort();
	check_lines(x, a);
	dn = qp_decode(x, a, d);
	if (dn < 0 || (size_t)dn != len || memcmp(d, in, len) != 0)
		abort();
	free(x);
	free(y);
	free(d);
}

/* the block with every CRLF before SP/HT removed */
static size_t
unfold(const char *p, size_t n, char *u)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\r' && i + 2 < n && p[i + 1] == '\n' &&
		    (p[i + 2] == ' ' || p[i + 2] == '\t'))
			i++;
		else
			u[o++] = p[i];
	}
	return o;
}

static void
check_fold(const char *blk, size_t n)
{
	struct hdr_buf out = { NULL, 0, 0 };
	struct err e;
	char *u1, *u2;
	size_t i, st = 0, k1, k2;

	err_clear(&e);
	switch (hdrfold_block(blk, n, &out, &e)) {
	case 0:
		break;
	case 1:
		for (i = 0; i < out.len; i++)
			if (out.p[i] == '\n') {
				if (i - st - 1 > LIMIT_LINE)
					abort();
				st = i + 1;
			}
		u1 = malloc(out.len + 1);
		u2 = malloc(n + 1);
		k1 = unfold(out.p, out.len, u1);
		k2 = unfold(blk, n, u2);
		if (k1 != k2 || memcmp(u1, u2, k1) != 0)
			abort();
		free(u1);
		free(u2);
		break;
	default:
		if (e.code != EX_DATAERR || e.msg[0] == '\0')
			abort();
	}
	hdr_buf_free(&out);
}

static void
check_mime(const char *blk, size_t n)
{
	char bnd[LIMIT_MIME_BOUNDARY + 1], what[LIMIT_QUOTE_SHORT];
	struct hdr_buf out = { NULL, 0, 0 };
	struct qp_part pt;
	static const char cte[] = "Content-Transfer-Encoding: "
	    "quoted-printable\r\n";
	const char *p = blk, *nl;
	size_t i, k = sizeof(cte) - 1, found = 0;
	size_t name = strlen("Content-Transfer-Encoding:");

	(void)qp_plan(blk, n, bnd, sizeof(bnd), what, sizeof(what));
	qp_headers(blk, n, n & 1, &out);
	if (out.len < k || memcmp(out.p + out.len - k, cte, k) != 0)
		abort();
	for (i = 0; i + name <= out.len; i++)
		found += (i == 0 || out.p[i - 1] == '\n') && strncasecmp(out.p +
		    i, cte, name) == 0;
	if (found != 1)
		abort();
	hdr_buf_free(&out);
	qp_part_init(&pt, bnd[0] ? bnd : "b");
	while ((nl = memchr(p, '\n', n - (size_t)(p - blk))) != NULL) {
		qp_part_line(&pt, p, (size_t)(nl - p));
		if (pt.part < -1)
			abort();
		p = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 1;
	char *blk;
	size_t len, i, n = 0;

	if (size < 1)
		return 0;
	len = size - 1;
	check_qp(in, len, data[0] | 1u);
	/* the data as a header block: CRLF lines, ending in CRLF */
	blk = malloc(2 * len + 3);
	for (i = 0; i < len; i++) {
		if (in[i] == '\r')
			continue;
		if (in[i] == '\n')
			blk[n++] = '\r';
		blk[n++] = in[i];
	}
	if (n > 0 && blk[n - 1] != '\n') {
		blk[n++] = '\r';
		blk[n++] = '\n';
	}
	blk[n] = '\0';
	check_fold(blk, n);
	check_mime(blk, n);
	free(blk);
	return 0;
}
