/* SPDX-License-Identifier: ISC */
/*
 * tlskey.h - PURE the cache key of a resumable TLS session (tls_resume):
 * every input that decides whether a cached session may be offered, as
 * one byte string that tls.c hashes (SHA-256) into the cache file's name.
 *
 * tlskey_begin(): when c->resume, start the key with every setting that
 * is not a file's contents: the GnuTLS version string, session_id,
 * verify_name, trust_file, the pin, certcheck, priorities and the three
 * file names; else leave the key off, and every call below a no-op.
 * tlskey_add(): one tagged value (the tag with its NUL, the length as a
 * uint64_t, the bytes); tls.c adds the trust, certificate and CRL files'
 * contents as it reads them (the private key is never added: the
 * certificate names it).  tlskey_str(): a string with its NUL ("" for
 * NULL, then with length 0).
 * tlskey_name(): the hex name of a 32-byte digest (65 bytes with NUL).
 * tlskey_free(): wipe and free; the key is off after it.
 */
#ifndef SMTPS_TLSKEY_H
#define SMTPS_TLSKEY_H

#include <stddef.h>
#include "tls.h"

#define TLSKEY_DIGEST	32	/* SHA-256 */

struct tlskey {
	int		 on;
	unsigned char	*buf;
	size_t		 len, cap;
};

void	tlskey_begin(struct tlskey *, const char *version,
	    const struct tls_conf *c);
void	tlskey_add(struct tlskey *, const char *tag, const void *data,
	    size_t len);
void	tlskey_str(struct tlskey *, const char *tag, const char *s);
void	tlskey_name(const unsigned char md[TLSKEY_DIGEST],
	    char out[2 * TLSKEY_DIGEST + 1]);
void	tlskey_free(struct tlskey *);

#endif
