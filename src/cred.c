/* SPDX-License-Identifier: ISC */
/*
 * cred.c - the secret an account signs in with (contract: cred.h).
 *
 * OAuth2 (an account with oauth2_provider): cred_get() resolves the
 * provider (oauth2_setup: presets, oauth2_client_secreteval) and reads
 * the token file without a lock (it is only ever replaced by rename);
 * a cached access token valid for more than LIMIT_OAUTH2_EARLY seconds
 * is the secret.  Otherwise cred_ready() - called just before the
 * session, after the message is safe in the queue - gets one under the
 * token file's lock: it reads the file again first (another smtps may
 * have refreshed while we waited: then its token is used and the refresh
 * token is not spent twice), else asks the IdP (refresh token, or
 * client credentials) and writes the new tokens to the file before the
 * new access token is used.  renew does the same, but takes a cached
 * token only if it differs from the one the server refused.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cred.h"
#include "diag.h"
#include "oauth2.h"
#include "secret.h"
#include "tokstore.h"

struct ocred {
	struct oauth2	 o;
	char		*path;		/* token file */
};

int
cred_auth_is_oauth(const struct account *a)
{
	return oauth2_enabled(a) || (a->auth != NULL &&
	    (strcasecmp(a->auth, "xoauth2") == 0 ||
	    strcasecmp(a->auth, "oauthbearer") == 0));
}

static int
fresh(const struct tok *t)
{
	return t->access != NULL &&
	    t->expires - (long long)time(NULL) > LIMIT_OAUTH2_EARLY;
}

static void
ocred_free(void *p)
{
	struct ocred *oc = p;

	if (oc == NULL)
		return;
	oauth2_free(&oc->o);
	free(oc->path);
	free(oc);
}

/* a new access token from the IdP into *t (t holds the file's tokens) */
static int
ask_idp(struct ocred *oc, struct tok *t, struct err *e)
{
	struct tok n;

	memset(&n, 0, sizeof(n));
	if (strcmp(oc->o.grant, "client_credentials") == 0) {
		diag_info("OAuth2: asking for an access token of account %s "
		    "(client credentials)", oc->o.name);
		if (oauth2_client_creds(&oc->o, &n, e) == -1)
			return -1;
		tokstore_clear(t);
		*t = n;
	} else {
		if (t->refresh == NULL) {
			err_set(e, EX_NOPERM, "account '%s' is not signed in "
			    "with OAuth2 yet (no token in %s); run: smtps "
			    "--authorize -a %s", oc->o.name, oc->path,
			    oc->o.name);
			e->wait_user = 1;
			return -1;
		}
		diag_info("OAuth2: refreshing the access token of account %s",
		    oc->o.name);
		if (oauth2_refresh(&oc->o, t, e) == -1)
			return -1;
	}
	/* on disk before the new access token is used */
	return tokstore_write(oc->path, t, e);
}

/* under the lock: the file's token, unless stale, else a new one */
static int
fetch(struct ocred *oc, const char *stale, char **out, struct err *e)
{
	struct tok t;
	int fd, rc;

	if ((fd = tokstore_lock(oc->path, e)) == -1)
		return -1;
	rc = tokstore_read(oc->path, &t, e);
	if (rc != -1 && fresh(&t) &&
	    (stale == NULL || strcmp(t.access, stale) != 0)) {
		diag_info("OAuth2: using the access token another smtps just "
		    "got for account %s", oc->o.name);
		rc = 0;
	} else if (rc != -1)
		rc = ask_idp(oc, &t, e);
	tokstore_unlock(fd);
	if (rc == 0)
		*out = xstrdup(t.access);
	tokstore_clear(&t);
	return rc;
}

static int
oauth_renew(struct cred *c, const struct account *a, struct err *e)
{
	char *tok = NULL;

	(void)a;
	if (fetch(c->ctx, c->secret, &tok, e) == -1)
		return -1;
	secret_free(c->secret);
	c->secret = tok;
	return 0;
}

static int
oauth_get(const struct account *a, struct cred *c, struct err *e)
{
	struct ocred *oc = xcalloc(1, sizeof(*oc));
	struct tok t;

	c->oauth = 1;
	c->ctx = oc;
	c->ctx_free = ocred_free;
	c->renew = oauth_renew;
	if (oauth2_setup(a, &oc->o, e) == -1 ||
	    (oc->path = tokstore_path(a, e)) == NULL ||
	    tokstore_read(oc->path, &t, e) == -1)
		return -1;
	if (fresh(&t)) {
		c->secret = xstrdup(t.access);
		diag_info("OAuth2: cached access token of account %s, valid "
		    "for %lld s", a->name, t.expires - (long long)time(NULL));
	}
	tokstore_clear(&t);
	return 0;
}

int
cred_get(const struct account *a, struct cred *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (oauth2_enabled(a))
		return oauth_get(a, c, e);
	c->oauth = cred_auth_is_oauth(a);
	/* EXTERNAL: the TLS client certificate is the credential */
	if (a->auth != NULL && strcasecmp(a->auth, "external") == 0)
		return 0;
	return secret_get(a, &c->secret, e);
}

int
cred_ready(struct cred *c, const struct account *a, struct err *e)
{
	if (c->secret != NULL || c->renew != oauth_renew)
		return 0;
	(void)a;
	return fetch(c->ctx, NULL, &c->secret, e);
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
