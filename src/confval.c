/* SPDX-License-Identifier: ISC */
/*
 * confval.c - PURE value parsers of the msmtprc parser (contract: conf.h;
 * shared internals: conf_int.h).
 *
 * One kw_* per kind of value: each checks one keyword's value and stores it
 * in its field of struct account (the keyword table in conf.c says which
 * field and which parser).  Errors are EX_CONFIG "FILE:LINE: message" via
 * conf_perr(); deprecated keywords append "FILE:LINE: ..." lines to
 * conf->warnings.  No I/O.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "conf_int.h"
#include "subpolicy.h"
#include "url.h"

#define MAX_TIMEOUT	(INT_MAX / 1000) /* seconds; ms must fit an int */

int
conf_perr(struct ps *p, const char *fmt, ...)
{
	char msg[LIMIT_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(p->e, EX_CONFIG, "%s:%d: %s", p->file, p->line, msg);
}

void
conf_str_release(char *s, int secret)
{
	if (s != NULL && secret)
		freezero(s, strlen(s) + 1);
	else
		free(s);
}

/* replace a string field; NULL or "" -> NULL */
void
conf_set_str(struct account *a, const struct kw *k, const char *v)
{
	char **f = str_field(a, k);

	conf_str_release(*f, conf_key_secret(k->key));
	*f = (v != NULL && *v != '\0') ? xstrdup(v) : NULL;
}

/* ---- value parsers (one per kind of value) ---- */

int
conf_kw_str(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	(void)p;
	conf_set_str(a, k, v);
	return 0;
}

int
conf_kw_name(struct ps *p, const struct kw *k, struct account *a, const char *v)
{

	if (strlen(v) > LIMIT_DOMAIN)
		return conf_perr(p,
		    "value of '%s' is too long: '%s' (max %d bytes)",
		    k->name, vis(p, v), LIMIT_DOMAIN);
	conf_set_str(a, k, v);
	return 0;
}

/* file names: ~/ expanded; also `tls_trust_file system`, `dead_letter off`,
   `mailname_file off` */
int
conf_kw_path(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	char *x;

	if ((k->key == K_TLS_TRUST_FILE || k->key == K_OAUTH2_TRUST_FILE) &&
	    strcmp(v, "system") == 0)
		v = NULL;
	if (v == NULL || v[0] != '~' ||
	    ((k->key == K_DEAD_LETTER || k->key == K_MAILNAME_FILE) &&
	    strcmp(v, "off") == 0)) {
		conf_set_str(a, k, v);
		return 0;
	}
	if (v[1] != '/' && v[1] != '\0')
		return conf_perr(p, "cannot expand '%s': only ~/ is supported",
		    vis(p, v));
	if (p->home == NULL || *p->home == '\0')
		return conf_perr(p, "cannot expand '%s': no home directory",
		    vis(p, v));
	xasprintf(&x, "%s%s", p->home, v + 1);
	conf_set_str(a, k, x);
	free(x);
	return 0;
}

int
conf_kw_bool(struct ps *p, const struct kw *k, struct account *a, const char *v)
{

	if (*v == '\0' || strcasecmp(v, "on") == 0)
		*int_field(a, k) = 1;
	else if (strcasecmp(v, "off") == 0)
		*int_field(a, k) = 0;
	else
		return conf_perr(p, "keyword '%s' expects on or off, got '%s'",
		    k->name, vis(p, v));
	return 0;
}

/* decimal digits only, in lo..hi; else -1 */
static long long
number(const char *v, long long lo, long long hi)
{
	const char *es = NULL;
	long long n;

	if (v[strspn(v, "0123456789")] != '\0')
		return -1;
	n = strtonum(v, lo, hi, &es);
	return es != NULL ? -1 : n;
}

/* port 1-65535; timeout seconds or off (= 0) */
int
conf_kw_num(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	long long n = 0;

	if (k->key == K_PROXY_PORT && *v == '\0')
		n = 0;				/* empty: the default, 1080 */
	else if (k->key == K_PORT || k->key == K_PROXY_PORT ||
	    k->key == K_OAUTH2_REDIRECT_PORT) {
		if ((n = number(v, 1, 65535)) < 0)
			return conf_perr(p,
			    "invalid port '%s' (expected 1-65535)",
			    vis(p, v));
	} else if (strcasecmp(v, "off") != 0 &&
	    (n = number(v, 1, MAX_TIMEOUT)) < 0)
		return conf_perr(p, "invalid timeout '%s' (expected seconds "
		    "1-%d or off)", vis(p, v), MAX_TIMEOUT);
	*int_field(a, k) = (int)n;
	return 0;
}

/* queue_lifetime, queue_backoff_*: N, Ns, Nm, Nh or Nd */
int
conf_kw_dur(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	static const char suf[] = "smhd";
	static const long long mul[] = { 1, 60, 3600, 86400 };
	char num[32];
	size_t n = strlen(v);
	long long x, m = 1;
	const char *q;

	if (n > 0 && (q = strchr(suf, v[n - 1])) != NULL) {
		m = mul[q - suf];
		n--;
	}
	if (n == 0 || n >= sizeof(num))
		x = -1;
	else {
		memcpy(num, v, n);
		num[n] = '\0';
		x = number(num, 1, LIMIT_QUEUE_MAX_DURATION);
	}
	if (x < 0 || x * m > LIMIT_QUEUE_MAX_DURATION)
		return conf_perr(p, "invalid duration '%s' for '%s' (expected "
		    "seconds, or a number with s, m, h or d; at most 365d)",
		    vis(p, v), k->name);
	*int_field(a, k) = (int)(x * m);
	return 0;
}

static int
hexval(char c)
{
	static const char hex[] = "0123456789abcdef";
	const char *q = c != '\0' ? strchr(hex, tolower((unsigned char)c)) :
	    NULL;

	return q != NULL ? (int)(q - hex) : -1;
}

/* 32 hex pairs, optionally separated by single colons */
int
conf_kw_fpr(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	unsigned char fp[32];
	const char *s = v;
	size_t i;

	if (*v == '\0') {			/* empty: no pinning */
		conf_keys_put(&a->set, k->key, 0);
		memset(a->tls_fingerprint, 0, sizeof(a->tls_fingerprint));
		return 0;
	}
	for (i = 0; i < sizeof(fp); i++) {
		int hi, lo;

		if (i > 0 && *s == ':')
			s++;
		if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
			break;
		fp[i] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	if (i < sizeof(fp) || *s != '\0')
		return conf_perr(p, "invalid tls_fingerprint '%s' (expected "
		    "SHA-256: 64 hex digits, colons allowed)", vis(p, v));
	memcpy(a->tls_fingerprint, fp, sizeof(fp));
	return 0;
}

int
conf_kw_auth(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	static const char *const ok[] = { "on", "off", "plain", "login",
	    "scram-sha-256", "scram-sha-1", "scram-sha-256-plus",
	    "scram-sha-1-plus", "xoauth2", "oauthbearer", "external",
	    "cram-md5" };
	static const struct { const char *name, *instead; } no[] = {
		{ "gssapi", "Kerberos is not supported; use scram-sha-256 or "
		    "plain over TLS" },
		{ "ntlm", "NTLM is not supported; use xoauth2 (Microsoft 365) "
		    "or plain over TLS" },
		{ "digest-md5", "DIGEST-MD5 is obsolete (RFC 6331); use "
		    "scram-sha-256, or cram-md5 for an old server" },
	};
	size_t i;

	if (*v == '\0')
		v = "on";
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (strcasecmp(v, ok[i]) == 0) {
			conf_set_str(a, k, ok[i]);
			return 0;
		}
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(v, no[i].name) == 0)
			return conf_perr(p, "auth %s: %s", no[i].name,
			    no[i].instead);
	return conf_perr(p, "keyword 'auth' expects on, off, plain, login, "
	    "scram-sha-256[-plus], scram-sha-1[-plus], xoauth2, oauthbearer, "
	    "external or cram-md5, got '%s'", vis(p, v));
}

/* the facility names msmtp knows; maillog.c opens syslog with the value */
int
conf_syslog_facility(const char *v)
{
	static const struct { const char *name; int fac; } f[] = {
		{ "on", LOG_USER }, { "LOG_USER", LOG_USER },
		{ "LOG_MAIL", LOG_MAIL }, { "LOG_LOCAL0", LOG_LOCAL0 },
		{ "LOG_LOCAL1", LOG_LOCAL1 }, { "LOG_LOCAL2", LOG_LOCAL2 },
		{ "LOG_LOCAL3", LOG_LOCAL3 }, { "LOG_LOCAL4", LOG_LOCAL4 },
		{ "LOG_LOCAL5", LOG_LOCAL5 }, { "LOG_LOCAL6", LOG_LOCAL6 },
		{ "LOG_LOCAL7", LOG_LOCAL7 },
	};
	size_t i;

	if (v == NULL || *v == '\0')
		return LOG_USER;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(f[i].name, v) == 0)
			return f[i].fac;
	return -1;
}

