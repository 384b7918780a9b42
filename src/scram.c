/* SPDX-License-Identifier: ISC */
/*
 * scram.c - SCRAM client (contract: scram.h).  RFC 5802 section 3:
 *   SaltedPassword  = Hi(Normalize(password), salt, i)    (PBKDF2)
 *   ClientKey       = HMAC(SaltedPassword, "Client Key")
 *   StoredKey       = H(ClientKey)
 *   AuthMessage     = client-first-bare "," server-first ","
 *                     client-final-without-proof
 *   ClientProof     = ClientKey XOR HMAC(StoredKey, AuthMessage)
 *   ServerSignature = HMAC(HMAC(SaltedPassword, "Server Key"), AuthMessage)
 * All of it through GnuTLS; every key is wiped before it is freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "limit.h"
#include "sasl.h"
#include "scram.h"

#define SCRAM_HMAX	32		/* SHA-256 output, the longest */
#define SCRAM_CBMAX	64		/* channel binding data, bytes */

struct scram {
	gnutls_digest_algorithm_t dig;
	gnutls_mac_algorithm_t	  mac;
	size_t			  hlen;
	gnutls_datum_t		  pass;		/* SASLprep'ed */
	char			  gs2[64];	/* "n,," or "p=tls-...,," */
	unsigned char		  cb[SCRAM_CBMAX];
	size_t			  cblen;
	char			  bare[LIMIT_SCRAM_MSG];	/* n=..,r=.. */
	size_t			  noncelen;	/* the client nonce's */
	/* AuthMessage */
	char			  auth[3 * LIMIT_SCRAM_MSG];
	unsigned char		  ssig[SCRAM_HMAX];	/* expected v= */
	int			  have_ssig, verified;
};

/* "=" -> "=3D", "," -> "=2C" (RFC 5802 saslname) */
static int
escape_user(const char *u, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *u != '\0'; u++) {
		const char *r = *u == '=' ? "=3D" : *u == ',' ? "=2C" : NULL;
		size_t rl = r != NULL ? 3 : 1;

		if (o + rl >= outsz)
			return -1;
		memcpy(out + o, r != NULL ? r : u, rl);
		o += rl;
	}
	out[o] = '\0';
	return 0;
}

static int
make_nonce(char *out, size_t outsz, struct err *e)
{
	unsigned char raw[24];

	if (gnutls_rnd(GNUTLS_RND_NONCE, raw, sizeof(raw)) < 0 ||
	    sasl_b64(raw, sizeof(raw), out, outsz) < 0)
		return err_set(e, EX_SOFTWARE, "SCRAM: no random nonce");
	return 0;
}

/* the gs2 header and the channel binding data */
static int
set_binding(struct scram *s, const char *cbtype, const unsigned char *cb,
    size_t cblen, int cb_capable, struct err *e)
{
	if (cbtype == NULL) {
		strlcpy(s->gs2, cb_capable ? "y,," : "n,,", sizeof(s->gs2));
		return 0;
	}
	if (cblen == 0 || cblen > sizeof(s->cb))
		return err_set(e, EX_SOFTWARE, "SCRAM: channel binding data of "
		    "%zu bytes", cblen);
	snprintf(s->gs2, sizeof(s->gs2), "p=%s,,", cbtype);
	memcpy(s->cb, cb, cblen);
	s->cblen = cblen;
	return 0;
}

static int
prepare(struct scram *s, const char *password, struct err *e)
{
	size_t pl = strlen(password);

	if (pl > LIMIT_PASSWORD || gnutls_utf8_password_normalize(
	    (const unsigned char *)password, (unsigned)pl, &s->pass, 0) < 0)
		return err_set(e, EX_CONFIG, "SCRAM: the password cannot be "
		    "prepared (SASLprep, RFC 8265): it is not valid UTF-8 or "
		    "holds control or unassigned characters; use auth plain");
	return 0;
}

struct scram *
scram_new(int sha256, const char *user, const char *password,
    const char *nonce, const char *cbtype, const unsigned char *cb,
    size_t cblen, int cb_capable, struct err *e)
{
	struct scram *s = xcalloc(1, sizeof(*s));
	char u[LIMIT_SCRAM_MSG / 2], n[64];
	int len;

	s->dig = sha256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA1;
	s->mac = sha256 ? GNUTLS_MAC_SHA256 : GNUTLS_MAC_SHA1;
	s->hlen = sha256 ? 32 : 20;
	if (escape_user(user, u, sizeof(u)) == -1) {
		err_set(e, EX_CONFIG, "SCRAM: user name too long");
		goto fail;
	}
	if (nonce == NULL && make_nonce(n, sizeof(n), e) == -1)
		goto fail;
	if (nonce != NULL)
		strlcpy(n, nonce, sizeof(n));
	len = snprintf(s->bare, sizeof(s->bare), "n=%s,r=%s", u, n);
	s->noncelen = strlen(n);
	if (len < 0 || (size_t)len >= sizeof(s->bare))
		goto fail;
	if (set_binding(s, cbtype, cb, cblen, cb_capable, e) == -1 ||
	    prepare(s, password, e) == -1)
		goto fail;
	return s;
fail:
	scram_free(s);
	return NULL;
}

