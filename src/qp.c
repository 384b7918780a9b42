/* SPDX-License-Identifier: ISC */
/*
 * qp.c - PURE quoted-printable re-encoding of a body with over-long
 * lines: the encoder, a decoder for the tests, the decision over the
 * header block and the header fields a quoted-printable body needs (the
 * contract is in qp.h).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "qp.h"

static const char hex[] = "0123456789ABCDEF";

void
qp_init(struct qp *q)
{
	q->col = 0;
	q->pend = -1;
}

/* one output token t[0..n), after a soft break when it would not fit */
static size_t
token(struct qp *q, const char *t, size_t n, char *out)
{
	size_t o = 0;

	if (q->col + (int)n > LIMIT_QP_LINE - 1) {
		memcpy(out, "=\r\n", 3);
		o = 3;
		q->col = 0;
	}
	memcpy(out + o, t, n);
	q->col += (int)n;
	return o + n;
}

static size_t
encoded(struct qp *q, unsigned char c, char *out)
{
	char t[3] = { '=', hex[c >> 4], hex[c & 15] };

	return token(q, t, 3, out);
}

/* settle the pending byte now that the next one (c, or -1: end) is known */
static size_t
settle(struct qp *q, int c, char *out)
{
	int p = q->pend;
	char lit = (char)p;

	q->pend = -1;
	if (p == '\r' && c == '\n') {
		memcpy(out, "\r\n", 2);
		q->col = 0;
		return 2;
	}
	if (p == '\r' || ((p == ' ' || p == '\t') && (c == '\r' || c == -1)))
		return encoded(q, (unsigned char)p, out);
	return token(q, &lit, 1, out);
}

static size_t
one(struct qp *q, unsigned char c, char *out)
{
	size_t o = 0;

	if (q->pend != -1) {
		int crlf = q->pend == '\r' && c == '\n';

		o = settle(q, c, out);
		if (crlf)
			return o;
	}
	if (c == ' ' || c == '\t' || c == '\r') {
		q->pend = c;
		return o;
	}
	if (c >= 33 && c <= 126 && c != '=')
		return o + token(q, (const char *)&c, 1, out + o);
	return o + encoded(q, c, out + o);
}

size_t
qp_encode(struct qp *q, const char *in, size_t inlen, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < inlen; i++)
		o += one(q, (unsigned char)in[i], out + o);
	return o;
}

size_t
qp_encode_end(struct qp *q, char *out)
{
	return q->pend == -1 ? 0 : settle(q, -1, out);
}

static int
hexval(int c)
{
	const char *p = c ? strchr(hex, toupper((unsigned char)c)) : NULL;

	return p == NULL ? -1 : (int)(p - hex);
}

long
qp_decode(const char *in, size_t n, char *out)
{
	size_t i = 0, o = 0;
	int a, b;

	while (i < n) {
		if (in[i] != '=') {
			out[o++] = in[i++];
			continue;
		}
		if (i + 2 < n && in[i + 1] == '\r' && in[i + 2] == '\n') {
			i += 3;
			continue;
		}
		if (i + 2 >= n || (a = hexval(in[i + 1])) == -1 ||
		    (b = hexval(in[i + 2])) == -1)
			return -1;
		out[o++] = (char)(a << 4 | b);
		i += 3;
	}
	return (long)o;
}

/* end of the field that starts at off: after its last continuation line */
static size_t
field_end(const char *b, size_t len, size_t off)
{
	const char *nl;

	for (;;) {
		nl = memchr(b + off, '\n', len - off);
		off = nl == NULL ? len : (size_t)(nl + 1 - b);
		if (off >= len || (b[off] != ' ' && b[off] != '\t'))
			return off;
	}
}

/* does the field at b[0..n) have this name (white space before ':' ok)? */
static int
is_field(const char *b, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(b, name, k) != 0)
		return 0;
	while (k < n && (b[k] == ' ' || b[k] == '\t'))
		k++;
	return k < n && b[k] == ':';
}

/* skip white space, line ends and (nested) comments */
static size_t
skip_cfws(const char *v, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (v[i] == '(')
			depth++;
		else if (v[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0 && !isspace((unsigned char)v[i]))
			break;
	}
	return i;
}

/* the first token of a field value, lower case, into t[0..tsz) */
static size_t
first_token(const char *v, size_t n, char *t, size_t tsz)
{
	size_t i = skip_cfws(v, n, 0), k = 0;

	while (i < n && v[i] != ';' && v[i] != '(' &&
	    !isspace((unsigned char)v[i])) {
		if (k + 1 < tsz)
			t[k++] = (char)tolower((unsigned char)v[i]);
		i++;
	}
	t[k] = '\0';
	return i;
}

