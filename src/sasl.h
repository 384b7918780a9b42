/* SPDX-License-Identifier: ISC */
/*
 * sasl.h - PURE SASL mechanisms for AUTH (RFC 4954): PLAIN, LOGIN,
 * SCRAM-SHA-256/-SHA-1 and their -PLUS forms (scram.h), XOAUTH2,
 * OAUTHBEARER (RFC 7628), EXTERNAL, CRAM-MD5.  No I/O, no globals;
 * crypto and base64 decoding through GnuTLS.
 *
 * sasl_pick(): choose the mechanism.  `wanted` is the account's `auth`:
 * a mechanism name, or "on" = the first the server offers, in the order
 * SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS (only when `cb`: the session has
 * channel binding data), SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, LOGIN; with
 * `oauth` (the secret is an OAuth2 token) only OAUTHBEARER, then
 * XOAUTH2.  CRAM-MD5 and EXTERNAL are never chosen by "on".  Returns an
 * AUTH_* bit, or -1 with EX_UNAVAILABLE "server offers no usable AUTH
 * mechanism (offered: ...)" / "server does not offer AUTH X (offered:
 * ...)".  sasl_offered(): the AUTH_* bits as names ("PLAIN LOGIN").
 *
 * One exchange: fill struct sasl (mech, user, secret, host/port for
 * OAUTHBEARER, channel binding for -PLUS: without -PLUS the SCRAM gs2
 * flag is "y" when smtps could bind but the server offers no -PLUS, "n"
 * when it offers one and was not chosen - RFC 5802 section 6), then
 *  - sasl_start(): the AUTH command line, without CRLF ("AUTH PLAIN
 *    <b64>", "AUTH LOGIN", "AUTH SCRAM-SHA-256 <b64 client-first>");
 *  - sasl_next(): for each 334 reply, its text (base64) -> the response
 *    line (base64, may be empty).  Errors: a challenge that is not
 *    base64 or not what the mechanism expects -> EX_PROTOCOL; a SCRAM
 *    server signature that does not verify -> EX_NOPERM (the caller must
 *    send nothing more); an OAuth2 error challenge (JSON) is answered
 *    with the dummy response RFC 7628 asks for and its "status" and
 *    "scope" are kept in x->reason for the error line;
 *  - sasl_done(): at the server's 2xx: 0 when the mechanism is complete
 *    (SCRAM: the server proved it knows the password), else -1
 *    EX_NOPERM;
 *  - sasl_clear(): wipe and free everything the exchange held.
 * Output lines go to caller buffers (LIMIT_SASL_LINE bytes will do) that
 * the caller wipes with secret_wipe.
 *
 * sasl_oauth_error(): RFC 7628 3.2.2 error JSON (a flat object) -> "status
 * S, scope X" (printable ASCII only) in out; -1 when it is not such an
 * object or has no "status".
 */
#ifndef SMTPS_SASL_H
#define SMTPS_SASL_H

#include <stddef.h>
#include "err.h"
#include "limit.h"

struct scram;

struct sasl {
	int		 mech;		/* AUTH_* (reply.h) */
	const char	*user;
	const char	*secret;	/* password or token, "" = none */
	const char	*host;		/* OAUTHBEARER host=, may be NULL */
	int		 port;		/* OAUTHBEARER port=, 0 = none */
	const char	*cbtype;	/* -PLUS: "tls-exporter",
					   "tls-unique" */
	const unsigned char *cb;	/* its data */
	size_t		 cblen;
	int		 plus_offered;	/* the server offers a -PLUS form */
	const char	*nonce;		/* SCRAM client nonce; NULL = random
					   (tests only) */
	/* state */
	int		 step;		/* challenges answered */
	struct scram	*scram;
	char		 reason[LIMIT_SASL_REASON]; /* OAuth2 error, or "" */
};

int	sasl_pick(unsigned offered, const char *wanted, int oauth, int cb,
	    struct err *);
const char *sasl_name(int mech);
/* 1 for the four SCRAM mechanisms */
int	sasl_is_scram(int mech);
/* mechanism named by `name` (case-insensitive), 0 = unknown */
int	sasl_by_name(const char *name);
void	sasl_offered(unsigned offered, char *out, size_t outsz);
int	sasl_start(struct sasl *, char *out, size_t outsz, struct err *);
int	sasl_next(struct sasl *, const char *chal, size_t len, char *out,
	    size_t outsz, struct err *);
int	sasl_done(struct sasl *, struct err *);
void	sasl_clear(struct sasl *);
int	sasl_oauth_error(const char *json, size_t len, char *out,
	    size_t outsz);
/* base64 encode; returns output length, or -1 if outsz is too small */
long	sasl_b64(const unsigned char *in, size_t inlen, char *out,
    size_t outsz);
/* base64 decode (GnuTLS) into out, NUL added (the data may hold NULs:
   use the length); length, or -1 when in is not base64 or out too small */
long	sasl_unb64(const char *in, size_t inlen, unsigned char *out,
	    size_t outsz);

#endif
