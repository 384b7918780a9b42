/* SPDX-License-Identifier: ISC */
/*
 * hdrfold.c - PURE folding of header lines longer than RFC 5322 allows
 * (the contract is in hdrfold.h).
 */
#include <string.h>

#include "hdrfold.h"
#include "limit.h"

#define WSP(c)	((c) == ' ' || (c) == '\t')

/* one line being folded: l[0..n) without its CRLF */
struct line {
	const char	*l;
	size_t		 n;
	size_t		 s;	/* start of the segment not yet written */
	size_t		 last;	/* last fold point seen in the segment (or s) */
	size_t		 comma;	/* ... of them the last after a comma */
};

/* the longest line of b[0..len), CRLF excluded */
static size_t
longest(const char *b, size_t len)
{
	const char *p = b, *nl;
	size_t max = 0, k;

	while ((nl = memchr(p, '\n', len - (size_t)(p - b))) != NULL) {
		k = (size_t)(nl - p);
		k -= k > 0 && p[k - 1] == '\r';
		max = k > max ? k : max;
		p = nl + 1;
	}
	k = len - (size_t)(p - b);
	return k > max ? k : max;
}

/* write l[s..to) and a fold (CRLF) before to; -1 when it is too long */
static int
cut(struct line *ln, size_t to, struct hdr_buf *out)
{
	if (to - ln->s > LIMIT_LINE)
		return -1;
	hdr_buf_add(out, ln->l + ln->s, to - ln->s);
	hdr_buf_add(out, "\r\n", 2);
	ln->s = ln->last = ln->comma = to;
	return 0;
}

/* a fold point at i: it is seen; fold before it when the segment is full */
static int
fold_at(struct line *ln, size_t i, struct hdr_buf *out)
{
	size_t at = ln->comma > ln->s ? ln->comma : ln->last;

	if (i - ln->s > LIMIT_FOLD_LINE && at > ln->s && cut(ln, at,
	    out) == -1)
		return -1;
	if (i - ln->s > LIMIT_FOLD_LINE)
		return cut(ln, i, out);
	ln->last = i;
	if (ln->l[i - 1] == ',')
		ln->comma = i;
	return 0;
}

/* may the line be folded before l[i]? (quote state updated by caller) */
static int
foldable(const char *l, size_t i, size_t from, size_t lastnon, int quoted)
{
	return !quoted && i > from && i < lastnon && WSP(l[i]) &&
	    !WSP(l[i - 1]);
}

/* fold l[0..n) (from: the first byte after the field's colon) into out */
static int
fold_line(const char *l, size_t n, size_t from, struct hdr_buf *out)
{
	struct line ln = { l, n, 0, 0, 0 };
	size_t i, lastnon = n;
	int quoted = 0, esc = 0;

	while (lastnon > 0 && WSP(l[lastnon - 1]))
		lastnon--;
	lastnon = lastnon > 0 ? lastnon - 1 : 0;
	for (i = 0; i < n; i++) {
		if (foldable(l, i, from, lastnon, quoted) &&
		    fold_at(&ln, i, out) == -1)
			return -1;
		if (esc)
			esc = 0;
		else if (quoted && l[i] == '\\')
			esc = 1;
		else if (l[i] == '"')
			quoted = !quoted;
	}
	if (n - ln.s > LIMIT_FOLD_LINE && ln.last > ln.s &&
	    cut(&ln, ln.last, out) == -1)
		return -1;
	if (n - ln.s > LIMIT_LINE)
		return -1;
	hdr_buf_add(out, l + ln.s, n - ln.s);
	hdr_buf_add(out, "\r\n", 2);
	return 0;
}

/* the field's name from its first line, for the error message */
static int
unfoldable(const char *l, size_t n, size_t linelen, struct err *e)
{
	const char *colon = memchr(l, ':', n);
	size_t k = colon ? (size_t)(colon - l) : 0;

	while (k > 0 && WSP(l[k - 1]))
		k--;
	return err_set(e, EX_DATAERR, "header field '%.*s' has a line of %zu "
	    "octets with no white space to fold it at within %d octets (the "
	    "limit of a line, RFC 5322 2.1.1)", (int)(k > LIMIT_QUOTE_SHORT ?
	    LIMIT_QUOTE_SHORT : k), l, linelen, LIMIT_LINE);
}

int
hdrfold_block(const char *b, size_t len, struct hdr_buf *out, struct err *e)
{
	const char *p = b, *field = b, *nl, *colon;
	size_t n, from;

	if (longest(b, len) <= LIMIT_LINE)
		return 0;
	while (p < b + len) {
		nl = memchr(p, '\n', len - (size_t)(p - b));
		n = nl ? (size_t)(nl - p) : len - (size_t)(p - b);
		n -= n > 0 && p[n - 1] == '\r';
		if (!WSP(*p))
			field = p;
		colon = field == p ? memchr(p, ':', n) : NULL;
		from = colon ? (size_t)(colon - p) + 1 : 0;
		if (n <= LIMIT_LINE) {
			hdr_buf_add(out, p, n);
			hdr_buf_add(out, "\r\n", 2);
		} else if (fold_line(p, n, from, out) == -1)
			return unfoldable(field, (size_t)(b + len - field), n,
			    e);
		p = nl ? nl + 1 : b + len;
	}
	return 1;
}
