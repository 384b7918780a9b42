/*
 * t_sasl.c - mechanism choice and encodings (RFC 4648 vectors, RFC 4616).
 */
#include "t.h"
#include "reply.h"
#include "sasl.h"

int
main(void)
{
	static const struct { const char *in, *out; } b64[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	char out[256];
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		T_EQ_INT(sasl_b64((const unsigned char *)b64[i].in,
		    strlen(b64[i].in), out, sizeof(out)),
		    (long)strlen(b64[i].out));
		T_EQ_STR(out, b64[i].out);
	}
	T_EQ_INT(sasl_b64((const unsigned char *)"foobar", 6, out, 8), -1);

	err_clear(&e);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_LOGIN, "on", &e), AUTH_PLAIN);
	T_EQ_INT(sasl_pick(AUTH_LOGIN | AUTH_CRAM_MD5, "on", &e), AUTH_LOGIN);
	T_EQ_INT(sasl_pick(AUTH_PLAIN | AUTH_LOGIN, "login", &e), AUTH_LOGIN);
	T_EQ_INT(sasl_pick(AUTH_PLAIN, "LOGIN", &e), -1);
	T_EQ_INT(e.code, EX_UNAVAILABLE);
	T_EQ_STR(e.msg, "server does not offer AUTH LOGIN (offered: PLAIN)");
	T_EQ_INT(sasl_pick(AUTH_CRAM_MD5 | AUTH_XOAUTH2, "on", &e), -1);
	T_EQ_STR(e.msg, "server offers no usable AUTH mechanism (offered: "
	    "CRAM-MD5 XOAUTH2; smtps supports PLAIN LOGIN)");

	/* RFC 4616: \0tim\0tanstaaftanstaaf */
	T_EQ_INT(sasl_initial(AUTH_PLAIN, "tim", "tanstaaftanstaaf", out,
	    sizeof(out), &e), 0);
	T_EQ_STR(out, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	T_EQ_INT(sasl_initial(AUTH_LOGIN, "tim", "pw", out, sizeof(out), &e),
	    0);
	T_EQ_STR(out, "AUTH LOGIN");
	T_EQ_INT(sasl_step(AUTH_LOGIN, 0, "tim", "pw", out, sizeof(out), &e), 0);
	T_EQ_STR(out, "dGlt");
	T_EQ_INT(sasl_step(AUTH_LOGIN, 1, "tim", "pw", out, sizeof(out), &e), 0);
	T_EQ_STR(out, "cHc=");
	T_EQ_INT(sasl_step(AUTH_LOGIN, 2, "tim", "pw", out, sizeof(out), &e),
	    -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_EQ_INT(sasl_step(AUTH_PLAIN, 0, "tim", "pw", out, sizeof(out), &e),
	    -1);
	return t_done("t_sasl");
}
