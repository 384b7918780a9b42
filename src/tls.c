/* SPDX-License-Identifier: ISC */
/*
 * tls.c - the only file that includes GnuTLS (contract: tls.h).
 *
 * tls_start() on a connected non-blocking socket:
 *  1. credentials: with certcheck, the system trust store or trust_file
 *     (PEM; unreadable or empty -> EX_CONFIG);
 *  2. priorities: "NORMAL" or the account's string, then TLS 1.0/1.1 and
 *     SSL 3 removed, (EC)DHE-PSK added so that a TLS 1.3 resumption
 *     offers only psk_dhe_ke (a fresh key exchange: a stolen ticket key
 *     cannot decrypt it; without PSK credentials no PSK cipher suite is
 *     offered), and the verification profile set to MEDIUM unless the
 *     string's last %PROFILE_ is already stronger (HIGH, ULTRA, FUTURE,
 *     SUITEB*), so an account can tighten but never loosen either;
 *     a bad string -> EX_CONFIG;
 *  3. SNI with verify_name unless it is an IP literal;
 *  4. the handshake, polled to one deadline (timeout_ms): timeout, reset
 *     or close -> EX_TEMPFAIL; anything else -> EX_PROTOCOL, except a
 *     server key or signature weaker than the profile -> EX_UNAVAILABLE;
 *  5. verification before anything is sent: the SHA-256 pin of the DER
 *     leaf certificate when `fingerprint` is set; with certcheck the chain
 *     against the trust store (profile MEDIUM: RSA >= 2048, no SHA-1),
 *     validity dates, the TLS server key purpose when the certificate
 *     states one, and the name: DNS SANs for names, IP SANs for IP
 *     literals.  Failure -> EX_UNAVAILABLE "TLS certificate verification
 *     failed for NAME: reason", and a bad_certificate alert (best effort).
 *     certcheck 0 without a fingerprint accepts any certificate: the
 *     caller warns.
 * Client certificate and CRL: read by us (errors name the keyword and the
 * file, EX_CONFIG), the key wiped after use.  Resumption (tls_conf.resume):
 * the cache key is SHA-256 over the GnuTLS version, session_id and every
 * verification input, files by contents (the private key excepted: the
 * certificate names it); the session is offered before the handshake,
 * the certificate it carries verified like a new one, and tls_close()
 * keeps the newest ticket (tlscache.c does the files).
 * The transport reads and writes records within their timeout_ms, polling
 * the socket in the direction GnuTLS asks for; a peer that closes without
 * close_notify reads as EOF.  Writes never raise SIGPIPE
 * (GNUTLS_NO_SIGNAL).  tls_close() sends close_notify for at most its
 * timeout, frees everything, and leaves the descriptor to the caller.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "tls.h"
#include "tlscache.h"
#include "tlskey.h"

#define TLS_PRIO_FIXED	":-VERS-TLS1.0:-VERS-TLS1.1:-VERS-SSL3.0" \
			":+ECDHE-PSK:+DHE-PSK"
#define TLS_PRIO_PROFILE ":%PROFILE_MEDIUM"
#define TLS_FP_LEN	32	/* SHA-256 */

struct tls {
	gnutls_session_t			s;
	gnutls_certificate_credentials_t	cred;
	int					fd;
	const char				*name;	/* for messages */
	char					desc[LIMIT_QUOTE];
	struct tlskey				key;	/* tlskey.h */
	char					*cache_dir; /* or NULL */
	char			cache_name[2 * TLSKEY_DIGEST + 1];
};

int
tls_global_init(struct err *e)
{
	int r;

	if ((r = gnutls_global_init()) < 0)
		return err_set(e, EX_SOFTWARE, "cannot initialise GnuTLS: %s",
		    gnutls_strerror(r));
	return 0;
}

void
tls_global_deinit(void)
{
	gnutls_global_deinit();
}

/* Wait until fd is ready in the direction GnuTLS wants, or the deadline.
 * 0 ready, -1 timed out (or poll failed). */
static int
tls_wait(struct tls *t, long long deadline)
{
	return io_wait_fd(t->fd, gnutls_record_get_direction(t->s) ?
	    POLLOUT : POLLIN, deadline);
}