/* one "FILE:LINE: ..." line appended to conf->warnings */
static void
warn(struct ps *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warn(struct ps *p, const char *fmt, ...)
{
	char msg[LIMIT_ERR_MSG], *old = p->c->warnings;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xasprintf(&p->c->warnings, "%s%s:%d: %s\n", old ? old : "", p->file,
	    p->line, msg);
	free(old);
}

/* accepted for old msmtp files; no effect here (the warning says why) */
int
conf_kw_noop(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	(void)a; (void)v;
	if (strcmp(k->name, "tls_min_dh_prime_bits") == 0)
		warn(p, "keyword '%s' is deprecated and has no effect (use "
		    "tls_priorities)", k->name);
	else
		warn(p, "keyword '%s' is obsolete and has no effect in smtps",
		    k->name);
	return 0;
}

/* keepbcc (old msmtp): the opposite of remove_bcc_headers */
int
conf_kw_keepbcc(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	(void)k;
	if (*v != '\0' && strcasecmp(v, "on") != 0 && strcasecmp(v, "off") != 0)
		return conf_perr(p,
		    "keyword 'keepbcc' expects on or off, got '%s'",
		    vis(p, v));
	a->remove_bcc_headers = strcasecmp(v, "off") == 0;
	conf_keys_put(&a->set, K_REMOVE_BCC_HEADERS, 1);
	if (p->cur >= 0)
		conf_keys_put(&p->own[p->cur], K_REMOVE_BCC_HEADERS, 1);
	warn(p, "keyword 'keepbcc' is deprecated (use remove_bcc_headers %s)",
	    a->remove_bcc_headers ? "on" : "off");
	return 0;
}

/* auto_from (deprecated in msmtp, still honoured): on/off */
int
conf_kw_auto_from(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	if (conf_kw_bool(p, k, a, v) == -1)
		return -1;
	warn(p, "keyword 'auto_from' is deprecated (use from %%U@DOMAIN)");
	return 0;
}

/* source_ip: a numeric IPv4 or IPv6 address, or empty (none) */
int
conf_kw_ip(struct ps *p, const struct kw *k, struct account *a, const char *v)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (*v != '\0' && inet_pton(AF_INET, v, buf) != 1 &&
	    inet_pton(AF_INET6, v, buf) != 1)
		return conf_perr(p,
		    "keyword '%s' expects a numeric IPv4 or IPv6 "
		    "address, got '%s'", k->name, vis(p, v));
	conf_set_str(a, k, v);
	return 0;
}

