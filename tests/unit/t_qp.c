/* SPDX-License-Identifier: ISC */
/*
 * t_qp.c - tests of the quoted-printable re-encoding (qp.h).
 *
 * 1. golden encodings: '=', trailing space and tab, bare CR and LF, 8-bit
 *    bytes, the 76-octet soft break, an "=XX" never split;
 * 2. properties on long and random inputs: no encoded line longer than
 *    LIMIT_QP_LINE, none ending in white space, only printable ASCII and
 *    CRLF, decode(encode(x)) == x, any cut of the input (byte by byte
 *    included) gives the same output, QP_ROOM holds;
 * 3. qp_plan over header blocks; qp_headers' fields; qp_part numbering.
 */
#include <stdlib.h>

#include "t.h"
#include "qp.h"

/* encode in[0..n) fed in pieces of `step` (0: one call); malloc'd */
static char *
enc(const char *in, size_t n, size_t step, size_t *olen)
{
	char *out = malloc(QP_ROOM(n) + QP_ROOM(0) + 1);
	size_t i = 0, k, o = 0;
	struct qp q;

	qp_init(&q);
	while (i < n) {
		k = step == 0 || n - i < step ? n - i : step;
		o += qp_encode(&q, in + i, k, out + o);
		i += k;
	}
	o += qp_encode_end(&q, out + o);
	out[o] = '\0';
	*olen = o;
	return out;
}

static void
golden(const char *in, const char *want)
{
	size_t n;
	char *got = enc(in, strlen(in), 0, &n);

	T_EQ_MEM(got, n, want, strlen(want));
	free(got);
}

static void
test_golden(void)
{
	golden("", "");
	golden("abc\r\n", "abc\r\n");
	golden("a=b\r\n", "a=3Db\r\n");
	golden("end \r\n", "end=20\r\n");
	golden("end\t\r\n", "end=09\r\n");
	golden("a b\tc\r\n", "a b\tc\r\n");
	golden("last ", "last=20");
	golden("bare\rcr\r\n", "bare=0Dcr\r\n");
	golden("bare\nlf\r\n", "bare=0Alf\r\n");
	golden("caf\xc3\xa9\r\n", "caf=C3=A9\r\n");
	golden("\x7f\x01\r\n", "=7F=01\r\n");
	golden("two  \r\n\r\n", "two =20\r\n\r\n");
	golden("cr at end\r", "cr at end=0D");
	golden(". dot\r\n", ". dot\r\n");
}

static void
test_softbreak(void)
{
	char in[200], want[200];
	size_t n;
	char *got;

	/* 75 octets fit, the 76th goes after "=" CRLF */
	memset(in, 'x', 76);
	memcpy(in + 76, "\r\n", 3);
	memset(want, 'x', 75);
	memcpy(want + 75, "=\r\nx\r\n", 7);
	golden(in, want);
	/* exactly 75: no soft break */
	memset(in, 'x', 75);
	memcpy(in + 75, "\r\n", 3);
	golden(in, in);
	/* an "=XX" that would pass column 75 goes whole to the next line */
	memset(in, 'x', 73);
	memcpy(in + 73, "=\r\n", 4);
	memset(want, 'x', 73);
	memcpy(want + 73, "=\r\n=3D\r\n", 9);
	golden(in, want);
	/* 72 + "=3D" = 75: fits */
	memset(in, 'x', 72);
	memcpy(in + 72, "=\r\n", 4);
	memset(want, 'x', 72);
	memcpy(want + 72, "=3D\r\n", 6);
	golden(in, want);
	/* a space at the soft break is followed by '=': not trailing */
	memset(in, 'x', 74);
	memcpy(in + 74, " y\r\n", 5);
	got = enc(in, strlen(in), 0, &n);
	T_OK(strstr(got, " =\r\ny\r\n") != NULL, "space before soft break: %s",
	    got);
	free(got);
}

/* the properties every encoding must have */
static void
check(const char *in, size_t n)
{
	size_t on, on1, i, col = 0, bad = 0;
	char *out = enc(in, n, 0, &on), *o1 = enc(in, n, 1, &on1), *o7;
	char *dec = malloc(on + 1);
	long dn;

	T_OK(on <= QP_ROOM(n) + QP_ROOM(0), "room: %zu > %zu", on,
	    QP_ROOM(n));
	T_EQ_MEM(o1, on1, out, on);
	o7 = enc(in, n, 7, &on1);
	T_EQ_MEM(o7, on1, out, on);
	for (i = 0; i < on; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c == '\r') {
			bad += i + 1 >= on || out[i + 1] != '\n';
			bad += i > 0 && (out[i - 1] == ' ' ||
			    out[i - 1] == '\t');
			bad += col > LIMIT_QP_LINE;
			col = 0;
			i++;
			continue;
		}
		bad += !((c >= 32 && c <= 126) || c == '\t');
		col++;
	}
	T_OK(bad == 0, "%zu faults (bare CR, white space at a line end, "
	    "line over %d, byte not printable ASCII)", bad, LIMIT_QP_LINE);
	T_OK(col <= LIMIT_QP_LINE, "last line of %zu", col);
	dn = qp_decode(out, on, dec);
	T_EQ_MEM(dec, dn < 0 ? 0 : (size_t)dn, in, n);
	free(out);
	free(o1);
	free(o7);
	free(dec);
}

