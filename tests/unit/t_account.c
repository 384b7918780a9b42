/* SPDX-License-Identifier: ISC */
/*
 * t_account.c - account_host_is_loopback, account_defaults (TLS mode and
 * port table), account_validate, account_load (file search, permission
 * check, account choice, limits) and secret_get/secret_free/secret_wipe.
 * Files are made in a fresh temporary directory, removed at the end.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "prompt.h"
#include "secret.h"
#include "t.h"

static char tmp[256];


static void
test_loopback(void)
{
	static const struct { const char *host; int yes; } tab[] = {
		{ "localhost", 1 }, { "LocalHost", 1 }, { "localhost.", 1 },
		{ "127.0.0.1", 1 }, { "127.0.0.0", 1 },
		{ "127.255.255.254", 1 },
		{ "127.1.2.3", 1 }, { "::1", 1 }, { "0:0:0:0:0:0:0:1", 1 },
		{ "::ffff:127.0.0.1", 1 }, { "::ffff:127.9.8.7", 1 },
		{ "128.0.0.1", 0 }, { "126.255.255.255", 0 }, { "10.0.0.1", 0 },
		{ "0.0.0.0", 0 }, { "::", 0 }, { "::2", 0 },
		{ "::ffff:10.0.0.1", 0 }, { "localhost.example.com", 0 },
		{ "mylocalhost", 0 }, { "127.0.0.1.example.com", 0 },
		{ "smtp.example.com", 0 }, { "", 0 }, { "[::1]", 0 },
		{ "127.1", 0 },		/* not dotted-quad: treated as remote */
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		T_OK(account_host_is_loopback(tab[i].host) == tab[i].yes,
		    "loopback(%s) != %d", tab[i].host, tab[i].yes);
	T_EQ_INT(account_host_is_loopback(NULL), 0);
}

/* parse one account from text (prefixed by "account t\n") */
static int
one(const char *text, struct account *out)
{
	char buf[1024];
	struct conf c;
	struct err e;
	int rc;

	snprintf(buf, sizeof(buf), "account t\n%s\n", text);
	err_clear(&e);
	rc = conf_parse(buf, strlen(buf), "rc", "/h", NULL, NULL, &c, &e);
	T_OK(rc == 0, "parse %s: %s", text, e.msg);
	if (rc == 0) {
		for (size_t i = 0; i < c.nacct; i++)
			if (strcmp(c.acct[i].name, "t") == 0)
				account_copy(out, &c.acct[i]);
	}
	conf_free(&c);
	return rc;
}

