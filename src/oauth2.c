/* SPDX-License-Identifier: ISC */
/*
 * oauth2.c - the requests to the identity provider (contract: oauth2.h;
 * the presets and account checks are in oauth2conf.c).  The HTTPS is
 * http.c's, the JSON jdoc's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "jdoc.h"
#include "oauth2.h"
#include "url.h"

#define SLOW_DOWN	5	/* RFC 8628 3.5: add 5 s to the interval */

/* ---- one request ---- */

static void
host_of(const char *url, char *host, size_t sz)
{
	struct url u;
	struct err ue;

	err_clear(&ue);
	strlcpy(host, url_parse(url, 0, &u, &ue) == 0 ? u.host : "?", sz);
}

/* an OAuth2 error reply (RFC 6749 5.2, RFC 8628 3.5) as our error */
static int
idp_error(const struct oauth2 *o, const char *host, const char *err,
    const char *desc, struct err *e)
{
	char vd[LIMIT_QUOTE] = "", ve[LIMIT_QUOTE_WORD];

	err_visible(ve, sizeof(ve), err, strlen(err));
	if (desc != NULL)
		err_visible(vd, sizeof(vd), desc, strlen(desc));
	if (strcmp(err, "invalid_grant") == 0 ||
	    strcmp(err, "expired_token") == 0 ||
	    strcmp(err, "access_denied") == 0) {
		err_set(e, EX_NOPERM, "OAuth2 sign-in of account '%s' is no "
		    "longer valid (%s said %s%s%s); run: smtps --authorize -a "
		    "%s", o->name, host, ve, vd[0] ? ": " : "", vd, o->name);
		e->wait_user = 1;
		return -1;
	}
	return err_set(e, EX_CONFIG, "OAuth2 for account '%s': %s refused "
	    "the request: %s%s%s", o->name, host, ve, vd[0] ? ": " : "", vd);
}

/*
 * POST the form; a 2xx JSON object into *d, an OAuth2 error reply
 * ("error" member) as idp_error, or "pending" (*pending set) for
 * authorization_pending / slow_down when pending is not NULL.
 */
static int
request(const struct oauth2 *o, const char *url, char *form,
    struct jdoc **d, int *pending, struct err *e)
{
	char host[LIMIT_DOMAIN + 1];
	struct httpresp r;
	const char *er;
	int rc, status;

	*d = NULL;
	host_of(url, host, sizeof(host));
	rc = http_post(url, form, o->acct, o->trust_file, o->timeout_ms, &r,
	    e);
	freezero(form, strlen(form) + 1);
	if (rc == -1)
		return err_prefix(e, "OAuth2 for account '%s'", o->name);
	status = r.status;
	if (status >= 500 || status == 429) {
		httpresp_free(&r);
		return err_set(e, EX_TEMPFAIL, "OAuth2 for account '%s': %s "
		    "answered HTTP %d (try again later)", o->name, host,
		    status);
	}
	*d = jdoc_parse(r.body, r.bodylen, e);
	httpresp_free(&r);
	if (*d == NULL)
		return err_prefix(e, "OAuth2 for account '%s': %s sent a "
		    "malformed reply", o->name, host);
	if ((er = jdoc_str(*d, "error")) == NULL && status / 100 == 2)
		return 0;
	if (er != NULL && pending != NULL &&
	    (strcmp(er, "authorization_pending") == 0 ||
	    strcmp(er, "slow_down") == 0)) {
		*pending = strcmp(er, "slow_down") == 0 ? 2 : 1;
		return 0;
	}
	if (er != NULL)
		rc = idp_error(o, host, er, jdoc_str(*d, "error_description"),
		    e);
	jdoc_free(*d);
	*d = NULL;
	return er != NULL ? rc : err_set(e, EX_PROTOCOL, "OAuth2 for account "
	    "'%s': %s answered HTTP %d without an OAuth2 error", o->name, host,
	    status);
}

/* the token reply (RFC 6749 5.1) into *t; `old` refresh token kept when
   the IdP sends none */
static int
token_reply(const struct oauth2 *o, const char *url, struct jdoc *d,
    const char *old, struct tok *t, struct err *e)
{
	const char *acc = jdoc_str(d, "access_token");
	const char *ref = jdoc_str(d, "refresh_token");
	long long in = jdoc_num(d, "expires_in", LIMIT_OAUTH2_LIFETIME);
	char host[LIMIT_DOMAIN + 1];

	memset(t, 0, sizeof(*t));
	if (acc == NULL || *acc == '\0' || strlen(acc) > LIMIT_OAUTH2_TOKEN ||
	    (ref != NULL && strlen(ref) > LIMIT_OAUTH2_TOKEN)) {
		host_of(url, host, sizeof(host));
		jdoc_free(d);
		return err_set(e, EX_PROTOCOL, "OAuth2 for account '%s': %s "
		    "sent a malformed reply: no usable access_token", o->name,
		    host);
	}
	if (in <= 0 || in > 10LL * 365 * 86400)
		in = LIMIT_OAUTH2_LIFETIME;
	t->access = xstrdup(acc);
	t->expires = (long long)time(NULL) + in;
	if (ref != NULL && *ref != '\0')
		t->refresh = xstrdup(ref);
	else if (old != NULL)
		t->refresh = xstrdup(old);
	jdoc_free(d);
	return 0;
}