static void
test_properties(void)
{
	static const char alpha[] = "ab =\t\r\n.\xc3\xa9\x80\xff\x01";
	char *b = malloc(5000);
	unsigned long long r = 7;
	size_t i, n;
	int k;

	memset(b, 'x', 5000);
	check(b, 5000);			/* the 5000-octet line */
	memcpy(b + 998, "\r\n", 2);
	check(b, 1000);			/* exactly 998 + CRLF */
	memset(b, ' ', 999);
	check(b, 999);			/* all white space */
	for (k = 0; k < 400; k++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		n = (size_t)(r >> 33) % 400;
		for (i = 0; i < n; i++) {
			r = r * 6364136223846793005ULL + 1;
			b[i] = alpha[(r >> 33) % (sizeof(alpha) - 1)];
		}
		check(b, n);
	}
	free(b);
}

static void
test_decode(void)
{
	char out[32];

	T_EQ_INT(qp_decode("a=3d=\r\nb", 8, out), 3);
	T_EQ_MEM(out, 3, "a=b", 3);
	T_EQ_INT(qp_decode("a=", 2, out), -1);
	T_EQ_INT(qp_decode("a=G0", 4, out), -1);
	T_EQ_INT(qp_decode("=\r", 2, out), -1);
}

static int
plan(const char *block, char *bnd, char *what)
{
	return qp_plan(block, strlen(block), bnd, LIMIT_MIME_BOUNDARY + 1,
	    what, 64);
}

static void
test_plan(void)
{
	char b[LIMIT_MIME_BOUNDARY + 1], w[64];

	T_EQ_INT(plan("", b, w), QP_TEXT);
	T_EQ_INT(plan("Subject: x\r\n", b, w), QP_TEXT);
	T_EQ_INT(plan("MIME-Version: 1.0\r\n", b, w), QP_TEXT);
	T_EQ_INT(plan("Content-Type: TEXT/html; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8BIT\r\n", b, w), QP_TEXT);
	T_EQ_INT(plan("Content-Type: (c) text/plain\r\n"
	    "Content-Transfer-Encoding: 7bit (x)\r\n", b, w), QP_TEXT);
	T_EQ_INT(plan("Content-Type: text/plain\r\n"
	    "Content-Transfer-Encoding: base64\r\n", b, w), QP_OTHER);
	T_EQ_STR(w, "text/plain, base64");
	T_EQ_INT(plan("Content-Transfer-Encoding: quoted-printable\r\n", b, w),
	    QP_OTHER);
	T_EQ_STR(w, "text/plain, quoted-printable");
	T_EQ_INT(plan("Content-Type: message/rfc822\r\n", b, w), QP_OTHER);
	T_EQ_STR(w, "message/rfc822");
	T_EQ_INT(plan("Content-Type: application/json\r\n", b, w), QP_OTHER);
	T_EQ_INT(plan("Content-Transfer-Encoding: binary\r\n", b, w), QP_OTHER);
	T_EQ_INT(plan("Content-Type: multipart/mixed; boundary=\"a b\"\r\n", b,
	    w), QP_MULTIPART);
	T_EQ_STR(b, "a b");
	T_EQ_INT(plan("Content-Type: multipart/alternative;\r\n"
	    " charset=x; BOUNDARY=xyz\r\n", b, w), QP_MULTIPART);
	T_EQ_STR(b, "xyz");
	T_EQ_INT(plan("Content-Type: multipart/mixed\r\n", b, w), QP_MULTIPART);
	T_EQ_STR(b, "");
	T_EQ_INT(plan("Subject: x\r\nDKIM-Signature: v=1\r\n", b, w), QP_DKIM);
	T_EQ_INT(plan("dkim-signature : v=1\r\nContent-Type: multipart/mixed; "
	    "boundary=q\r\n", b, w), QP_DKIM);
}

static void
headers(const char *in, int eightbit, const char *want)
{
	struct hdr_buf out = { NULL, 0, 0 };

	qp_headers(in, strlen(in), eightbit, &out);
	T_EQ_MEM(out.p, out.len, want, strlen(want));
	hdr_buf_free(&out);
}

static void
test_headers(void)
{
	headers("Subject: x\r\n", 0, "Subject: x\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n");
	headers("", 1, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n");
	headers("MIME-Version: 1.0\r\nContent-Transfer-Encoding:\r\n 8bit\r\n"
	    "Content-Type: text/html; charset=latin1\r\nX: y\r\n"
	    "content-transfer-encoding : 7bit\r\n", 1,
	    "MIME-Version: 1.0\r\nContent-Type: text/html; charset=latin1\r\n"
	    "X: y\r\nContent-Transfer-Encoding: quoted-printable\r\n");
}

static void
feed(struct qp_part *p, const char *line)
{
	qp_part_line(p, line, strlen(line));
}

static void
test_part(void)
{
	struct qp_part p;

	qp_part_init(&p, "b1");
	feed(&p, "preamble");
	T_EQ_INT(p.part, 0);
	feed(&p, "--b1");
	feed(&p, "Content-Type: text/plain");
	feed(&p, "");
	feed(&p, "--b1 ");
	T_EQ_INT(p.part, 2);
	T_EQ_STR(p.type, "text/plain");
	feed(&p, "content-type : Text/HTML; charset=utf-8");
	T_EQ_STR(p.type, "text/html");
	feed(&p, "");
	feed(&p, "Content-Type: image/png");	/* body, not header */
	T_EQ_STR(p.type, "text/html");
	feed(&p, "--b1x");			/* another boundary: body */
	T_EQ_INT(p.part, 2);
	feed(&p, "--b1--");
	T_EQ_INT(p.part, -1);
	feed(&p, "--b1");			/* epilogue stays epilogue */
	T_EQ_INT(p.part, -1);
	qp_part_init(&p, "");
	feed(&p, "--");
	T_EQ_INT(p.part, 0);
}

int
main(void)
{
	test_golden();
	test_softbreak();
	test_properties();
	test_decode();
	test_plan();
	test_headers();
	test_part();
	return t_done("t_qp");
}
