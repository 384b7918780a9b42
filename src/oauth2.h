/* SPDX-License-Identifier: ISC */
/*
 * oauth2.h - OAuth2 for SMTP: provider presets, account checks, and the
 * requests to the identity provider's token and device endpoints.
 *
 * An account uses OAuth2 when it sets oauth2_provider:
 *   microsoft  token, device and authorization URLs
 *              https://login.microsoftonline.com/TENANT/oauth2/v2.0/
 *              {token,devicecode,authorize}, TENANT = oauth2_tenant or
 *              "common"; scope "https://outlook.office.com/SMTP.Send
 *              offline_access" ("https://outlook.office365.com/.default"
 *              with client_credentials); grant device by default
 *   google     https://oauth2.googleapis.com/token,
 *              https://accounts.google.com/o/oauth2/v2/auth; scope
 *              https://mail.google.com/; grant code (Google refuses the
 *              device grant for mail)
 *   generic    oauth2_token_url required; grant device when
 *              oauth2_device_url is set, else code (oauth2_auth_url)
 * oauth2_*_url and oauth2_scope replace what a preset says.
 *
 * oauth2_check(): the account's OAuth2 settings are complete (pure):
 * oauth2_client_id; the URL the grant needs; client_credentials needs a
 * client secret; `user` is set; `auth` must be on, xoauth2 or
 * oauthbearer.  Errors:
 * EX_CONFIG "account 'NAME' (FILE:LINE): what is missing".
 * oauth2_setup(): resolve the presets into *o and run
 * oauth2_client_secreteval (secret_run, secret.h: passwordeval_timeout
 * without a terminal) when there is no oauth2_client_secret; the timeout is the
 * account's, else
 * LIMIT_TIMEOUT_DEFAULT.  oauth2_free() wipes the secret.
 *
 * Requests (each one http_post to the token or device URL, the client
 * secret sent in the body when there is one):
 *   oauth2_refresh()      grant_type=refresh_token (RFC 6749 section 6)
 *   oauth2_client_creds() grant_type=client_credentials (section 4.4)
 *   oauth2_code()         grant_type=authorization_code with the PKCE
 *                         code_verifier (RFC 7636)
 *   oauth2_device_start() and oauth2_device_poll() (RFC 8628): poll
 *                         returns 1 while authorization_pending (and
 *                         slow_down, which adds 5 s to d->interval)
 * Success fills *t: access token, expiry (now + expires_in, else
 * LIMIT_OAUTH2_LIFETIME), refresh token (the new one when the IdP
 * rotates it, else the one sent).  Errors, one line naming the account
 * and the IdP host, never a token:
 *   invalid_grant (refresh token expired or revoked; device:
 *   expired_token, access_denied) -> EX_NOPERM with e->wait_user and
 *   "run: smtps --authorize -a NAME";
 *   other OAuth2 errors (invalid_client, invalid_scope, ...) -> EX_CONFIG
 *   with the IdP's error and description (made visible);
 *   HTTP 5xx, 429, connection failures and timeouts -> EX_TEMPFAIL;
 *   a certificate that does not verify -> EX_UNAVAILABLE;
 *   a reply that is not the JSON RFC 6749 describes -> EX_PROTOCOL.
 */
#ifndef SMTPS_OAUTH2_H
#define SMTPS_OAUTH2_H

#include "conf.h"
#include "tokstore.h"

struct oauth2 {
	const struct account *acct;	/* the network path (proxy_host) */
	const char	*name;		/* the account */
	const char	*provider;
	const char	*grant;		/* device, code, client_credentials */
	const char	*client_id;
	char		*client_secret;	/* NULL: public client */
	char		*scope;
	char		*token_url;
	char		*device_url;	/* NULL: none */
	char		*auth_url;	/* NULL: none */
	const char	*trust_file;	/* NULL: system store */
	int		 timeout_ms;
	int		 redirect_port;	/* 0: any */
};

struct oauth2_device {
	char		*device_code;
	char		*user_code;
	char		*uri;		/* verification_uri */
	char		*uri_complete;	/* or NULL */
	int		 interval;	/* seconds */
	long long	 expires;	/* Unix time */
};

int	oauth2_enabled(const struct account *);
int	oauth2_check(const struct account *, struct err *);
int	oauth2_setup(const struct account *, struct oauth2 *, struct err *);
void	oauth2_free(struct oauth2 *);

int	oauth2_refresh(const struct oauth2 *, struct tok *, struct err *);
int	oauth2_client_creds(const struct oauth2 *, struct tok *, struct err *);
int	oauth2_code(const struct oauth2 *, const char *code,
	    const char *verifier, const char *redirect_uri, struct tok *,
	    struct err *);
int	oauth2_device_start(const struct oauth2 *, struct oauth2_device *,
	    struct err *);
int	oauth2_device_poll(const struct oauth2 *, struct oauth2_device *,
	    struct tok *, struct err *);
void	oauth2_device_free(struct oauth2_device *);

#endif
