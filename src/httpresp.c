/* SPDX-License-Identifier: ISC */
/*
 * httpresp.c - PURE HTTP/1.1 response parser (contract: httpresp.h).
 *
 * A cursor walks the buffer: one line at a time (CRLF or bare LF), so a
 * partial response is "need more" wherever it stops, and every length is
 * checked against the limits before it is used.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpresp.h"

#define NEED	0		/* more input needed */

struct cur {
	const char	*p, *end;
	int		 eof;
	struct err	*e;
};

struct head {
	int		status;
	long long	clen;		/* -1: none */
	int		chunked;
	int		te;		/* a Transfer-Encoding was given */
};

static int
perr(struct err *e, const char *why)
{
	return err_set(e, EX_PROTOCOL, "HTTP response: %s", why);
}

/* next line without its end into *l,*n: 1, NEED, or -1 (max exceeded) */
static int
line(struct cur *c, const char **l, size_t *n, size_t max)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));

	if (nl == NULL)
		return (size_t)(c->end - c->p) > max ? -1 : NEED;
	*l = c->p;
	*n = (size_t)(nl - c->p);
	if (*n > 0 && nl[-1] == '\r')
		(*n)--;
	if (*n > max)
		return -1;
	c->p = nl + 1;
	return 1;
}

static int
status_line(const char *l, size_t n, int *status)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' &&
	    l[7] != '1') || l[8] != ' ' || l[9] < '1' || l[9] > '5' ||
	    l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
	    (n > 12 && l[12] != ' '))
		return -1;
	*status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	return 0;
}

static int
is(const char *l, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(l, name, k) != 0 || l[k] != ':')
		return 0;
	*v = l + k + 1;
	*vn = n - k - 1;
	while (*vn > 0 && (**v == ' ' || **v == '\t')) {
		(*v)++;
		(*vn)--;
	}
	while (*vn > 0 && ((*v)[*vn - 1] == ' ' || (*v)[*vn - 1] == '\t'))
		(*vn)--;
	return 1;
}

static int
field(struct cur *c, struct head *h, struct httpresp *r, const char *l,
    size_t n)
{
	const char *v;
	size_t vn, i;
	long long x = 0;

	if (l[0] == ' ' || l[0] == '\t')
		return perr(c->e, "obsolete header line folding");
	if (memchr(l, ':', n) == NULL)
		return perr(c->e, "header line without ':'");
	if (is(l, n, "Content-Length", &v, &vn)) {
		if (vn == 0 || vn > 12)
			return perr(c->e, "bad Content-Length");
		for (i = 0; i < vn; i++) {
			if (v[i] < '0' || v[i] > '9')
				return perr(c->e, "bad Content-Length");
			x = x * 10 + (v[i] - '0');
		}
		if (h->clen != -1 && h->clen != x)
			return perr(c->e, "conflicting Content-Length values");
		h->clen = x;
	} else if (is(l, n, "Transfer-Encoding", &v, &vn)) {
		if (vn != 7 || strncasecmp(v, "chunked", 7) != 0 || h->te)
			return perr(c->e, "unsupported Transfer-Encoding");
		h->te = h->chunked = 1;
	} else if (is(l, n, "Content-Type", &v, &vn) && vn < sizeof(r->ctype)) {
		memcpy(r->ctype, v, vn);
		r->ctype[vn] = '\0';
	}
	return 0;
}

/* the status line and header block of one response */
static int
head(struct cur *c, struct head *h, struct httpresp *r)
{
	const char *start = c->p, *l;
	size_t n;
	int rc, nf = 0;

	memset(h, 0, sizeof(*h));
	h->clen = -1;
	if ((rc = line(c, &l, &n, LIMIT_HTTP_HEAD)) != 1)
		return rc == NEED ? NEED : perr(c->e, "status line too long");
	if (status_line(l, n, &h->status) == -1)
		return perr(c->e, "not an HTTP/1.x status line");
	for (;;) {
		if ((rc = line(c, &l, &n, LIMIT_HTTP_HEAD)) != 1 ||
		    (size_t)(c->p - start) > LIMIT_HTTP_HEAD)
			return rc == NEED && (size_t)(c->end - start) <=
			    LIMIT_HTTP_HEAD ? NEED : perr(c->e, "header "
			    "block too large");
		if (n == 0)
			break;
		if (++nf > LIMIT_HTTP_HEADERS)
			return perr(c->e, "too many header lines");
		if (field(c, h, r, l, n) == -1)
			return -1;
	}
	if (h->te && h->clen != -1)
		return perr(c->e, "both Content-Length and Transfer-Encoding");
	return 1;
}

