/* SPDX-License-Identifier: ISC */
/*
 * intl.h - PURE internationalised mail (RFC 6530-6532, 2047): what a
 * message needs from the server, and encoded words.
 *
 * intl_addr_need(): what an envelope address needs.  INTL_ASCII: nothing;
 * INTL_DOMAIN: only its domain has bytes >= 0x80, so A-labels (idna.h)
 * will do without SMTPUTF8; INTL_UTF8: its local part has them, and only
 * SMTPUTF8 can carry it.  A domain literal ("[192.0.2.1]") never needs
 * anything (it is ASCII or not an address).
 *
 * intl_hdr_need(): the first address field of the header block (CRLF
 * lines, as hdr.h takes them) whose addresses hold bytes >= 0x80: From,
 * Sender, Reply-To, To, Cc, Bcc and their Resent- forms; a display name
 * or comment in UTF-8 does not count (a server without SMTPUTF8 gets it
 * as 8-bit header text, as before), and neither does a field that does
 * not parse as an address list (it holds no address to protect: it is
 * header text too; "Reply-To: café" from a script).  Returns 1 and the
 * field's name (made visible) in name, or 0.
 *
 * intl_ew_encode(): the display name s[0..n) (valid UTF-8, checked by the
 * caller) as RFC 2047 B encoded words "=?UTF-8?B?...?=" separated by
 * single spaces, each at most 75 characters (INTL_EW_MAX) and never
 * splitting a UTF-8 character, into out (NUL-terminated, cut when outsz
 * is too small).  Returns the length the whole text needs, like
 * snprintf.  intl_utf8_len(): the length of the valid UTF-8 character at
 * s[0..n) (shortest form, no surrogates, <= U+10FFFF), 0 if there is none.
 */
#ifndef SMTPS_INTL_H
#define SMTPS_INTL_H

#include <stddef.h>

enum intl_need { INTL_ASCII = 0, INTL_DOMAIN = 1, INTL_UTF8 = 2 };

/* longest encoded word (RFC 2047 2) and the text bytes one may hold */
#define INTL_EW_MAX	75
#define INTL_EW_TEXT	45

enum intl_need	intl_addr_need(const char *addr);
int	intl_hdr_need(const char *block, size_t len, char *name,
	    size_t namesz);
size_t	intl_ew_encode(const char *s, size_t n, char *out, size_t outsz);
size_t	intl_utf8_len(const unsigned char *s, size_t n);

#endif
