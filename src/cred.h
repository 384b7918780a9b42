/* SPDX-License-Identifier: ISC */
/*
 * cred.h - what an account signs in with: a password, an OAuth2 access
 * token, or nothing (no user, `auth off`, or EXTERNAL: the TLS client
 * certificate).
 *
 * cred_get(): fill *c for the account before any network byte.  An
 * account with oauth2_provider: c->oauth = 1, the provider resolved and
 * oauth2_client_secreteval run (oauth2.h), and c->secret the cached
 * access token of the token file (tokstore.h) when it is valid for more
 * than LIMIT_OAUTH2_EARLY seconds, else NULL until cred_ready().  Other
 * accounts: the password sources of secret_get() (secret.h); the secret
 * is an OAuth2 bearer token (c->oauth = 1) when `auth` names an OAuth2
 * mechanism (xoauth2, oauthbearer) - msmtp's convention, where
 * passwordeval prints the token.  `auth external`: no secret at all
 * (nothing is looked up or run).  Returns 0, or -1 with e filled.
 * cred_ready(): just before smtp_open() (the message is queued by then):
 * when an OAuth2 access token is still needed, get it from the identity
 * provider (refresh token or client credentials, the new tokens written
 * to the token file first, under its lock).  No-op otherwise.  Errors
 * as oauth2.h says (a revoked grant: EX_NOPERM with e->wait_user and
 * the command to run; IdP down: EX_TEMPFAIL).
 * c->renew, when not NULL, replaces c->secret with a fresh one (an
 * OAuth2 access token the server refused: a newer cached one, else one
 * from the IdP); smtp calls it at most once per session.  cred_free()
 * wipes and frees the secret and c->ctx's state.
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
int	cred_ready(struct cred *, const struct account *, struct err *);
void	cred_free(struct cred *);
/* 1 when the account's secret is an OAuth2 token: `auth` names an
   OAuth2 mechanism, or the account has oauth2_provider */
int	cred_auth_is_oauth(const struct account *);

#endif