static int
is_ip(const char *name, unsigned char *addr, size_t *alen)
{
	if (inet_pton(AF_INET, name, addr) == 1) {
		*alen = 4;
		return 1;
	}
	if (inet_pton(AF_INET6, name, addr) == 1) {
		*alen = 16;
		return 1;
	}
	return 0;
}

/* Does the last %PROFILE_ of s already ask for MEDIUM or stronger? */
static int
strong_profile(const char *s)
{
	static const char *const strong[] = { "HIGH", "ULTRA", "FUTURE",
	    "SUITEB128", "SUITEB192", "MEDIUM" };
	const char *p, *last = NULL;
	size_t i, n;

	for (p = s; (p = strcasestr(p, "%PROFILE_")) != NULL; p++)
		last = p + strlen("%PROFILE_");
	if (last == NULL)
		return 0;
	n = strcspn(last, ":");
	for (i = 0; i < sizeof(strong) / sizeof(strong[0]); i++)
		if (n == strlen(strong[i]) &&
		    strncasecmp(last, strong[i], n) == 0)
			return 1;
	return 0;
}

static int
set_priorities(struct tls *t, const char *user, struct err *e)
{
	const char *base = user != NULL && user[0] != '\0' ? user : "NORMAL";
	const char *errpos = NULL;
	char *prio;
	size_t off = SIZE_MAX;
	int r;

	xasprintf(&prio, "%s%s%s", base, TLS_PRIO_FIXED,
	    strong_profile(base) ? "" : TLS_PRIO_PROFILE);
	r = gnutls_priority_set_direct(t->s, prio, &errpos);
	if (r < 0 && errpos != NULL && errpos >= prio &&
	    errpos < prio + strlen(base))
		off = (size_t)(errpos - prio);
	free(prio);
	if (r >= 0)
		return 0;
	if (r == GNUTLS_E_NO_PRIORITIES_WERE_SET)
		return err_set(e, EX_CONFIG, "tls_priorities '%s' leave no "
		    "usable protocol version or cipher (TLS 1.2 is the "
		    "minimum)", base);
	if (off != SIZE_MAX && off > 0)
		return err_set(e, EX_CONFIG, "invalid tls_priorities '%s' "
		    "near '%s': %s", base, base + off, gnutls_strerror(r));
	return err_set(e, EX_CONFIG, "invalid tls_priorities '%s': %s", base,
	    gnutls_strerror(r));
}

static int set_files(struct tls *, const struct tls_conf *, struct err *);

/*
 * A PEM file into d (NUL-terminated), its contents into the cache key;
 * kw NULL: the private key (tls_key_file), never hashed.
 */
static int
load_pem(struct tls *t, const char *kw, const char *path, gnutls_datum_t *d,
    struct err *e)
{
	unsigned char *b;
	size_t len;

	if (tlscache_read_file(path, LIMIT_TLS_FILE, &b, &len) == -1)
		return err_set(e, EX_CONFIG, "cannot read %s %s: %s",
		    kw != NULL ? kw : "tls_key_file", path, errno == EFBIG ?
		    "file too large" : strerror(errno));
	d->data = b;
	d->size = (unsigned)len;
	if (kw != NULL)
		tlskey_add(&t->key, kw, b, len);
	return 0;
}

static void
free_pem(gnutls_datum_t *d)
{
	if (d->data != NULL)
		freezero(d->data, (size_t)d->size + 1);
	d->data = NULL;
	d->size = 0;
}

/* is the PEM certificate (or key) parseable?  0, or a GnuTLS error */
static int
parse_cert(const gnutls_datum_t *d)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0, i;
	int r = gnutls_x509_crt_list_import2(&list, &n, d, GNUTLS_X509_FMT_PEM,
	    GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED);

	for (i = 0; r >= 0 && i < n; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	return r < 0 ? r : n == 0 ? GNUTLS_E_NO_CERTIFICATE_FOUND : 0;
}

