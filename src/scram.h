/* SPDX-License-Identifier: ISC */
/*
 * scram.h - PURE SCRAM client (RFC 5802 SCRAM-SHA-1, RFC 7677
 * SCRAM-SHA-256) with channel binding for the -PLUS forms (RFC 5929
 * tls-unique, RFC 9266 tls-exporter).  No I/O; hashes, HMAC, PBKDF2 and
 * the random nonce come from GnuTLS.  Messages are the SASL payloads
 * (sasl.c base64s them); each is at most LIMIT_SCRAM_MSG bytes.
 *
 * scram_new(): `sha256` picks the hash; the password is prepared with
 * SASLprep (GnuTLS gnutls_utf8_password_normalize, RFC 8265
 * OpaqueString); the user name is escaped as RFC 5802 says ("=" ->
 * "=3D", "," -> "=2C").  `cbtype`/`cb` (both or neither): the channel
 * binding (gs2 header "p=TYPE"); without it the header is "y" when
 * `cb_capable` (smtps could bind, the server offered no -PLUS), else
 * "n".  `nonce` NULL = 24 random bytes, base64 (tests pass their own).
 * NULL with EX_CONFIG "... cannot be prepared (SASLprep) ..." for a
 * password that is not valid UTF-8 or holds what SASLprep forbids.
 *
 * scram_first(): the client-first message ("n,,n=user,r=nonce").
 * scram_final(): the server-first message -> the client-final message
 * ("c=...,r=...,p=proof").  The server nonce must extend ours, the salt
 * be base64, 1 <= i <= LIMIT_SCRAM_ITER, no mandatory extension (m=):
 * else EX_PROTOCOL naming what is wrong.
 * scram_verify(): the server-final message: "v=" must be the server
 * signature (else EX_NOPERM "server signature does not verify"); "e=X"
 * -> EX_NOPERM "the server refused: X".  scram_verified(): 1 once the
 * server signature verified.
 * scram_parse_first(): the pure parser of a server-first message into
 * *f (pointers into msg); -1 with e on a malformed one.
 * scram_free(): wipe and free.
 */
#ifndef SMTPS_SCRAM_H
#define SMTPS_SCRAM_H

#include <stddef.h>
#include "err.h"

struct scram;

struct scram_first {
	const char	*nonce, *salt;	/* salt: base64 */
	size_t		 noncelen, saltlen;
	unsigned long	 iter;
};

struct scram	*scram_new(int sha256, const char *user, const char *password,
		    const char *nonce, const char *cbtype,
		    const unsigned char *cb, size_t cblen, int cb_capable,
		    struct err *);
int	scram_first(struct scram *, char *out, size_t outsz, struct err *);
int	scram_final(struct scram *, const char *msg, size_t len, char *out,
	    size_t outsz, struct err *);
int	scram_verify(struct scram *, const char *msg, size_t len,
	    struct err *);
int	scram_verified(const struct scram *);
int	scram_parse_first(const char *msg, size_t len, struct scram_first *,
	    struct err *);
void	scram_free(struct scram *);

#endif