static void
test_tls_table(void)
{
	static const struct {
		const char *conf;
		int tls, starttls, port;
	} tab[] = {
		{ "host smtp.x", 1, 0, 465 },
		{ "host smtp.x\nport 587", 1, 1, 587 },
		{ "host smtp.x\nport 25", 1, 1, 25 },
		{ "host smtp.x\nport 465", 1, 0, 465 },
		{ "host smtp.x\nport 2525", 1, 1, 2525 },
		{ "host smtp.x\ntls_starttls on", 1, 1, 587 },
		{ "host smtp.x\ntls_starttls", 1, 1, 587 },
		{ "host smtp.x\ntls_starttls off", 1, 0, 465 },
		{ "host smtp.x\ntls_starttls off\nport 587", 1, 0, 587 },
		{ "host smtp.x\ntls_starttls on\nport 465", 1, 1, 465 },
		{ "host smtp.x\ntls on", 1, 0, 465 },
		{ "host smtp.x\ntls on\nport 587", 1, 1, 587 },
		{ "host smtp.x\ntls off", 0, 0, 25 },
		{ "host smtp.x\ntls off\nport 587", 0, 0, 587 },
		{ "host smtp.x\ntls off\ntls_starttls on", 0, 0, 25 },
		{ "host 10.0.0.1", 1, 0, 465 },
		{ "host localhost", 0, 0, 25 },
		{ "host LOCALHOST\ntls_starttls on", 0, 0, 25 },
		{ "host 127.0.0.1", 0, 0, 25 },
		{ "host 127.0.0.1\nport 587", 0, 0, 587 },
		{ "host ::1", 0, 0, 25 },
		{ "host ::1\nport 465", 0, 0, 465 },
		{ "host localhost\ntls on", 1, 0, 465 },
		{ "host localhost\ntls on\nport 587", 1, 1, 587 },
		{ "host localhost\ntls\ntls_starttls", 1, 1, 587 },
		{ "host 127.0.0.1\ntls on\nport 2465\ntls_starttls off", 1, 0,
		    2465 },
		/* a unix socket is local: TLS off unless asked for */
		{ "socket /run/smtp", 0, 0, 25 },
		{ "host smtp.x\nsocket /run/smtp", 0, 0, 25 },
		{ "host smtp.x\nsocket /run/smtp\ntls on", 1, 0, 465 },
		{ "socket /run/s\ntls on\ntls_starttls on", 1, 1, 587 },
		/* a proxy changes nothing of the TLS mode */
		{ "host smtp.x\nproxy_host 127.0.0.1", 1, 0, 465 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct account a;

		memset(&a, 0, sizeof(a));
		if (one(tab[i].conf, &a) == -1)
			continue;
		account_defaults(&a, "/h");
		T_OK(a.tls == tab[i].tls && a.tls_starttls == tab[i].starttls &&
		    a.port == tab[i].port, "[%s]: tls %d starttls %d port %d, "
		    "expected %d %d %d", tab[i].conf, a.tls, a.tls_starttls,
		    a.port, tab[i].tls, tab[i].starttls, tab[i].port);
		T_EQ_INT(a.tls_certcheck, 1);
		account_free(&a);
	}
}

static void
test_other_defaults(void)
{
	struct account a;
	struct conf c;
	struct err e;
	static const char rc[] = "defaults\ntls off\naccount t\nhost smtp.x\n";

	/* a `tls off` from the defaults section is explicit */
	T_EQ_INT(conf_parse(rc, strlen(rc), "rc", "/h", NULL, NULL, &c, &e), 0);
	account_copy(&a, &c.acct[0]);
	conf_free(&c);
	account_defaults(&a, "/h");
	T_OK(a.tls == 0 && a.port == 25, "defaults: tls off kept");
	account_free(&a);

	memset(&a, 0, sizeof(a));
	one("host h\nuser u", &a);
	account_defaults(&a, "/h");
	T_EQ_STR(a.auth, "on");
	T_EQ_STR(a.queue_dir, "/h/.local/state/smtps/queue");
	T_EQ_STR(a.dead_letter, "/h/dead.letter");
	T_OK(a.domain == NULL, "no default domain");
	T_EQ_INT(a.timeout, 0);
	{
		struct conf_keys want;

		memset(&want, 0, sizeof(want));
		conf_keys_put(&want, K_HOST, 1);
		conf_keys_put(&want, K_USER, 1);
		T_OK(conf_keys_eq(&a.set, &want), "set stays explicit");
	}
	account_free(&a);

	one("host h", &a);
	account_defaults(&a, NULL);
	T_EQ_STR(a.auth, "off");
	T_OK(a.queue_dir == NULL && a.dead_letter == NULL, "no home: no paths");
	account_free(&a);

	one("host h\nuser u\nauth off\ntls_certcheck off\nqueue_dir /q\n"
	    "dead_letter off", &a);
	account_defaults(&a, "/h");
	T_EQ_STR(a.auth, "off");
	T_EQ_INT(a.tls_certcheck, 0);
	T_EQ_STR(a.queue_dir, "/q");
	T_EQ_STR(a.dead_letter, "off");
	account_free(&a);

	one("host h\nauth login", &a);
	account_defaults(&a, "/h");
	T_EQ_STR(a.auth, "login");
	account_free(&a);
}

static void
validate_fails(const char *text, const char *msg)
{
	struct account a;
	struct err e;

	memset(&a, 0, sizeof(a));
	if (one(text, &a) == -1)
		return;
	account_defaults(&a, "/h");
	err_clear(&e);
	T_EQ_INT(account_validate(&a, &e), -1);
	T_EQ_INT(e.code, EX_CONFIG);
	T_EQ_STR(e.msg, msg);
	account_free(&a);
}

static void
validate_ok(const char *text)
{
	struct account a;
	struct err e;

	memset(&a, 0, sizeof(a));
	if (one(text, &a) == -1)
		return;
	account_defaults(&a, "/h");
	err_clear(&e);
	T_OK(account_validate(&a, &e) == 0, "[%s]: %s", text, e.msg);
	account_free(&a);
}

static void
test_validate(void)
{
	struct account a;
	struct err e;

	validate_fails("port 25", "account 't' (rc:1): no host");
	validate_fails("host h\nauth plain",
	    "account 't' (rc:1): auth plain needs a user");
	validate_fails("host h\nauth",
	    "account 't' (rc:1): auth on needs a user");
	/* no password source in the file: looked up when sending (secret.h) */
	validate_ok("host h\nuser u");
	validate_ok("host h");
	validate_ok("host h\nuser u\npassword p");
	validate_ok("host h\nuser u\npasswordeval echo p");
	validate_ok("host h\nuser u\nauth off");
	validate_ok("socket /run/smtp");
	validate_ok("socket /run/smtp\ntls on\ntls_host_override mx.x");
	validate_ok("socket /run/smtp\ntls on\nhost mx.x");
	validate_fails("socket /run/smtp\ntls on", "account 't' (rc:1): TLS "
	    "over socket /run/smtp needs the name to check the certificate "
	    "against (set tls_host_override or host)");
	validate_ok("host h\nsource_ip ::1\nproxy_host p");
	/* proxy_port defaults to 1080 only with a proxy */
	memset(&a, 0, sizeof(a));
	one("host h\nproxy_host p", &a);
	account_defaults(&a, "/h");
	T_EQ_INT(a.proxy_port, 1080);
	account_free(&a);
	memset(&a, 0, sizeof(a));
	one("host h\nproxy_host p\nproxy_port 9050", &a);
	account_defaults(&a, "/h");
	T_EQ_INT(a.proxy_port, 9050);
	account_free(&a);
	memset(&a, 0, sizeof(a));
	one("host h", &a);
	account_defaults(&a, "/h");
	T_EQ_INT(a.proxy_port, 0);
	account_free(&a);
	/* no home and no queue_dir */
	memset(&a, 0, sizeof(a));
	one("host h", &a);
	account_defaults(&a, NULL);
	T_EQ_INT(account_validate(&a, &e), -1);
	T_EQ_STR(e.msg, "account 't' (rc:1): no queue_dir and no home "
	    "directory");
	account_free(&a);
}

/* ---- account_load with real files ---- */

static void
put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd == -1 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) == -1) {
		perror(path);
		exit(2);
	}
	close(fd);
}

