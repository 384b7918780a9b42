/* SPDX-License-Identifier: ISC */
/*
 * t_sasl.c - mechanism choice and encodings: RFC 4648 base64 vectors,
 * RFC 4616 (PLAIN), Google's XOAUTH2 example, RFC 7628 4.1 (OAUTHBEARER)
 * and its error challenge (3.2.2), RFC 2195 (CRAM-MD5).
 */
#include "t.h"
#include "reply.h"
#include "sasl.h"

static char out[4096];
static struct err e;

static void
t_b64(void)
{
	static const struct { const char *in, *out; } b64[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo",
		    "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char dec[64];
	size_t i;

	for (i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		T_EQ_INT(sasl_b64((const unsigned char *)b64[i].in,
		    strlen(b64[i].in), out, sizeof(out)),
		    (long)strlen(b64[i].out));
		T_EQ_STR(out, b64[i].out);
		T_EQ_INT(sasl_unb64(b64[i].out, strlen(b64[i].out), dec,
		    sizeof(dec)), (long)strlen(b64[i].in));
		T_EQ_STR((char *)dec, b64[i].in);
	}
	T_EQ_INT(sasl_b64((const unsigned char *)"foobar", 6, out, 8), -1);
	T_EQ_INT(sasl_unb64("Zm9v!", 5, dec, sizeof(dec)), -1);
	T_EQ_INT(sasl_unb64("Zm9vYmFy", 8, dec, 6), -1);	/* no room */
	T_EQ_INT(sasl_unb64("AA==", 4, dec, sizeof(dec)), 1);	/* NUL */
	T_EQ_INT(sasl_unb64("Zm9v  ", 6, dec, sizeof(dec)), 3);
}

static void
t_pick(void)
{
	err_clear(&e);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_LOGIN, "on", 0, 0, &e),
	    AUTH_PLAIN);
	T_EQ_INT(sasl_pick(AUTH_LOGIN | AUTH_CRAM_MD5, "on", 0, 0, &e),
	    AUTH_LOGIN);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_LOGIN, "login", 0, 0, &e),
	    AUTH_LOGIN);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_CRAM_MD5, "cram-md5", 0, 0, &e),
	    AUTH_CRAM_MD5);
	T_EQ_INT(sasl_pick(AUTH_PLAIN, "LOGIN", 0, 0, &e), -1);
	T_EQ_INT(e.code, EX_UNAVAILABLE);
	T_EQ_STR(e.msg, "server does not offer AUTH LOGIN (offered: PLAIN)");
	/* never CRAM-MD5, EXTERNAL or a token mechanism for a password */
	T_EQ_INT(sasl_pick(AUTH_CRAM_MD5 | AUTH_XOAUTH2 | AUTH_EXTERNAL, "on",
	    0, 0, &e), -1);
	T_EQ_STR(e.msg, "server offers no usable AUTH mechanism (offered: "
	    "CRAM-MD5 XOAUTH2 EXTERNAL; smtps can use SCRAM-SHA-256 "
	    "SCRAM-SHA-1 PLAIN LOGIN)");
	/* -PLUS only with channel binding, then first */
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_SCRAM_SHA_1 |
	    AUTH_SCRAM_SHA_256_PLUS, "on", 0, 0, &e), AUTH_SCRAM_SHA_1);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_SCRAM_SHA_1 |
	    AUTH_SCRAM_SHA_256_PLUS, "on", 0, 1, &e), AUTH_SCRAM_SHA_256_PLUS);
	T_EQ_INT(sasl_pick(AUTH_SCRAM_SHA_1 | AUTH_SCRAM_SHA_256 |
	    AUTH_SCRAM_SHA_1_PLUS, "on", 0, 1, &e), AUTH_SCRAM_SHA_1_PLUS);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_SCRAM_SHA_256, "scram-sha-256", 0,
	    0, &e), AUTH_SCRAM_SHA_256);
	/* a token: OAUTHBEARER first, never PLAIN */
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_XOAUTH2 | AUTH_OAUTHBEARER, "on",
	    1, 0, &e), AUTH_OAUTHBEARER);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_XOAUTH2, "on", 1, 0, &e),
	    AUTH_XOAUTH2);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_LOGIN, "on", 1, 0, &e), -1);
	T_EQ_STR(e.msg, "server offers no usable AUTH mechanism (offered: "
	    "PLAIN LOGIN; smtps can use OAUTHBEARER XOAUTH2 with an OAuth2 "
	    "token)");
	T_EQ_INT(sasl_pick(AUTH_XOAUTH2 | AUTH_OAUTHBEARER, "xoauth2", 1, 0,
	    &e), AUTH_XOAUTH2);
	T_EQ_INT(sasl_by_name("xoauth2"), AUTH_XOAUTH2);
	T_EQ_INT(sasl_by_name("gssapi"), 0);
}

/* sasl_start with mech, user, secret */
static int
start(int mech, const char *user, const char *secret, const char *host,
    int port)
{
	struct sasl x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.mech = mech;
	x.user = user;
	x.secret = secret;
	x.host = host;
	x.port = port;
	rc = sasl_start(&x, out, sizeof(out), &e);
	sasl_clear(&x);
	return rc;
}