static int
parse_key(const gnutls_datum_t *d)
{
	gnutls_x509_privkey_t k;
	int r;

	if ((r = gnutls_x509_privkey_init(&k)) < 0)
		return r;
	r = gnutls_x509_privkey_import2(k, d, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_x509_privkey_deinit(k);
	return r < 0 ? r : 0;
}

static int
set_client_cert(struct tls *t, const char *cert, const char *key,
    struct err *e)
{
	gnutls_datum_t c = { NULL, 0 }, k = { NULL, 0 };
	int r;

	if (load_pem(t, "tls_cert_file", cert, &c, e) == -1)
		return -1;
	if (load_pem(t, NULL, key, &k, e) == -1) {
		free_pem(&c);
		return -1;
	}
	if ((r = parse_cert(&c)) < 0)
		err_set(e, EX_CONFIG, "tls_cert_file %s: not a PEM certificate "
		    "(%s)", cert, gnutls_strerror(r));
	else if ((r = parse_key(&k)) < 0)
		err_set(e, EX_CONFIG, "tls_key_file %s: not a PEM private key "
		    "(%s)", key, gnutls_strerror(r));
	else if ((r = gnutls_certificate_set_x509_key_mem2(t->cred, &c, &k,
	    GNUTLS_X509_FMT_PEM, NULL, 0)) < 0)
		err_set(e, EX_CONFIG, "tls_key_file %s does not fit "
		    "tls_cert_file %s: %s", key, cert, gnutls_strerror(r));
	free_pem(&c);
	free_pem(&k);
	return r < 0 ? -1 : 0;
}

static int
set_crl(struct tls *t, const char *crl, struct err *e)
{
	gnutls_datum_t d = { NULL, 0 };
	int r;

	if (load_pem(t, "tls_crl_file", crl, &d, e) == -1)
		return -1;
	r = gnutls_certificate_set_x509_crl_mem(t->cred, &d,
	    GNUTLS_X509_FMT_PEM);
	free_pem(&d);
	if (r < 0)
		return err_set(e, EX_CONFIG, "cannot load tls_crl_file %s: %s",
		    crl, gnutls_strerror(r));
	if (r == 0)
		return err_set(e, EX_CONFIG, "tls_crl_file %s holds no PEM "
		    "CRL", crl);
	return 0;
}

int
tls_check_files(const char *cert, const char *key, const char *crl,
    struct err *e)
{
	struct tls t;
	struct tls_conf c;
	int r;

	memset(&t, 0, sizeof(t));
	memset(&c, 0, sizeof(c));
	c.cert_file = cert;
	c.key_file = key;
	c.crl_file = crl;
	c.certcheck = 1;
	if (cert == NULL && crl == NULL)
		return 0;
	if ((r = gnutls_certificate_allocate_credentials(&t.cred)) < 0)
		return err_set(e, EX_SOFTWARE, "cannot set up TLS: %s",
		    gnutls_strerror(r));
	r = set_files(&t, &c, e);
	gnutls_certificate_free_credentials(t.cred);
	return r;
}

static int
set_trust(struct tls *t, const struct tls_conf *c, struct err *e)
{
	gnutls_datum_t d = { NULL, 0 };
	int r;

	if (c->trust_file != NULL && c->trust_file[0] != '\0') {
		if (load_pem(t, "tls_trust_file", c->trust_file, &d, e) == -1)
			return -1;
		r = gnutls_certificate_set_x509_trust_mem(t->cred, &d,
		    GNUTLS_X509_FMT_PEM);
		free_pem(&d);
		if (r < 0)
			return err_set(e, EX_CONFIG, "cannot load "
			    "tls_trust_file %s: %s", c->trust_file,
			    gnutls_strerror(r));
		if (r == 0)
			return err_set(e, EX_CONFIG, "tls_trust_file %s holds "
			    "no PEM certificate", c->trust_file);
		return 0;
	}
	r = gnutls_certificate_set_x509_system_trust(t->cred);
	if (r < 0)
		return err_set(e, EX_OSERR, "cannot load the system trust "
		    "store: %s", gnutls_strerror(r));
	/* r == 0: an empty store; verification will say "not trusted" */
	return 0;
}

/* the client certificate and the CRL (tls_check_files shares this) */
static int
set_files(struct tls *t, const struct tls_conf *c, struct err *e)
{
	if (c->cert_file != NULL && c->key_file != NULL &&
	    set_client_cert(t, c->cert_file, c->key_file, e) == -1)
		return -1;
	if (c->crl_file != NULL && c->certcheck &&
	    set_crl(t, c->crl_file, e) == -1)
		return -1;
	return 0;
}

static int
setup(struct tls *t, int fd, const struct tls_conf *c, struct err *e)
{
	unsigned char addr[16];
	size_t alen;
	int r;

	t->fd = fd;
	if ((r = gnutls_certificate_allocate_credentials(&t->cred)) < 0 ||
	    (r = gnutls_init(&t->s, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL)) < 0)
		return err_set(e, EX_SOFTWARE, "cannot set up TLS: %s",
		    gnutls_strerror(r));
	if ((c->certcheck && set_trust(t, c, e) == -1) ||
	    set_files(t, c, e) == -1)
		return -1;
	if (set_priorities(t, c->priorities, e) == -1)
		return -1;
	if ((r = gnutls_credentials_set(t->s, GNUTLS_CRD_CERTIFICATE,
	    t->cred)) < 0)
		return err_set(e, EX_SOFTWARE, "cannot set up TLS: %s",
		    gnutls_strerror(r));
	if (!is_ip(c->verify_name, addr, &alen) &&
	    (r = gnutls_server_name_set(t->s, GNUTLS_NAME_DNS, c->verify_name,
	    strlen(c->verify_name))) < 0)
		return err_set(e, EX_SOFTWARE, "cannot set TLS server name: %s",
		    gnutls_strerror(r));
	gnutls_transport_set_int(t->s, fd);
	return 0;
}

static int
handshake_error(struct tls *t, int r, struct err *e)
{
	switch (r) {
	case GNUTLS_E_PREMATURE_TERMINATION:
	case GNUTLS_E_PUSH_ERROR:
	case GNUTLS_E_PULL_ERROR:
		return err_set(e, EX_TEMPFAIL, "TLS handshake with %s failed: "
		    "connection closed or reset by server", t->name);
	case GNUTLS_E_INSUFFICIENT_SECURITY:
	case GNUTLS_E_CERTIFICATE_ERROR:
	case GNUTLS_E_PK_SIG_VERIFY_FAILED:
	case GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM:
		return err_set(e, EX_UNAVAILABLE, "TLS certificate "
		    "verification failed for %s: insecure certificate "
		    "algorithm or key size (%s)", t->name, gnutls_strerror(r));
	case GNUTLS_E_NO_PRIORITIES_WERE_SET:
		return err_set(e, EX_CONFIG, "TLS with %s: tls_priorities "
		    "leave no usable protocol version or cipher (TLS 1.2 is "
		    "the minimum)", t->name);
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
		return err_set(e, EX_PROTOCOL, "TLS handshake with %s failed: "
		    "the server sent alert '%s'", t->name,
		    gnutls_alert_get_name(gnutls_alert_get(t->s)));
	default:
		return err_set(e, EX_PROTOCOL, "TLS handshake with %s failed: "
		    "%s", t->name, gnutls_strerror(r));
	}
}

static int
handshake(struct tls *t, long long deadline, struct err *e)
{
	int r;

	for (;;) {
		r = gnutls_handshake(t->s);
		if (r == 0)
			return 0;
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			if (tls_wait(t, deadline) == -1)
				return err_set(e, EX_TEMPFAIL, "TLS handshake "
				    "with %s timed out", t->name);
			continue;
		}
		if (!gnutls_error_is_fatal(r))
			continue;	/* a warning alert */
		return handshake_error(t, r, e);
	}
}

