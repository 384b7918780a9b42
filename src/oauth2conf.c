/* SPDX-License-Identifier: ISC */
/*
 * oauth2conf.c - the OAuth2 half that needs no network (contract:
 * oauth2.h): provider presets, the account checks, oauth2_setup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oauth2.h"
#include "secret.h"

#define MS_BASE		"https://login.microsoftonline.com/"
#define MS_SCOPE	"https://outlook.office.com/SMTP.Send offline_access"
#define MS_APP_SCOPE	"https://outlook.office365.com/.default"
#define G_TOKEN		"https://oauth2.googleapis.com/token"
#define G_DEVICE	"https://oauth2.googleapis.com/device/code"
#define G_AUTH		"https://accounts.google.com/o/oauth2/v2/auth"
#define G_SCOPE		"https://mail.google.com/"

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
	if (a->user == NULL)
		return missing(a, e, "oauth2_provider needs user (the "
		    "mailbox's address, sent with the token)");
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
	o->acct = a;
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
	    secret_run("oauth2_client_secreteval",
	    a->oauth2_client_secreteval, a->passwordeval_timeout,
	    &o->client_secret, e) == -1) {
		oauth2_free(o);
		return err_prefix(e, "account '%s'", a->name);
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

