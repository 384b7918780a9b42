/* SPDX-License-Identifier: ISC */
/*
 * account.c - find, read and check the config file, choose the account,
 * apply the secure defaults once, validate (contract: account.h).
 *
 * File: -C FILE only FILE; else the user file ($XDG_CONFIG_HOME/smtps/mailrc
 * when XDG_CONFIG_HOME is an absolute path, else ~/.config/smtps/mailrc),
 * then SMTPS_SYSTEM_CONF (/etc/smtps/mailrc); the first that exists is read
 * and no other.  None: EX_CONFIG "no configuration file: tried A, B".  The
 * file must be a regular file of at most LIMIT_CONF_FILE bytes; its buffer
 * is wiped after parsing (it may hold passwords).  A file that sets a
 * password and is readable by others, or by a group, is refused, checked
 * on the open descriptor (no race with a rename); a root-owned file may be
 * read by a group of at most one account (0640 root:smtps).
 *
 * Home directory: $HOME, else the password database.  Queue directory when
 * not configured: $XDG_STATE_HOME/smtps/queue when XDG_STATE_HOME is
 * absolute, else account_defaults' ~/.local/state/smtps/queue.
 *
 * Account choice (account.h): -a; `from` equal to the envelope sender
 * (case-insensitive, <> around it ignored, first in file order); the account
 * named "default" (which is what `account default : NAME` defines, see
 * conf.c); the first account.
 *
 * Defaults: with `tls off` (explicit, or by default for a loopback host or
 * a `socket`) tls_starttls is forced to 0 so no consumer can start TLS
 * half-way.  `proxy_host` without `proxy_port` gets LIMIT_SOCKS_PORT.
 * Validation: `host` is required unless `socket` is set; `socket` with TLS
 * needs `tls_host_override` or `host` (the name the certificate must have).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fnmatch.h>
#include <netdb.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fspath.h"
#include "account.h"
#include "oauth2.h"
#include "path.h"
#include "secret.h"

#ifndef SMTPS_SYSTEM_CONF
#define SMTPS_SYSTEM_CONF	"/etc/smtps/mailrc"
#endif

int
account_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (host == NULL)
		return 0;
	if (strcasecmp(host, "localhost") == 0 ||
	    strcasecmp(host, "localhost.") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&a6))
			return a6.s6_addr[12] == 127;
	}
	return 0;
}

/* auth unset: sign in when there is a user to sign in as */
static const char *
auth_default(const struct account *a)
{
	return a->user != NULL ? "on" : "off";
}

int
account_auth_on(const struct account *a)
{
	const char *auth = a->auth != NULL ? a->auth : auth_default(a);

	return a->user != NULL && strcasecmp(auth, "off") != 0;
}