static char *
tpath(const char *name)
{
	static char p[4][512];
	static int n;

	n = (n + 1) % 4;
	snprintf(p[n], sizeof(p[n]), "%s/%s", tmp, name);
	return p[n];
}

/* stderr into a file between grab() and ungrab(), which returns it */
static int saved_err = -1;

static void
grab(void)
{
	int fd = open(tpath("stderr"), O_RDWR | O_CREAT | O_TRUNC, 0600);

	fflush(stderr);
	saved_err = dup(2);
	dup2(fd, 2);
	close(fd);
}

static const char *
ungrab(void)
{
	static char buf[512];
	ssize_t n;
	int fd;

	fflush(stderr);
	dup2(saved_err, 2);
	close(saved_err);
	fd = open(tpath("stderr"), O_RDONLY);
	n = fd == -1 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	if (fd != -1)
		close(fd);
	return buf;
}

/* load with -C file [-a account] [-f from]; returns rc, fills out */
static int
load(const char *file, const char *acct, const char *from,
    struct account *out, struct err *e)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.conffile = file;
	o.account = acct;
	o.from = from;
	err_clear(e);
	return account_load(&o, out, NULL, e);
}

static void
chooses(const char *file, const char *acct, const char *from,
    const char *want)
{
	struct account a;
	struct err e;

	T_OK(load(file, acct, from, &a, &e) == 0, "load -a %s -f %s: %s",
	    acct ? acct : "-", from ? from : "-", e.msg);
	if (e.code != 0)
		return;
	T_OK(strcmp(a.name, want) == 0, "-a %s -f %s chose %s, expected %s",
	    acct ? acct : "-", from ? from : "-", a.name, want);
	account_free(&a);
}

