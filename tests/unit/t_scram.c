/* SPDX-License-Identifier: ISC */
/*
 * t_scram.c - SCRAM against the RFC 5802 section 5 (SCRAM-SHA-1) and
 * RFC 7677 section 3 (SCRAM-SHA-256) exchanges, the server-first parser
 * table, a wrong server signature, SASLprep and user name escaping.
 */
#include "t.h"
#include "scram.h"

static char out[1024];
static struct err e;

static const struct vec {
	int		 sha256;
	const char	*cnonce, *first, *sfirst, *final, *sfinal;
} vecs[] = {
	{ 0, "fyko+d2lbbFgONRv9qkxdawL",
	  "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	  "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
	  "i=4096",
	  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	  "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
	  "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=" },
	{ 1, "rOprNGfwEbeRWgbNEkqO",
	  "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	  "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	  "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	  "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=" },
};

static void
t_vectors(void)
{
	size_t i;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct scram *s = scram_new(v->sha256, "user", "pencil",
		    v->cnonce, NULL, NULL, 0, 0, &e);

		T_OK(s != NULL, "vector %zu: %s", i, e.msg);
		if (s == NULL)
			continue;
		T_EQ_INT(scram_first(s, out, sizeof(out), &e), 0);
		T_EQ_STR(out, v->first);
		T_EQ_INT(scram_final(s, v->sfirst, strlen(v->sfirst), out,
		    sizeof(out), &e), 0);
		T_EQ_STR(out, v->final);
		T_EQ_INT(scram_verified(s), 0);
		T_EQ_INT(scram_verify(s, v->sfinal, strlen(v->sfinal), &e), 0);
		T_EQ_INT(scram_verified(s), 1);
		scram_free(s);
	}
}

