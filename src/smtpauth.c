/* SPDX-License-Identifier: ISC */
/*
 * smtpauth.c - the AUTH exchange of an SMTP session (RFC 4954), part of
 * the smtp module (contract: smtp_auth() in smtp_int.h).  The mechanisms
 * themselves are sasl.c's; this file sends their lines, reads the 334
 * challenges and the final reply, renews a refused OAuth2 token once.
 *
 * Nothing here is pipelined: AUTH is a round trip of its own, so that no
 * command of the mail transaction (let alone the message) leaves before
 * the server has said 235 (RFC 2920 puts a command that changes the
 * session's state last in a group; a server that refuses AUTH but takes
 * the recipient unauthenticated would deliver a message smtps reports as
 * failed).  Every line that carries a secret, a token or
 * a proof of one is logged as *** (smtp_cmd's `secret`).
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "cred.h"
#include "diag.h"
#include "reply.h"
#include "sasl.h"
#include "secret.h"
#include "smtp.h"
#include "smtp_int.h"
#include "tls.h"

/* the TLS session's channel binding (SCRAM -PLUS) */
struct binding {
	const char	*type;		/* NULL: none */
	unsigned char	 data[64];
	size_t		 len;
};

/* the password or token to sign in with; "" when there is none */
static const char *
secret_of(const struct smtp *s)
{
	return s->cred != NULL && s->cred->secret != NULL ? s->cred->secret :
	    "";
}

static int
is_oauth(int mech)
{
	return mech == AUTH_XOAUTH2 || mech == AUTH_OAUTHBEARER;
}

static void
setup(struct smtp *s, struct sasl *x, int mech, const struct binding *b)
{
	memset(x, 0, sizeof(*x));
	x->cbtype = b->type;
	x->cb = b->data;
	x->cblen = b->len;
	x->plus_offered = (s->caps.auth & (AUTH_SCRAM_SHA_1_PLUS |
	    AUTH_SCRAM_SHA_256_PLUS)) != 0;
	x->mech = mech;
	x->user = s->a->user != NULL ? s->a->user : "";
	x->secret = secret_of(s);
	x->host = s->a->host;
	x->port = s->a->port;
}

/* the server's refusal as e, with an OAuth2 error challenge's reason */
static int
refused(struct smtp *s, const struct sasl *x, struct err *e)
{
	char what[LIMIT_SASL_REASON + 64];

	if (x->reason[0] != '\0')
		snprintf(what, sizeof(what), "AUTH %s (the server said the "
		    "token is not valid: %s)", sasl_name(x->mech), x->reason);
	else
		snprintf(what, sizeof(what), "AUTH %s", sasl_name(x->mech));
	return err_from_reply(e, PH_AUTH, s->r.code, s->r.text, s->r.len,
	    what);
}

/* challenges until the final reply; a bad challenge ends the session */
static int
steps(struct smtp *s, struct sasl *x, char *buf, size_t bufsz,
    struct err *e)
{
	int rc;

	while ((rc = smtp_get_reply(s, REPLY_TO_AUTH, s->timeout_ms,
	    "AUTH", e)) == 0 &&
	    s->r.code == 334) {
		if (sasl_next(x, s->r.text, s->r.len, buf, bufsz, e) == -1) {
			s->broken = 1;		/* send nothing more */
			return err_prefix(e, "%s", "AUTH");
		}
		if ((rc = smtp_cmd(s, 1, e, "%s", buf)) == -1)
			break;
		/* SCRAM's next challenge carries the server signature */
		s->hide_334 = sasl_is_scram(x->mech);
	}
	s->hide_334 = 0;
	return rc;
}

/* after the AUTH line: challenges, the final reply, the mechanism's end */
static int
finish(struct smtp *s, struct sasl *x, int *renewable, char *buf,
    size_t bufsz, struct err *e)
{
	if (steps(s, x, buf, bufsz, e) == -1)
		return -1;
	if (s->r.code / 100 != 2) {
		*renewable = is_oauth(x->mech) && s->r.code / 100 == 5;
		return refused(s, x, e);
	}
	if (sasl_done(x, e) == -1) {
		s->broken = 1;		/* the server did not prove itself */
		return -1;
	}
	return 0;
}