static void
load_fails(const char *file, const char *msg)
{
	struct account a;
	struct err e;

	T_EQ_INT(load(file, NULL, NULL, &a, &e), -1);
	T_EQ_INT(e.code, EX_CONFIG);
	T_EQ_STR(e.msg, msg);
}

/* the warning's text (account_warning); account.c itself prints nothing */
static const char *
warning(const char *text)
{
	static char buf[256];
	struct account a;
	struct err e;

	buf[0] = '\0';
	memset(&a, 0, sizeof(a));
	if (one(text, &a) == -1)
		return "(parse error)";
	account_defaults(&a, "/h");
	grab();
	T_OK(account_validate(&a, &e) == 0, "[%s]: %s", text, e.msg);
	T_EQ_STR(ungrab(), "");
	if (!account_warning(&a, buf, sizeof(buf)))
		buf[0] = '\0';
	account_free(&a);
	return buf;
}

static void
test_warning(void)
{
	T_EQ_STR(warning("host h\ntls_certcheck off"), "account 't': "
	    "tls_certcheck off without tls_fingerprint: the server's identity "
	    "is not checked");
	T_EQ_STR(warning("host h\ntls_certcheck off\ntls_fingerprint "
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
	    "");
	T_EQ_STR(warning("host h\ntls off\ntls_certcheck off"), "");
}

static void
test_choice(void)
{
	char *f = tpath("choice"), *g = tpath("nodefault");
	char *h = tpath("nameddefault"), want[1024];
	struct account a;
	struct err e;

	put(f, "account first\nhost h1\nfrom first@example.com\n"
	    "account second\nhost h2\nfrom Second@Example.com\n"
	    "account default : second\nport 2525\n", 0644);
	chooses(f, "first", "second@example.com", "first");
	chooses(f, "second", NULL, "second");
	chooses(f, NULL, "FIRST@example.COM", "first");
	chooses(f, NULL, "<first@example.com>", "first");
	chooses(f, NULL, "second@example.com", "second");
	chooses(f, NULL, "nobody@example.com", "default");
	chooses(f, NULL, "", "default");
	chooses(f, NULL, NULL, "default");
	T_EQ_INT(load(f, NULL, NULL, &a, &e), 0);
	T_OK(a.port == 2525 && strcmp(a.host, "h2") == 0, "default : second");
	T_EQ_STR(a.file, f);			/* owned: valid after load */
	T_OK(a.file == a.owned_file, "file is owned by the account");
	account_free(&a);
	T_EQ_INT(load(f, "nope", NULL, &a, &e), -1);
	snprintf(want, sizeof(want), "account 'nope' not found in %s", f);
	T_EQ_STR(e.msg, want);
	T_EQ_INT(e.code, EX_CONFIG);

	put(g, "account one\nhost h1\naccount two\nhost h2\n", 0644);
	chooses(g, NULL, NULL, "one");
	chooses(g, NULL, "x@y", "one");
	put(h, "account one\nhost h1\naccount default\nhost h2\n", 0644);
	chooses(h, NULL, NULL, "default");
}

/* accounts (passwd primary group or group member list) in group g */
static int
accounts_in(const struct group *g)
{
	struct passwd *pw;
	int n = 0;

	for (char **m = g->gr_mem; *m != NULL; m++)
		n++;
	setpwent();
	while ((pw = getpwent()) != NULL) {
		int listed = 0;

		for (char **m = g->gr_mem; *m != NULL; m++)
			listed |= strcmp(*m, pw->pw_name) == 0;
		n += pw->pw_gid == g->gr_gid && !listed;
	}
	endpwent();
	return n;
}

/* a group with exactly one account (want 1) or with two or more (want 2) */
static gid_t
gid_with_accounts(int want)
{
	struct group *g;
	gid_t found = (gid_t)-1;

	setgrent();
	while (found == (gid_t)-1 && (g = getgrent()) != NULL) {
		int n = accounts_in(g);

		if (want == 1 ? n == 1 : n >= 2)
			found = g->gr_gid;
	}
	endgrent();
	T_OK(found != (gid_t)-1, "no group with %s account(s) here",
	    want == 1 ? "one" : "two or more");
	return found;
}

static void
test_files(void)
{
	char *f = tpath("rc"), want[1024];
	struct account a;
	struct err e;
	int fd;

	/* password + readable by group or others: refused (as root, the
	 * group is one with several accounts: a group of one is allowed) */
	static const mode_t bad[] = { 0644, 0640, 0604, 0440, 0400 | 0004 };
	gid_t crowd = geteuid() == 0 ? gid_with_accounts(2) : getegid();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(f, "account a\nhost h\nuser u\npassword secret\n", bad[i]);
		T_EQ_INT(chown(f, (uid_t)-1, crowd), 0);
		snprintf(want, sizeof(want), "%s: contains a password but is "
		    "readable by group or others (chmod 600 %s)", f, f);
		load_fails(f, want);
	}
	if (geteuid() == 0) {	/* 0640 root:<group of one account>: ok */
		put(f, "account a\nhost h\nuser u\npassword secret\n", 0640);
		T_EQ_INT(chown(f, 0, gid_with_accounts(1)), 0);
		T_EQ_INT(load(f, NULL, NULL, &a, &e), 0);
		account_free(&a);
	}
	/* a password in the defaults section counts too */
	put(f, "defaults\npassword secret\naccount a\nhost h\n", 0604);
	load_fails(f, want);
	put(f, "account a\nhost h\nuser u\npassword secret\n", 0600);
	T_EQ_INT(load(f, NULL, NULL, &a, &e), 0);
	T_EQ_STR(a.password, "secret");
	account_free(&a);
	put(f, "account a\nhost h\nuser u\npassword secret\n", 0620);
	if (geteuid() == 0) {	/* root: writable by others is refused */
		snprintf(want, sizeof(want), "%s: writable by group or "
		    "others: refused as root (chmod go-w %s)", f, f);
		load_fails(f, want);
		put(f, "account a\nhost h\n", 0600);
		T_EQ_INT(chown(f, 65534, 0), 0);
		snprintf(want, sizeof(want), "%s: owned by uid 65534, not by "
		    "root: refused as root", f);
		load_fails(f, want);
		T_EQ_INT(chown(f, 0, 0), 0);
	} else {
		T_EQ_INT(load(f, NULL, NULL, &a, &e), 0);
		account_free(&a);
	}
	put(f, "account a\nhost h\nuser u\npasswordeval echo x\n", 0644);
	T_EQ_INT(load(f, NULL, NULL, &a, &e), 0);
	account_free(&a);

	snprintf(want, sizeof(want), "no configuration file: tried %s",
	    tpath("missing"));
	load_fails(tpath("missing"), want);
	snprintf(want, sizeof(want), "no configuration file: tried %s/rc/x",
	    tmp);
	load_fails(tpath("rc/x"), want);
	snprintf(want, sizeof(want), "%s: not a regular file", tmp);
	load_fails(tmp, want);
	put(f, "", 0600);
	snprintf(want, sizeof(want), "%s: no account defined", f);
	load_fails(f, want);
	put(f, "# nothing\n", 0600);
	load_fails(f, want);
	put(f, "account a\nhots h\n", 0600);
	snprintf(want, sizeof(want), "%s:2: unknown keyword 'hots'", f);
	load_fails(f, want);
	put(f, "account a\nport 25\n", 0600);
	snprintf(want, sizeof(want), "account 'a' (%s:1): no host", f);
	load_fails(f, want);
	/* size limit: exactly the limit is read, one byte more is refused */
	{
		char *big = xmalloc(LIMIT_CONF_FILE + 1);

		memset(big, '#', LIMIT_CONF_FILE);	/* one long comment */
		memcpy(big, "account a\nhost h\n", 17);
		big[LIMIT_CONF_FILE] = '\0';
		put(f, big, 0600);
		free(big);
	}
	T_EQ_INT(load(f, NULL, NULL, &a, &e), 0);
	account_free(&a);
	fd = open(f, O_WRONLY);
	T_OK(fd != -1 && ftruncate(fd, LIMIT_CONF_FILE + 1) == 0, "truncate");
	close(fd);
	snprintf(want, sizeof(want), "%s: larger than %d bytes", f,
	    LIMIT_CONF_FILE);
	load_fails(f, want);
	if (geteuid() != 0) {
		put(f, "account a\nhost h\n", 0000);
		snprintf(want, sizeof(want), "cannot open %s: %s", f,
		    strerror(EACCES));
		load_fails(f, want);
	}
}

