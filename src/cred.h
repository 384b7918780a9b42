/*
 * cred.h - what an account signs in with: a password, an OAuth2 access
 * token, or nothing (no user, `auth off`, or EXTERNAL: the TLS client
 * certificate).
 *
 * cred_get(): fill *c for the account before any network byte.  Today:
 * the password sources of secret_get() (secret.h); the secret is an
 * OAuth2 bearer token (c->oauth = 1) when `auth` names an OAuth2
 * mechanism (xoauth2, oauthbearer) - msmtp's convention, where
 * passwordeval prints the token.  `auth external`: no secret at all
 * (nothing is looked up or run).  Returns 0, or -1 with e filled.
 * c->renew, when not NULL, replaces c->secret with a fresh one (an
 * OAuth2 access token the server refused); smtp calls it at most once
 * per session.  cred_free() wipes and frees the secret and c->ctx's
 * state.
 */
#ifndef SMTPS_CRED_H
#define SMTPS_CRED_H

#include "conf.h"

struct cred {
	char	*secret;	/* password or access token; NULL: none */
	int	 oauth;		/* secret is an OAuth2 bearer token */
	int	(*renew)(struct cred *, const struct account *, struct err *);
	void	*ctx;		/* renew's state; freed by cred_free */
	void	(*ctx_free)(void *);
};

int	cred_get(const struct account *, struct cred *, struct err *);
void	cred_free(struct cred *);
/* 1 when the account's `auth` names an OAuth2 mechanism */
int	cred_auth_is_oauth(const struct account *);

#endif
