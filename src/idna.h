/* SPDX-License-Identifier: ISC */
/*
 * idna.h - domain names to A-labels (IDNA 2008, RFC 5891, via libidn2).
 *
 * idna_addr(): the envelope address addr with its domain converted to
 * A-labels ("jo@exämple.org" -> "jo@xn--exmple-cua.org") in out:
 * idn2_to_ascii_8z with IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL: NFC first,
 * then UTS #46 non-transitional processing (upper case folded, "ß" kept as
 * itself, not "ss"), as msmtp and browsers do.  An address
 * without a domain, with a domain literal ("[192.0.2.1]") or an all-ASCII
 * domain (A-labels included) is copied as it is.  The local part is never
 * touched.  A domain libidn2 refuses (disallowed code point, bidi rule,
 * label too long, not valid UTF-8) -> EX_DATAERR "invalid internationalised
 * domain in 'ADDR': WHY" (made visible); out too small -> EX_DATAERR.  No
 * I/O and deterministic; it is not a PURE module only because libidn2
 * allocates its result.
 */
#ifndef SMTPS_IDNA_H
#define SMTPS_IDNA_H

#include <stddef.h>
#include "err.h"

int	idna_addr(const char *addr, char *out, size_t outsz, struct err *);

#endif
