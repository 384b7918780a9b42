/* SPDX-License-Identifier: ISC */
/*
 * hdrlocal.c - PURE, part of the hdr module: the address fields of local
 * mail (cron, daemons: "To: root", "From: root (Cron Daemon)") rewritten
 * so that the provider gets addresses it accepts and the reader still sees
 * who wrote.  The rules are in hdr.h ("Local mail"); the parts of each
 * mailbox come from addr_list_walk() (addr.h), so the field is rewritten
 * in place: only the bare addresses change, display names and comments
 * stay.  Bounded: a field has at most LIMIT_RCPTS mailboxes, each bare
 * one becomes at most LIMIT_RCPTS addresses of at most LIMIT_ADDR bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr_int.h"
#include "limit.h"
#include "path.h"

/* ---- To, Cc, Bcc ------------------------------------------------------- */

struct rw {
	const char		*v;
	size_t			 copied;	/* v[0..copied) is in out */
	const struct alias_local *loc;
	struct hdr_buf		*out;
	size_t			 line;		/* where out's line starts */
	int			 changed;
};

static size_t
column(const struct rw *r)
{
	size_t i;

	for (i = r->out->len; i > r->line; i--)
		if (r->out->p[i - 1] == '\n')
			return r->out->len - i;
	return r->out->len - r->line;
}

/* " addr" after a comma, on a new line when it would pass column 78 */
static void
put_more(struct rw *r, const char *addr)
{
	hdr_buf_str(r->out, ",");
	if (column(r) + 1 + strlen(addr) > HDR_LINE_SOFT)
		hdr_buf_str(r->out, "\r\n");
	hdr_buf_str(r->out, " ");
	hdr_buf_str(r->out, addr);
}

static int
rcpt_mbox(void *ctx, const struct addr_mbox *m, struct err *e)
{
	struct rw *r = ctx;
	struct addr_list to = { NULL, 0 };
	size_t i, len;

	if (path_domain(m->addr) != NULL)
		return 0;
	if (alias_resolve(r->loc, m->addr, &to, e) == -1) {
		addr_list_free(&to);
		return -1;
	}
	hdr_buf_add(r->out, r->v + r->copied, m->m0 - r->copied);
	len = (m->m1 - m->m0) - (m->a1 - m->a0) + strlen(to.v[0]);
	if (m->m0 > 0 && column(r) + len > HDR_LINE_SOFT)
		hdr_buf_str(r->out, "\r\n ");
	hdr_buf_add(r->out, r->v + m->m0, m->a0 - m->m0);
	hdr_buf_str(r->out, to.v[0]);
	hdr_buf_add(r->out, r->v + m->a1, m->m1 - m->a1);
	for (i = 1; i < to.n; i++)
		put_more(r, to.v[i]);
	r->copied = m->m1;
	r->changed = 1;
	addr_list_free(&to);
	return 0;
}

int
hdr_local_rcpts(const char *name, size_t namelen, const char *v,
    size_t vlen, const struct alias_local *loc, struct hdr_buf *out,
    int *done, struct err *e)
{
	struct hdr_buf b = { NULL, 0, 0 };
	struct rw r;

	memset(&r, 0, sizeof(r));
	r.v = v;
	r.loc = loc;
	r.out = &b;
	hdr_buf_add(&b, name, namelen);
	hdr_buf_str(&b, ":");
	if (addr_list_walk(v, vlen, rcpt_mbox, &r, e) == -1) {
		hdr_buf_free(&b);
		return -1;
	}
	if (r.changed) {
		hdr_buf_add(&b, v + r.copied, vlen - r.copied);
		hdr_buf_str(&b, "\r\n");
		hdr_buf_add(out, b.p, b.len);
		*done = 1;
	}
	hdr_buf_free(&b);
	return 0;
}

/* ---- From -------------------------------------------------------------- */

