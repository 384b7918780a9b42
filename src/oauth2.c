/*
 * oauth2.c - provider presets, account checks and token requests
 * (contract: oauth2.h).  The HTTPS is http.c's, the JSON jdoc's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "jdoc.h"
#include "oauth2.h"
#include "secret.h"
#include "url.h"

#define MS_BASE		"https://login.microsoftonline.com/"
#define MS_SCOPE	"https://outlook.office.com/SMTP.Send offline_access"
#define MS_APP_SCOPE	"https://outlook.office365.com/.default"
#define G_TOKEN		"https://oauth2.googleapis.com/token"
#define G_DEVICE	"https://oauth2.googleapis.com/device/code"
#define G_AUTH		"https://accounts.google.com/o/oauth2/v2/auth"
#define G_SCOPE		"https://mail.google.com/"
#define SLOW_DOWN	5	/* RFC 8628 3.5: add 5 s to the interval */

int
oauth2_enabled(const struct account *a)
{
	return a->oauth2_provider != NULL;
}

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* the grant the account uses */
static const char *
grant_of(const struct account *a)
{
	if (a->oauth2_grant != NULL)
		return a->oauth2_grant;
	if (is(a->oauth2_provider, "microsoft"))
		return "device";
	if (is(a->oauth2_provider, "google"))
		return "code";
	return a->oauth2_device_url != NULL ? "device" : "code";
}

static int
missing(const struct account *a, struct err *e, const char *what)
{
	return err_set(e, EX_CONFIG, "account '%s' (%s:%d): %s", a->name,
	    a->file ? a->file : "?", a->line, what);
}

int
oauth2_check(const struct account *a, struct err *e)
{
	const char *g = grant_of(a);
	int gen = is(a->oauth2_provider, "generic");

	if (!oauth2_enabled(a))
		return 0;
	if (a->oauth2_client_id == NULL)
		return missing(a, e, "oauth2_provider needs oauth2_client_id "
		    "(the ID of the application registered with the provider)");
	if (gen && a->oauth2_token_url == NULL)
		return missing(a, e, "oauth2_provider generic needs "
		    "oauth2_token_url");
	if (gen && is(g, "device") && a->oauth2_device_url == NULL)
		return missing(a, e, "oauth2_grant device needs "
		    "oauth2_device_url");
	if (gen && is(g, "code") && a->oauth2_auth_url == NULL)
		return missing(a, e, "oauth2_grant code needs oauth2_auth_url "
		    "(or set oauth2_device_url for the device grant)");
	if (is(g, "client_credentials") && a->oauth2_client_secret == NULL &&
	    a->oauth2_client_secreteval == NULL)
		return missing(a, e, "oauth2_grant client_credentials needs "
		    "oauth2_client_secret or oauth2_client_secreteval");
	if (a->auth != NULL && (strcasecmp(a->auth, "plain") == 0 ||
	    strcasecmp(a->auth, "login") == 0 ||
	    strcasecmp(a->auth, "off") == 0))
		return missing(a, e, "oauth2_provider is set: auth must be on, "
		    "xoauth2 or oauthbearer");
	return 0;
}

static char *
pick(const char *set, const char *preset)
{
	return set != NULL ? xstrdup(set) : preset != NULL ?
	    xstrdup(preset) : NULL;
}

static void
presets(const struct account *a, struct oauth2 *o)
{
	const char *t = a->oauth2_tenant ? a->oauth2_tenant : "common";
	char *tok = NULL, *dev = NULL, *auth = NULL;

	if (is(a->oauth2_provider, "microsoft")) {
		xasprintf(&tok, MS_BASE "%s/oauth2/v2.0/token", t);
		xasprintf(&dev, MS_BASE "%s/oauth2/v2.0/devicecode", t);
		xasprintf(&auth, MS_BASE "%s/oauth2/v2.0/authorize", t);
		o->scope = pick(a->oauth2_scope, is(o->grant,
		    "client_credentials") ? MS_APP_SCOPE : MS_SCOPE);
	} else if (is(a->oauth2_provider, "google")) {
		tok = xstrdup(G_TOKEN);
		dev = xstrdup(G_DEVICE);
		auth = xstrdup(G_AUTH);
		o->scope = pick(a->oauth2_scope, G_SCOPE);
	} else
		o->scope = pick(a->oauth2_scope, "");
	o->token_url = pick(a->oauth2_token_url, tok);
	o->device_url = pick(a->oauth2_device_url, dev);
	o->auth_url = pick(a->oauth2_auth_url, auth);
	free(tok);
	free(dev);
	free(auth);
}

int
oauth2_setup(const struct account *a, struct oauth2 *o, struct err *e)
{
	memset(o, 0, sizeof(*o));
	if (oauth2_check(a, e) == -1)
		return -1;
	o->name = a->name;
	o->provider = a->oauth2_provider;
	o->grant = grant_of(a);
	o->client_id = a->oauth2_client_id;
	o->trust_file = a->oauth2_trust_file;
	o->timeout_ms = a->timeout > 0 ? a->timeout * 1000 :
	    LIMIT_TIMEOUT_DEFAULT;
	o->redirect_port = a->oauth2_redirect_port;
	presets(a, o);
	if (a->oauth2_client_secret != NULL)
		o->client_secret = xstrdup(a->oauth2_client_secret);
	else if (a->oauth2_client_secreteval != NULL &&
	    secret_eval(NULL, a->oauth2_client_secreteval, &o->client_secret,
	    e) == -1) {
		oauth2_free(o);
		return err_prefix(e, "account '%s': oauth2_client_secreteval",
		    a->name);
	}
	return 0;
}

void
oauth2_free(struct oauth2 *o)
{
	if (o->client_secret != NULL)
		freezero(o->client_secret, strlen(o->client_secret) + 1);
	free(o->scope);
	free(o->token_url);
	free(o->device_url);
	free(o->auth_url);
	memset(o, 0, sizeof(*o));
}

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
	char vd[256] = "", ve[64];

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
	rc = http_post(url, form, o->trust_file, o->timeout_ms, &r, e);
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
