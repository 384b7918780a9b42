/* SPDX-License-Identifier: ISC */
/*
 * tls.h - the only interface to GnuTLS's TLS sessions (tls.c is the only
 * file that opens one; sasl.c and scram.c use only GnuTLS's crypto
 * primitives: hash, HMAC, PBKDF2, random, base64, SASLprep).
 *
 * tls_start(): client handshake on a connected non-blocking socket within
 * timeout_ms, then verification:
 *  - trust: the system store, or `trust_file` (PEM) when set;
 *  - name: `verify_name` (tls_host_override or host), DNS and IP SANs,
 *    also sent as SNI unless it is an IP address;
 *  - profile: at least GNUTLS_PROFILE_MEDIUM (no RSA < 2048, no SHA-1
 *    signatures), TLS 1.2 minimum, `priorities` (GnuTLS priority string)
 *    appended when set;
 *  - `fingerprint` (32 bytes SHA-256 of the DER end-entity certificate):
 *    when set, the certificate must match it (and chain/name checks are
 *    skipped only when certcheck is 0).
 *  - `crl_file` (PEM): a revoked certificate fails as "certificate
 *    revoked" (checked with the chain, so only with certcheck);
 *  - `cert_file` + `key_file` (PEM): the client certificate, sent when the
 *    server asks for one.
 * Resumption: with `resume`, a session cached (tlscache.h) under a key that
 * hashes every setting above (contents of the trust, CRL and certificate
 * files included), `session_id` (account, host, port) and the GnuTLS
 * version is offered; resumed or not, the certificate is verified as
 * above (a resumed session carries the one verified when it was made).
 * tls_close() stores the session's latest ticket there.  A
 * missing, foreign or broken entry is silently a full handshake; a resumed
 * session whose certificate no longer verifies is dropped from the cache
 * and the failure is EX_TEMPFAIL (the retry makes a full handshake).
 * Any failure -> EX_UNAVAILABLE "TLS certificate verification failed for
 * HOST: reason" (expired, not yet valid, name mismatch, untrusted signer,
 * fingerprint mismatch, insecure algorithm); handshake errors -> EX_PROTOCOL
 * or EX_TEMPFAIL (timeout, reset).  Nothing is sent before verification.
 */
#ifndef SMTPS_TLS_H
#define SMTPS_TLS_H

#include "io.h"
#include "serverinfo.h"

struct tls_conf {
	const char		*verify_name;	/* host or tls_host_override */
	const char		*trust_file;	/* NULL = system trust */
	const unsigned char	*fingerprint;	/* 32 bytes or NULL */
	int			 certcheck;	/* 0 = skip chain/name checks */
	const char		*priorities;	/* NULL = defaults */
	const char		*cert_file;	/* client certificate or NULL */
	const char		*key_file;	/* its key (with cert_file) */
	const char		*crl_file;	/* NULL = no CRL */
	int			 resume;	/* offer and keep sessions */
	const char		*session_id;	/* account, host, port */
};

struct tls;

struct tls	*tls_start(int fd, const struct tls_conf *, int timeout_ms,
		    struct err *);
struct transport tls_transport(struct tls *);
/* "TLS1.3 (ECDHE-X25519)-..." for -v, " (resumed)" appended when the
   session was resumed; static buffer inside struct tls */
const char	*tls_describe(struct tls *);
void		 tls_close(struct tls *, int timeout_ms);	/* bye, free */
/*
 * Channel binding data for SCRAM -PLUS into out: *type "tls-exporter"
 * (RFC 9266, 32 bytes) on TLS 1.3, "tls-unique" (RFC 5929) on TLS 1.2
 * with the extended master secret.  Returns its length; 0 (*type NULL)
 * when the session has none smtps trusts.
 */
size_t		 tls_channel_binding(struct tls *, const char **type,
		    unsigned char *out, size_t outsz);
/*
 * -S/--serverinfo: the TLS version and cipher (tls_describe) and, for each
 * certificate the server sent, what serverinfo.c prints (struct
 * serverinfo_peer, serverinfo.h): subject, issuer, validity, SHA-256
 * fingerprint of the DER form, as plain data (the server's bytes, not yet
 * made visible); serverinfo_peer_free() frees it.
 */
void		 tls_peer(struct tls *, struct serverinfo_peer *);
/*
 * Load the client certificate and key (both or neither) and the CRL (each
 * may be NULL) as tls_start() will, before any network byte: unreadable,
 * not PEM, or a key that does not match -> EX_CONFIG naming the file.
 */
int		 tls_check_files(const char *cert, const char *key,
		    const char *crl, struct err *);
/*
 * Crypto helpers for the OAuth2 code (PKCE, RFC 7636), from GnuTLS:
 * tls_random() fills buf with n bytes of key-grade randomness (0, or -1
 * with EX_SOFTWARE); tls_sha256() hashes into out[32];
 * tls_b64url() writes base64url without padding (RFC 4648 section 5)
 * into out, NUL-terminated: its length, or -1 when outsz is too small.
 */
int		 tls_random(void *buf, size_t n, struct err *);
void		 tls_sha256(const void *, size_t, unsigned char out[32]);
long		 tls_b64url(const void *, size_t, char *out, size_t outsz);
int		 tls_global_init(struct err *);
void		 tls_global_deinit(void);

#endif