/* protocol: smtp or lmtp */
int
conf_kw_protocol(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	if (*v == '\0' || strcasecmp(v, "smtp") == 0)
		v = "smtp";
	else if (strcasecmp(v, "lmtp") == 0)
		v = "lmtp";
	else
		return conf_perr(p,
		    "keyword 'protocol' expects smtp or lmtp, got "
		    "'%s'", vis(p, v));
	conf_set_str(a, k, v);
	return 0;
}

/* set_to_header: off (0, the default), on (1), undisclosed_recipients (2) */
int
conf_kw_to_header(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	if (*v == '\0' || strcasecmp(v, "on") == 0)
		*int_field(a, k) = 1;
	else if (strcasecmp(v, "off") == 0)
		*int_field(a, k) = 0;
	else if (strcasecmp(v, "undisclosed_recipients") == 0)
		*int_field(a, k) = 2;
	else
		return conf_perr(p, "keyword '%s' expects on, off or "
		    "undisclosed_recipients, got '%s'", k->name, vis(p, v));
	return 0;
}

/*
 * undisclosed_recipients on|off: msmtp's spelling before 1.8.29 of
 * set_to_header undisclosed_recipients|off (the same setting)
 */
int
conf_kw_undisclosed(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	(void)k;
	if (*v == '\0' || strcasecmp(v, "on") == 0)
		a->set_to_header = 2;
	else if (strcasecmp(v, "off") == 0)
		a->set_to_header = 0;
	else
		return conf_perr(p, "keyword 'undisclosed_recipients' expects "
		    "on or off, got '%s'", vis(p, v));
	conf_keys_put(&a->set, K_SET_TO_HEADER, 1);
	if (p->cur >= 0)
		conf_keys_put(&p->own[p->cur], K_SET_TO_HEADER, 1);
	return 0;
}

/* set_*_header: auto (0), on (1; From only), off (2) */
int
conf_kw_tristate(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	int on_ok = k->key == K_SET_FROM_HEADER;

	if (*v == '\0' || strcasecmp(v, "auto") == 0)
		*int_field(a, k) = 0;
	else if (on_ok && strcasecmp(v, "on") == 0)
		*int_field(a, k) = 1;
	else if (strcasecmp(v, "off") == 0)
		*int_field(a, k) = 2;
	else
		return conf_perr(p,
		    "keyword '%s' expects auto%s or off, got '%s'",
		    k->name, on_ok ? ", on" : "", vis(p, v));
	return 0;
}