void
account_defaults(struct account *a, const char *home)
{
	/* LMTP: the IANA "lmtp" port (msmtp asks the services database) */
	if (a->port == 0 && a->protocol != NULL &&
	    strcmp(a->protocol, "lmtp") == 0)
		a->port = 24;
	if (!(conf_keys_has(&a->set, K_TLS)))
		a->tls = a->socket == NULL &&
		    !account_host_is_loopback(a->host);
	if (!a->tls)
		a->tls_starttls = 0;
	else if (!(conf_keys_has(&a->set, K_TLS_STARTTLS)))
		a->tls_starttls = a->port != 0 && a->port != 465;
	if (a->port == 0)
		a->port = !a->tls ? 25 : a->tls_starttls ? 587 : 465;
	if (a->proxy_host != NULL && a->proxy_port == 0)
		a->proxy_port = LIMIT_SOCKS_PORT;
	if (!(conf_keys_has(&a->set, K_TLS_CERTCHECK)))
		a->tls_certcheck = 1;
	if (a->auth == NULL)
		a->auth = xstrdup(auth_default(a));
	if (!(conf_keys_has(&a->set, K_QUEUE)))
		a->queue = 1;
	if (!(conf_keys_has(&a->set, K_ALLOW_FROM_OVERRIDE)))
		a->allow_from_override = 1;
	if (!(conf_keys_has(&a->set, K_SUBMIT_RECEIVED)))
		a->submit_received = 1;
	if (!(conf_keys_has(&a->set, K_REMOVE_BCC_HEADERS)))
		a->remove_bcc_headers = 1;
	if (!(conf_keys_has(&a->set, K_PASSWORDEVAL_TIMEOUT)))
		a->passwordeval_timeout = LIMIT_SECRET_CMD_TIMEOUT;
	if (!(conf_keys_has(&a->set, K_QUEUE_LIFETIME)))
		a->queue_lifetime = LIMIT_QUEUE_LIFETIME;
	if (!(conf_keys_has(&a->set, K_QUEUE_BACKOFF_MIN)))
		a->queue_backoff_min = LIMIT_QUEUE_BACKOFF_MIN;
	if (!(conf_keys_has(&a->set, K_QUEUE_BACKOFF_MAX)))
		a->queue_backoff_max = a->queue_backoff_min >
		    LIMIT_QUEUE_BACKOFF_MAX ? a->queue_backoff_min :
		    LIMIT_QUEUE_BACKOFF_MAX;
	if (a->mailname_file == NULL)
		a->mailname_file = xstrdup(SMTPS_MAILNAME);
	if (home != NULL && *home != '\0') {
		if (a->queue_dir == NULL)
			xasprintf(&a->queue_dir, "%s/.local/state/smtps/queue",
			    home);
		if (a->dead_letter == NULL)
			xasprintf(&a->dead_letter, "%s/dead.letter", home);
	}
}

int
account_validate(const struct account *a, struct err *e)
{
	char where[LIMIT_ERR_MSG / 2], chk[LIMIT_ADDR + 1];

	account_where(a, where, sizeof(where));
	if (a->host == NULL && a->socket == NULL)
		return err_set(e, EX_CONFIG, "%s: no host", where);
	if (a->socket != NULL && a->tls && a->tls_host_override == NULL &&
	    a->host == NULL)
		return err_set(e, EX_CONFIG, "%s: TLS over socket %s needs the "
		    "name to check the certificate against (set "
		    "tls_host_override or host)", where, a->socket);
	/* the password itself is looked up when it is needed (secret.h:
	 * the keyring, netrc and the terminal are sources too; an OAuth2
	 * account has a token instead, cred.h) */
	if (a->auth != NULL && strcmp(a->auth, "off") != 0 && a->user == NULL)
		return err_set(e, EX_CONFIG, "%s: auth %s needs a user", where,
		    a->auth);
	if (oauth2_check(a, e) == -1)
		return -1;
	if ((a->tls_cert_file == NULL) != (a->tls_key_file == NULL))
		return err_set(e, EX_CONFIG, "%s: %s is set but %s is not (a "
		    "client certificate needs both)", where, a->tls_cert_file ?
		    "tls_cert_file" : "tls_key_file", a->tls_cert_file ?
		    "tls_key_file" : "tls_cert_file");
	if (a->queue_dir == NULL)
		return err_set(e, EX_CONFIG, "%s: no queue_dir and no home "
		    "directory", where);
	if (a->admin_address != NULL && (path_check(a->admin_address,
	    strlen(a->admin_address), 0, chk, sizeof(chk), e) == -1 ||
	    path_domain(chk) == NULL))
		return err_set(e, EX_CONFIG, "%s: admin_address '%s' is not a "
		    "full address (local@domain)", where, a->admin_address);
	if (a->queue_backoff_max < a->queue_backoff_min)
		return err_set(e, EX_CONFIG, "%s: queue_backoff_max (%d s) is "
		    "smaller than queue_backoff_min (%d s)", where,
		    a->queue_backoff_max, a->queue_backoff_min);
	return 0;
}