/*
 * One AUTH exchange.  0: signed in; -1 with e,
 * *renewable set when an OAuth2 token was refused with 5xx.
 */
static int
auth_once(struct smtp *s, int mech, const struct binding *b, int *renewable,
    struct err *e)
{
	char buf[LIMIT_SASL_LINE];
	struct sasl x;
	int rc;

	*renewable = 0;
	setup(s, &x, mech, b);
	rc = sasl_start(&x, buf, sizeof(buf), e);
	if (rc == 0)
		rc = smtp_cmd(s, 1, e, "%s", buf);
	if (rc == 0)
		rc = finish(s, &x, renewable, buf, sizeof(buf), e);
	sasl_clear(&x);
	secret_wipe(buf, sizeof(buf));
	return rc;
}

/* the session's channel binding, when it has TLS */
static void
binding(struct smtp *s, struct binding *b)
{
	memset(b, 0, sizeof(*b));
	if (s->tls != NULL)
		b->len = tls_channel_binding(s->tls, &b->type, b->data,
		    sizeof(b->data));
}

char *
smtp_auth_plan(struct smtp *s)
{
	char offered[LIMIT_SASL_LIST], *out = NULL;
	struct binding b;
	struct err e;
	int mech;

	if (!(s->caps.flags & CAP_AUTH)) {
		xasprintf(&out, "AUTH:           not offered\n");
		return out;
	}
	binding(s, &b);
	sasl_offered(s->caps.auth, offered, sizeof(offered));
	err_clear(&e);
	mech = !account_auth_on(s->a) ? 0 :
	    sasl_pick(s->caps.auth, s->a->auth, cred_auth_is_oauth(s->a),
	    b.type != NULL, &e);
	xasprintf(&out, "AUTH offered:   %s\nsmtps would use: %s%s%s "
	    "(auth %s%s%s)\n", offered, mech > 0 ? sasl_name(mech) : "none",
	    mech == -1 ? ": " : "", mech == -1 ? e.msg : "",
	    s->a->user != NULL ? s->a->auth : "off: no user",
	    b.type != NULL ? ", channel binding " : "",
	    b.type != NULL ? b.type : "");
	return out;
}

int
smtp_auth_choice(struct smtp *s, char *offered, size_t offeredsz,
    struct err *e)
{
	struct binding b;

	offered[0] = '\0';
	if (!(s->caps.flags & CAP_AUTH))
		return 0;
	sasl_offered(s->caps.auth, offered, offeredsz);
	if (!account_auth_on(s->a))
		return 0;
	binding(s, &b);
	return sasl_pick(s->caps.auth, s->a->auth, cred_auth_is_oauth(s->a),
	    b.type != NULL, e);
}

int
smtp_auth(struct smtp *s, struct err *e)
{
	char offered[LIMIT_SASL_LIST];
	struct binding b;
	int mech, renewable, rc;
	int oauth = s->cred != NULL && s->cred->oauth;

	if (!(s->caps.flags & CAP_AUTH))
		return err_set(e, EX_UNAVAILABLE, "server %s does not offer "
		    "AUTH, but the account has a user", account_server(s->a));
	binding(s, &b);
	mech = sasl_pick(s->caps.auth, s->a->auth, oauth, b.type != NULL, e);
	if (mech == -1)
		return -1;
	s->mech = mech;
	sasl_offered(s->caps.auth, offered, sizeof(offered));
	diag_info("AUTH mechanism %s (server offers %s; auth %s; channel "
	    "binding %s)", sasl_name(mech), offered, s->a->auth,
	    b.type != NULL ? b.type : "none");
	rc = auth_once(s, mech, &b, &renewable, e);
	if (rc == -1 && renewable && !s->broken && s->cred != NULL &&
	    s->cred->renew != NULL) {
		diag_info("the server refused the OAuth2 token; renewing it "
		    "and trying once more");
		if (s->cred->renew(s->cred, s->a, e) == -1)
			return -1;
		rc = auth_once(s, mech, &b, &renewable, e);
	}
	if (rc == 0)
		diag_info("authenticated as %s with %s", s->a->user,
		    sasl_name(mech));
	return rc;
}
