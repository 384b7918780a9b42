/* SPDX-License-Identifier: ISC */
/*
 * sasl.c - SASL mechanisms for SMTP AUTH (contract: sasl.h): the choice,
 * PLAIN (RFC 4616, initial response), LOGIN, XOAUTH2 (Google's and
 * Microsoft's), OAUTHBEARER (RFC 7628) with its error challenge,
 * EXTERNAL (RFC 4422 appendix A), CRAM-MD5 (RFC 2195).  Buffers that held
 * a secret are wiped before they go out of scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "reply.h"
#include "sasl.h"
#include "scram.h"

#define M_AUTO	1	/* `auth on` may choose it */
#define M_TOKEN	2	/* signs in with an OAuth2 token, not a password */
#define M_CB	4	/* needs channel binding (-PLUS) */

/* `auth on` tries them in this order (strongest first) */
static const struct {
	int		 mech;
	const char	*name;
	int		 flags;
} mechs[] = {
	{ AUTH_SCRAM_SHA_256_PLUS, "SCRAM-SHA-256-PLUS",	M_AUTO | M_CB },
	{ AUTH_SCRAM_SHA_1_PLUS, "SCRAM-SHA-1-PLUS",	M_AUTO | M_CB },
	{ AUTH_SCRAM_SHA_256,	"SCRAM-SHA-256",	M_AUTO },
	{ AUTH_SCRAM_SHA_1,	"SCRAM-SHA-1",		M_AUTO },
	{ AUTH_PLAIN,		"PLAIN",		M_AUTO },
	{ AUTH_LOGIN,		"LOGIN",		M_AUTO },
	{ AUTH_OAUTHBEARER,	"OAUTHBEARER",		M_AUTO | M_TOKEN },
	{ AUTH_XOAUTH2,		"XOAUTH2",		M_AUTO | M_TOKEN },
	{ AUTH_CRAM_MD5,	"CRAM-MD5",		0 },
	{ AUTH_EXTERNAL,	"EXTERNAL",		0 },
};
#define NMECHS	(sizeof(mechs) / sizeof(mechs[0]))

const char *
sasl_name(int mech)
{
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (mechs[i].mech == mech)
			return mechs[i].name;
	return "?";
}

int
sasl_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (strcasecmp(name, mechs[i].name) == 0)
			return mechs[i].mech;
	return 0;
}

void
sasl_offered(unsigned offered, char *out, size_t outsz)
{
	static const char *names[] = { "PLAIN", "LOGIN", "CRAM-MD5",
	    "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER",
	    "EXTERNAL", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS" };
	size_t i;

	out[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (offered & (1u << i)) {
			if (out[0] != '\0')
				strlcat(out, " ", outsz);
			strlcat(out, names[i], outsz);
		}
	if (out[0] == '\0')
		strlcpy(out, "none", outsz);
}

/* `auth on` may use mechs[i]: a token mechanism for a token only */
static int
auto_ok(size_t i, int oauth, int cb)
{
	int f = mechs[i].flags;

	return (f & M_AUTO) && !(f & M_TOKEN) == !oauth && (cb || !(f & M_CB));
}

/* what `auth on` can use, for the error line */
static void
auto_list(int oauth, int cb, char *out, size_t outsz)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < NMECHS; i++) {
		if (!auto_ok(i, oauth, cb))
			continue;
		if (out[0] != '\0')
			strlcat(out, " ", outsz);
		strlcat(out, mechs[i].name, outsz);
	}
}

int
sasl_pick(unsigned offered, const char *wanted, int oauth, int cb,
    struct err *e)
{
	char list[LIMIT_SASL_LIST], mine[LIMIT_SASL_LIST];
	int on = strcasecmp(wanted, "on") == 0;
	size_t i;

	for (i = 0; i < NMECHS; i++) {
		if (on ? !auto_ok(i, oauth, cb) :
		    strcasecmp(wanted, mechs[i].name) != 0)
			continue;
		if (!on && (mechs[i].flags & M_CB) && !cb)
			return err_set(e, EX_UNAVAILABLE, "AUTH %s needs "
			    "channel binding, which this session does not give "
			    "(TLS 1.3, or TLS 1.2 with the extended master "
			    "secret)",
			    mechs[i].name);
		if (offered & (unsigned)mechs[i].mech)
			return mechs[i].mech;
	}
	sasl_offered(offered, list, sizeof(list));
	if (!on)
		return err_set(e, EX_UNAVAILABLE, "server does not offer AUTH "
		    "%s (offered: %s)", wanted, list);
	auto_list(oauth, cb, mine, sizeof(mine));
	return err_set(e, EX_UNAVAILABLE, "server offers no usable AUTH "
	    "mechanism (offered: %s; smtps can use %s%s)", list, mine,
	    oauth ? " with an OAuth2 token" : "");
}