static void
mkdirs(const char *p)
{
	char b[512], *s;

	strlcpy(b, p, sizeof(b));
	for (s = b + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(b, 0700);
		*s = '/';
	}
	mkdir(b, 0700);
}

static void
test_search(void)
{
	char xdg[512], home[512], want[1024];
	struct account a;
	struct opts o;
	struct err e;

	memset(&o, 0, sizeof(o));
	snprintf(xdg, sizeof(xdg), "%s/xdg", tmp);
	snprintf(home, sizeof(home), "%s/home", tmp);
	mkdirs(tpath("xdg/smtps"));
	mkdirs(tpath("home/.config/smtps"));
	put(tpath("xdg/smtps/mailrc"), "account x\nhost hx\n", 0600);
	put(tpath("home/.config/smtps/mailrc"), "account h\nhost hh\n"
	    "queue_dir ~/myq\n", 0600);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	unsetenv("XDG_STATE_HOME");
	T_EQ_INT(account_load(&o, &a, NULL, &e), 0);
	T_EQ_STR(a.name, "x");
	T_EQ_STR(a.file, tpath("xdg/smtps/mailrc"));
	snprintf(want, sizeof(want), "%s/.local/state/smtps/queue", home);
	T_EQ_STR(a.queue_dir, want);
	snprintf(want, sizeof(want), "%s/dead.letter", home);
	T_EQ_STR(a.dead_letter, want);
	account_free(&a);
	/* XDG_STATE_HOME decides the default queue directory */
	setenv("XDG_STATE_HOME", "/state", 1);
	T_EQ_INT(account_load(&o, &a, NULL, &e), 0);
	T_EQ_STR(a.queue_dir, "/state/smtps/queue");
	account_free(&a);
	/* ignored: not absolute */
	setenv("XDG_STATE_HOME", "relative", 1);
	T_EQ_INT(account_load(&o, &a, NULL, &e), 0);
	snprintf(want, sizeof(want), "%s/.local/state/smtps/queue", home);
	T_EQ_STR(a.queue_dir, want);
	account_free(&a);
	/* relative XDG_CONFIG_HOME is ignored: ~/.config */
	setenv("XDG_CONFIG_HOME", "xdg", 1);
	T_EQ_INT(account_load(&o, &a, NULL, &e), 0);
	T_EQ_STR(a.name, "h");
	snprintf(want, sizeof(want), "%s/myq", home);	/* ~ is $HOME */
	T_EQ_STR(a.queue_dir, want);
	account_free(&a);
	unsetenv("XDG_CONFIG_HOME");
	T_EQ_INT(account_load(&o, &a, NULL, &e), 0);
	T_EQ_STR(a.name, "h");
	account_free(&a);
	/* only the first file found is read, never two */
	setenv("XDG_CONFIG_HOME", tmp, 1);		/* no smtps/ there */
	if (access("/etc/smtps/mailrc", F_OK) == 0)
		printf("t_account: /etc/smtps/mailrc exists, search miss "
		    "not tested\n");
	else {
		T_EQ_INT(account_load(&o, &a, NULL, &e), -1);
		snprintf(want, sizeof(want), "no configuration file: tried "
		    "%s/smtps/mailrc, /etc/smtps/mailrc", tmp);
		T_EQ_STR(e.msg, want);
		T_EQ_INT(e.code, EX_CONFIG);
	}
	unsetenv("XDG_CONFIG_HOME");
}