void
account_where(const struct account *a, char *buf, size_t sz)
{
	snprintf(buf, sz, "account '%s' (%s:%d)", a->name ? a->name : "?",
	    a->file ? a->file : "?", a->line);
}

int
account_warning(const struct account *a, char *buf, size_t sz)
{
	if (!a->tls || a->tls_certcheck ||
	    conf_keys_has(&a->set, K_TLS_FINGERPRINT))
		return 0;
	snprintf(buf, sz, "account '%s': tls_certcheck off without "
	    "tls_fingerprint: the server's identity is not checked",
	    a->name ? a->name : "?");
	return 1;
}

/* $HOME, else the password database; caller frees */
static char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return xstrdup(h);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    *pw->pw_dir != '\0')
		return xstrdup(pw->pw_dir);
	return NULL;
}

/* open the first config file that exists; its name goes to path */
static int
open_conf(const struct opts *o, const char *home, char *path, size_t sz,
    int *fd, struct err *e)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char cand[2][LIMIT_PATH], tried[LIMIT_ERR_MSG / 2] = "";
	int i, n = 0, rc = 0;

	if (o->conffile != NULL)
		rc = fspath_fmt(cand[n++], sizeof(cand[0]), e, "%s",
		    o->conffile);
	else {
		if (xdg != NULL && *xdg == '/')
			rc = fspath_join(cand[n++], sizeof(cand[0]), xdg,
			    "smtps/mailrc", e);
		else if (home != NULL)
			rc = fspath_join(cand[n++], sizeof(cand[0]), home,
			    ".config/smtps/mailrc", e);
		strlcpy(cand[n++], SMTPS_SYSTEM_CONF, sizeof(cand[0]));
	}
	if (rc == -1) {
		e->code = EX_CONFIG;
		return err_prefix(e, "config file");
	}
	for (i = 0; i < n; i++) {
		*fd = open(cand[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (*fd != -1) {
			if (strlcpy(path, cand[i], sz) >= sz) {
				close(*fd);
				return err_set(e, EX_CONFIG, "config file name "
				    "too long");
			}
			return 0;
		}
		if (errno != ENOENT && errno != ENOTDIR)
			return err_set(e, EX_CONFIG, "cannot open %s: %s",
			    cand[i], strerror(errno));
		if (i > 0)
			strlcat(tried, ", ", sizeof(tried));
		strlcat(tried, cand[i], sizeof(tried));
	}
	rc = err_set(e, EX_CONFIG, "no configuration file: tried %s", tried);
	errno = ENOENT;			/* account_conf_missing() asks */
	return rc;
}

int
account_conf_missing(const struct opts *o)
{
	char path[LIMIT_PATH], *home;
	struct err e;
	int fd = -1, rc;

	if (o->conffile != NULL)
		return 0;
	home = home_dir();
	err_clear(&e);
	errno = 0;
	rc = open_conf(o, home, path, sizeof(path), &fd, &e);
	free(home);
	if (rc == 0) {
		close(fd);
		return 0;
	}
	return errno == ENOENT || errno == ENOTDIR;
}

/* whole file into *buf (NUL-terminated, *cap bytes allocated) */
static int
read_conf(int fd, const char *path, struct stat *st, char **buf,
    size_t *len, size_t *cap, struct err *e)
{
	ssize_t r;

	if (fstat(fd, st) == -1)
		return err_set(e, EX_CONFIG, "cannot stat %s: %s", path,
		    strerror(errno));
	if (!S_ISREG(st->st_mode))
		return err_set(e, EX_CONFIG, "%s: not a regular file", path);
	if (st->st_size > LIMIT_CONF_FILE)
		return err_set(e, EX_CONFIG, "%s: larger than %d bytes", path,
		    LIMIT_CONF_FILE);
	*cap = (size_t)st->st_size + 1;
	*buf = xmalloc(*cap);
	for (*len = 0; *len < *cap; *len += (size_t)r) {
		r = read(fd, *buf + *len, *cap - *len);
		if (r == -1 && errno == EINTR)
			r = 0;
		else if (r == -1)
			return err_set(e, EX_CONFIG, "cannot read %s: %s", path,
			    strerror(errno));
		else if (r == 0)
			break;
	}
	if (*len == *cap)
		return err_set(e, EX_CONFIG, "%s: changed while being read",
		    path);
	(*buf)[*len] = '\0';
	return 0;
}

/* the canonical name of host (for %C), else host itself */
static void
canon_name(const char *host, char *out, size_t sz)
{
	struct addrinfo hints, *res = NULL;

	strlcpy(out, host, sz);
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(host, NULL, &hints, &res) == 0 && res != NULL &&
	    res->ai_canonname != NULL)
		strlcpy(out, res->ai_canonname, sz);
	if (res != NULL)
		freeaddrinfo(res);
}