/* a quoted string or token value at v[i..n) into out[0..osz) */
static void
param_value(const char *v, size_t n, size_t i, char *out, size_t osz)
{
	size_t k = 0;
	int q = i < n && v[i] == '"';

	for (i += q; i < n; i++) {
		if (q && v[i] == '\\' && i + 1 < n)
			i++;
		else if (q ? v[i] == '"' : (v[i] == ';' ||
		    isspace((unsigned char)v[i])))
			break;
		if (k + 1 >= osz) {	/* longer than RFC 2046 allows */
			k = 0;
			break;
		}
		out[k++] = v[i];
	}
	out[k] = '\0';
}

/* the boundary parameter of a Content-Type value, "" when none */
static void
boundary_of(const char *v, size_t n, size_t i, char *out, size_t osz)
{
	out[0] = '\0';
	while (i < n) {
		const char *semi = memchr(v + i, ';', n - i);

		if (semi == NULL)
			return;
		i = skip_cfws(v, n, (size_t)(semi + 1 - v));
		if (n - i > 9 && strncasecmp(v + i, "boundary=", 9) == 0) {
			param_value(v, n, i + 9, out, osz);
			return;
		}
	}
}

int
qp_plan(const char *block, size_t len, char *boundary, size_t bsz,
    char *what, size_t wsz)
{
	char type[LIMIT_QUOTE_SHORT] = "", cte[LIMIT_QUOTE_SHORT] = "";
	const char *v;
	size_t vn, end = 0;

	boundary[0] = what[0] = '\0';
	if (hdr_has(block, len, "DKIM-Signature"))
		return QP_DKIM;
	if (hdr_get(block, len, "Content-Type", &v, &vn))
		end = first_token(v, vn, type, sizeof(type));
	if (hdr_get(block, len, "Content-Transfer-Encoding", &v, &vn))
		(void)first_token(v, vn, cte, sizeof(cte));
	if (strncmp(type, "multipart/", 10) == 0) {
		if (hdr_get(block, len, "Content-Type", &v, &vn))
			boundary_of(v, vn, end, boundary, bsz);
		return QP_MULTIPART;
	}
	if ((type[0] == '\0' || strncmp(type, "text/", 5) == 0) &&
	    (cte[0] == '\0' || strcmp(cte, "7bit") == 0 ||
	    strcmp(cte, "8bit") == 0))
		return QP_TEXT;
	err_fmt(what, wsz, "%s%s%s", type[0] ? type : "text/plain",
	    cte[0] ? ", " : "", cte);
	return QP_OTHER;
}

static void
add_str(struct hdr_buf *b, const char *s)
{
	hdr_buf_add(b, s, strlen(s));
}

void
qp_headers(const char *block, size_t len, int eightbit, struct hdr_buf *out)
{
	size_t off = 0, end;

	while (off < len) {
		end = field_end(block, len, off);
		if (!is_field(block + off, end - off,
		    "Content-Transfer-Encoding"))
			hdr_buf_add(out, block + off, end - off);
		off = end;
	}
	if (!hdr_has(block, len, "MIME-Version"))
		add_str(out, "MIME-Version: 1.0\r\n");
	if (!hdr_has(block, len, "Content-Type")) {
		const char *ct = eightbit ?
		    "Content-Type: text/plain; charset=utf-8\r\n" :
		    "Content-Type: text/plain; charset=us-ascii\r\n";

		add_str(out, ct);
	}
	add_str(out, "Content-Transfer-Encoding: quoted-printable\r\n");
}

void
qp_part_init(struct qp_part *p, const char *boundary)
{
	memset(p, 0, sizeof(*p));
	strlcpy(p->boundary, boundary, sizeof(p->boundary));
}

/* "--boundary" (0), "--boundary--" (1) or no delimiter line (-1) */
static int
delimiter(const struct qp_part *p, const char *l, size_t n)
{
	size_t k = strlen(p->boundary), i;
	int close;

	if (k == 0 || n < k + 2 || memcmp(l, "--", 2) != 0 ||
	    memcmp(l + 2, p->boundary, k) != 0)
		return -1;
	i = k + 2;
	close = n >= i + 2 && memcmp(l + i, "--", 2) == 0;
	for (i += close ? 2 : 0; i < n; i++)	/* transport padding */
		if (l[i] != ' ' && l[i] != '\t')
			return -1;
	return close;
}

void
qp_part_line(struct qp_part *p, const char *l, size_t n)
{
	int d = p->part >= 0 ? delimiter(p, l, n) : -1;
	const char *colon;

	if (d == 1) {
		p->part = -1;
		p->inhdr = 0;
	} else if (d == 0) {
		p->part++;
		p->inhdr = 1;
		strlcpy(p->type, "text/plain", sizeof(p->type));
	} else if (p->inhdr && n == 0)
		p->inhdr = 0;
	else if (p->inhdr && is_field(l, n, "Content-Type")) {
		colon = memchr(l, ':', n);
		(void)first_token(colon + 1, n - (size_t)(colon + 1 - l),
		    p->type, sizeof(p->type));
	}
}