static void
t_bad_server(void)
{
	const struct vec *v = &vecs[1];
	struct scram *s = scram_new(1, "user", "pencil", v->cnonce, NULL,
	    NULL, 0, 0, &e);
	static const char *bad =
	    "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

	T_EQ_INT(scram_verify(s, v->sfinal, strlen(v->sfinal), &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);		/* before server-first */
	T_EQ_INT(scram_final(s, v->sfirst, strlen(v->sfirst), out,
	    sizeof(out), &e), 0);
	T_EQ_INT(scram_verify(s, bad, strlen(bad), &e), -1);
	T_EQ_INT(e.code, EX_NOPERM);
	T_EQ_INT(scram_verified(s), 0);
	T_EQ_INT(scram_verify(s, "v=AAAA", 6, &e), -1);
	T_EQ_INT(e.code, EX_NOPERM);
	T_EQ_INT(scram_verify(s, "e=invalid-proof", 15, &e), -1);
	T_EQ_STR(e.msg, "SCRAM: the server refused: invalid-proof");
	T_EQ_INT(scram_verify(s, "e=x\ny\x01", 6, &e), -1);
	T_EQ_STR(e.msg, "SCRAM: the server refused: x\\ny\\x01");
	T_EQ_INT(scram_verified(s), 0);
	/* a nonce that does not extend ours */
	T_EQ_INT(scram_final(s, "r=xOprNGfwEbeRWgbNEkqOabc,s=QSXC,i=1", 36,
	    out, sizeof(out), &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_EQ_INT(scram_final(s, "r=rOprNGfwEbeRWgbNEkqO,s=QSXC,i=1", 33,
	    out, sizeof(out), &e), -1);	/* not longer than ours */
	scram_free(s);
}

static void
t_parse(void)
{
	static const struct {
		const char *in;
		int ok;
		unsigned long iter;
	} p[] = {
		{ "r=abc,s=QSXC,i=4096", 1, 4096 },
		{ "r=abc,s=QSXC,i=4096,x=ext", 1, 4096 },
		{ "r=abc,s=QSXC,i=1000000", 1, 1000000 },
		{ "r=abc,s=QSXC,i=1000001", 0, 0 },
		{ "r=abc,s=QSXC,i=0", 0, 0 },
		{ "r=abc,s=QSXC,i=999999999", 0, 0 },
		{ "r=abc,s=QSXC,i=1234567890", 0, 0 },
		{ "r=abc,s=QSXC,i=12a", 0, 0 },
		{ "r=abc,s=QSXC,i=", 0, 0 },
		{ "m=x,r=abc,s=QSXC,i=1", 0, 0 },
		{ "s=QSXC,r=abc,i=1", 0, 0 },
		{ "r=,s=QSXC,i=1", 0, 0 },
		{ "r=a\x01,s=QSXC,i=1", 0, 0 },
		{ "r=abc,s=,i=1", 0, 0 },
		{ "r=abc", 0, 0 },
		{ "", 0, 0 },
	};
	struct scram_first f;
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		int rc = scram_parse_first(p[i].in, strlen(p[i].in), &f, &e);

		T_OK(rc == (p[i].ok ? 0 : -1), "parse %zu (%s): rc %d", i,
		    p[i].in, rc);
		if (p[i].ok)
			T_EQ_INT(f.iter, p[i].iter);
		else
			T_EQ_INT(e.code, EX_PROTOCOL);
	}
}

static void
t_prep(void)
{
	struct scram *s;

	/* user name escaping, y (no -PLUS offered) and p=tls-exporter */
	s = scram_new(1, "a=b,c", "pencil", "N", NULL, NULL, 0, 1, &e);
	T_EQ_INT(scram_first(s, out, sizeof(out), &e), 0);
	T_EQ_STR(out, "y,,n=a=3Db=2Cc,r=N");
	scram_free(s);
	s = scram_new(1, "u", "pencil", "N", "tls-exporter",
	    (const unsigned char *)"0123456789abcdef0123456789abcdef", 32, 1,
	    &e);
	T_EQ_INT(scram_first(s, out, sizeof(out), &e), 0);
	T_EQ_STR(out, "p=tls-exporter,,n=u,r=N");
	T_EQ_INT(scram_final(s, "r=NS,s=QSXC,i=1", 15, out, sizeof(out), &e),
	    0);
	/* c= is base64("p=tls-exporter,," + the 32 bytes) */
	T_EQ_MEM(out, 74, "c=cD10bHMtZXhwb3J0ZXIsLDAxMjM0NTY3ODlhYmNkZWYwMTIz"
	    "NDU2Nzg5YWJjZGVm,r=NS,p=", 74);
	scram_free(s);
	/* SASLprep: non-ASCII space becomes a space; control chars refused */
	s = scram_new(1, "u", "pen\xc2\xa0" "cil", "N", NULL, NULL, 0, 0, &e);
	T_OK(s != NULL, "NBSP password: %s", e.msg);
	scram_free(s);
	T_OK(scram_new(1, "u", "pen\x07" "cil", "N", NULL, NULL, 0, 0, &e) ==
	    NULL, "control character accepted");
	T_EQ_INT(e.code, EX_CONFIG);
	T_OK(scram_new(1, "u", "pen\xff", "N", NULL, NULL, 0, 0, &e) == NULL,
	    "invalid UTF-8 accepted");
	/* a random nonce by default: two differ */
	{
		char a[128];
		struct scram *s1 = scram_new(0, "u", "p", NULL, NULL, NULL, 0,
		    0, &e), *s2 = scram_new(0, "u", "p", NULL, NULL, NULL, 0,
		    0, &e);

		scram_first(s1, a, sizeof(a), &e);
		scram_first(s2, out, sizeof(out), &e);
		T_OK(strcmp(a, out) != 0 && strlen(a) == 9 + 32,
		    "nonces %s %s", a, out);
		scram_free(s1);
		scram_free(s2);
	}
}

int
main(void)
{
	t_vectors();
	t_bad_server();
	t_parse();
	t_prep();
	return t_done("t_scram");
}