static void
t_start(void)
{
	/* RFC 4616: \0tim\0tanstaaftanstaaf */
	T_EQ_INT(start(AUTH_PLAIN, "tim", "tanstaaftanstaaf", NULL, 0), 0);
	T_EQ_STR(out, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	T_EQ_INT(start(AUTH_LOGIN, "tim", "pw", NULL, 0), 0);
	T_EQ_STR(out, "AUTH LOGIN");
	T_EQ_INT(start(AUTH_CRAM_MD5, "tim", "pw", NULL, 0), 0);
	T_EQ_STR(out, "AUTH CRAM-MD5");
	/* Google's XOAUTH2 example */
	T_EQ_INT(start(AUTH_XOAUTH2, "someuser@example.com",
	    "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", NULL, 0), 0);
	T_EQ_STR(out, "AUTH XOAUTH2 dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoP"
	    "UJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZ"
	    "Mjl0Q2cBAQ==");
	/* RFC 7628 4.1 */
	T_EQ_INT(start(AUTH_OAUTHBEARER, "user@example.com",
	    "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==",
	    "server.example.com", 143), 0);
	T_EQ_STR(out, "AUTH OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9"
	    "c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDR"
	    "xbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2c9PQEB");
	/* GS2 saslname escaping: "a,b=c" -> "a=2Cb=3Dc" */
	T_EQ_INT(start(AUTH_OAUTHBEARER, "a,b=c", "T", NULL, 0), 0);
	T_EQ_STR(out, "AUTH OAUTHBEARER "
	    "bixhPWE9MkNiPTNEYywBYXV0aD1CZWFyZXIgVAEB");
	T_EQ_INT(start(AUTH_EXTERNAL, "", "", NULL, 0), 0);
	T_EQ_STR(out, "AUTH EXTERNAL =");
	T_EQ_INT(start(AUTH_EXTERNAL, "tim", "", NULL, 0), 0);
	T_EQ_STR(out, "AUTH EXTERNAL dGlt");
}

/* one challenge (base64) answered */
static int
next(struct sasl *x, const char *chal)
{
	return sasl_next(x, chal, strlen(chal), out, sizeof(out), &e);
}

static void
t_next(void)
{
	struct sasl x;

	memset(&x, 0, sizeof(x));
	x.mech = AUTH_LOGIN;
	x.user = "tim";
	x.secret = "pw";
	T_EQ_INT(sasl_start(&x, out, sizeof(out), &e), 0);
	T_EQ_INT(next(&x, "VXNlcm5hbWU6"), 0);
	T_EQ_STR(out, "dGlt");
	T_EQ_INT(next(&x, "UGFzc3dvcmQ6"), 0);
	T_EQ_STR(out, "cHc=");
	T_EQ_INT(next(&x, "UGFzc3dvcmQ6"), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_EQ_INT(sasl_done(&x, &e), 0);
	sasl_clear(&x);

	/* RFC 2195 section 2 */
	memset(&x, 0, sizeof(x));
	x.mech = AUTH_CRAM_MD5;
	x.user = "tim";
	x.secret = "tanstaaftanstaaf";
	T_EQ_INT(next(&x, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1j"
	    "aS5uZXQ+"), 0);
	T_EQ_STR(out, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	sasl_clear(&x);
	/* a password longer than the 64-byte HMAC block is hashed first
	   (RFC 2104 2; msmtp got this wrong before 1.8.24) */
	memset(&x, 0, sizeof(x));
	x.mech = AUTH_CRAM_MD5;
	x.user = "tim";
	x.secret = "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789";
	T_EQ_INT(next(&x, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1j"
	    "aS5uZXQ+"), 0);
	T_EQ_STR(out, "dGltIGJkMDg3MDY2NzgxM2ExMjZlODRkNzJiMjdlNWQ2ZGMx");
	sasl_clear(&x);

	memset(&x, 0, sizeof(x));
	x.mech = AUTH_PLAIN;
	T_EQ_INT(next(&x, ""), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	x.mech = AUTH_LOGIN;
	x.step = 0;
	T_EQ_INT(next(&x, "not base64!"), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
}

static void
t_oauth(void)
{
	/* RFC 7628 3.2.2 / 4.3 error challenge */
	static const char *chal = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2Nv"
	    "cGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHR"
	    "wczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW"
	    "9uIn0=";
	static const struct { const char *json, *want; } js[] = {
		{ "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":"
		    "\"https://mail.google.com/\"}",
		    "status 401, scope https://mail.google.com/" },
		{ " { \"status\" : 400 } ", "status 400" },
		{ "{\"scope\":\"a\\u0062\\u00e9\\n\",\"status\":\"x\\\"y\"}",
		    "status x\"y, scope ab? " },
		{ "{\"a\":true,\"b\":null,\"status\":\"s\"}", "status s" },
		{ "{\"scope\":\"x\"}", NULL },
		{ "{\"status\":\"x\"", NULL },
		{ "{\"status\":{\"x\":1}}", NULL },
		{ "[\"status\"]", NULL },
		{ "{\"status\":\"\x01\"}", NULL },
		{ "", NULL },
	};
	char r[LIMIT_SASL_REASON];
	struct sasl x;
	size_t i;

	for (i = 0; i < sizeof(js) / sizeof(js[0]); i++) {
		int rc = sasl_oauth_error(js[i].json, strlen(js[i].json), r,
		    sizeof(r));

		T_EQ_INT(rc, js[i].want ? 0 : -1);
		if (js[i].want)
			T_EQ_STR(r, js[i].want);
	}
	memset(&x, 0, sizeof(x));
	x.mech = AUTH_OAUTHBEARER;
	T_EQ_INT(next(&x, chal), 0);
	T_EQ_STR(out, "AQ==");
	T_EQ_STR(x.reason, "status invalid_token, scope example_scope");
	T_EQ_INT(next(&x, chal), -1);	/* only one error challenge */
	memset(&x, 0, sizeof(x));
	x.mech = AUTH_XOAUTH2;
	T_EQ_INT(next(&x, "bm90IGpzb24="), 0);
	T_EQ_STR(out, "");
	T_EQ_STR(x.reason, "an error challenge without a status");
}

int
main(void)
{
	t_b64();
	t_pick();
	t_start();
	t_next();
	t_oauth();
	return t_done("t_sasl");
}
