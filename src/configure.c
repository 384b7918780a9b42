/* SPDX-License-Identifier: ISC */
/*
 * configure.c - smtps --configure (contract: configure.h): candidates
 * from SRV, the provider table and common names; the probe; the block.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "configure.h"
#include "presets.h"
#include "probe.h"
#include "srv.h"

#define MAX_CANDS	(2 * LIMIT_SRV_RECORDS + 5)

struct cand {
	char	 host[LIMIT_DOMAIN + 1];
	int	 port, starttls;
	char	 how[LIMIT_DOMAIN + 48];	/* where it was found */
};

struct found {
	const char		*addr, *domain;
	const struct preset	*preset;
	struct cand		 c[MAX_CANDS];
	size_t			 n;
	int			 checked;	/* the chosen one answered */
	char			 seen[64];	/* what it answered */
};

static void
add(struct found *f, const char *host, int port, int starttls,
    const char *how)
{
	struct cand *c;

	if (f->n >= MAX_CANDS)
		return;
	c = &f->c[f->n++];
	strlcpy(c->host, host, sizeof(c->host));
	c->port = port;
	c->starttls = starttls;
	strlcpy(c->how, how, sizeof(c->how));
}

static void
add_srv(struct found *f, const char *service, int starttls)
{
	struct srv r[LIMIT_SRV_RECORDS];
	char name[LIMIT_DOMAIN + 32];
	struct err ignore;
	size_t n, i;

	snprintf(name, sizeof(name), "%s.%s", service, f->domain);
	err_clear(&ignore);
	if (srv_lookup(name, r, LIMIT_SRV_RECORDS, &n, &ignore) == -1)
		return;
	for (i = 0; i < n; i++)
		add(f, r[i].target, r[i].port, starttls, name);
}

static void
add_common(struct found *f)
{
	static const char *const pre[] = { "smtp", "mail" };
	char host[LIMIT_DOMAIN + 8];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(host, sizeof(host), "%s.%s", pre[i], f->domain);
		add(f, host, 465, 0, "a common host name");
		add(f, host, 587, 1, "a common host name");
	}
}

/* does c answer, and how: 1 (c->starttls set to what it speaks) or 0 */
static int
probe_cand(struct found *f, struct cand *c)
{
	struct account a;
	enum diagnose_bytes b = DG_BYTES_NONE;
	struct err e;

	memset(&a, 0, sizeof(a));
	a.host = c->host;
	a.port = c->port;
	a.timeout = LIMIT_TIMEOUT_PROBE / 1000;
	err_clear(&e);
	if (!c->starttls && probe_tls_at_once(&a, &e) == 1) {
		snprintf(f->seen, sizeof(f->seen), "TLS at once");
		return 1;
	}
	if (probe_first_bytes(&a, LIMIT_TIMEOUT_PROBE, &b, &e) == -1)
		return 0;
	if (b == DG_BYTES_SMTP) {
		c->starttls = 1;
		snprintf(f->seen, sizeof(f->seen), "an SMTP greeting: "
		    "STARTTLS");
		return 1;
	}
	if (c->starttls && probe_tls_at_once(&a, &e) == 1) {
		c->starttls = 0;
		snprintf(f->seen, sizeof(f->seen), "TLS at once");
		return 1;
	}
	return 0;
}

/* the chosen candidate: the first that answers, else the first */
static const struct cand *
choose(struct found *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (probe_cand(f, &f->c[i])) {
			f->checked = 1;
			return &f->c[i];
		}
	return f->n > 0 ? &f->c[0] : NULL;
}

static void
block_preset(FILE *o, const struct preset *p)
{
	fprintf(o, "# %s signs in with %s; see %s\n", p->name, p->signin,
	    p->url);
	if (p->oauth2 == NULL)
		return;
	fprintf(o, "# with OAuth2 (smtps-mailrc(5), OAUTH2), then "
	    "smtps --authorize -a ACCOUNT:\n# oauth2_provider %s\n",
	    p->oauth2);
	if (p->oauth2_tenant != NULL)
		fprintf(o, "# oauth2_tenant %s\n", p->oauth2_tenant);
	fprintf(o, "# oauth2_client_id YOUR-CLIENT-ID\n");
}

