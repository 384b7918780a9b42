/*
 * cred.c - the secret an account signs in with (contract: cred.h).
 */
#include <string.h>
#include <strings.h>

#include "cred.h"
#include "secret.h"

int
cred_auth_is_oauth(const struct account *a)
{
	return a->auth != NULL && (strcasecmp(a->auth, "xoauth2") == 0 ||
	    strcasecmp(a->auth, "oauthbearer") == 0);
}

int
cred_get(const struct account *a, struct cred *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->oauth = cred_auth_is_oauth(a);
	/* EXTERNAL: the TLS client certificate is the credential */
	if (a->auth != NULL && strcasecmp(a->auth, "external") == 0)
		return 0;
	return secret_get(a, &c->secret, e);
}

void
cred_free(struct cred *c)
{
	if (c == NULL)
		return;
	secret_free(c->secret);
	if (c->ctx_free != NULL)
		c->ctx_free(c->ctx);
	memset(c, 0, sizeof(*c));
}