struct fw {
	const char	*v;
	char		 local[LIMIT_ADDR + 1];	/* the first bare address */
	char		 name[LIMIT_ADDR + 1];	/* its display name or
						   comment, decoded */
	int		 raw;		/* name holds encoded words: as is */
	int		 found;
};

/*
 * The text of s[0..n) in buf: comment 0: the display name's words without
 * quotes, backslashes, comments and line breaks; comment 1: the text
 * inside the first comment.  A text longer than buf: "" (never cut).
 */
static void
decode(const char *s, size_t n, int comment, char *buf, size_t sz)
{
	size_t i, o = 0;
	int depth = 0, q = 0, in;

	for (i = 0; i < n; i++) {
		if (o + 1 >= sz) {
			buf[0] = '\0';		/* too long for a name */
			return;
		}
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (q || (s[i] == '"' && depth == 0)) {
			in = !comment && s[i] != '"';	/* quoted string */
			if (s[i] == '"')
				q = !q;
		} else if (s[i] == '(') {
			in = comment && depth++ > 0;
		} else if (s[i] == ')' && depth > 0) {
			in = comment && --depth > 0;
			if (depth == 0 && comment)
				break;
		} else
			in = comment ? depth > 0 : depth == 0;
		if (s[i] == '\\' && i + 1 < n)
			i++;		/* a quoted pair, in or out */
		if (in)
			buf[o++] = s[i];
	}
	for (i = 0; i < o && (buf[i] == ' ' || buf[i] == '\t'); i++)
		;
	memmove(buf, buf + i, o - i);
	o -= i;
	while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == '\t'))
		o--;
	buf[o] = '\0';
}

static int
from_mbox(void *ctx, const struct addr_mbox *m, struct err *e)
{
	struct fw *w = ctx;
	const char *s;
	size_t n;

	(void)e;
	if (w->found || path_domain(m->addr) != NULL)
		return 0;
	w->found = 1;
	strlcpy(w->local, m->addr, sizeof(w->local));
	s = w->v + (m->d0 < m->d1 ? m->d0 : m->c0);
	n = m->d0 < m->d1 ? m->d1 - m->d0 : m->c1 - m->c0;
	if (m->d0 < m->d1 && memmem(s, n, "=?", 2) != NULL &&
	    n < sizeof(w->name)) {
		memcpy(w->name, s, n);		/* RFC 2047 words: kept */
		w->name[n] = '\0';
		w->raw = 1;
	} else
		decode(s, n, m->d0 == m->d1, w->name, sizeof(w->name));
	return 0;
}

int
hdr_local_from(const char *v, size_t vlen, const char *from,
    struct hdr_buf *out, int *done, struct err *e)
{
	char addr[LIMIT_ADDR + 1], name[2 * LIMIT_ADDR + 8];
	struct hdr_buf b = { NULL, 0, 0 };
	struct fw w;
	struct err ne;

	memset(&w, 0, sizeof(w));
	w.v = v;
	if (addr_list_walk(v, vlen, from_mbox, &w, e) == -1)
		return -1;
	if (!w.found)
		return 0;
	if (path_check(from, strlen(from), 0, addr, sizeof(addr), e) == -1)
		return err_prefix(e, "From header");
	if (w.name[0] == '\0' || strcmp(w.name, w.local) == 0)
		strlcpy(name, w.local, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s (%s)", w.name, w.local);
	err_clear(&ne);
	if (w.raw) {
		hdr_buf_str(&b, "From: ");
		hdr_buf_str(&b, name);
		hdr_buf_str(&b, " <");
		hdr_buf_str(&b, addr);
		hdr_buf_str(&b, ">\r\n");
	} else if (hdr_put_from(&b, addr, name, strlen(name), &ne) == -1 &&
	    hdr_put_from(&b, addr, w.local, strlen(w.local), &ne) == -1)
		(void)hdr_put_from(&b, addr, "", 0, &ne); /* no name: no fail */
	hdr_buf_add(out, b.p, b.len);
	hdr_buf_free(&b);
	*done = 1;
	return 0;
}