/* The one reason to report, most specific first. */
static const char *
status_reason(unsigned st)
{
	if (st & GNUTLS_CERT_EXPIRED)
		return "certificate has expired";
	if (st & GNUTLS_CERT_NOT_ACTIVATED)
		return "certificate is not yet valid";
	if (st & GNUTLS_CERT_INSECURE_ALGORITHM)
		return "insecure certificate algorithm or key size";
	if (st & GNUTLS_CERT_REVOKED)
		return "certificate revoked";
	if (st & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
		return "certificate signer is not trusted";
	if (st & GNUTLS_CERT_SIGNATURE_FAILURE)
		return "certificate signature is invalid";
	if (st & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)
		return "certificate is not for a TLS server "
		    "(key usage or name constraints)";
	if (st & GNUTLS_CERT_PURPOSE_MISMATCH)
		return "certificate is not for a TLS server";
	return NULL;
}

static int
verify_fail(struct tls *t, struct err *e, const char *why)
{
	/* best effort on a non-blocking socket: never wait for it */
	(void)gnutls_alert_send(t->s, GNUTLS_AL_FATAL,
	    GNUTLS_A_BAD_CERTIFICATE);
	return err_set(e, EX_UNAVAILABLE, "TLS certificate verification "
	    "failed for %s: %s", t->name, why);
}

/* a status none of our reasons covers: GnuTLS's own words */
static int
verify_unknown(struct tls *t, unsigned st, struct err *e)
{
	gnutls_datum_t out = { NULL, 0 };
	int r;

	if (gnutls_certificate_verification_status_print(st, GNUTLS_CRT_X509,
	    &out, 0) < 0 || out.data == NULL)
		return verify_fail(t, e, "certificate is not valid");
	r = verify_fail(t, e, (const char *)out.data);
	gnutls_free(out.data);
	return r;
}

static int
check_pin(struct tls *t, const gnutls_datum_t *leaf,
    const unsigned char *pin, struct err *e)
{
	unsigned char fp[TLS_FP_LEN];
	size_t fplen = sizeof(fp);

	if (gnutls_fingerprint(GNUTLS_DIG_SHA256, leaf, fp, &fplen) < 0 ||
	    fplen != TLS_FP_LEN)
		return verify_fail(t, e, "cannot compute the certificate "
		    "fingerprint");
	if (memcmp(fp, pin, TLS_FP_LEN) != 0)
		return verify_fail(t, e, "certificate fingerprint does not "
		    "match");
	return 0;
}

/*
 * A pinned certificate skips the chain checks, not the key-size rule of
 * the medium profile: its key must give at least 112-bit security (RSA
 * 2048, any usual ECDSA/EdDSA key).
 */
static int
check_key(struct tls *t, const gnutls_datum_t *leaf, struct err *e)
{
	gnutls_x509_crt_t crt;
	unsigned bits = 0;
	int algo = -1;

	if (gnutls_x509_crt_init(&crt) < 0)
		return verify_fail(t, e, "cannot read the certificate");
	if (gnutls_x509_crt_import(crt, leaf, GNUTLS_X509_FMT_DER) >= 0)
		algo = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	gnutls_x509_crt_deinit(crt);
	if (algo < 0)
		return verify_fail(t, e, "cannot read the certificate");
	if (gnutls_pk_bits_to_sec_param((gnutls_pk_algorithm_t)algo, bits) <
	    GNUTLS_SEC_PARAM_MEDIUM)
		return verify_fail(t, e, "insecure certificate algorithm or "
		    "key size");
	return 0;
}

/* IP literal: chain checks by GnuTLS, then the leaf's IP SANs by us. */
static int
check_ip(const gnutls_datum_t *leaf, const unsigned char *ip, size_t iplen)
{
	gnutls_x509_crt_t crt;
	int ok;

	if (gnutls_x509_crt_init(&crt) < 0)
		return -1;
	ok = gnutls_x509_crt_import(crt, leaf, GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_check_ip(crt, ip, (unsigned)iplen, 0) != 0;
	gnutls_x509_crt_deinit(crt);
	return ok ? 0 : -1;
}

static int
check_chain(struct tls *t, const gnutls_datum_t *leaf, const char *name,
    struct err *e)
{
	gnutls_typed_vdata_st vd[2];
	unsigned char ip[16];
	size_t iplen = 0;
	unsigned st = 0, n = 0;
	const char *why;
	int r, isip = is_ip(name, ip, &iplen);

	vd[n].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vd[n].data = (unsigned char *)(uintptr_t)GNUTLS_KP_TLS_WWW_SERVER;
	vd[n++].size = 0;
	if (!isip) {
		vd[n].type = GNUTLS_DT_DNS_HOSTNAME;
		vd[n].data = (unsigned char *)(uintptr_t)name;
		vd[n++].size = 0;
	}
	if ((r = gnutls_certificate_verify_peers(t->s, vd, n, &st)) < 0)
		return verify_fail(t, e, gnutls_strerror(r));
	if ((why = status_reason(st)) != NULL)
		return verify_fail(t, e, why);
	if ((st & GNUTLS_CERT_UNEXPECTED_OWNER) ||
	    (isip && check_ip(leaf, ip, iplen) == -1)) {
		char msg[LIMIT_DOMAIN + 64];

		snprintf(msg, sizeof(msg), "certificate does not match host "
		    "name '%s'", name);
		return verify_fail(t, e, msg);
	}
	if (st != 0)
		return verify_unknown(t, st, e);
	return 0;
}

static int
verify(struct tls *t, const struct tls_conf *c, struct err *e)
{
	const gnutls_datum_t *list;
	unsigned n = 0;

	if (gnutls_certificate_type_get(t->s) != GNUTLS_CRT_X509 ||
	    (list = gnutls_certificate_get_peers(t->s, &n)) == NULL || n == 0)
		return verify_fail(t, e, "the server sent no certificate");
	if (c->fingerprint != NULL &&
	    (check_pin(t, &list[0], c->fingerprint, e) == -1 ||
	    check_key(t, &list[0], e) == -1))
		return -1;
	if (c->certcheck && check_chain(t, &list[0], c->verify_name, e) == -1)
		return -1;
	return 0;
}

/* --- session resumption (the bytes on disk are tlscache's) --- */

/* finish the key; offer the cached session, if there is a good one */
static void
key_end(struct tls *t)
{
	unsigned char md[TLSKEY_DIGEST], *data = NULL;
	size_t len = 0;

	if (!t->key.on)
		return;
	(void)gnutls_hash_fast(GNUTLS_DIG_SHA256, t->key.buf, t->key.len, md);
	tlskey_free(&t->key);
	tlskey_name(md, t->cache_name);
	if ((t->cache_dir = tlscache_dir()) == NULL ||
	    tlscache_load(t->cache_dir, t->cache_name, &data, &len) == -1)
		return;
	if (len > UINT_MAX || gnutls_session_set_data(t->s, data, len) < 0)
		tlscache_remove(t->cache_dir, t->cache_name);
	freezero(data, len);
}

/*
 * The certificate carried by a resumed session no longer verifies (it
 * expired since, or the system store dropped its authority): forget the
 * session and make it temporary, so that the retry does a full handshake
 * and meets the server's current certificate.
 */
static void
resumed_failed(struct tls *t, struct err *e)
{
	if (t->cache_dir == NULL || !gnutls_session_is_resumed(t->s) ||
	    e->code != EX_UNAVAILABLE)
		return;
	tlscache_remove(t->cache_dir, t->cache_name);
	e->code = EX_TEMPFAIL;
	err_prefix(e, "resumed TLS session dropped, the next attempt makes "
	    "a new one");
}

/* keep the latest ticket the server gave us for the next invocation */
static void
session_save(struct tls *t)
{
	gnutls_datum_t d = { NULL, 0 };

	if (t->cache_dir == NULL ||
	    !(gnutls_session_get_flags(t->s) & GNUTLS_SFLAGS_SESSION_TICKET))
		return;
	if (gnutls_session_get_data2(t->s, &d) == 0 && d.data != NULL)
		tlscache_store(t->cache_dir, t->cache_name, d.data, d.size);
	if (d.data != NULL) {
		explicit_bzero(d.data, d.size);
		gnutls_free(d.data);
	}
}

/* "(TLS1.3)-(ECDHE-X25519)-..." -> "TLS1.3 (ECDHE-X25519)-..." */
static void
describe(struct tls *t)
{
	char *d = gnutls_session_get_desc(t->s);
	const char *rest;
	size_t vl;

	if (d == NULL) {
		strlcpy(t->desc, "TLS", sizeof(t->desc));
		return;
	}
	if (d[0] == '(' && (rest = strstr(d, ")-")) != NULL) {
		vl = (size_t)(rest - d - 1);
		snprintf(t->desc, sizeof(t->desc), "%.*s %s", (int)vl, d + 1,
		    rest + 2);
	} else
		strlcpy(t->desc, d, sizeof(t->desc));
	gnutls_free(d);
	if (gnutls_session_is_resumed(t->s))
		strlcat(t->desc, " (resumed)", sizeof(t->desc));
}

static void
tls_free(struct tls *t)
{
	if (t->s != NULL)
		gnutls_deinit(t->s);
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	tlskey_free(&t->key);
	free(t->cache_dir);
	free(t);
}

struct tls *
tls_start(int fd, const struct tls_conf *c, int timeout_ms, struct err *e)
{
	long long deadline = io_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct tls *t;

	if (c->verify_name == NULL || c->verify_name[0] == '\0') {
		err_set(e, EX_SOFTWARE, "tls_start: no host name to verify");
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = c->verify_name;
	tlskey_begin(&t->key, gnutls_check_version(NULL), c);
	if (setup(t, fd, c, e) == -1)
		goto fail;
	key_end(t);
	if (handshake(t, deadline, e) == -1 || verify(t, c, e) == -1) {
		resumed_failed(t, e);
fail:
		tls_free(t);
		return NULL;
	}
	t->name = NULL;		/* the caller's string may not outlive us */
	describe(t);
	return t;
}

/*
 * RFC 9266 on TLS 1.3; RFC 5929 tls-unique on TLS 1.2 only with the
 * extended master secret (RFC 7627), else the triple handshake attack
 * makes it worthless.
 */
size_t
tls_channel_binding(struct tls *t, const char **type, unsigned char *out,
    size_t outsz)
{
	gnutls_protocol_t v = gnutls_protocol_get_version(t->s);
	gnutls_channel_binding_t cbt = v == GNUTLS_TLS1_3 ?
	    GNUTLS_CB_TLS_EXPORTER : GNUTLS_CB_TLS_UNIQUE;
	gnutls_datum_t cb = { NULL, 0 };
	size_t n = 0;

	*type = NULL;
	if (v != GNUTLS_TLS1_3 && (v != GNUTLS_TLS1_2 ||
	    !gnutls_session_ext_master_secret_status(t->s)))
		return 0;
	if (gnutls_session_channel_binding(t->s, cbt, &cb) < 0)
		return 0;
	if (cb.size > 0 && cb.size <= outsz) {
		memcpy(out, cb.data, cb.size);
		n = cb.size;
		*type = v == GNUTLS_TLS1_3 ? "tls-exporter" : "tls-unique";
	}
	gnutls_free(cb.data);
	return n;
}

const char *
tls_describe(struct tls *t)
{
	return t->desc;
}

/* --- the transport --- */

static int
record_error(struct tls *t, int r, const char *doing, struct err *e)
{
	gnutls_alert_description_t a;

	if (r == GNUTLS_E_PUSH_ERROR || r == GNUTLS_E_PULL_ERROR)
		return err_set(e, EX_TEMPFAIL, "connection reset by server");
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		a = gnutls_alert_get(t->s);
		return err_set(e, EX_PROTOCOL, "TLS error %s the server: the "
		    "server sent alert '%s'%s", doing, gnutls_alert_get_name(a),
		    a == GNUTLS_A_CERTIFICATE_REQUIRED ? " (it wants a client "
		    "certificate: tls_cert_file, tls_key_file)" : "");
	}
	return err_set(e, EX_PROTOCOL, "TLS error %s the server: %s", doing,
	    gnutls_strerror(r));
}

static ssize_t
tls_read(void *ctx, void *buf, size_t len, int timeout_ms, struct err *e)
{
	struct tls *t = ctx;
	long long deadline = io_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	ssize_t r;

	for (;;) {
		r = gnutls_record_recv(t->s, buf, len);
		if (r >= 0)
			return r;
		if (r == GNUTLS_E_PREMATURE_TERMINATION)
			return 0;	/* closed without close_notify */
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			if (tls_wait(t, deadline) == -1)
				return err_set(e, EX_TEMPFAIL, "timed out "
				    "waiting for the server");
			continue;
		}
		if (r == GNUTLS_E_REHANDSHAKE) {
			/* refuse renegotiation, keep reading */
			(void)gnutls_alert_send(t->s, GNUTLS_AL_WARNING,
			    GNUTLS_A_NO_RENEGOTIATION);
			continue;
		}
		if (!gnutls_error_is_fatal((int)r))
			continue;
		return record_error(t, (int)r, "reading from", e);
	}
}

static int
tls_write(void *ctx, const void *buf, size_t len, int timeout_ms,
    struct err *e)
{
	struct tls *t = ctx;
	long long deadline = io_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	const char *p = buf;
	ssize_t r;

	while (len > 0) {
		/* after E_AGAIN, the same data is offered again: as required */
		r = gnutls_record_send(t->s, p, len);
		if (r > 0) {
			p += r;
			len -= (size_t)r;
			continue;
		}
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			if (tls_wait(t, deadline) == -1)
				return err_set(e, EX_TEMPFAIL, "timed out "
				    "sending to the server");
			continue;
		}
		return record_error(t, r == 0 ? GNUTLS_E_INTERNAL_ERROR :
		    (int)r, "sending to", e);
	}
	return 0;
}