/* the value of %U, %H, %C or %M (msmtp's `from` substitutions) */
static void
subst_value(char c, char *v, size_t sz)
{
	const char *s = NULL;
	struct passwd *pw;
	char host[LIMIT_DOMAIN + 1] = "";
	FILE *f;

	v[0] = '\0';
	if (c == 'U') {
		if ((s = getenv("USER")) == NULL || *s == '\0')
			s = getenv("LOGNAME");
		if ((s == NULL || *s == '\0') &&
		    (pw = getpwuid(getuid())) != NULL)
			s = pw->pw_name;
		strlcpy(v, s ? s : "", sz);
		return;
	}
	if (c == 'M') {
		if ((f = fopen(SMTPS_MAILNAME, "r")) != NULL) {
			if (fgets(v, (int)sz, f) == NULL)
				v[0] = '\0';
			v[strcspn(v, "\r\n")] = '\0';
			fclose(f);
		}
		return;
	}
	if ((s = getenv("HOSTNAME")) != NULL && *s != '\0')
		strlcpy(host, s, sizeof(host));
	else if (gethostname(host, sizeof(host)) == 0)
		host[sizeof(host) - 1] = '\0';
	if (c == 'C')
		canon_name(host, v, sz);
	else
		strlcpy(v, host, sz);
}

/*
 * in with the substitutions of `which` ("UHCM" for `from`, "HCM" for
 * `domain`, as msmtp) replaced; any other % sequence (%F too: msmtp has
 * none) is kept as written.  The caller frees.
 */
static char *
subst(const char *in, const char *which)
{
	char out[LIMIT_ADDR * 2 + 1] = "", v[LIMIT_DOMAIN + 1], one[2];

	for (; *in != '\0'; in++) {
		if (in[0] == '%' && in[1] != '\0' && strchr(which, in[1])) {
			subst_value(*++in, v, sizeof(v));
			strlcat(out, v, sizeof(out));
			continue;
		}
		one[0] = *in;
		one[1] = '\0';
		strlcat(out, one, sizeof(out));
	}
	return xstrdup(out);
}

static int
from_matches(const char *pattern, const char *from)
{
	char *p = subst(pattern, "UHCM");
	int m;

	if (strpbrk(p, "?*[") != NULL)
		m = fnmatch(p, from, FNM_CASEFOLD) == 0;
	else
		m = strcasecmp(p, from) == 0;
	free(p);
	return m;
}

/*
 * The account whose `from` matches the envelope sender: equal (any case),
 * or matching a wildcard `from` (msmtp: ?, *, [), after %U %H %C %M
 * substitution; then the same with a "+detail" removed from the local
 * part (ann+lists@x chooses the account of ann@x).
 */