long
sasl_b64(const unsigned char *in, size_t inlen, char *out, size_t outsz)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	if (outsz < (inlen + 2) / 3 * 4 + 1)
		return -1;
	for (i = 0; i + 2 < inlen; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = tab[v & 63];
	}
	if (i < inlen) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < inlen)
			v |= (unsigned)in[i + 1] << 8;
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < inlen ? tab[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}

long
sasl_unb64(const char *in, size_t inlen, unsigned char *out, size_t outsz)
{
	gnutls_datum_t src, dst = { NULL, 0 };
	long n = -1;

	while (inlen > 0 && (in[inlen - 1] == ' ' || in[inlen - 1] == '\t'))
		inlen--;
	if (inlen == 0) {
		if (outsz > 0)
			out[0] = '\0';
		return outsz > 0 ? 0 : -1;
	}
	src.data = (unsigned char *)(uintptr_t)in;
	src.size = (unsigned)inlen;
	if (inlen > LIMIT_SASL_LINE ||
	    gnutls_base64_decode2(&src, &dst) < 0)
		return -1;
	if (dst.size < outsz) {
		memcpy(out, dst.data, dst.size);
		out[dst.size] = '\0';
		n = (long)dst.size;
	}
	if (dst.data != NULL)
		explicit_bzero(dst.data, dst.size);
	gnutls_free(dst.data);
	return n;
}

/* "AUTH MECH " + base64(raw[0..len)) into out; wipes raw */
static int
initial_line(const char *mech, unsigned char *raw, size_t len, size_t rawsz,
    char *out, size_t outsz, struct err *e)
{
	int n = snprintf(out, outsz, "AUTH %s ", mech);

	if (n < 0 || (size_t)n >= outsz ||
	    sasl_b64(raw, len, out + n, outsz - (size_t)n) < 0) {
		explicit_bzero(raw, rawsz);
		return err_set(e, EX_CONFIG, "AUTH %s: user name or secret too "
		    "long", mech);
	}
	explicit_bzero(raw, rawsz);
	return 0;
}

/* append s to raw at *len; -1 when it does not fit */
static int
put(unsigned char *raw, size_t rawsz, size_t *len, const char *s, size_t sl)
{
	if (sl > rawsz - *len)
		return -1;
	memcpy(raw + *len, s, sl);
	*len += sl;
	return 0;
}

/* RFC 4616: authzid (empty) \0 authcid \0 password */
static int
plain_start(struct sasl *x, char *out, size_t outsz, struct err *e)
{
	unsigned char raw[2 * LIMIT_PASSWORD + 4];
	size_t len = 0;

	if (put(raw, sizeof(raw), &len, "", 1) || put(raw, sizeof(raw), &len,
	    x->user, strlen(x->user) + 1) || put(raw, sizeof(raw), &len,
	    x->secret, strlen(x->secret)))
		len = sizeof(raw) + 1;
	return initial_line("PLAIN", raw, len, sizeof(raw), out, outsz, e);
}

/*
 * XOAUTH2: "user=U\1auth=Bearer T\1\1"; OAUTHBEARER (RFC 7628 3.1):
 * "n,a=U,\1host=H\1port=P\1auth=Bearer T\1\1", the user a GS2 saslname
 * ("," -> "=2C", "=" -> "=3D").
 */
