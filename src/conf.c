/* SPDX-License-Identifier: ISC */
/*
 * conf.c - PURE msmtp-compatible configuration parser (contract: conf.h).
 *
 * The buffer is read line by line (LF or CRLF).  A line is blank, a comment
 * (first non-blank character `#`), or `keyword [value]`: the keyword ends at
 * the first blank, the value is the rest of the line with surrounding blanks
 * removed.  A value that begins with `"` must end with `"`; inside, \" and
 * \\ are the only escapes (any other byte, a lone `"` included, is literal),
 * so every msmtp value without those two sequences means the same here.
 *
 * Sections and inheritance, as msmtp does it:
 *  - `defaults` switches to the defaults section; a new account starts as a
 *    copy of the defaults as they are at that point of the file;
 *  - `account NAME : P1, P2` then takes from each parent, in order, the
 *    keywords that parent set itself or took from its own parents (not what
 *    it took from the defaults); parents must be defined earlier;
 *  - keywords before the first `account` or `defaults` form an account
 *    named "default" (msmtp 1.2 compatibility);
 *  - `account default : NAME` is an ordinary account named "default";
 *    conf->default_name records NAME (the first parent).
 * An account's `set` bits are the keywords given in its section, by its
 * parents or by the defaults section: everything account_defaults() must
 * leave alone.
 *
 * Values: empty string values mean "not set" (NULL) like msmtp; `host`,
 * `port` and `timeout` need a value; on/off keywords take on, off or
 * nothing (= on); numbers are decimal.  `~/` is expanded only in file-name
 * values (tls_trust_file, queue_dir, dead_letter); `tls_trust_file system`
 * means the system store and is stored as NULL (with the `set` bit).
 * Control characters (other than tab) are refused in every value except
 * `password`.  Every keyword of msmtp's manual is known; the deprecated
 * ones (auto_from, keepbcc honoured; ntlmdomain, tls_min_dh_prime_bits
 * without effect) add a "FILE:LINE: ..." line to conf->warnings.
 * `undisclosed_recipients on|off` is the old spelling (before msmtp
 * 1.8.29) of `set_to_header undisclosed_recipients|off` (one setting: the
 * later line wins), accepted without a warning as msmtp does.  `eval CMD`
 * lines go through the caller's hook.
 *
 * Every error is EX_CONFIG "FILE:LINE: message"; on error *conf is left
 * empty.  Line copies that may hold a password are wiped before release.
 *
 * This file: the keyword table, sections and inheritance, line reading,
 * eval, conf_format and conf_override.  The value parsers (kw_*, one value
 * -> one field) are in confval.c; what both share is in conf_int.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

#define F(k, st, need, field, fn) \
	{ #field, k, st, need, offsetof(struct account, field), fn }
#define X(name, fn)	{ name, K__COUNT, S_NONE, 0, 0, fn }

/* THE keyword table: name, key, how it is stored, where, parser */
static const struct kw kwtab[] = {
	F(K_HOST, S_STR, 1, host, conf_kw_name),
	F(K_PORT, S_INT, 1, port, conf_kw_num),
	F(K_TLS, S_INT, 0, tls, conf_kw_bool),
	F(K_TLS_STARTTLS, S_INT, 0, tls_starttls, conf_kw_bool),
	F(K_TLS_TRUST_FILE, S_STR, 0, tls_trust_file, conf_kw_path),
	F(K_TLS_FINGERPRINT, S_FPR, 0, tls_fingerprint, conf_kw_fpr),
	F(K_TLS_CERTCHECK, S_INT, 0, tls_certcheck, conf_kw_bool),
	F(K_TLS_PRIORITIES, S_STR, 0, tls_priorities, conf_kw_str),
	F(K_TLS_HOST_OVERRIDE, S_STR, 0, tls_host_override, conf_kw_name),
	F(K_AUTH, S_STR, 0, auth, conf_kw_auth),
	F(K_USER, S_STR, 0, user, conf_kw_str),
	F(K_PASSWORD, S_STR, 0, password, conf_kw_str),
	F(K_PASSWORDEVAL, S_STR, 0, passwordeval, conf_kw_str),
	F(K_FROM, S_STR, 0, from, conf_kw_str),
	F(K_DOMAIN, S_STR, 0, domain, conf_kw_name),
	F(K_TIMEOUT, S_INT, 1, timeout, conf_kw_num),
	F(K_ALLOW_PLAINTEXT_AUTH, S_INT, 0, allow_plaintext_auth, conf_kw_bool),
	F(K_QUEUE_DIR, S_STR, 0, queue_dir, conf_kw_path),
	F(K_DEAD_LETTER, S_STR, 0, dead_letter, conf_kw_path),
	F(K_QUEUE, S_INT, 0, queue, conf_kw_bool),
	F(K_QUEUE_LIFETIME, S_INT, 1, queue_lifetime, conf_kw_dur),
	F(K_QUEUE_BACKOFF_MIN, S_INT, 1, queue_backoff_min, conf_kw_dur),
	F(K_QUEUE_BACKOFF_MAX, S_INT, 1, queue_backoff_max, conf_kw_dur),
	F(K_ALIASES, S_STR, 0, aliases, conf_kw_path),
	F(K_MAILDOMAIN, S_STR, 0, maildomain, conf_kw_name),
	F(K_LOGFILE, S_STR, 0, logfile, conf_kw_path),
	F(K_LOGFILE_TIME_FORMAT, S_STR, 0, logfile_time_format, conf_kw_str),
	F(K_SYSLOG, S_STR, 0, syslog, conf_kw_syslog),
	F(K_DSN_NOTIFY, S_STR, 0, dsn_notify, conf_kw_notify),
	F(K_DSN_RETURN, S_STR, 0, dsn_return, conf_kw_return),
	F(K_FROM_FULL_NAME, S_STR, 0, from_full_name, conf_kw_str),
	F(K_ALLOW_FROM_OVERRIDE, S_INT, 0, allow_from_override, conf_kw_bool),
	F(K_SET_FROM_HEADER, S_INT, 0, set_from_header, conf_kw_tristate),
	F(K_SET_DATE_HEADER, S_INT, 0, set_date_header, conf_kw_tristate),
	F(K_SET_MSGID_HEADER, S_INT, 0, set_msgid_header, conf_kw_tristate),
	F(K_REMOVE_BCC_HEADERS, S_INT, 0, remove_bcc_headers, conf_kw_bool),
	F(K_SET_TO_HEADER, S_INT, 0, set_to_header, conf_kw_to_header),
	F(K_SOCKET, S_STR, 0, socket, conf_kw_path),
	F(K_SOURCE_IP, S_STR, 0, source_ip, conf_kw_ip),
	F(K_PROXY_HOST, S_STR, 0, proxy_host, conf_kw_name),
	F(K_PROXY_PORT, S_INT, 0, proxy_port, conf_kw_num),
	F(K_PROTOCOL, S_STR, 0, protocol, conf_kw_protocol),
	F(K_TLS_CERT_FILE, S_STR, 0, tls_cert_file, conf_kw_path),
	F(K_TLS_KEY_FILE, S_STR, 0, tls_key_file, conf_kw_path),
	F(K_TLS_CRL_FILE, S_STR, 0, tls_crl_file, conf_kw_path),
	F(K_AUTO_FROM, S_INT, 0, auto_from, conf_kw_auto_from),
	F(K_TLS_RESUME, S_INT, 0, tls_resume, conf_kw_bool),
	F(K_PASSWORDEVAL_TIMEOUT, S_INT, 1, passwordeval_timeout, conf_kw_dur),
	F(K_OAUTH2_PROVIDER, S_STR, 1, oauth2_provider, conf_kw_oauth2),
	F(K_OAUTH2_CLIENT_ID, S_STR, 0, oauth2_client_id, conf_kw_str),
	F(K_OAUTH2_CLIENT_SECRET, S_STR, 0, oauth2_client_secret, conf_kw_str),
	F(K_OAUTH2_CLIENT_SECRETEVAL, S_STR, 0, oauth2_client_secreteval,
	    conf_kw_str),
	F(K_OAUTH2_TENANT, S_STR, 0, oauth2_tenant, conf_kw_oauth2),
	F(K_OAUTH2_SCOPE, S_STR, 0, oauth2_scope, conf_kw_str),
	F(K_OAUTH2_TOKEN_URL, S_STR, 0, oauth2_token_url, conf_kw_oauth2),
	F(K_OAUTH2_DEVICE_URL, S_STR, 0, oauth2_device_url, conf_kw_oauth2),
	F(K_OAUTH2_AUTH_URL, S_STR, 0, oauth2_auth_url, conf_kw_oauth2),
	F(K_OAUTH2_GRANT, S_STR, 0, oauth2_grant, conf_kw_oauth2),
	F(K_OAUTH2_TOKEN_FILE, S_STR, 0, oauth2_token_file, conf_kw_path),
	F(K_OAUTH2_TRUST_FILE, S_STR, 0, oauth2_trust_file, conf_kw_path),
	F(K_OAUTH2_REDIRECT_PORT, S_INT, 0, oauth2_redirect_port, conf_kw_num),
	F(K_SUBMIT_ALLOW, S_STR, 1, submit_allow, conf_kw_submit),
	F(K_SUBMIT_RATE, S_STR, 1, submit_rate, conf_kw_submit),
	F(K_SUBMIT_RECEIVED, S_INT, 0, submit_received, conf_kw_bool),
	F(K_ADMIN_ADDRESS, S_STR, 0, admin_address, conf_kw_str),
	F(K_MAILNAME_FILE, S_STR, 0, mailname_file, conf_kw_path),
	/* deprecated msmtp keywords: accepted with a warning */
	X("keepbcc", conf_kw_keepbcc),
	X("undisclosed_recipients", conf_kw_undisclosed),
	X("ntlmdomain", conf_kw_noop),
	X("tls_min_dh_prime_bits", conf_kw_noop),
};

