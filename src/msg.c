/* SPDX-License-Identifier: ISC */
/*
 * msg.c - read the message from stdin into the spool file.
 *
 * Two phases.  First the header block is collected in memory (line endings
 * already normalised, at most LIMIT_HEADER_BLOCK) until hdr_split() finds
 * its end; it is rewritten by hdr_rewrite() and written out with the blank
 * line.  Then the body streams from stdin to the spool in large blocks
 * through dot_crlf().  The spool always ends with CRLF.  Input is read to
 * EOF: a lone "." is just a line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dot.h"
#include "intl.h"
#include "longline.h"
#include "msg.h"
#include "sum.h"

struct wbuf {
	int	 fd;
	char	 b[LIMIT_IO_BUF];
	size_t	 n;
	long long total;
	char	 last[2];	/* last two bytes written */
	struct sum sum;		/* of every byte written */
	long long body;		/* spool offset where the body starts */
	long long lines0;	/* input lines before the body */
	struct longline ll;	/* the body's lines, counted as written */
	struct hdr_buf hdr;	/* the header block as written */
};

/* write p[0..n) to the spool */
static int
wout(int fd, const char *p, size_t n, struct err *e)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = write(fd, p + off, n - off);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)	/* disk full: the caller may retry later */
			return err_set(e, r < 0 && (errno == ENOSPC ||
			    errno == EDQUOT) ? EX_TEMPFAIL : EX_IOERR,
			    "cannot write the spool file: %s", r == 0 ?
			    "short write" : strerror(errno));
		off += (size_t)r;
	}
	return 0;
}

static int
wflush(struct wbuf *w, struct err *e)
{
	size_t n = w->n;

	w->n = 0;
	return wout(w->fd, w->b, n, e);
}

static int
wput(struct wbuf *w, const char *p, size_t n, struct err *e)
{
	if (n == 0)
		return 0;
	w->total += (long long)n;
	if (w->total > LIMIT_MESSAGE)
		return err_set(e, EX_DATAERR, "message too large (limit %lld "
		    "bytes)", (long long)LIMIT_MESSAGE);
	sum_add(&w->sum, p, n);
	if (n >= 2)
		memcpy(w->last, p + n - 2, 2);
	else {
		w->last[0] = w->last[1];
		w->last[1] = p[0];
	}
	if (n >= sizeof(w->b))		/* a whole block: no copy */
		return wflush(w, e) == -1 ? -1 : wout(w->fd, p, n, e);
	while (n > 0) {
		size_t room = sizeof(w->b) - w->n, k = n < room ? n : room;

		memcpy(w->b + w->n, p, k);
		w->n += k;
		p += k;
		n -= k;
		if (w->n == sizeof(w->b) && wflush(w, e) == -1)
			return -1;
	}
	return 0;
}

static ssize_t
readin(int fd, char *buf, size_t len, struct err *e)
{
	ssize_t n;

	while ((n = read(fd, buf, len)) == -1 && errno == EINTR)
		;
	if (n == -1)
		err_set(e, EX_IOERR, "cannot read the message from standard "
		    "input: %s", strerror(errno));
	return n;
}

/* rewrite the header block and write headers + blank line */
static int
put_headers(struct wbuf *w, const char *h, size_t hlen,
    const struct hdr_policy *pol, struct addr_list *rcpts, struct spool *sp,
    struct err *e)
{
	int rc;

	rc = hdr_rewrite(h, hlen, pol, &w->hdr, rcpts, e);
	if (rc == 0 && !intl_hdr_need(w->hdr.p, w->hdr.len, sp->intl.utf8hdr,
	    sizeof(sp->intl.utf8hdr)))
		sp->intl.utf8hdr[0] = '\0';
	if (rc == 0)
		rc = wput(w, w->hdr.p, w->hdr.len, e);
	if (rc == 0)
		rc = wput(w, "\r\n", 2, e);
	return rc;
}