static int
oauth_start(struct sasl *x, char *out, size_t outsz, struct err *e)
{
	unsigned char raw[2 * LIMIT_PASSWORD + 512];
	char tail[LIMIT_DOMAIN + 64];
	const char *p;
	size_t len = 0;
	int bad = 0, bearer = x->mech == AUTH_OAUTHBEARER;

	bad |= put(raw, sizeof(raw), &len, bearer ? "n,a=" : "user=",
	    bearer ? 4 : 5);
	for (p = x->user; *p != '\0'; p++)
		bad |= put(raw, sizeof(raw), &len, !bearer ? p : *p == ',' ?
		    "=2C" : *p == '=' ? "=3D" : p, !bearer ||
		    (*p != ',' && *p != '=') ? 1 : 3);
	tail[0] = '\0';
	if (bearer && x->host != NULL)
		snprintf(tail, sizeof(tail), "\001host=%s\001port=%d",
		    x->host, x->port);
	bad |= put(raw, sizeof(raw), &len, bearer ? "," : "", bearer);
	bad |= put(raw, sizeof(raw), &len, tail, strlen(tail));
	bad |= put(raw, sizeof(raw), &len, "\001auth=Bearer ", 13);
	bad |= put(raw, sizeof(raw), &len, x->secret, strlen(x->secret));
	bad |= put(raw, sizeof(raw), &len, "\001\001", 2);
	return initial_line(sasl_name(x->mech), raw, bad ? sizeof(raw) + 1 :
	    len, sizeof(raw), out, outsz, e);
}

/* RFC 4422 appendix A: the authorization identity (the user) or "=" */
static int
external_start(struct sasl *x, char *out, size_t outsz, struct err *e)
{
	unsigned char raw[LIMIT_DOMAIN * 2];
	size_t len = 0;

	if (x->user == NULL || x->user[0] == '\0') {
		strlcpy(out, "AUTH EXTERNAL =", outsz);
		return 0;
	}
	if (put(raw, sizeof(raw), &len, x->user, strlen(x->user)))
		len = sizeof(raw) + 1;
	return initial_line("EXTERNAL", raw, len, sizeof(raw), out, outsz, e);
}

int
sasl_is_scram(int mech)
{
	return mech == AUTH_SCRAM_SHA_1 || mech == AUTH_SCRAM_SHA_256 ||
	    mech == AUTH_SCRAM_SHA_1_PLUS || mech == AUTH_SCRAM_SHA_256_PLUS;
}

/* "AUTH SCRAM-... base64(client-first)"; the -PLUS forms bind */
static int
scram_start(struct sasl *x, char *out, size_t outsz, struct err *e)
{
	unsigned char first[LIMIT_SCRAM_MSG];
	int plus = x->mech == AUTH_SCRAM_SHA_1_PLUS ||
	    x->mech == AUTH_SCRAM_SHA_256_PLUS;

	if (plus && x->cbtype == NULL)
		return err_set(e, EX_SOFTWARE, "AUTH %s without channel "
		    "binding data", sasl_name(x->mech));
	x->scram = scram_new(x->mech == AUTH_SCRAM_SHA_256 ||
	    x->mech == AUTH_SCRAM_SHA_256_PLUS, x->user, x->secret, x->nonce,
	    plus ? x->cbtype : NULL, x->cb, x->cblen,
	    x->cbtype != NULL && !x->plus_offered, e);
	if (x->scram == NULL ||
	    scram_first(x->scram, (char *)first, sizeof(first), e) == -1)
		return -1;
	return initial_line(sasl_name(x->mech), first, strlen((char *)first),
	    sizeof(first), out, outsz, e);
}

/* server-first -> client-final; server-final -> verified, "" */
static int
scram_next(struct sasl *x, const char *dec, size_t len, char *out,
    size_t outsz, struct err *e)
{
	char fin[LIMIT_SCRAM_MSG];
	int rc;

	if (x->scram == NULL || x->step > 1)
		return err_set(e, EX_PROTOCOL, "AUTH %s: unexpected challenge",
		    sasl_name(x->mech));
	if (x->step == 1) {
		if (scram_verify(x->scram, dec, len, e) == -1)
			return -1;
		strlcpy(out, "", outsz);
		return 0;
	}
	rc = scram_final(x->scram, dec, len, fin, sizeof(fin), e);
	if (rc == 0 && sasl_b64((unsigned char *)fin, strlen(fin), out,
	    outsz) < 0)
		rc = err_set(e, EX_SOFTWARE, "AUTH buffer too small");
	explicit_bzero(fin, sizeof(fin));
	return rc;
}