int
scram_first(struct scram *s, char *out, size_t outsz, struct err *e)
{
	int n = snprintf(out, outsz, "%s%s", s->gs2, s->bare);

	if (n < 0 || (size_t)n >= outsz)
		return err_set(e, EX_SOFTWARE, "SCRAM: buffer too small");
	return 0;
}

/* the value of attribute `a` at *p ("a=value," or to the end) */
static int
attr(const char **p, const char *end, char a, const char **v, size_t *vl)
{
	const char *c;

	if (end - *p < 2 || (*p)[0] != a || (*p)[1] != '=')
		return -1;
	*v = *p + 2;
	c = memchr(*v, ',', (size_t)(end - *v));
	*vl = (size_t)((c != NULL ? c : end) - *v);
	*p = c != NULL ? c + 1 : end;
	return 0;
}

int
scram_parse_first(const char *msg, size_t len, struct scram_first *f,
    struct err *e)
{
	const char *p = msg, *end = msg + len, *iv;
	size_t il, i;

	memset(f, 0, sizeof(f[0]));
	if (len > LIMIT_SCRAM_MSG || memchr(msg, '\0', len) != NULL)
		return err_set(e, EX_PROTOCOL, "SCRAM: server-first message "
		    "too long or holding NUL");
	if (len >= 2 && msg[0] == 'm' && msg[1] == '=')
		return err_set(e, EX_PROTOCOL, "SCRAM: the server demands an "
		    "extension (m=) smtps does not know");
	if (attr(&p, end, 'r', &f->nonce, &f->noncelen) == -1 ||
	    attr(&p, end, 's', &f->salt, &f->saltlen) == -1 ||
	    attr(&p, end, 'i', &iv, &il) == -1)
		return err_set(e, EX_PROTOCOL, "SCRAM: server-first message is "
		    "not r=...,s=...,i=...");
	if (f->noncelen == 0 || f->saltlen == 0 || il == 0 || il > 9)
		return err_set(e, EX_PROTOCOL, "SCRAM: empty nonce, salt or "
		    "iteration count");
	for (i = 0; i < il; i++) {
		if (iv[i] < '0' || iv[i] > '9')
			return err_set(e, EX_PROTOCOL, "SCRAM: iteration count "
			    "is not a number");
		f->iter = f->iter * 10 + (unsigned long)(iv[i] - '0');
	}
	if (f->iter < 1 || f->iter > LIMIT_SCRAM_ITER)
		return err_set(e, EX_PROTOCOL, "SCRAM: iteration count %lu "
		    "out of range (1..%d)", f->iter, LIMIT_SCRAM_ITER);
	for (i = 0; i < f->noncelen; i++)
		if (f->nonce[i] < 0x21 || f->nonce[i] > 0x7e)
			return err_set(e, EX_PROTOCOL, "SCRAM: nonce holds "
			    "characters RFC 5802 forbids");
	return 0;
}

/* HMAC(key, text) */
static int
hmac(struct scram *s, const void *key, size_t klen, const void *text,
    size_t tlen, unsigned char *out)
{
	return gnutls_hmac_fast(s->mac, key, klen, text, tlen, out) < 0 ? -1 :
	    0;
}

/* ClientProof into proof; the expected server signature into s->ssig */
static int
proof(struct scram *s, const unsigned char *salt, size_t saltlen,
    unsigned long iter, unsigned char *out)
{
	unsigned char salted[SCRAM_HMAX], ckey[SCRAM_HMAX], stored[SCRAM_HMAX];
	unsigned char sig[SCRAM_HMAX], skey[SCRAM_HMAX];
	gnutls_datum_t sd = { (unsigned char *)(uintptr_t)salt,
	    (unsigned)saltlen };
	size_t i, alen = strlen(s->auth);
	int rc = -1;

	if (gnutls_pbkdf2(s->mac, &s->pass, &sd, (unsigned)iter, salted,
	    s->hlen) >= 0 &&
	    hmac(s, salted, s->hlen, "Client Key", 10, ckey) == 0 &&
	    gnutls_hash_fast(s->dig, ckey, s->hlen, stored) >= 0 &&
	    hmac(s, stored, s->hlen, s->auth, alen, sig) == 0 &&
	    hmac(s, salted, s->hlen, "Server Key", 10, skey) == 0 &&
	    hmac(s, skey, s->hlen, s->auth, alen, s->ssig) == 0) {
		for (i = 0; i < s->hlen; i++)
			out[i] = ckey[i] ^ sig[i];
		s->have_ssig = 1;
		rc = 0;
	}
	explicit_bzero(salted, sizeof(salted));
	explicit_bzero(ckey, sizeof(ckey));
	explicit_bzero(stored, sizeof(stored));
	explicit_bzero(sig, sizeof(sig));
	explicit_bzero(skey, sizeof(skey));
	return rc;
}