/*
 * A leading mbox "From " line (git format-patch) is dropped from the
 * normalised input in hb: 1 done (or there is none), 0 need more bytes.
 * "From : x" is no mbox line but a From field in obsolete syntax.
 */
static int
drop_mbox_from(struct hdr_buf *hb, int eof, int *dropped)
{
	char *nl;
	size_t cut;

	if (hb->len < 5)
		return eof;
	if (memcmp(hb->p, "From ", 5) != 0)
		return 1;
	if ((nl = memchr(hb->p, '\n', hb->len)) == NULL)
		return eof;		/* a lone "From " line is body */
	if (hdr_split(hb->p, (size_t)(nl + 1 - hb->p), 1, &cut) > 0)
		return 1;		/* "From : a@b", a field (RFC 5322
					   4.5) */
	cut = (size_t)(nl + 1 - hb->p);
	memmove(hb->p, nl + 1, hb->len - cut);
	hb->len -= cut;
	hb->p[hb->len] = '\0';
	*dropped = 1;
	return 1;
}

size_t
msg_header_block(const char *raw, size_t n, struct hdr_buf *hb)
{
	struct dot d;
	char *out = xmalloc(2 * n + 4);
	size_t o, off;
	long hlen;
	int dropped = 0;

	dot_init(&d);
	o = dot_crlf(&d, raw, n, out);
	o += dot_crlf_end(&d, out + o);
	hdr_buf_add(hb, out, o);
	free(out);
	(void)drop_mbox_from(hb, 1, &dropped);
	hlen = hdr_split(hb->p, hb->len, 1, &off);
	hb->len = hlen < 0 ? 0 : (size_t)hlen;
	hb->p[hb->len] = '\0';
	return hb->len;
}

/* what phase 1 found */
struct head {
	struct hdr_buf	 hb;	/* header block + start of the body */
	long		 hlen;	/* length of the header block */
	size_t		 bodyoff;	/* where the body starts in hb */
	int		 eof;	/* input is exhausted */
	int		 mbox;	/* a leading mbox "From " line was dropped */
};

/*
 * Phase 1: collect and normalise input until the header block ends.
 * Fills *h: the normalised bytes (header block + start of body) and the
 * split points.
 */
static int
collect_headers(int fd, struct dot *d, struct head *h, struct err *e)
{
	char in[LIMIT_IO_BUF], out[2 * LIMIT_IO_BUF + 4];
	int checked_from = 0;

	for (;;) {
		ssize_t n = readin(fd, in, sizeof(in), e);
		size_t o;

		if (n == -1)
			return -1;
		if (n == 0) {
			h->eof = 1;
			o = dot_crlf_end(d, out);
		} else
			o = dot_crlf(d, in, (size_t)n, out);
		hdr_buf_add(&h->hb, out, o);
		if (!checked_from)
			checked_from = drop_mbox_from(&h->hb, h->eof,
			    &h->mbox);
		if (!checked_from && !h->eof)
			continue;
		h->hlen = hdr_split(h->hb.p, h->hb.len, h->eof, &h->bodyoff);
		if (h->hlen >= 0)
			return 0;
		if (h->hb.len > LIMIT_HEADER_BLOCK)
			return err_set(e, EX_DATAERR, "header block larger "
			    "than %d bytes", LIMIT_HEADER_BLOCK);
	}
}