/* syslog: on (LOG_USER), off, or a facility name */
int
conf_kw_syslog(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	if (strcasecmp(v, "off") == 0)
		v = NULL;
	else if (*v == '\0' || strcasecmp(v, "on") == 0)
		v = "LOG_USER";
	else if (conf_syslog_facility(v) < 0)
		return conf_perr(p,
		    "keyword 'syslog' expects on, off, LOG_USER, "
		    "LOG_MAIL or LOG_LOCAL0..7, got '%s'", vis(p, v));
	conf_set_str(a, k, v);
	return 0;
}

/* dsn_notify: off, never, or success,failure,delay in any order */
int
conf_kw_notify(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	char up[64];
	size_t i, n = strlen(v);
	int never = 0, other = 0;
	const char *w;

	if (*v == '\0' || strcasecmp(v, "off") == 0) {
		conf_set_str(a, k, NULL);
		return 0;
	}
	for (i = 0; i < n && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)v[i]);
	up[i] = '\0';
	for (w = up; n < sizeof(up) && *w != '\0'; w += strcspn(w, ",")) {
		size_t l = strcspn(w += *w == ',', ",");

		if (l == 5 && strncmp(w, "NEVER", l) == 0)
			never++;
		else if ((l == 7 && strncmp(w, "SUCCESS", l) == 0) ||
		    (l == 7 && strncmp(w, "FAILURE", l) == 0) ||
		    (l == 5 && strncmp(w, "DELAY", l) == 0))
			other++;
		else
			break;
	}
	if (n >= sizeof(up) || *w != '\0' || never + other == 0 ||
	    (never && (never > 1 || other)))
		return conf_perr(p,
		    "keyword 'dsn_notify' expects off, never, or "
		    "a comma list of success, failure, delay; got '%s'",
		    vis(p, v));
	conf_set_str(a, k, up);
	return 0;
}

/* dsn_return: off, headers, full */
int
conf_kw_return(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	if (*v == '\0' || strcasecmp(v, "off") == 0)
		v = NULL;
	else if (strcasecmp(v, "headers") == 0 || strcasecmp(v, "hdrs") == 0)
		v = "HDRS";
	else if (strcasecmp(v, "full") == 0)
		v = "FULL";
	else
		return conf_perr(p,
		    "keyword 'dsn_return' expects off, headers or "
		    "full, got '%s'", vis(p, v));
	conf_set_str(a, k, v);
	return 0;
}

/* one of a list of words (stored as the list spells it) */
static int
one_of(struct ps *p, const struct kw *k, struct account *a, const char *v,
    const char *const *ok, const char *expect)
{
	for (; *ok != NULL; ok++) {
		if (strcasecmp(v, *ok) == 0) {
			conf_set_str(a, k, *ok);
			return 0;
		}
	}
	return conf_perr(p, "keyword '%s' expects %s, got '%s'", k->name,
	    expect, vis(p, v));
}

/* oauth2_provider, oauth2_grant, oauth2_tenant, oauth2_*_url */
int
conf_kw_oauth2(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	static const char *const prov[] = { "microsoft", "google", "generic",
	    NULL };
	static const char *const grant[] = { "device", "code",
	    "client_credentials", NULL };
	struct err ue;
	struct url u;

	if (*v == '\0' && k->key != K_OAUTH2_PROVIDER) {
		conf_set_str(a, k, NULL);
		return 0;
	}
	if (k->key == K_OAUTH2_PROVIDER)
		return one_of(p, k, a, v, prov, "microsoft, google or generic");
	if (k->key == K_OAUTH2_GRANT)
		return one_of(p, k, a, v, grant, "device, code or "
		    "client_credentials");
	if (k->key == K_OAUTH2_TENANT) {
		if (strlen(v) > LIMIT_DOMAIN || v[strspn(v, "abcdefghijklmnop"
		    "qrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")] !=
		    '\0')
			return conf_perr(p, "invalid oauth2_tenant '%s' "
			    "(expected a tenant ID or domain: letters, digits, "
			    "'.', '-')", vis(p, v));
		conf_set_str(a, k, v);
		return 0;
	}
	err_clear(&ue);
	if (url_parse(v, 0, &u, &ue) == -1)
		return conf_perr(p, "invalid %s '%s': %s", k->name, vis(p, v),
		    ue.msg + strlen("URL: "));
	conf_set_str(a, k, v);
	return 0;
}

/* submit_allow (users, @groups, *), submit_rate (N/DURATION or off) */
int
conf_kw_submit(struct ps *p, const struct kw *k, struct account *a,
    const char *v)
{
	struct err se;
	int max, period;

	err_clear(&se);
	if (k->key == K_SUBMIT_ALLOW ? subpolicy_allow_check(v, &se) :
	    subpolicy_rate_parse(v, &max, &period, &se))
		return conf_perr(p, "%s", se.msg);
	conf_set_str(a, k, v);
	return 0;
}