static void
append(struct httpresp *r, const char *p, size_t n)
{
	r->body = xreallocarray(r->body, r->bodylen + n + 1, 1);
	memcpy(r->body + r->bodylen, p, n);
	r->bodylen += n;
	r->body[r->bodylen] = '\0';
}

/* one chunk-size line: the size, or -1 bad, -2 need more */
static long long
chunk_size(struct cur *c)
{
	const char *l;
	size_t n, i;
	long long x = 0;
	int rc = line(c, &l, &n, LIMIT_HTTP_CHUNK_LINE), d;

	if (rc != 1)
		return rc == NEED ? -2 : -1;
	for (i = 0; i < n && l[i] != ';' && l[i] != ' ' && l[i] != '\t';
	    i++) {
		d = l[i] >= '0' && l[i] <= '9' ? l[i] - '0' :
		    l[i] >= 'a' && l[i] <= 'f' ? l[i] - 'a' + 10 :
		    l[i] >= 'A' && l[i] <= 'F' ? l[i] - 'A' + 10 : -1;
		if (d < 0 || i >= 8)
			return -1;
		x = x * 16 + d;
	}
	return i == 0 ? -1 : x;
}

/* the line end after a chunk's data */
static int
chunk_end(struct cur *c)
{
	size_t have = (size_t)(c->end - c->p);

	if (have > 0 && c->p[0] == '\n') {
		c->p++;
		return 1;
	}
	if (have > 1 && c->p[0] == '\r' && c->p[1] == '\n') {
		c->p += 2;
		return 1;
	}
	if (have == 0 || (have == 1 && c->p[0] == '\r'))
		return NEED;
	return perr(c->e, "chunk not followed by a line end");
}

static int
chunked(struct cur *c, struct httpresp *r)
{
	const char *l;
	size_t n;
	long long sz;
	int rc;

	for (;;) {
		if ((sz = chunk_size(c)) == -2)
			return NEED;
		if (sz < 0)
			return perr(c->e, "bad chunk size");
		if (sz == 0)
			break;
		if (r->bodylen + (size_t)sz > LIMIT_HTTP_BODY)
			return perr(c->e, "body too large");
		if ((size_t)(c->end - c->p) < (size_t)sz)
			return NEED;
		append(r, c->p, (size_t)sz);
		c->p += sz;
		if ((rc = chunk_end(c)) != 1)
			return rc;
	}
	do {					/* trailer fields */
		if ((rc = line(c, &l, &n, LIMIT_HTTP_HEAD)) != 1)
			return rc == NEED ? NEED : perr(c->e, "trailer too "
			    "long");
	} while (n > 0);
	return 1;
}

static int
body(struct cur *c, const struct head *h, struct httpresp *r)
{
	size_t have = (size_t)(c->end - c->p);

	if (h->chunked)
		return chunked(c, r);
	if (h->clen > LIMIT_HTTP_BODY || (h->clen == -1 && have >
	    LIMIT_HTTP_BODY))
		return perr(c->e, "body too large");
	if (h->clen == -1 && !c->eof)
		return NEED;
	if (h->clen != -1 && have < (size_t)h->clen)
		return NEED;
	append(r, c->p, h->clen == -1 ? have : (size_t)h->clen);
	return 1;
}

int
httpresp_parse(const char *buf, size_t len, int eof, struct httpresp *r,
    struct err *e)
{
	struct cur c = { buf, buf + len, eof, e };
	struct head h;
	int rc;

	memset(r, 0, sizeof(*r));
	do {
		r->ctype[0] = '\0';
		if ((rc = head(&c, &h, r)) != 1)
			break;
	} while (h.status < 200);
	if (rc == 1) {
		r->status = h.status;
		append(r, "", 0);
		r->bodylen = 0;
		rc = body(&c, &h, r);
	}
	if (rc == NEED && eof)
		rc = perr(e, "connection closed before the end of the "
		    "response");
	if (rc != 1)
		httpresp_free(r);
	return rc;
}

void
httpresp_free(struct httpresp *r)
{
	if (r->body != NULL)
		freezero(r->body, r->bodylen + 1);
	memset(r, 0, sizeof(*r));
}
