/* SPDX-License-Identifier: ISC */
/*
 * path.c - PURE RFC 5321 envelope paths (contract: path.h): what may
 * follow MAIL FROM: and RCPT TO:, and the character classes the RFC 5322
 * list parser (addr.c) shares with it.  No I/O, no globals.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "limit.h"
#include "path.h"

/* room for an address made visible in a message, truncated */
#define SHOW_MAX	(LIMIT_ERR_MSG / 4)

/* ---- character classes ------------------------------------------------ */

int
path_is_atext(unsigned char c)
{
	if (c >= 0x80)		/* RFC 6532 UTF8-non-ascii */
		return 1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

int
path_is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* a plain dot-atom: atext runs separated by single dots */
int
path_is_dot_atom(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!path_is_atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* "'c'" for a printable character, "0xNN" otherwise */
const char *
path_show_char(char *buf, size_t sz, unsigned char c)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, sz, "'%c'", c);
	else
		snprintf(buf, sz, "0x%02x", c);
	return buf;
}

/* ---- the envelope path rules (RFC 5321 Mailbox, bare, no <>) ---------- */

/* Error for address a[0..len): "invalid address 'a': why". Returns -1. */
static int
bad_addr(struct err *e, int code, const char *a, size_t len,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
bad_addr(struct err *e, int code, const char *a, size_t len,
    const char *fmt, ...)
{
	char show[SHOW_MAX], why[LIMIT_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	err_visible(show, sizeof(show), a, len);
	return err_set(e, code, "invalid address '%s': %s", show, why);
}

/* NUL, CR, LF and other control characters, anywhere */
static int
check_ctl(const char *a, size_t len, int code, struct err *e)
{
	size_t i;
	char cb[8];

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c == '\0')
			return bad_addr(e, code, a, len, "contains a NUL byte");
		if (c == '\r')
			return bad_addr(e, code, a, len,
			    "contains a carriage return (CR)");
		if (c == '\n')
			return bad_addr(e, code, a, len,
			    "contains a line feed (LF)");
		if (path_is_ctl(c))
			return bad_addr(e, code, a, len, "contains control "
			    "character %s", path_show_char(cb, sizeof(cb), c));
	}
	return 0;
}

/* why an unquoted character c cannot be in the local part or domain */
static int
bad_char(struct err *e, int code, const char *a, size_t len,
    unsigned char c, const char *where)
{
	char cb[8];

	if (c == ' ')
		return bad_addr(e, code, a, len, "contains an unquoted space");
	if (c == '<' || c == '>')
		return bad_addr(e, code, a, len, "unbalanced '%c'", c);
	return bad_addr(e, code, a, len, "invalid character %s in %s",
	    path_show_char(cb, sizeof(cb), c), where);
}

/* quoted local part at a[0] == '"'; *end = index after the closing quote */
static int
check_quoted(const char *a, size_t len, size_t *end, int code,
    struct err *e)
{
	size_t i;

	for (i = 1; i < len; i++) {
		if (a[i] == '"') {
			*end = i + 1;
			return 0;
		}
		if (a[i] == '\\' && ++i == len)
			break;
	}
	return bad_addr(e, code, a, len, "unterminated quoted string");
}

/* dot-string local part a[0..n), n may be 0 */
static int
check_dotstring(const char *a, size_t len, size_t n, int code,
    struct err *e)
{
	size_t i;

	if (n == 0)
		return bad_addr(e, code, a, len, "empty local part");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c == '"')
			return bad_addr(e, code, a, len, "misplaced '\"' "
			    "(quote the whole local part)");
		if (c != '.' && !path_is_atext(c))
			return bad_char(e, code, a, len, c, "local part");
	}
	if (!path_is_dot_atom(a, n))
		return bad_addr(e, code, a, len, "misplaced '.' in local part");
	return 0;
}

/* domain a[at+1..len) */
static int
check_domain(const char *a, size_t len, size_t at, int code, struct err *e)
{
	const char *d = a + at + 1;
	size_t n = len - at - 1, i;

	if (n == 0)
		return bad_addr(e, code, a, len, "empty domain after '@'");
	if (d[0] == '[') {
		if (n < 2 || d[n - 1] != ']')
			return bad_addr(e, code, a, len,
			    "unterminated domain literal");
		if (n == 2)
			return bad_addr(e, code, a, len,
			    "empty domain literal");
		for (i = 1; i < n - 1; i++)
			if (d[i] == ' ' || d[i] == '[' || d[i] == ']' ||
			    d[i] == '\\' || (unsigned char)d[i] >= 0x7f)
				return bad_char(e, code, a, len,
				    (unsigned char)d[i], "domain literal");
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '@')
			return bad_addr(e, code, a, len, "more than one '@'");
		if (!(c >= 0x80 || c == '.' || c == '-' || c == '_' ||
		    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z')))
			return bad_char(e, code, a, len, c, "domain");
	}
	if (!path_is_dot_atom(d, n))
		return bad_addr(e, code, a, len, "misplaced '.' in domain");
	return 0;
}

/* the whole bare address a[0..len): [local-part ["@" domain]] */
int
path_valid(const char *a, size_t len, int code, struct err *e)
{
	size_t i = 0;

	if (check_ctl(a, len, code, e) == -1)
		return -1;
	if (len > 0 && a[0] == '"') {
		if (check_quoted(a, len, &i, code, e) == -1)
			return -1;
		if (i < len && a[i] != '@')
			return bad_addr(e, code, a, len,
			    "text after the quoted local part");
	} else {
		for (i = 0; i < len && a[i] != '@'; i++)
			;
		if (check_dotstring(a, len, i, code, e) == -1)
			return -1;
	}
	if (i == len)
		return 0;		/* unqualified */
	return check_domain(a, len, i, code, e);
}

int
path_check(const char *in, size_t inlen, int allow_null, char *out,
    size_t outsz, struct err *e)
{
	const char *a = in;
	size_t len = inlen;

	if (inlen > LIMIT_ADDR)
		return bad_addr(e, EX_USAGE, in, inlen,
		    "longer than %d bytes", LIMIT_ADDR);
	if (check_ctl(in, inlen, EX_USAGE, e) == -1)
		return -1;
	if (len > 0 && a[0] == '<') {
		if (len < 2 || a[len - 1] != '>')
			return bad_addr(e, EX_USAGE, in, inlen,
			    "unbalanced '<'");
		a++;
		len -= 2;
	}
	if (len == 0) {
		if (!allow_null)
			return bad_addr(e, EX_USAGE, in, inlen, "empty address "
			    "(the null sender is not allowed here)");
	} else if (path_valid(a, len, EX_USAGE, e) == -1)
		return -1;
	if (len >= outsz)
		return bad_addr(e, EX_SOFTWARE, in, inlen,
		    "does not fit in %zu bytes", outsz);
	memcpy(out, a, len);
	out[len] = '\0';
	return 0;
}

const char *
path_domain(const char *addr)
{
	const char *at = NULL, *p;
	int quoted = 0;

	for (p = addr; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '@')
			at = p;
	}
	if (at == NULL || at[1] == '\0')
		return NULL;
	return at + 1;
}
