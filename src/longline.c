/* SPDX-License-Identifier: ISC */
/*
 * longline.c - lines longer than the standard, settled at intake (the
 * contract is in longline.h): the count of the body's lines while it is
 * spooled, then the decision (qp_plan), the refusals, and the rebuild of
 * the spool file with folded header lines or a quoted-printable body.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hdrfold.h"
#include "limit.h"
#include "longline.h"
#include "qp.h"

void
longline_init(struct longline *ll)
{
	memset(ll, 0, sizeof(*ll));
	ll->first = -1;
}

void
longline_scan(struct longline *ll, const char *p, size_t n)
{
	const char *nl;
	long long len;

	while (n > 0 && (nl = memchr(p, '\n', n)) != NULL) {
		len = ll->cur + (nl - p);
		len -= len > 0;		/* the CR: the spool is CRLF */
		if (len > LIMIT_LINE && ll->first == -1) {
			ll->first = ll->lines;
			ll->firstlen = len;
		}
		ll->lines++;
		ll->cur = 0;
		n -= (size_t)(nl + 1 - p);
		p = nl + 1;
	}
	ll->cur += (long long)n;
}

static int
io_fail(struct err *e, const char *what)
{
	return err_set(e, errno == ENOSPC || errno == EDQUOT ? EX_TEMPFAIL :
	    EX_IOERR, "cannot %s the spool file: %s", what, errno ?
	    strerror(errno) : "short read or write");
}

/* write p[0..n) at *at, advancing it */
static int
put(int fd, const char *p, size_t n, long long *at, struct err *e)
{
	ssize_t r;

	while (n > 0) {
		errno = 0;
		if ((r = pwrite(fd, p, n, (off_t)*at)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			return io_fail(e, "write");
		}
		p += r;
		n -= (size_t)r;
		*at += r;
	}
	return 0;
}

/* read up to n bytes at off, all of them unless the file ends */
static ssize_t
get(int fd, char *p, size_t n, long long off, struct err *e)
{
	ssize_t r;

	errno = 0;
	while ((r = pread(fd, p, n, (off_t)off)) == -1 && errno == EINTR)
		;
	if (r <= 0)
		return io_fail(e, "read");
	return r;
}

static size_t
chunk(long long from, long long to)
{
	return to - from < LIMIT_IO_BUF ? (size_t)(to - from) : LIMIT_IO_BUF;
}

/* the part of a multipart body that body line ll->first is in */
static int
find_part(int fd, const struct longline *ll, struct qp_part *pt,
    struct err *e)
{
	char *b = xmalloc(LIMIT_IO_BUF), pre[LIMIT_LINE + 1];
	long long off = ll->body, idx = 0;
	size_t plen = 0, i, n;
	ssize_t r = 0;

	while (idx < ll->first && off < ll->total &&
	    (r = get(fd, b, chunk(off, ll->total), off, e)) > 0) {
		off += r;
		for (i = 0, n = (size_t)r; i < n && idx < ll->first; i++) {
			if (b[i] != '\n') {
				if (plen < sizeof(pre))
					pre[plen++] = b[i];
				continue;
			}
			plen -= plen > 0 && pre[plen - 1] == '\r';
			qp_part_line(pt, pre, plen);
			plen = 0;
			idx++;
		}
	}
	free(b);
	return r < 0 ? -1 : 0;
}

/* a body line too long in a body that is not one text part */
static int
refuse_body(int fd, const struct longline *ll, int plan, const char *bnd,
    const char *what, struct err *e)
{
	struct qp_part pt;
	char where[LIMIT_QUOTE_SHORT * 2];

	if (plan == QP_OTHER)
		err_fmt(where, sizeof(where), "a body of %s", what);
	else {
		qp_part_init(&pt, bnd);
		if (find_part(fd, ll, &pt, e) == -1)
			return -1;
		if (pt.part > 0)
			err_fmt(where, sizeof(where), "part %d (%s) of a "
			    "multipart message", pt.part, pt.type);
		else
			err_fmt(where, sizeof(where), "the %s of a multipart "
			    "message", pt.part == 0 ? "preamble" : "epilogue");
	}
	err_set(e, EX_DATAERR, "line %lld of the message is longer than %d "
	    "octets (%lld) and is in %s: only a message that is one text part "
	    "is re-encoded; send that part quoted-printable or base64",
	    ll->lines0 + ll->first + 1, LIMIT_LINE, ll->firstlen, where);
	return 1;
}

/* copy the new message at `from` to the start of the file, summing it */
static int
move_down(int fd, long long from, long long len, struct sum *sum,
    struct err *e)
{
	char *b = xmalloc(LIMIT_IO_BUF);
	long long done = 0, at = 0;
	ssize_t r = 0;

	sum_init(sum);
	while (done < len && (r = get(fd, b, chunk(done, len), from + done,
	    e)) > 0) {
		sum_add(sum, b, (size_t)r);
		if (put(fd, b, (size_t)r, &at, e) == -1) {
			r = -1;
			break;
		}
		done += r;
	}
	free(b);
	if (r < 0)
		return -1;
	if (ftruncate(fd, (off_t)len) == -1)
		return io_fail(e, "truncate");
	return 0;
}

/* the body from the old spool to *at, encoded when `encode` */
static int
copy_body(int fd, const struct longline *ll, int encode, long long *at,
    struct err *e)
{
	char *in = xmalloc(LIMIT_IO_BUF), *out = xmalloc(QP_ROOM(LIMIT_IO_BUF));
	long long off = ll->body;
	struct qp q;
	ssize_t r = 0;
	size_t o;
	int rc = 0;

	qp_init(&q);
	while (rc == 0 && off < ll->total &&
	    (r = get(fd, in, chunk(off, ll->total), off, e)) > 0) {
		off += r;
		if (!encode)
			rc = put(fd, in, (size_t)r, at, e);
		else {
			o = qp_encode(&q, in, (size_t)r, out);
			rc = put(fd, out, o, at, e);
		}
		if (rc == 0 && *at - ll->total > LIMIT_MESSAGE)
			rc = err_set(e, EX_DATAERR, "message too large once "
			    "re-encoded (limit %lld bytes)", LIMIT_MESSAGE);
	}
	if (rc == 0 && r >= 0 && encode && (o = qp_encode_end(&q, out)) > 0)
		rc = put(fd, out, o, at, e);
	free(in);
	free(out);
	return r < 0 ? -1 : rc;
}

static int
has_8bit(const char *p, size_t n)
{
	while (n-- > 0)
		if ((unsigned char)*p++ >= 0x80)
			return 1;
	return 0;
}

/* header block h, blank line, the body: the new spool */
static int
rebuild(int fd, struct longline *ll, const struct hdr_buf *h, int encode,
    struct sum *sum, struct err *e)
{
	long long at = ll->total;
	int rc;

	rc = put(fd, h->p, h->len, &at, e);
	if (rc == 0)
		rc = put(fd, "\r\n", 2, &at, e);
	if (rc == 0)
		rc = copy_body(fd, ll, encode, &at, e);
	if (rc == -1 && e->code == EX_DATAERR)	/* too large: as it came */
		return ftruncate(fd, (off_t)ll->total) == -1 ? io_fail(e,
		    "truncate") : 1;
	if (rc == 0)
		rc = move_down(fd, ll->total, at - ll->total, sum, e);
	if (rc == -1)
		return -1;
	ll->total = at - ll->total;
	if (encode)
		ll->eightbit = has_8bit(h->p, h->len);
	return 0;
}

/* 1 when the spooled body has a byte >= 0x80, 0 not, -1 read error */
static int
body_8bit(int fd, const struct longline *ll, struct err *e)
{
	char *b = xmalloc(LIMIT_IO_BUF);
	long long off = ll->body;
	ssize_t r = 0;
	int found = 0;

	while (!found && off < ll->total &&
	    (r = get(fd, b, chunk(off, ll->total), off, e)) > 0) {
		found = has_8bit(b, (size_t)r);
		off += r;
	}
	free(b);
	return r < 0 ? -1 : found;
}

/* header block for a re-encoded body, its long lines folded: charset
   utf-8 when the body has 8-bit bytes (the headers' do not count) */
static int
qp_block(int fd, const struct longline *ll, struct hdr_buf *out,
    struct err *e)
{
	struct hdr_buf q = { NULL, 0, 0 };
	struct err ignore;
	int eight = ll->eightbit ? body_8bit(fd, ll, e) : 0;

	if (eight == -1)
		return -1;
	qp_headers(ll->hdr, ll->hlen, eight, &q);
	if (hdrfold_block(q.p, q.len, out, &ignore) != 1)
		hdr_buf_add(out, q.p, q.len);	/* checked before: fits */
	hdr_buf_free(&q);
	return 0;
}

/* the name of the first field of b[0..len) with a line too long */
static void
long_field(const char *b, size_t len, char *name, size_t sz)
{
	const char *p = b, *field = b, *end = b + len, *nl, *colon;
	size_t n;

	name[0] = '\0';
	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		n -= n > 0 && p[n - 1] == '\r';
		if (*p != ' ' && *p != '\t')
			field = p;
		if (n <= LIMIT_LINE)
			continue;
		colon = memchr(field, ':', (size_t)(end - field));
		n = colon ? (size_t)(colon - field) : 0;
		while (n > 0 && (field[n - 1] == ' ' || field[n - 1] == '\t'))
			n--;
		err_fmt(name, sz, "%.*s", (int)n, field);
		return;
	}
}