static char *
form_client(const struct oauth2 *o, const char *grant)
{
	char *f = NULL;

	url_form_add(&f, "grant_type", grant);
	url_form_add(&f, "client_id", o->client_id);
	if (o->client_secret != NULL)
		url_form_add(&f, "client_secret", o->client_secret);
	return f;
}

int
oauth2_refresh(const struct oauth2 *o, struct tok *t, struct err *e)
{
	struct jdoc *d;
	char *f, *old;
	int rc;

	if (t->refresh == NULL) {
		err_set(e, EX_NOPERM, "account '%s' has no OAuth2 refresh "
		    "token; run: smtps --authorize -a %s", o->name, o->name);
		e->wait_user = 1;
		return -1;
	}
	f = form_client(o, "refresh_token");
	url_form_add(&f, "refresh_token", t->refresh);
	if (o->scope[0] != '\0')
		url_form_add(&f, "scope", o->scope);
	if (request(o, o->token_url, f, &d, NULL, e) == -1)
		return -1;
	old = xstrdup(t->refresh);
	tokstore_clear(t);
	rc = token_reply(o, o->token_url, d, old, t, e);
	freezero(old, strlen(old) + 1);
	return rc;
}

int
oauth2_client_creds(const struct oauth2 *o, struct tok *t, struct err *e)
{
	char *f = form_client(o, "client_credentials");
	struct jdoc *d;

	if (o->scope[0] != '\0')
		url_form_add(&f, "scope", o->scope);
	if (request(o, o->token_url, f, &d, NULL, e) == -1)
		return -1;
	return token_reply(o, o->token_url, d, NULL, t, e);
}

int
oauth2_code(const struct oauth2 *o, const char *code, const char *verifier,
    const char *redirect_uri, struct tok *t, struct err *e)
{
	char *f = form_client(o, "authorization_code");
	struct jdoc *d;

	url_form_add(&f, "code", code);
	url_form_add(&f, "code_verifier", verifier);
	url_form_add(&f, "redirect_uri", redirect_uri);
	if (request(o, o->token_url, f, &d, NULL, e) == -1)
		return -1;
	return token_reply(o, o->token_url, d, NULL, t, e);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

int
oauth2_device_start(const struct oauth2 *o, struct oauth2_device *dv,
    struct err *e)
{
	char *f = NULL, host[LIMIT_DOMAIN + 1];
	struct jdoc *d;
	long long in;

	memset(dv, 0, sizeof(*dv));
	url_form_add(&f, "client_id", o->client_id);
	if (o->scope[0] != '\0')
		url_form_add(&f, "scope", o->scope);
	if (request(o, o->device_url, f, &d, NULL, e) == -1)
		return -1;
	dv->device_code = dup_or_null(jdoc_str(d, "device_code"));
	dv->user_code = dup_or_null(jdoc_str(d, "user_code"));
	dv->uri = dup_or_null(jdoc_str(d, "verification_uri"));
	if (dv->uri == NULL)		/* Google's older name */
		dv->uri = dup_or_null(jdoc_str(d, "verification_url"));
	dv->uri_complete = dup_or_null(jdoc_str(d,
	    "verification_uri_complete"));
	dv->interval = (int)jdoc_num(d, "interval", LIMIT_OAUTH2_POLL);
	if (dv->interval < 1 || dv->interval > LIMIT_OAUTH2_POLL_MAX)
		dv->interval = LIMIT_OAUTH2_POLL;
	in = jdoc_num(d, "expires_in", LIMIT_OAUTH2_DEVICE_WAIT);
	dv->expires = (long long)time(NULL) + (in > 0 && in <
	    LIMIT_OAUTH2_DEVICE_WAIT * 4 ? in : LIMIT_OAUTH2_DEVICE_WAIT);
	jdoc_free(d);
	if (dv->device_code != NULL && dv->user_code != NULL &&
	    dv->uri != NULL)
		return 0;
	oauth2_device_free(dv);
	host_of(o->device_url, host, sizeof(host));
	return err_set(e, EX_PROTOCOL, "OAuth2 for account '%s': %s sent a "
	    "malformed reply: no device_code, user_code or verification_uri",
	    o->name, host);
}

int
oauth2_device_poll(const struct oauth2 *o, struct oauth2_device *dv,
    struct tok *t, struct err *e)
{
	char *f = form_client(o, "urn:ietf:params:oauth:grant-type:"
	    "device_code");
	struct jdoc *d;
	int pending = 0;

	url_form_add(&f, "device_code", dv->device_code);
	if (request(o, o->token_url, f, &d, &pending, e) == -1)
		return -1;
	if (pending) {
		jdoc_free(d);
		if (pending == 2 && dv->interval + SLOW_DOWN <=
		    LIMIT_OAUTH2_POLL_MAX)
			dv->interval += SLOW_DOWN;
		return 1;
	}
	return token_reply(o, o->token_url, d, NULL, t, e);
}

void
oauth2_device_free(struct oauth2_device *dv)
{
	free(dv->device_code);
	free(dv->user_code);
	free(dv->uri);
	free(dv->uri_complete);
	memset(dv, 0, sizeof(*dv));
}