static void
block(FILE *o, const struct found *f, const struct cand *c, int dflt)
{
	fprintf(o, "# smtps --configure %s: %s, found by %s\n", f->addr,
	    f->checked ? f->seen : "not checked (nothing answered)", c->how);
	fprintf(o, "account %s\nhost %s\nport %d\ntls on\ntls_starttls %s\n"
	    "auth on\nuser %s\nfrom %s\n", f->domain, c->host, c->port,
	    c->starttls ? "on" : "off", f->addr, f->addr);
	if (f->preset != NULL)
		block_preset(o, f->preset);
	fprintf(o, "# the password: keep it out of this file, e.g.\n"
	    "# passwordeval \"pass show mail/%s\"\n# or ~/.netrc: "
	    "machine %s login %s password ...\n", f->addr, c->host, f->addr);
	if (dflt)
		fprintf(o, "\naccount default : %s\n", f->domain);
}

/* the --write target: -C FILE, else the user file */
static int
target(const struct opts *o, char *path, size_t sz, struct err *e)
{
	if (o->conffile != NULL) {
		if ((size_t)snprintf(path, sz, "%s", o->conffile) >= sz)
			return err_set(e, EX_CANTCREAT, "file name too long");
		return 0;
	}
	return account_user_conf(path, sz, e);
}

/* mkdir -p of path's directory, 0700 */
static void
make_dirs(const char *path)
{
	char d[LIMIT_PATH], *p;

	snprintf(d, sizeof(d), "%s", path);
	for (p = strchr(d + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		(void)mkdir(d, 0700);
		*p = '/';
	}
}

/* append? asked on the terminal; 1 for yes */
static int
ask_append(const char *path)
{
	char line[16];
	FILE *tty;
	int yes = 0;

	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return 0;	/* no terminal (cron, a script): never */
	fprintf(tty, "smtps: %s exists; append this account to it? [y/N] ",
	    path);
	fflush(tty);
	if (fgets(line, sizeof(line), tty) != NULL)
		yes = line[0] == 'y' || line[0] == 'Y';
	fclose(tty);
	return yes;
}

static int
write_block(const struct opts *o, const struct found *f,
    const struct cand *c, struct err *e)
{
	char path[LIMIT_PATH];
	FILE *out;
	int fd, fresh = 1, why;

	if (target(o, path, sizeof(path), e) == -1)
		return -1;
	make_dirs(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	why = errno;
	if (fd == -1 && why == EEXIST && ask_append(path)) {
		fresh = 0;
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
		why = errno;
	}
	if (fd == -1)
		return err_set(e, EX_CANTCREAT, "%s: %s; nothing written (it "
		    "is never overwritten: without --write the account is "
		    "printed)", path, why == EEXIST ? "exists" :
		    strerror(why));
	if ((out = fdopen(fd, "a")) == NULL) {
		close(fd);
		return err_set(e, EX_OSERR, "%s: %s", path, strerror(errno));
	}
	fputs(fresh ? "" : "\n", out);
	block(out, f, c, fresh);
	if (fclose(out) != 0)
		return err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
	printf("smtps: account %s written to %s\n", f->domain, path);
	return 0;
}

int
configure_run(const struct opts *o, struct err *e)
{
	static struct found f;
	const struct cand *c;
	const char *at = strrchr(o->configure, '@');

	if (at == NULL || at == o->configure || at[1] == '\0' ||
	    strpbrk(o->configure, " \t\r\n\"") != NULL)
		return err_set(e, EX_USAGE, "--configure: '%s' is not an "
		    "address (user@domain)", o->configure);
	f.addr = o->configure;
	f.domain = at + 1;
	f.preset = presets_find(f.domain);
	add_srv(&f, "_submissions._tcp", 0);
	add_srv(&f, "_submission._tcp", 1);
	if (f.preset != NULL) {
		char how[64];

		snprintf(how, sizeof(how), "the provider table (%s)",
		    f.preset->name);
		add(&f, f.preset->host, f.preset->port, f.preset->starttls,
		    how);
	}
	add_common(&f);
	if ((c = choose(&f)) == NULL)
		return err_set(e, EX_UNAVAILABLE, "--configure: no server "
		    "found for %s", f.domain);
	if (o->configure_write)
		return write_block(o, &f, c, e);
	block(stdout, &f, c, 1);
	return 0;
}