#define NKW	(sizeof(kwtab) / sizeof(kwtab[0]))

int
conf_keys_has(const struct conf_keys *s, enum conf_key k)
{
	return (s->w[k / 64] >> (k % 64)) & 1;
}

void
conf_keys_put(struct conf_keys *s, enum conf_key k, int on)
{
	unsigned long long bit = 1ULL << (k % 64);

	s->w[k / 64] = on ? s->w[k / 64] | bit : s->w[k / 64] & ~bit;
}

void
conf_keys_or(struct conf_keys *dst, const struct conf_keys *src)
{
	size_t i;

	for (i = 0; i < CONF_KEYS_WORDS; i++)
		dst->w[i] |= src->w[i];
}

int
conf_keys_eq(const struct conf_keys *a, const struct conf_keys *b)
{
	return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

static void
copy_field(struct account *dst, const struct account *src,
    const struct kw *k)
{
	switch (k->store) {
	case S_STR:
		conf_set_str(dst, k, *str_field((struct account *)src, k));
		break;
	case S_INT:
		*int_field(dst, k) = *int_field((struct account *)src, k);
		break;
	case S_FPR:
		memcpy(dst->tls_fingerprint, src->tls_fingerprint,
		    sizeof(dst->tls_fingerprint));
		break;
	case S_NONE:
		return;
	}
	conf_keys_put(&dst->set, k->key, conf_keys_has(&src->set, k->key));
}

void
account_copy(struct account *dst, const struct account *src)
{
	size_t i;

	*dst = *src;
	dst->name = src->name ? xstrdup(src->name) : NULL;
	for (i = 0; i < NKW; i++) {
		if (kwtab[i].store == S_STR) {
			char **f = str_field(dst, &kwtab[i]);

			*f = *f ? xstrdup(*f) : NULL;
		}
	}
	if (src->owned_file != NULL) {
		dst->owned_file = xstrdup(src->owned_file);
		if (src->file == src->owned_file)
			dst->file = dst->owned_file;
	}
}

void
account_free(struct account *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < NKW; i++)
		if (kwtab[i].store == S_STR)
			conf_str_release(*str_field(a, &kwtab[i]),
			    conf_key_secret(kwtab[i].key));
	free(a->name);
	free(a->owned_file);
	explicit_bzero(a, sizeof(*a));
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nacct; i++)
		account_free(&c->acct[i]);
	free(c->acct);
	free(c->default_name);
	free(c->warnings);
	memset(c, 0, sizeof(*c));
}