/* "c=" base64(gs2 header + channel binding data) */
static int
cbind(struct scram *s, char *out, size_t outsz)
{
	unsigned char raw[sizeof(s->gs2) + SCRAM_CBMAX];
	size_t gl = strlen(s->gs2);

	memcpy(raw, s->gs2, gl);
	memcpy(raw + gl, s->cb, s->cblen);
	return sasl_b64(raw, gl + s->cblen, out, outsz) < 0 ? -1 : 0;
}

int
scram_final(struct scram *s, const char *msg, size_t len, char *out,
    size_t outsz, struct err *e)
{
	struct scram_first f;
	unsigned char salt[LIMIT_SCRAM_MSG], p[SCRAM_HMAX];
	char c[2 * (sizeof(s->gs2) + SCRAM_CBMAX)], pb[2 * SCRAM_HMAX];
	long sl;
	int n, rc;

	if (scram_parse_first(msg, len, &f, e) == -1)
		return -1;
	if (f.noncelen <= s->noncelen || memcmp(f.nonce, s->bare +
	    strlen(s->bare) - s->noncelen, s->noncelen) != 0)
		return err_set(e, EX_PROTOCOL, "SCRAM: the server's nonce does "
		    "not extend smtps's");
	if ((sl = sasl_unb64(f.salt, f.saltlen, salt, sizeof(salt))) <= 0)
		return err_set(e, EX_PROTOCOL, "SCRAM: the salt is not base64");
	if (cbind(s, c, sizeof(c)) == -1)
		return err_set(e, EX_SOFTWARE, "SCRAM: buffer too small");
	n = snprintf(s->auth, sizeof(s->auth), "%s,%.*s,c=%s,r=%.*s", s->bare,
	    (int)len, msg, c, (int)f.noncelen, f.nonce);
	if (n < 0 || (size_t)n >= sizeof(s->auth))
		return err_set(e, EX_PROTOCOL, "SCRAM: messages too long");
	if (proof(s, salt, (size_t)sl, f.iter, p) == -1)
		return err_set(e, EX_SOFTWARE, "SCRAM: GnuTLS could not "
		    "compute the proof");
	sasl_b64(p, s->hlen, pb, sizeof(pb));
	n = snprintf(out, outsz, "c=%s,r=%.*s,p=%s", c, (int)f.noncelen,
	    f.nonce, pb);
	rc = n < 0 || (size_t)n >= outsz ? err_set(e, EX_SOFTWARE, "SCRAM: "
	    "buffer too small") : 0;
	explicit_bzero(p, sizeof(p));
	explicit_bzero(pb, sizeof(pb));
	return rc;
}

int
scram_verify(struct scram *s, const char *msg, size_t len, struct err *e)
{
	unsigned char v[LIMIT_SCRAM_MSG];
	char why[LIMIT_QUOTE_SHORT];
	const char *p = msg, *val;
	unsigned diff = 0;
	size_t vl, i;
	long n;

	if (len > 2 && msg[0] == 'e' && msg[1] == '=') {
		err_visible(why, sizeof(why), msg + 2, len - 2);
		return err_set(e, EX_NOPERM, "SCRAM: the server refused: %s",
		    why);
	}
	if (!s->have_ssig || attr(&p, msg + len, 'v', &val, &vl) == -1 ||
	    (n = sasl_unb64(val, vl, v, sizeof(v))) < 0)
		return err_set(e, EX_PROTOCOL, "SCRAM: server-final message is "
		    "not v=...");
	/* constant time: the comparison does not tell where it differs */
	for (i = 0; (size_t)n == s->hlen && i < s->hlen; i++)
		diff |= (unsigned)(v[i] ^ s->ssig[i]);
	if ((size_t)n != s->hlen || diff != 0)
		return err_set(e, EX_NOPERM, "SCRAM: the server signature does "
		    "not verify: the server does not know the password (an "
		    "impostor?); nothing was sent");
	s->verified = 1;
	return 0;
}

int
scram_verified(const struct scram *s)
{
	return s != NULL && s->verified;
}

void
scram_free(struct scram *s)
{
	if (s == NULL)
		return;
	if (s->pass.data != NULL) {
		explicit_bzero(s->pass.data, s->pass.size);
		gnutls_free(s->pass.data);
	}
	explicit_bzero(s, sizeof(*s));
	free(s);
}
