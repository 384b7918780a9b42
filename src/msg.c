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
#include "msg.h"
#include "sum.h"

struct wbuf {
	int	 fd;
	char	 b[LIMIT_IO_BUF];
	size_t	 n;
	long long total;
	char	 last[2];	/* last two bytes written */
	struct sum sum;		/* of every byte written */
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
    const struct hdr_policy *pol, struct addr_list *rcpts, struct err *e)
{
	struct hdr_buf out = { NULL, 0, 0 };
	int rc;

	rc = hdr_rewrite(h, hlen, pol, &out, rcpts, e);
	if (rc == 0)
		rc = wput(w, out.p, out.len, e);
	if (rc == 0)
		rc = wput(w, "\r\n", 2, e);
	hdr_buf_free(&out);
	return rc;
}

/*
 * A leading mbox "From " line (git format-patch) is dropped from the
 * normalised input in hb: 1 done (or there is none), 0 need more bytes.
 */
static int
drop_mbox_from(struct hdr_buf *hb, int eof)
{
	char *nl;
	size_t cut;

	if (hb->len < 5)
		return eof;
	if (memcmp(hb->p, "From ", 5) != 0)
		return 1;
	if ((nl = memchr(hb->p, '\n', hb->len)) == NULL)
		return eof;		/* a lone "From " line is body */
	cut = (size_t)(nl + 1 - hb->p);
	memmove(hb->p, nl + 1, hb->len - cut);
	hb->len -= cut;
	hb->p[hb->len] = '\0';
	return 1;
}

size_t
msg_header_block(const char *raw, size_t n, struct hdr_buf *hb)
{
	struct dot d;
	char *out = xmalloc(2 * n + 4);
	size_t o, off;
	long hlen;

	dot_init(&d);
	o = dot_crlf(&d, raw, n, out);
	o += dot_crlf_end(&d, out + o);
	hdr_buf_add(hb, out, o);
	free(out);
	(void)drop_mbox_from(hb, 1);
	hlen = hdr_split(hb->p, hb->len, 1, &off);
	hb->len = hlen < 0 ? 0 : (size_t)hlen;
	hb->p[hb->len] = '\0';
	return hb->len;
}

/*
 * Phase 1: collect and normalise input until the header block ends.
 * Returns the normalised bytes in *hb (header block + start of body) and
 * the split points; *eof tells whether input is exhausted.
 */
static int
collect_headers(int fd, struct dot *d, struct hdr_buf *hb, long *hlen,
    size_t *bodyoff, int *eof, struct err *e)
{
	char in[LIMIT_IO_BUF], out[2 * LIMIT_IO_BUF + 2];
	int checked_from = 0;

	*eof = 0;
	for (;;) {
		ssize_t n = readin(fd, in, sizeof(in), e);
		size_t o;

		if (n == -1)
			return -1;
		if (n == 0) {
			*eof = 1;
			o = dot_crlf_end(d, out);
		} else
			o = dot_crlf(d, in, (size_t)n, out);
		hdr_buf_add(hb, out, o);
		if (!checked_from)
			checked_from = drop_mbox_from(hb, *eof);
		if (!checked_from && !*eof)
			continue;
		*hlen = hdr_split(hb->p, hb->len, *eof, bodyoff);
		if (*hlen >= 0)
			return 0;
		if (hb->len > LIMIT_HEADER_BLOCK)
			return err_set(e, EX_DATAERR, "header block larger than "
			    "%d bytes", LIMIT_HEADER_BLOCK);
	}
}

int
msg_read(int fd, const struct hdr_policy *pol, struct spool *sp,
    struct addr_list *rcpts, struct err *e)
{
	struct wbuf *w = xcalloc(1, sizeof(*w));
	struct hdr_buf hb = { NULL, 0, 0 };
	struct dot d;
	char *in = xmalloc(LIMIT_IO_BUF), *out = xmalloc(2 * LIMIT_IO_BUF + 2);
	size_t bodyoff;
	long hlen;
	int eof, rc = -1;

	dot_init(&d);
	sum_init(&w->sum);
	w->fd = sp->fd;
	if (collect_headers(fd, &d, &hb, &hlen, &bodyoff, &eof, e) == -1 ||
	    put_headers(w, hb.p, (size_t)hlen, pol, rcpts, e) == -1 ||
	    wput(w, hb.p + bodyoff, hb.len - bodyoff, e) == -1)
		goto done;
	while (!eof) {
		ssize_t n = readin(fd, in, LIMIT_IO_BUF, e);
		size_t o;

		if (n == -1)
			goto done;
		if (n == 0) {
			eof = 1;
			o = dot_crlf_end(&d, out);
		} else
			o = dot_crlf(&d, in, (size_t)n, out);
		if (wput(w, out, o, e) == -1)
			goto done;
	}
	if (memcmp(w->last, "\r\n", 2) != 0 && wput(w, "\r\n", 2, e) == -1)
		goto done;
	if (wflush(w, e) == -1)
		goto done;
	if (lseek(sp->fd, 0, SEEK_SET) == -1) {
		err_set(e, EX_IOERR, "cannot rewind the spool file: %s",
		    strerror(errno));
		goto done;
	}
	sp->size = (off_t)w->total;
	sp->eightbit = d.eightbit > 0;
	sum_hex(&w->sum, sp->sum);
	rc = 0;
done:
	hdr_buf_free(&hb);
	free(in);
	free(out);
	free(w);
	return rc;
}