/* ---- secret ---- */

static int
eval(const char *cmd, char **pw, struct err *e)
{
	struct account a;

	memset(&a, 0, sizeof(a));
	a.user = (char *)"u";
	a.passwordeval = (char *)cmd;
	err_clear(e);
	return secret_get(&a, pw, e);
}

static void
eval_ok(const char *cmd, const char *want)
{
	struct err e;
	char *pw;

	T_OK(eval(cmd, &pw, &e) == 0, "[%s]: %s", cmd, e.msg);
	T_EQ_STR(pw, want);
	secret_free(pw);
}

static void
eval_fails(const char *cmd, const char *msg)
{
	struct err e;
	char *pw = (char *)"x";

	T_EQ_INT(eval(cmd, &pw, &e), -1);
	T_EQ_INT(e.code, EX_CONFIG);
	T_EQ_STR(e.msg, msg);
	T_OK(pw == NULL, "[%s]: no password on failure", cmd);
}

static void
test_secret_sources(void)
{
	struct account a;
	struct err e;
	char *pw, marker[600], cmd[700];

	memset(&a, 0, sizeof(a));
	a.user = (char *)"u";
	a.password = (char *)"pw";
	a.passwordeval = (char *)"echo other";
	T_EQ_INT(secret_get(&a, &pw, &e), 0);
	T_EQ_STR(pw, "pw");
	T_OK(pw != a.password, "password is a copy");
	secret_free(pw);
	/* auth off: nothing, and passwordeval is not even run */
	snprintf(marker, sizeof(marker), "%s/ran", tmp);
	snprintf(cmd, sizeof(cmd), "touch %s; echo x", marker);
	a.password = NULL;
	a.passwordeval = cmd;
	a.auth = (char *)"off";
	pw = (char *)"x";
	T_EQ_INT(secret_get(&a, &pw, &e), 0);
	T_OK(pw == NULL, "auth off: no password");
	T_OK(access(marker, F_OK) == -1, "auth off: passwordeval not run");
	a.auth = (char *)"on";
	T_EQ_INT(secret_get(&a, &pw, &e), 0);
	T_EQ_STR(pw, "x");
	T_OK(access(marker, F_OK) == 0, "auth on: passwordeval run");
	secret_free(pw);
	/* auth external (the TLS client certificate): nothing either */
	unlink(marker);
	a.auth = (char *)"external";
	pw = (char *)"x";
	T_EQ_INT(secret_get(&a, &pw, &e), 0);
	T_OK(pw == NULL, "auth external: no password");
	T_OK(access(marker, F_OK) == -1, "auth external: passwordeval not run");
	/* no user: no password needed */
	memset(&a, 0, sizeof(a));
	pw = (char *)"x";
	T_EQ_INT(secret_get(&a, &pw, &e), 0);
	T_OK(pw == NULL, "no user: NULL");
	/* a user and no source at all (no keyring bus, an empty HOME, no
	 * terminal to ask on): the one line naming every source */
	a.user = (char *)"bob";
	a.host = (char *)"mx.example";
	setenv("HOME", tmp, 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("XDG_RUNTIME_DIR");
	err_clear(&e);
	if (!prompt_have_tty() && access("/etc/netrc", F_OK) == -1) {
		T_EQ_INT(secret_get(&a, &pw, &e), -1);
		T_EQ_INT(e.code, EX_CONFIG);
		T_EQ_STR(e.msg, "no password for user bob at mx.example (set "
		    "password, passwordeval, a keyring entry or ~/.netrc)");
	} else
		printf("t_account: a terminal or /etc/netrc: the no-source "
		    "case is left to tests/bats/secret.bats\n");
}

static void
test_passwordeval(void)
{
	char big[64];

	eval_ok("printf 'pw\\n'", "pw");
	eval_ok("printf 'pw'", "pw");
	eval_ok("printf ' p w \\r\\n'", " p w ");
	eval_ok("printf 'first\\nuser: x\\nurl: y\\n'", "first");
	grab();
	eval_ok("echo to stderr >&2; echo pw", "pw");
	T_EQ_STR(ungrab(), "to stderr\n");
	eval_fails("echo pw; exit 3",
	    "passwordeval failed: command exited with status 3");
	eval_fails("echo pw; kill -9 $$",
	    "passwordeval failed: command killed by signal 9");
	eval_fails("true", "passwordeval failed: empty output");
	eval_fails("printf '\\n'", "passwordeval failed: empty output");
	eval_fails("printf '\\r\\nsecond\\n'",
	    "passwordeval failed: empty output");
	eval_fails("printf 'a\\000b\\n'",
	    "passwordeval failed: output contains a NUL byte");
	eval_fails("/nonexistent/cmd 2>/dev/null",
	    "passwordeval failed: command exited with status 127");
	/* bounded: LIMIT_PASSWORD - 1 bytes are fine, more are not */
	snprintf(big, sizeof(big), "head -c %d /dev/zero | tr '\\000' a",
	    LIMIT_PASSWORD - 1);
	{
		struct err e;
		char *pw = NULL;

		T_EQ_INT(eval(big, &pw, &e), 0);
		T_OK(pw && strlen(pw) == LIMIT_PASSWORD - 1, "long password");
		secret_free(pw);
	}
	snprintf(big, sizeof(big), "head -c %d /dev/zero | tr '\\000' a",
	    LIMIT_PASSWORD);
	eval_fails(big, "passwordeval failed: output longer than 65535 bytes");
	/* endless output ends too (the command gets SIGPIPE) */
	eval_fails("yes",
	    "passwordeval failed: output longer than 65535 bytes");
}

/* the command must not read smtps's stdin (the message) */
static void
test_passwordeval_stdin(void)
{
	int p[2], saved = dup(0);
	char buf[16];
	ssize_t n;

	T_OK(saved != -1 && pipe(p) == 0, "pipe");
	T_OK(write(p[1], "leak\n", 5) == 5, "write");
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	eval_ok("cat; echo pw", "pw");
	n = read(0, buf, sizeof(buf));
	T_EQ_MEM(buf, n < 0 ? 0 : (size_t)n, "leak\n", 5);
	dup2(saved, 0);
	close(saved);
}

/* with fds 0 and 1 closed the pipe gets them; the command still works */
static void
test_passwordeval_closed_fds(void)
{
	int s0 = dup(0), s1 = dup(1);

	fflush(stdout);
	close(0);
	close(1);
	eval_ok("cat; echo pw", "pw");
	dup2(s0, 0);
	dup2(s1, 1);
	close(s0);
	close(s1);
}

static void
test_wipe(void)
{
	char buf[8] = "secret!";
	static const char zero[8];

	secret_wipe(buf, sizeof(buf));
	T_EQ_MEM(buf, sizeof(buf), zero, sizeof(zero));
	secret_wipe(NULL, 3);			/* must not crash */
	secret_free(NULL);
}

int
main(void)
{
	char cmd[300];

	snprintf(tmp, sizeof(tmp), "/tmp/t_account.XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_loopback();
	test_tls_table();
	test_other_defaults();
	test_validate();
	test_warning();
	test_choice();
	test_files();
	test_search();
	test_secret_sources();
	test_passwordeval();
	test_passwordeval_stdin();
	test_passwordeval_closed_fds();
	test_wipe();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "t_account: could not remove %s\n", tmp);
	return t_done("t_account");
}