static long
find_from(const struct conf *c, const char *from)
{
	char f[LIMIT_ADDR + 1], *plus, *at;
	size_t i, n = strlen(from);
	int pass;

	if (n >= 2 && from[0] == '<' && from[n - 1] == '>') {
		from++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(f))
		return -1;
	memcpy(f, from, n);
	f[n] = '\0';
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < c->nacct; i++)
			if (c->acct[i].from != NULL &&
			    from_matches(c->acct[i].from, f))
				return (long)i;
		if ((at = strrchr(f, '@')) == NULL ||
		    (plus = memchr(f, '+', (size_t)(at - f))) == NULL ||
		    plus == f)
			break;
		memmove(plus, at, strlen(at) + 1);
	}
	return -1;
}

static long
choose(const struct conf *c, const struct opts *o, const char *path,
    struct err *e)
{
	char vis[LIMIT_ERR_MSG / 4];
	long i;

	if (o->account != NULL) {
		if ((i = conf_find(c, o->account)) >= 0)
			return i;
		err_visible(vis, sizeof(vis), o->account, strlen(o->account));
		return err_set(e, EX_CONFIG, "account '%s' not found in %s",
		    vis, path);
	}
	if (o->from != NULL && (i = find_from(c, o->from)) >= 0)
		return i;
	if ((i = conf_find(c, "default")) >= 0)
		return i;
	if (c->nacct > 0)
		return 0;
	return err_set(e, EX_CONFIG, "%s: no account defined", path);
}

/* msmtp long options (--host=H) and -N/-R: keywords set after the file */
static int
apply_overrides(const struct opts *o, struct account *a, const char *home,
    struct err *e)
{
	char kw[64];
	size_t j;
	int i;

	for (i = 0; i < o->novr; i++) {
		strlcpy(kw, o->ovr[i].name, sizeof(kw));
		for (j = 0; kw[j] != '\0'; j++)
			if (kw[j] == '-')
				kw[j] = '_';
		if (conf_override(a, kw, o->ovr[i].value, home, e) == -1)
			return err_prefix(e, "option --%s", o->ovr[i].name);
	}
	if (o->dsn_notify != NULL &&
	    conf_override(a, "dsn_notify", o->dsn_notify, home, e) == -1)
		return err_prefix(e, "-N");
	if (o->dsn_return != NULL &&
	    conf_override(a, "dsn_return", strcasecmp(o->dsn_return, "hdrs")
	    == 0 ? "headers" : o->dsn_return, home, e) == -1)
		return err_prefix(e, "-R");
	return 0;
}

/*
 * As root, a config file runs commands (eval, passwordeval) as root: it
 * must be root's and writable by root alone, checked before it is
 * parsed.  (A queue entry names its config file; a root flusher reads it.)
 */