static size_t
tls_pending(void *ctx)
{
	return gnutls_record_check_pending(((struct tls *)ctx)->s);
}

struct transport
tls_transport(struct tls *t)
{
	struct transport tr = { tls_read, tls_write, tls_pending, t };

	return tr;
}

void
tls_close(struct tls *t, int timeout_ms)
{
	long long deadline = io_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int r;

	if (t == NULL)
		return;
	session_save(t);
	do {
		r = gnutls_bye(t->s, GNUTLS_SHUT_WR);
	} while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) &&
	    tls_wait(t, deadline) == 0);
	tls_free(t);
}

/* --- -S/--serverinfo: the peer's certificate chain (serverinfo.c prints) */

/* a distinguished name, as GnuTLS writes it, or NULL */
static char *
cert_dn(gnutls_x509_crt_t crt, int issuer, size_t *len)
{
	gnutls_datum_t dn;
	char *s;

	if ((issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) :
	    gnutls_x509_crt_get_dn3(crt, &dn, 0)) < 0)
		return NULL;
	s = xstrndup((char *)dn.data, dn.size);
	*len = dn.size;
	gnutls_free(dn.data);
	return s;
}

static void
cert_fill(struct serverinfo_cert *c, const gnutls_datum_t *der)
{
	gnutls_x509_crt_t crt;
	size_t n = sizeof(c->sha256);

	c->status = SERVERINFO_CERT_NONE;
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	c->status = SERVERINFO_CERT_BROKEN;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return;
	}
	c->status = SERVERINFO_CERT_OK;
	c->subject = cert_dn(crt, 0, &c->subject_len);
	c->issuer = cert_dn(crt, 1, &c->issuer_len);
	c->from = gnutls_x509_crt_get_activation_time(crt);
	c->until = gnutls_x509_crt_get_expiration_time(crt);
	if (gnutls_fingerprint(GNUTLS_DIG_SHA256, der, c->sha256, &n) >= 0)
		c->sha256_len = n;
	gnutls_x509_crt_deinit(crt);
}

