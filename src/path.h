/* SPDX-License-Identifier: ISC */
/*
 * path.h - PURE RFC 5321 envelope paths: what may follow MAIL FROM: and
 * RCPT TO:.
 *
 * path_check(): is this string safe and valid as an envelope address
 * (MAIL FROM / RCPT TO)?  Accepts "local@domain", "local" (unqualified), a
 * quoted local part, optional surrounding <...>.  Refuses CR, LF, NUL, other
 * control characters, unquoted spaces, unbalanced <>, more than LIMIT_ADDR
 * bytes.  On success writes the bare address (without <>) to out.
 * The empty string and "<>" are the null sender only when allow_null.
 * Errors are EX_USAGE "invalid address 'A': why".
 *
 * path_valid(): the same rules for a bare address a[0..len) (no <>, not
 * empty), failing with the given code: the RFC 5322 parser (addr.c) holds
 * every address it finds to them, with EX_DATAERR.
 *
 * The character classes are RFC 5322's, shared with addr.c: atext (8-bit
 * bytes included, RFC 6532), control characters, a plain dot-atom;
 * path_show_char() names a byte for a message ("'c'" or "0xNN").
 */
#ifndef SMTPS_PATH_H
#define SMTPS_PATH_H

#include <stddef.h>
#include "err.h"

int	path_check(const char *in, size_t inlen, int allow_null,
	    char *out, size_t outsz, struct err *);
int	path_valid(const char *a, size_t len, int code, struct err *);
/* the domain part of an address (after the last unquoted '@'), or NULL */
const char *path_domain(const char *addr);

int	path_is_atext(unsigned char);
int	path_is_ctl(unsigned char);
int	path_is_dot_atom(const char *, size_t);
const char *path_show_char(char *buf, size_t sz, unsigned char);

#endif