int
sasl_start(struct sasl *x, char *out, size_t outsz, struct err *e)
{
	if (sasl_is_scram(x->mech))
		return scram_start(x, out, outsz, e);
	x->step = 0;
	x->reason[0] = '\0';
	switch (x->mech) {
	case AUTH_PLAIN:
		return plain_start(x, out, outsz, e);
	case AUTH_XOAUTH2:
	case AUTH_OAUTHBEARER:
		return oauth_start(x, out, outsz, e);
	case AUTH_EXTERNAL:
		return external_start(x, out, outsz, e);
	case AUTH_LOGIN:
	case AUTH_CRAM_MD5:
		snprintf(out, outsz, "AUTH %s", sasl_name(x->mech));
		return 0;
	default:
		return err_set(e, EX_SOFTWARE, "AUTH: mechanism %d not "
		    "implemented", x->mech);
	}
}

/* base64 of s into out */
static int
b64_str(const char *s, char *out, size_t outsz, struct err *e)
{
	if (sasl_b64((const unsigned char *)s, strlen(s), out, outsz) < 0)
		return err_set(e, EX_CONFIG, "user name or password too long");
	return 0;
}

/* RFC 2195: base64("user " hex(HMAC-MD5(password, challenge))) */
static int
cram_md5(struct sasl *x, const char *chal, size_t len, char *out,
    size_t outsz, struct err *e)
{
	unsigned char mac[16];
	char resp[LIMIT_DOMAIN * 2 + 40];
	size_t i, n;
	int rc;

	if (gnutls_hmac_fast(GNUTLS_MAC_MD5, x->secret, strlen(x->secret),
	    chal, len, mac) < 0)
		return err_set(e, EX_SOFTWARE, "AUTH CRAM-MD5: HMAC-MD5 is not "
		    "available in this GnuTLS");
	n = (size_t)snprintf(resp, sizeof(resp), "%s ", x->user);
	for (i = 0; i < sizeof(mac) && n + 3 <= sizeof(resp); i++)
		n += (size_t)snprintf(resp + n, sizeof(resp) - n, "%02x",
		    mac[i]);
	rc = n + 1 >= sizeof(resp) ? err_set(e, EX_CONFIG, "AUTH CRAM-MD5: "
	    "user name too long") : b64_str(resp, out, outsz, e);
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(resp, sizeof(resp));
	return rc;
}

/* an OAuth2 error challenge: keep the reason, send the dummy response */
static int
oauth_next(struct sasl *x, const char *dec, size_t len, char *out,
    size_t outsz, struct err *e)
{
	if (x->step > 0)
		return err_set(e, EX_PROTOCOL, "AUTH %s: a second challenge "
		    "after the error challenge", sasl_name(x->mech));
	if (sasl_oauth_error(dec, len, x->reason, sizeof(x->reason)) == -1)
		strlcpy(x->reason, "an error challenge without a status",
		    sizeof(x->reason));
	/* RFC 7628 3.2.3: %x01; XOAUTH2 (Google): an empty response */
	strlcpy(out, x->mech == AUTH_OAUTHBEARER ? "AQ==" : "", outsz);
	return 0;
}

int
sasl_next(struct sasl *x, const char *chal, size_t len, char *out,
    size_t outsz, struct err *e)
{
	unsigned char dec[LIMIT_REPLY_TEXT];
	long n;
	int rc;

	if (x->step >= LIMIT_SASL_STEPS)
		return err_set(e, EX_PROTOCOL, "AUTH %s: more than %d "
		    "challenges", sasl_name(x->mech), LIMIT_SASL_STEPS);
	if ((n = sasl_unb64(chal, len, dec, sizeof(dec))) < 0)
		return err_set(e, EX_PROTOCOL, "AUTH %s: the server's "
		    "challenge is not base64", sasl_name(x->mech));
	switch (x->mech) {
	case AUTH_LOGIN:
		rc = x->step > 1 ? err_set(e, EX_PROTOCOL, "AUTH LOGIN: a "
		    "third challenge") : b64_str(x->step == 0 ? x->user :
		    x->secret, out, outsz, e);
		break;
	case AUTH_CRAM_MD5:
		rc = x->step > 0 ? err_set(e, EX_PROTOCOL, "AUTH CRAM-MD5: a "
		    "second challenge") : cram_md5(x, (char *)dec, (size_t)n,
		    out, outsz, e);
		break;
	case AUTH_XOAUTH2:
	case AUTH_OAUTHBEARER:
		rc = oauth_next(x, (char *)dec, (size_t)n, out, outsz, e);
		break;
	case AUTH_SCRAM_SHA_1:
	case AUTH_SCRAM_SHA_256:
	case AUTH_SCRAM_SHA_1_PLUS:
	case AUTH_SCRAM_SHA_256_PLUS:
		rc = scram_next(x, (char *)dec, (size_t)n, out, outsz, e);
		break;
	case AUTH_PLAIN:
	case AUTH_EXTERNAL:
	default:
		rc = err_set(e, EX_PROTOCOL, "AUTH %s: unexpected challenge",
		    sasl_name(x->mech));
		break;
	}
	explicit_bzero(dec, sizeof(dec));
	x->step++;
	return rc;
}

