/* SPDX-License-Identifier: ISC */
/*
 * authorize.h - `smtps --authorize`: the first OAuth2 sign-in of an
 * account, done once by a person; the tokens go to the token file
 * (tokstore.h) and every later run refreshes them itself (cred.h).
 *
 * authorize_run(): by the account's grant (oauth2.h):
 *  - device (RFC 8628): print the verification URI and the user code,
 *    poll the token endpoint at the IdP's interval (authorization_pending:
 *    wait; slow_down: 5 s more) until the person has approved, the code
 *    expired (EX_NOPERM) or was refused (EX_NOPERM);
 *  - code (RFC 6749 4.1 with PKCE S256, RFC 7636; loopback redirect,
 *    RFC 8252): print the authorization URL; listen on 127.0.0.1 (port
 *    oauth2_redirect_port, else one the kernel picks) for the browser's
 *    redirect, and at the same time read a line from `in`: the URL the
 *    browser ended on, pasted (when the browser runs on another machine
 *    and no SSH port forward carries the redirect).  The state must
 *    match (else EX_PROTOCOL); an error in the redirect -> EX_NOPERM
 *    with the IdP's words.  Gives up after LIMIT_OAUTH2_CODE_WAIT s
 *    (EX_TEMPFAIL);
 *  - client_credentials: one token request, which proves the client ID
 *    and secret work.
 * The tokens are written under the token file's lock; what was done goes
 * to `out` (never a token).  Returns 0 or -1 with e filled.
 */
#ifndef SMTPS_AUTHORIZE_H
#define SMTPS_AUTHORIZE_H

#include <stdio.h>

#include "conf.h"

int	authorize_run(const struct account *, int infd, FILE *out,
	    struct err *);

#endif
