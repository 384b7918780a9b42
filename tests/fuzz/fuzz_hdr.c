/* SPDX-License-Identifier: ISC */
/*
 * fuzz_hdr.c - libFuzzer target for the header scanner and rewrite policy
 * (src/hdr.c).
 *
 * Invariants checked:
 *  - hdr_split: the block end and body offset are in range and the body
 *    offset skips exactly one CRLF or nothing; a prefix of the input, split
 *    as still arriving, gives either "need more" or the same answer;
 *  - hdr_rewrite (on the split block and on the raw input, with -t): on
 *    success the output is a complete header block (hdr_split of it plus
 *    a blank line ends where it should), has no Bcc or Resent-Bcc, has
 * Date, Message-ID and From, no NUL, no field written with white space before
 * its
 *    colon (obsolete syntax is read, not generated), and every recipient
 *    passes path_check; on
 *    failure EX_DATAERR with a message naming a header;
 *  - the same with local mail (an aliases table, an admin address, a
 *    domain or none): the output also passes those checks, and read again
 *    with -t (when that succeeds) it has no recipient without a domain
 *    (every bare name in To/Cc/Bcc was rewritten; not checked with
 *    set_to_header on, whose To is the envelope the caller qualifies);
 *  - a -F name taken from the input: refused with EX_USAGE or written so
 *    that the header block stays valid and no folded line passes column 78
 *    except the one holding the address;
 *  - set_to_header (chosen by the second input byte): with on or
 *    undisclosed_recipients there is no Cc; undisclosed_recipients has a
 *    To; on has a To exactly when there are recipients, and each of its
 *    lines passes column 78 only when it holds one address alone;
 *  - hdr_get_sender: the value lies inside the block and is not blank.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "path.h"

static void
policy(struct hdr_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->read_rcpts = 1;
	p->from = "sender@example.org";
	p->fullname = "J\xc3\xb6rg";
	p->msgid_domain = "host.example";
	p->unique = "fuzz.1";
	p->now = 1795829400;
	p->tzoff_min = 60;
}

/* each line (CRLF-ended) that starts a field has no white space before its
   colon */
static void
check_names(const struct hdr_buf *o)
{
	const char *p = o->p, *end = o->p + o->len, *q;

	while (p < end) {
		if (*p != ' ' && *p != '\t')
			for (q = p; q < end && *q != ':'; q++)
				if (*q == ' ' || *q == '\t')
					abort();
		q = memmem(p, (size_t)(end - p), "\r\n", 2);
		p = q == NULL ? end : q + 2;
	}
}

static void
check_out(const struct hdr_buf *o, const struct addr_list *l)
{
	struct hdr_buf copy = { NULL, 0, 0 };
	char buf[LIMIT_ADDR + 1];
	struct err e;
	size_t off, i;

	if (o->len < 2 || memcmp(o->p + o->len - 2, "\r\n", 2) != 0 ||
	    memchr(o->p, '\0', o->len) != NULL)
		abort();
	if (hdr_has(o->p, o->len, "Bcc") || hdr_has(o->p, o->len,
	    "Resent-Bcc") ||
	    !hdr_has(o->p, o->len, "Date") ||
	    !hdr_has(o->p, o->len, "Message-ID") ||
	    !hdr_has(o->p, o->len, "From"))
		abort();
	check_names(o);
	hdr_buf_add(&copy, o->p, o->len);
	hdr_buf_add(&copy, "\r\n", 2);
	if (hdr_split(copy.p, copy.len, 1, &off) != (long)o->len ||
	    off != copy.len)
		abort();
	hdr_buf_free(&copy);
	for (i = 0; l != NULL && i < l->n; i++)
		if (path_check(l->v[i], strlen(l->v[i]), 0, buf,
		    sizeof(buf), &e) == -1)
			abort();
}

/* the rewritten block read again with -t: every recipient has a domain */
static void
check_local(const struct hdr_buf *o)
{
	struct hdr_policy pol;
	struct hdr_buf again = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;
	size_t i;

	policy(&pol);
	err_clear(&e);
	/* it may fail: with Resent-Bcc gone, -t reads To/Cc, which the
	   first -t did not check (and the rewriting leaves as written) */
	if (hdr_rewrite(o->p, o->len, &pol, &again, &l, &e) == 0)
		for (i = 0; i < l.n; i++)
			if (path_domain(l.v[i]) == NULL)
				abort();
	hdr_buf_free(&again);
	addr_list_free(&l);
}

/* the To that set_to_header on wrote: folded lines of at most 78 columns
   unless one address fills the line alone */
