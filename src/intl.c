/* SPDX-License-Identifier: ISC */
/*
 * intl.c - PURE internationalised mail: what an address or a header
 * block needs from the server, RFC 2047 encoded words (contract: intl.h).
 * No I/O, no globals; the IDNA conversion (libidn2) is idna.c's.
 */
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "err.h"
#include "intl.h"
#include "path.h"

static int
has_high(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

enum intl_need
intl_addr_need(const char *addr)
{
	const char *dom = path_domain(addr);
	size_t local = dom != NULL ? (size_t)(dom - 1 - addr) : strlen(addr);

	if (has_high(addr, local))
		return INTL_UTF8;
	if (dom != NULL && dom[0] != '[' && has_high(dom, strlen(dom)))
		return INTL_DOMAIN;
	return INTL_ASCII;
}

/* ---- header block ------------------------------------------------------ */

static const char *const addr_fields[] = { "From", "Sender", "Reply-To",
	"To", "Cc", "Bcc" };

/* is name[0..n) an address field (or its Resent- form)? */
static int
is_addr_field(const char *name, size_t n)
{
	size_t i;

	if (n > 7 && strncasecmp(name, "Resent-", 7) == 0) {
		name += 7;
		n -= 7;
	}
	for (i = 0; i < sizeof(addr_fields) / sizeof(addr_fields[0]); i++)
		if (strlen(addr_fields[i]) == n &&
		    strncasecmp(name, addr_fields[i], n) == 0)
			return 1;
	return 0;
}

/* end of the field starting at p (after its last line's CRLF) */
static size_t
field_end(const char *b, size_t len, size_t p)
{
	const char *nl;

	do {
		nl = memchr(b + p, '\n', len - p);
		p = nl != NULL ? (size_t)(nl - b) + 1 : len;
	} while (p < len && (b[p] == ' ' || b[p] == '\t'));
	return p;
}

static int
mbox_high(void *ctx, const struct addr_mbox *m, struct err *e)
{
	(void)e;
	if (has_high(m->addr, strlen(m->addr)))
		*(int *)ctx = 1;
	return 0;
}

/* does the value v[0..n) of an address field need SMTPUTF8? */
static int
value_needs(const char *v, size_t n)
{
	struct err e;
	int high = 0;

	if (!has_high(v, n))
		return 0;
	err_clear(&e);
	if (addr_list_walk(v, n, mbox_high, &high, &e) == -1)
		return 0;	/* no address list: header text, as today */
	return high;
}

int
intl_hdr_need(const char *b, size_t len, char *name, size_t namesz)
{
	size_t p, end, n, colon;

	for (p = 0; p < len; p = end) {
		end = field_end(b, len, p);
		for (n = 0; p + n < end && b[p + n] != ':' &&
		    b[p + n] != '\r' && b[p + n] != '\n'; n++)
			;
		if (p + n == end || b[p + n] != ':')
			continue;
		colon = p + n;		/* "To :" is To (RFC 5322 4.5) */
		while (n > 0 && (b[p + n - 1] == ' ' || b[p + n - 1] == '\t'))
			n--;
		if (!is_addr_field(b + p, n) || !value_needs(b + colon + 1,
		    end - colon - 1))
			continue;
		err_visible(name, namesz, b + p, n);
		return 1;
	}
	return 0;
}

/* ---- encoded words ----------------------------------------------------- */

size_t
intl_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* output with a bound: o counts what is needed, out gets what fits */
struct ew_out {
	char	*p;
	size_t	 sz, o;
};

static void
put(struct ew_out *w, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, w->o++)
		if (w->o + 1 < w->sz)
			w->p[w->o] = s[i];
}

/* one B encoded word for s[0..n) */
static void
put_word(struct ew_out *w, const unsigned char *s, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	put(w, "=?UTF-8?B?", 10);
	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		put(w, q, sizeof(q));
	}
	put(w, "?=", 2);
}

size_t
intl_ew_encode(const char *s, size_t n, char *out, size_t outsz)
{
	const unsigned char *u = (const unsigned char *)s;
	struct ew_out w = { out, outsz, 0 };
	size_t i, start, k;

	for (start = i = 0; i < n; i += k) {
		if ((k = intl_utf8_len(u + i, n - i)) == 0)
			k = 1;		/* the caller checked; never loops */
		if (i + k - start > INTL_EW_TEXT) {
			put_word(&w, u + start, i - start);
			put(&w, " ", 1);
			start = i;
		}
	}
	put_word(&w, u + start, n - start);
	if (outsz > 0)
		out[w.o < outsz ? w.o : outsz - 1] = '\0';
	return w.o;
}