void
tls_peer(struct tls *t, struct serverinfo_peer *p)
{
	const gnutls_datum_t *chain;
	unsigned n = 0, i;

	memset(p, 0, sizeof(*p));
	strlcpy(p->desc, t->desc, sizeof(p->desc));
	chain = gnutls_certificate_get_peers(t->s, &n);
	if (chain == NULL || n == 0)
		return;
	p->cert = xcalloc(n, sizeof(*p->cert));
	p->n = n;
	for (i = 0; i < n; i++)
		cert_fill(&p->cert[i], &chain[i]);
}


/* --- crypto helpers for PKCE (OAuth2) --- */

int
tls_random(void *buf, size_t n, struct err *e)
{
	int r;

	if ((r = gnutls_rnd(GNUTLS_RND_KEY, buf, n)) < 0)
		return err_set(e, EX_SOFTWARE, "no random bytes: %s",
		    gnutls_strerror(r));
	return 0;
}

void
tls_sha256(const void *in, size_t n, unsigned char out[32])
{
	(void)gnutls_hash_fast(GNUTLS_DIG_SHA256, in, n, out);
}

long
tls_b64url(const void *in, size_t n, char *out, size_t outsz)
{
	gnutls_datum_t d = { (unsigned char *)(uintptr_t)in, (unsigned)n };
	gnutls_datum_t b = { NULL, 0 };
	size_t i, o = 0;

	if (n > UINT_MAX / 2 || gnutls_base64_encode2(&d, &b) < 0)
		return -1;
	for (i = 0; i < b.size && b.data[i] != '='; i++) {
		if (o + 1 >= outsz) {
			gnutls_free(b.data);
			return -1;
		}
		out[o++] = b.data[i] == '+' ? '-' : b.data[i] == '/' ? '_' :
		    (char)b.data[i];
	}
	gnutls_free(b.data);
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	return (long)o;
}