static void
check_to_lines(const struct hdr_buf *o)
{
	const char *v, *p, *end, *nl;
	size_t vlen, len;

	if (!hdr_get(o->p, o->len, "To", &v, &vlen))
		return;
	for (p = v - 3, end = v + vlen; p < end; p = nl + 2) {
		nl = memmem(p, (size_t)(end - p), "\r\n", 2);
		nl = nl == NULL ? end : nl;
		len = (size_t)(nl - p);
		if (len > 78 && memmem(p, len, ", ", 2) != NULL)
			abort();
	}
}

static void
check_set_to(const struct hdr_buf *o, int set_to, const struct addr_list *l)
{
	if (set_to == HDR_TO_OFF)
		return;
	if (hdr_has(o->p, o->len, "Cc"))
		abort();
	if (set_to == HDR_TO_UNDISCLOSED && !hdr_has(o->p, o->len, "To"))
		abort();
	if (set_to == HDR_TO_ON && hdr_has(o->p, o->len, "To") != (l->n > 0))
		abort();
	if (set_to == HDR_TO_ON)
		check_to_lines(o);
}

static void
rewrite_with(const char *d, size_t n, const struct alias_local *loc)
{
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct addr_list l = { NULL, 0 };
	struct err e;

	policy(&pol);
	pol.local = loc;
	pol.set_to = n > 1 ? (unsigned char)d[1] % 3 : HDR_TO_OFF;
	err_clear(&e);
	if (hdr_rewrite(d, n, &pol, &out, &l, &e) == 0) {
		check_out(&out, &l);
		check_set_to(&out, pol.set_to, &l);
		/* with set_to_header on the To lists the envelope, which the
		   caller's hook qualifies (none here): not a local rewrite */
		if (loc != NULL && pol.set_to != HDR_TO_ON)
			check_local(&out);
	} else if (e.code != EX_DATAERR || strpbrk(e.msg, "\r\n") != NULL ||
	    (strstr(e.msg, "header") == NULL))
		abort();
	hdr_buf_free(&out);
	addr_list_free(&l);
}

static void
rewrite(const char *d, size_t n)
{
	static const char aliases[] = "root: ops@example.net, staff\n"
	    "staff: a@example.net, b\nself: self, s@example.net\n";
	static struct alias_tab tab;
	static int parsed;
	struct alias_local loc = { NULL, NULL, "admin@example.org" };
	struct err e;

	if (!parsed) {
		if (alias_parse(aliases, sizeof(aliases) - 1, "fuzz", &tab,
		    &e) == -1)
			abort();
		parsed = 1;
	}
	rewrite_with(d, n, NULL);
	loc.tab = &tab;
	loc.domain = n > 0 && (d[0] & 1) ? "d.example" : NULL;
	rewrite_with(d, n, &loc);
}

static void
sender(const char *d, size_t n)
{
	const char *v;
	size_t vlen, i;

	if (!hdr_get_sender(d, n, &v, &vlen))
		return;
	if (v < d || v + vlen > d + n)
		abort();
	for (i = 0; i < vlen && strchr(" \t\r\n", v[i]) != NULL; i++)
		;
	if (i == vlen)
		abort();
}

static void
split(const char *d, size_t size)
{
	size_t off, off2, k;
	long r, r2;

	r = hdr_split(d, size, 1, &off);
	if (r < 0 || (size_t)r > size || off < (size_t)r || off > size)
		abort();
	if (off != (size_t)r && (off != (size_t)r + 2 ||
	    memcmp(d + r, "\r\n", 2) != 0))
		abort();
	for (k = size / 2; k <= size; k += (size - k) / 2 + 1) {
		r2 = hdr_split(d, k, 0, &off2);
		if (r2 != -1 && (r2 != r || off2 != off))
			abort();
	}
	rewrite(d, (size_t)r);
	sender(d, (size_t)r);
}

/* the input up to its first NUL (at most 600 bytes) as a -F name */
static void
fullname(const char *d, size_t size)
{
	struct hdr_policy pol;
	struct hdr_buf out = { NULL, 0, 0 };
	struct err e;
	char name[601];
	size_t n = size < 600 ? size : 600, i, col = 0;

	memcpy(name, d, n);
	name[n] = '\0';
	policy(&pol);
	pol.fullname = name;
	if (hdr_rewrite("", 0, &pol, &out, NULL, &e) == -1) {
		if (e.code != EX_USAGE)
			abort();
		hdr_buf_free(&out);
		return;
	}
	check_out(&out, NULL);
	for (i = 0; i < out.len; i++) {
		if (out.p[i] == '\r') {
			if (col > 78 && memchr(out.p + i - col, '<', col) ==
			    NULL)
				abort();
			col = 0;
			i++;
		} else
			col++;
	}
	hdr_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;

	split(d, size);
	rewrite(d, size);
	fullname(d, size);
	return 0;
}