static int
refuse_dkim(const struct longline *ll, struct err *e)
{
	char name[LIMIT_QUOTE_SHORT];

	long_field(ll->hdr, ll->hlen, name, sizeof(name));
	if (ll->first == -1)
		return err_set(e, EX_DATAERR, "header field '%s' has a line "
		    "longer than %d octets and the message has a "
		    "DKIM-Signature: folding it would break the signature",
		    name, LIMIT_LINE);
	return err_set(e, EX_DATAERR, "line %lld of the message is longer "
	    "than %d octets (%lld) and the message has a DKIM-Signature: "
	    "re-encoding it would break the signature", ll->lines0 +
	    ll->first + 1, LIMIT_LINE, ll->firstlen);
}

int
longline_settle(int fd, struct longline *ll, struct sum *sum, struct err *e)
{
	struct hdr_buf h = { NULL, 0, 0 };
	char bnd[LIMIT_MIME_BOUNDARY + 1], what[LIMIT_QUOTE_SHORT * 2];
	int fold, plan, rc;

	fold = hdrfold_block(ll->hdr, ll->hlen, &h, e);
	if (fold == 0 && ll->first == -1)
		return 0;
	plan = qp_plan(ll->hdr, ll->hlen, bnd, sizeof(bnd), what,
	    sizeof(what));
	if (plan == QP_DKIM) {
		(void)refuse_dkim(ll, e);
		rc = 1;
	} else if (fold == -1)
		rc = 1;
	else if (ll->first != -1 && plan != QP_TEXT)
		rc = refuse_body(fd, ll, plan, bnd, what, e);
	else {
		rc = 0;
		if (ll->first != -1) {
			h.len = 0;
			rc = qp_block(fd, ll, &h, e);
		}
		if (rc == 0)
			rc = rebuild(fd, ll, &h, ll->first != -1, sum, e);
	}
	hdr_buf_free(&h);
	return rc;
}