/* line ends in p[0..n) */
static long long
lines_in(const char *p, size_t n)
{
	long long lines = 0;
	const char *q;

	while (n > 0 && (q = memchr(p, '\n', n)) != NULL) {
		lines++;
		n -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	return lines;
}

/* line ends in the spool from offset `from` up to `to` */
static long long
spool_lines(int fd, long long from, long long to)
{
	char *b = xmalloc(LIMIT_IO_BUF);
	long long lines = 0;
	ssize_t n;
	size_t want;

	while (from < to) {
		want = to - from < LIMIT_IO_BUF ? (size_t)(to - from) :
		    LIMIT_IO_BUF;
		if ((n = pread(fd, b, want, (off_t)from)) <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			lines += b[i] == '\n';
		from += n;
	}
	free(b);
	return lines;
}

/*
 * Write body bytes p[0..n).  A NUL byte among them refuses the message
 * (RFC 5322 text excludes NUL and SMTP servers reject or truncate it),
 * naming the input line it is on.  memchr only runs once the stream's
 * NUL count (d) says there is one.
 */
static int
put_body(struct wbuf *w, const struct dot *d, const char *p, size_t n,
    struct err *e)
{
	const char *z = d->nul > 0 ? memchr(p, '\0', n) : NULL;
	long long at;

	if (z == NULL) {
		longline_scan(&w->ll, p, n);
		return wput(w, p, n, e);
	}
	at = w->total + (z - p);
	if (wput(w, p, (size_t)(z - p), e) == -1 || wflush(w, e) == -1)
		return -1;
	return err_set(e, EX_DATAERR, "NUL byte in the body, line %lld of "
	    "the message: mail cannot carry NUL bytes (send binary data as "
	    "a MIME attachment)", w->lines0 + spool_lines(w->fd, w->body, at) +
	    1);
}

/* lines too long (longline.h): 0 ready, 1 refused (kept whole), -1 */
static int
settle(struct wbuf *w, int fd, int eightbit, struct err *e)
{
	w->ll.hdr = w->hdr.p;
	w->ll.hlen = w->hdr.len;
	w->ll.body = w->body;
	w->ll.total = w->total;
	w->ll.lines0 = w->lines0;
	w->ll.eightbit = eightbit;
	return longline_settle(fd, &w->ll, &w->sum, e);
}

int
msg_read(int fd, const struct hdr_policy *pol, struct spool *sp,
    struct addr_list *rcpts, struct err *e)
{
	struct wbuf *w = xcalloc(1, sizeof(*w));
	struct head h;
	struct dot d;
	char *in = xmalloc(LIMIT_IO_BUF), *out = xmalloc(2 * LIMIT_IO_BUF + 4);
	int rc = -1;

	memset(&h, 0, sizeof(h));
	dot_init(&d);
	sum_init(&w->sum);
	w->fd = sp->fd;
	longline_init(&w->ll);
	if (collect_headers(fd, &d, &h, e) == -1 ||
	    put_headers(w, h.hb.p, (size_t)h.hlen, pol, rcpts, sp,
	    e) == -1)
		goto done;
	w->body = w->total;
	w->lines0 = h.mbox + lines_in(h.hb.p, h.bodyoff);
	if (put_body(w, &d, h.hb.p + h.bodyoff, h.hb.len - h.bodyoff, e) == -1)
		goto done;
	while (!h.eof) {
		ssize_t n = readin(fd, in, LIMIT_IO_BUF, e);
		size_t o;

		if (n == -1)
			goto done;
		if (n == 0) {
			h.eof = 1;
			o = dot_crlf_end(&d, out);
		} else
			o = dot_crlf(&d, in, (size_t)n, out);
		if (put_body(w, &d, out, o, e) == -1)
			goto done;
	}
	if (memcmp(w->last, "\r\n", 2) != 0 && (put_body(w, &d, "\r\n", 2,
	    e) == -1))
		goto done;
	if (wflush(w, e) == -1 || (rc = settle(w, sp->fd, d.eightbit > 0,
	    e)) == -1)
		goto done;
	if (lseek(sp->fd, 0, SEEK_SET) == -1) {
		rc = err_set(e, EX_IOERR, "cannot rewind the spool file: %s",
		    strerror(errno));
		goto done;
	}
	sp->size = (off_t)w->ll.total;
	sp->eightbit = w->ll.eightbit;
	sum_hex(&w->sum, sp->sum);
done:
	hdr_buf_free(&w->hdr);
	hdr_buf_free(&h.hb);
	free(in);
	free(out);
	free(w);
	return rc;
}