/* ---- lines and sections ---- */

static char *
trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* in place: "..." with \" and \\ escapes; anything else is literal */
static int
unquote(struct ps *p, char *v)
{
	size_t n = strlen(v), i, o = 0;

	if (n == 0 || v[0] != '"')
		return 0;
	for (i = 1; i < n; i++) {
		if (v[i] == '\\' && i + 1 < n && (v[i + 1] == '"' ||
		    v[i + 1] == '\\'))
			v[o++] = v[++i];
		else if (v[i] == '"' && i == n - 1) {
			v[o] = '\0';
			return 0;
		} else
			v[o++] = v[i];
	}
	return conf_perr(p, "unterminated quote");
}

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

long
conf_find(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nacct; i++)
		if (strcmp(c->acct[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* append a copy of the defaults named `name`; returns its index */
static long
new_account(struct ps *p, const char *name)
{
	struct conf *c = p->c;
	struct account *a;

	c->acct = xreallocarray(c->acct, c->nacct + 1, sizeof(*c->acct));
	p->own = xreallocarray(p->own, c->nacct + 1, sizeof(*p->own));
	a = &c->acct[c->nacct];
	account_copy(a, &p->defs);
	free(a->name);
	a->name = xstrdup(name);
	a->file = p->file;
	a->line = p->line;
	memset(&p->own[c->nacct], 0, sizeof(p->own[c->nacct]));
	return (long)c->nacct++;
}

/* take from parent `pi` what it set itself or inherited from parents */
static void
inherit(struct ps *p, long ci, long pi)
{
	struct conf_keys mask = p->own[pi];
	size_t i;

	for (i = 0; i < NKW; i++)
		if (kwtab[i].store != S_NONE &&
		    conf_keys_has(&mask, kwtab[i].key))
			copy_field(&p->c->acct[ci], &p->c->acct[pi], &kwtab[i]);
	conf_keys_or(&p->own[ci], &mask);
}

static int
parse_parents(struct ps *p, long ci, char *list)
{
	char *tok, *next;
	long pi;
	int n = 0;

	for (tok = list; tok != NULL; tok = next) {
		if (++n > LIMIT_ACCOUNTS)
			return conf_perr(p, "too many parent accounts (max %d)",
			    LIMIT_ACCOUNTS);
		if ((next = strchr(tok, ',')) != NULL)
			*next++ = '\0';
		tok = trim(tok);
		if (*tok == '\0')
			return conf_perr(p, "account '%s': missing parent "
			    "account name", vis(p, p->c->acct[ci].name));
		if ((pi = conf_find(p->c, tok)) < 0 || pi == ci)
			return conf_perr(p, "unknown parent account '%s'",
			    vis(p, tok));
		if (n == 1 && strcmp(p->c->acct[ci].name, "default") == 0) {
			free(p->c->default_name);
			p->c->default_name = xstrdup(tok);
		}
		inherit(p, ci, pi);
	}
	return 0;
}

static int
do_account(struct ps *p, char *v)
{
	char *name, *parents = strchr(v, ':');
	long ci;

	if (parents != NULL)
		*parents++ = '\0';
	name = trim(v);
	if (*name == '\0')
		return conf_perr(p, "keyword 'account' needs an account name");
	if (strchr(name, ',') != NULL)
		return conf_perr(p,
		    "account name '%s' must not contain ',' or ':'",
		    vis(p, name));
	if (conf_find(p->c, name) >= 0)
		return conf_perr(p, "account '%s' defined twice",
		    vis(p, name));
	if (p->c->nacct >= LIMIT_ACCOUNTS)
		return conf_perr(p, "too many accounts (max %d)",
		    LIMIT_ACCOUNTS);
	ci = new_account(p, name);
	p->cur = ci;
	if (parents == NULL)
		return 0;
	return parse_parents(p, ci, parents);
}

static int
do_keyword(struct ps *p, const char *kwd, const char *v)
{
	const struct kw *k = NULL;
	struct account *a;
	size_t i;

	for (i = 0; i < NKW && k == NULL; i++)
		if (strcmp(kwtab[i].name, kwd) == 0)
			k = &kwtab[i];
	if (k == NULL)
		return conf_perr(p, "unknown keyword '%s'", vis(p, kwd));
	if (strlen(v) > LIMIT_CONF_VALUE)
		return conf_perr(p, "value of '%s' is too long (max %d bytes)",
		    k->name, LIMIT_CONF_VALUE);
	if (k->need && *v == '\0')
		return conf_perr(p, "keyword '%s' needs a value", k->name);
	if (!conf_key_secret(k->key) && has_ctl(v))
		return conf_perr(p, "control character in the value of '%s'",
		    k->name);
	if (p->cur == CUR_NONE)			/* msmtp 1.2 compatibility */
		p->cur = new_account(p, "default");
	a = p->cur == CUR_DEFAULTS ? &p->defs : &p->c->acct[p->cur];
	if (k->key != K__COUNT) {
		conf_keys_put(&a->set, k->key, 1);
		if (p->cur >= 0)
			conf_keys_put(&p->own[p->cur], k->key, 1);
	}
	if (k->parse(p, k, a, v) == -1)
		return -1;
	if (k->key == K_PASSWORD && a->password != NULL)
		p->c->has_password = 1;
	return 0;
}

/* one keyword's value as text for conf_format (buf for numbers) */
static const char *
show_value(const struct account *a, const struct kw *k, char *buf,
    size_t sz)
{
	const unsigned char *fp = a->tls_fingerprint;
	size_t i;
	int n;

	switch (k->store) {
	case S_STR: {
		const char *v = *str_field((struct account *)a, k);

		if (v != NULL && conf_key_secret(k->key))
			return "***";
		/* what NULL means for these two (as msmtp -P shows them) */
		if (v == NULL && (k->key == K_TLS_TRUST_FILE ||
		    k->key == K_OAUTH2_TRUST_FILE))
			return "system";
		if (v == NULL && k->key == K_PROTOCOL)
			return "smtp";
		return v != NULL ? v : "(not set)";
	}
	case S_INT:
		n = *int_field((struct account *)a, k);
		if (k->parse == conf_kw_bool || k->parse == conf_kw_auto_from)
			return n ? "on" : "off";
		if (k->parse == conf_kw_tristate)
			return n == 1 ? "on" : n == 2 ? "off" : "auto";
		if (k->parse == conf_kw_to_header)
			return n == 1 ? "on" : n == 2 ?
			    "undisclosed_recipients" : "off";
		if (n == 0)
			return k->key == K_TIMEOUT ? "off" : "(not set)";
		snprintf(buf, sz, "%d", n);
		return buf;
	case S_FPR:
		if (!conf_keys_has(&a->set, K_TLS_FINGERPRINT))
			return "(not set)";
		for (i = 0; i < 32 && 3 * i + 3 <= sz; i++)
			snprintf(buf + (i ? 3 * i - 1 : 0),
			    sz - (i ? 3 * i - 1 : 0), "%s%02X", i ? ":" : "",
			    fp[i]);
		return buf;
	case S_NONE:
		break;
	}
	return "";
}

char *
conf_format(const struct account *a)
{
	char *out = NULL, *line, buf[LIMIT_QUOTE_SHORT];
	size_t i;

	xasprintf(&out, "%-22s %s\n", "account", a->name ? a->name : "?");
	for (i = 0; i < NKW; i++) {
		const struct kw *k = &kwtab[i];
		char *old = out;

		if (k->store == S_NONE)
			continue;
		xasprintf(&line, "%-22s %s\n", k->name,
		    show_value(a, k, buf, sizeof(buf)));
		xasprintf(&out, "%s%s", old, line);
		free(old);
		free(line);
	}
	return out;
}

int
conf_override(struct account *a, const char *kw, const char *value,
    const char *home, struct err *e)
{
	struct conf c;
	struct ps p;
	char msg[LIMIT_ERR_MSG];
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&p, 0, sizeof(p));
	p.file = "";
	p.home = home;
	p.c = &c;
	p.e = e;
	p.cur = CUR_DEFAULTS;
	p.defs = *a;
	rc = do_keyword(&p, kw, value);
	*a = p.defs;
	free(c.warnings);
	if (rc == -1) {			/* drop the ":0: " of "FILE:LINE: " */
		strlcpy(msg, e->msg + strlen(":0: "), sizeof(msg));
		err_set(e, EX_USAGE, "%s", msg);
	}
	return rc;
}

static int do_line(struct ps *, char *, int);

/* eval CMD: the first line of CMD's output is parsed in place of this one */
static int
do_eval(struct ps *p, const char *cmd)
{
	char *out = NULL;
	int rc;

	if (p->eval == NULL)
		return conf_perr(p, "keyword 'eval' is not available here");
	if (*cmd == '\0')
		return conf_perr(p, "keyword 'eval' needs a command");
	if (p->eval(p->ctx, cmd, &out, p->e) == -1) {
		rc = p->e->code;	/* kept: a timeout is EX_TEMPFAIL */
		conf_perr(p, "%s", p->e->msg);
		p->e->code = rc;
		return -1;
	}
	if (strchr(out, '\n') != NULL || strchr(out, '\r') != NULL)
		rc = conf_perr(p,
		    "eval: the command's output must be one line");
	else
		rc = do_line(p, out, 0);
	freezero(out, strlen(out) + 1);
	return rc;
}

static int
do_line(struct ps *p, char *line, int may_eval)
{
	char *kwd, *v;

	kwd = line + strspn(line, " \t");
	if (*kwd == '\0' || *kwd == '#')
		return 0;
	v = kwd + strcspn(kwd, " \t");
	if (*v != '\0')
		*v++ = '\0';
	v = trim(v);
	if (unquote(p, v) == -1)
		return -1;
	if (strcmp(kwd, "defaults") == 0) {
		if (*v != '\0')
			return conf_perr(p,
			    "keyword 'defaults' takes no value");
		p->cur = CUR_DEFAULTS;
		return 0;
	}
	if (strcmp(kwd, "eval") == 0) {
		if (!may_eval)
			return conf_perr(p, "eval: the command printed another "
			    "'eval' line");
		return do_eval(p, v);
	}
	if (strcmp(kwd, "account") == 0) {
		if (has_ctl(v))
			return conf_perr(p, "control character in the value of "
			    "'account'");
		return do_account(p, v);
	}
	return do_keyword(p, kwd, v);
}

int
conf_parse(const char *buf, size_t len, const char *file, const char *home,
    conf_eval_fn eval, void *ctx, struct conf *c, struct err *e)
{
	const char *s = buf, *end = buf + len, *nl;
	struct ps p;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	p.file = file;
	p.home = home;
	p.c = c;
	p.cur = CUR_NONE;
	p.e = e;
	p.eval = eval;
	p.ctx = ctx;
	while (s < end && rc == 0) {
		size_t n;
		char *line;

		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		p.line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (memchr(s, '\0', n) != NULL) {
			rc = conf_perr(&p, "NUL byte in line");
			break;
		}
		line = xstrndup(s, n);
		rc = do_line(&p, line, 1);
		freezero(line, n + 1);
		s = nl ? nl + 1 : end;
	}
	account_free(&p.defs);
	free(p.own);
	if (rc == -1)
		conf_free(c);
	return rc;
}
