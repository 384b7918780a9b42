/*
 * sasl.c - SASL mechanisms for SMTP AUTH: PLAIN (RFC 4616, sent as an
 * initial response) and LOGIN.  Picks the strongest mechanism both sides
 * support; builds responses into caller buffers that the caller wipes.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "sasl.h"
#include "secret.h"

/* strongest first; PLAIN and LOGIN send the same secret, PLAIN in one trip */
static const struct {
	int		 mech;
	const char	*name;
} mechs[] = {
	{ AUTH_PLAIN, "PLAIN" },
	{ AUTH_LOGIN, "LOGIN" },
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

static void
offered_list(unsigned offered, char *out, size_t outsz)
{
	static const char *names[] = { "PLAIN", "LOGIN", "CRAM-MD5",
	    "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER",
	    "EXTERNAL" };
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

int
sasl_pick(unsigned offered, const char *wanted, struct err *e)
{
	char list[128];
	size_t i;

	for (i = 0; i < NMECHS; i++) {
		if (strcasecmp(wanted, "on") != 0 &&
		    strcasecmp(wanted, mechs[i].name) != 0)
			continue;
		if (offered & (unsigned)mechs[i].mech)
			return mechs[i].mech;
	}
	offered_list(offered, list, sizeof(list));
	if (strcasecmp(wanted, "on") == 0)
		return err_set(e, EX_UNAVAILABLE, "server offers no usable "
		    "AUTH mechanism (offered: %s; smtps supports PLAIN LOGIN)",
		    list);
	return err_set(e, EX_UNAVAILABLE, "server does not offer AUTH %s "
	    "(offered: %s)", wanted, list);
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

int
sasl_initial(int mech, const char *user, const char *pass, char *out,
    size_t outsz, struct err *e)
{
	unsigned char raw[2 * LIMIT_PASSWORD + 4];
	size_t ul = strlen(user), pl = strlen(pass);
	int n;

	if (mech == AUTH_LOGIN) {
		strlcpy(out, "AUTH LOGIN", outsz);
		return 0;
	}
	if (ul > LIMIT_PASSWORD || pl > LIMIT_PASSWORD)
		return err_set(e, EX_CONFIG, "user name or password too long");
	/* authzid empty, authcid, password */
	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[1 + ul] = '\0';
	memcpy(raw + 2 + ul, pass, pl);
	n = snprintf(out, outsz, "AUTH PLAIN ");
	if (n < 0 || (size_t)n >= outsz ||
	    sasl_b64(raw, ul + pl + 2, out + n, outsz - (size_t)n) < 0) {
		secret_wipe(raw, sizeof(raw));
		return err_set(e, EX_SOFTWARE, "AUTH buffer too small");
	}
	secret_wipe(raw, sizeof(raw));
	return 0;
}

int
sasl_step(int mech, int step, const char *user, const char *pass,
    char *out, size_t outsz, struct err *e)
{
	const char *s;

	if (mech != AUTH_LOGIN || step < 0 || step > 1)
		return err_set(e, EX_PROTOCOL, "unexpected AUTH challenge");
	s = step == 0 ? user : pass;
	if (sasl_b64((const unsigned char *)s, strlen(s), out, outsz) < 0)
		return err_set(e, EX_CONFIG, "user name or password too long");
	return 0;
}