static int
conf_trusted(const struct stat *st, const char *path, struct err *e)
{
	if (geteuid() != 0)
		return 0;
	if (st->st_uid != 0)
		return err_set(e, EX_CONFIG, "%s: owned by uid %ld, not by "
		    "root: refused as root", path, (long)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(e, EX_CONFIG, "%s: writable by group or others: "
		    "refused as root (chmod go-w %s)", path, path);
	return 0;
}

static int
in_list(char *const *names, const char *name)
{
	for (; *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return 1;
	return 0;
}

/* how many accounts have gid as primary or supplementary group (stops at 2) */
static int
group_accounts(gid_t gid)
{
	const struct group *g = getgrgid(gid);
	const struct passwd *pw;
	int n = 0;

	if (g == NULL)
		return 2;
	for (char **m = g->gr_mem; *m != NULL && n < 2; m++)
		n++;
	setpwent();
	while (n < 2 && (pw = getpwent()) != NULL)
		if (pw->pw_gid == gid && !in_list(g->gr_mem, pw->pw_name))
			n++;
	endpwent();
	return n;
}

/*
 * A file holding a password: owner only, or, owned by root, also its group
 * when at most one account is in that group (a service's own group: the
 * package's 0640 root:smtps /etc/smtps/mailrc).
 */
static int
password_private(const struct stat *st, const char *path, struct err *e)
{
	if ((st->st_mode & S_IROTH) == 0 && ((st->st_mode & S_IRGRP) == 0 ||
	    (st->st_uid == 0 && group_accounts(st->st_gid) <= 1)))
		return 0;
	return err_set(e, EX_CONFIG, "%s: contains a password but is "
	    "readable by group or others (chmod 600 %s)", path, path);
}

/* parse, check permissions, choose, copy the account to out */
static int
load_from(const struct opts *o, int fd, const char *path, const char *home,
    struct account *out, char **warnings, struct err *e)
{
	struct conf c;
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	long i;
	int rc;

	rc = read_conf(fd, path, &st, &buf, &len, &cap, e);
	if (rc == 0)
		rc = conf_trusted(&st, path, e);
	if (rc == 0)
		rc = conf_parse(buf, len, path, home, secret_eval, NULL, &c, e);
	freezero(buf, cap);
	if (rc == -1)
		return -1;
	if (c.has_password && password_private(&st, path, e) != 0)
		rc = -1;
	else if ((i = choose(&c, o, path, e)) < 0)
		rc = -1;
	else {
		account_copy(out, &c.acct[i]);
		rc = apply_overrides(o, out, home, e);
		if (warnings != NULL && c.warnings != NULL)
			*warnings = xstrdup(c.warnings);
	}
	conf_free(&c);
	return rc;
}

int
account_load(const struct opts *o, struct account *out, char **warnings,
    struct err *e)
{
	const char *state = getenv("XDG_STATE_HOME");
	char path[LIMIT_PATH], *home = home_dir();
	int fd = -1, rc = -1;

	memset(out, 0, sizeof(*out));
	if (warnings != NULL)
		*warnings = NULL;
	if (open_conf(o, home, path, sizeof(path), &fd, e) == -1)
		goto done;
	rc = load_from(o, fd, path, home, out, warnings, e);
	close(fd);
	if (rc == -1)
		goto done;
	out->owned_file = xstrdup(path);
	out->file = out->owned_file;
	if (out->auto_from) {		/* msmtp's deprecated auto_from */
		free(out->from);
		if (out->maildomain != NULL)
			xasprintf(&out->from, "%%U@%s", out->maildomain);
		else
			out->from = xstrdup("%U");
	}
	if (out->from != NULL && strchr(out->from, '%') != NULL) {
		char *f = subst(out->from, "UHCM");

		free(out->from);
		out->from = f;
	}
	if (out->domain != NULL && strchr(out->domain, '%') != NULL) {
		char *d = subst(out->domain, "HCM");

		free(out->domain);
		out->domain = d;
	}
	if (out->queue_dir == NULL && state != NULL && *state == '/')
		xasprintf(&out->queue_dir, "%s/smtps/queue", state);
	account_defaults(out, home);
	if ((rc = account_validate(out, e)) == -1)
		account_free(out);
done:
	free(home);
	return rc;
}

int
account_user_conf(char *path, size_t sz, struct err *e)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *home = home_dir();
	int rc;

	if (xdg != NULL && *xdg == '/')
		rc = fspath_join(path, sz, xdg, "smtps/mailrc", e);
	else if (home != NULL)
		rc = fspath_join(path, sz, home, ".config/smtps/mailrc", e);
	else
		rc = err_set(e, EX_CONFIG, "no home directory for the "
		    "configuration file");
	free(home);
	return rc;
}

int
account_has_user_conf(void)
{
	char path[LIMIT_PATH];
	struct stat st;
	struct err e;

	if (account_user_conf(path, sizeof(path), &e) == -1)
		return 0;
	return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

int
account_system_conf_readable(void)
{
	int fd = open(SMTPS_SYSTEM_CONF, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

const char *
account_server(const struct account *a)
{
	if (a->socket != NULL)
		return a->socket;
	return a->host != NULL ? a->host : "?";
}