int
sasl_done(struct sasl *x, struct err *e)
{
	if (sasl_is_scram(x->mech) && !scram_verified(x->scram))
		return err_set(e, EX_NOPERM, "AUTH %s: the server accepted "
		    "without proving that it knows the password (no SCRAM "
		    "server signature); nothing was sent", sasl_name(x->mech));
	return 0;
}

void
sasl_clear(struct sasl *x)
{
	scram_free(x->scram);
	x->scram = NULL;
	x->step = 0;
}

/* --- the RFC 7628 error challenge: a flat JSON object of strings ------- */

struct js {
	const char	*p, *end;
};

static void
js_ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int
js_hex4(struct js *j, unsigned *v)
{
	int i;

	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++, j->p++) {
		char c = *j->p;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

/* a string at j->p into out (printable ASCII kept, the rest '?') */
static int
js_str(struct js *j, char *out, size_t outsz)
{
	size_t o = 0;
	unsigned v;
	char c;

	if (j->p >= j->end || *j->p++ != '"')
		return -1;
	while (j->p < j->end && *j->p != '"') {
		c = *j->p++;
		if ((unsigned char)c < 0x20)
			return -1;
		if (c == '\\') {
			if (j->p >= j->end)
				return -1;
			c = *j->p++;
			if (c == 'u') {
				if (js_hex4(j, &v) == -1)
					return -1;
				c = v >= 0x20 && v < 0x7f ? (char)v : '?';
			} else if (strchr("\"\\/", c) == NULL) {
				if (strchr("bfnrt", c) == NULL)
					return -1;
				c = ' ';
			}
		}
		if (o + 1 < outsz)
			out[o++] = (unsigned char)c < 0x7f ? c : '?';
	}
	if (outsz > 0)
		out[o] = '\0';
	return j->p < j->end ? (j->p++, 0) : -1;
}

/* a number, true, false or null, copied as it is */
static int
js_scalar(struct js *j, char *out, size_t outsz)
{
	const char *st = j->p;

	while (j->p < j->end && *j->p != '\0' &&
	    strchr("0123456789+-.eEtruefalsn", *j->p) != NULL)
		j->p++;
	snprintf(out, outsz, "%.*s", (int)(j->p - st), st);
	return j->p > st ? 0 : -1;
}

int
sasl_oauth_error(const char *json, size_t len, char *out, size_t outsz)
{
	struct js j = { json, json + len };
	char key[32], val[LIMIT_SASL_REASON / 2], status[LIMIT_SASL_REASON / 2];
	char scope[LIMIT_SASL_REASON / 2];

	status[0] = scope[0] = '\0';
	js_ws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		return -1;
	for (js_ws(&j); j.p < j.end && *j.p != '}'; js_ws(&j)) {
		if (js_str(&j, key, sizeof(key)) == -1)
			return -1;
		js_ws(&j);
		if (j.p >= j.end || *j.p++ != ':')
			return -1;
		js_ws(&j);
		val[0] = '\0';
		if (j.p < j.end && *j.p == '"' ? js_str(&j, val,
		    sizeof(val)) == -1 : js_scalar(&j, val, sizeof(val)) == -1)
			return -1;
		if (strcmp(key, "status") == 0)
			strlcpy(status, val, sizeof(status));
		else if (strcmp(key, "scope") == 0)
			strlcpy(scope, val, sizeof(scope));
		js_ws(&j);
		if (j.p < j.end && *j.p == ',')
			j.p++;
		else if (j.p >= j.end || *j.p != '}')
			return -1;
	}
	if (j.p >= j.end || status[0] == '\0')
		return -1;
	snprintf(out, outsz, "status %s%s%s", status, scope[0] ? ", scope " :
	    "", scope);
	return 0;
}
