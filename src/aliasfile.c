/* SPDX-License-Identifier: ISC */
/*
 * aliasfile.c - the aliases file, the mailname file and the admin address:
 * where local mail goes (contract: aliasfile.h); the -bi check.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alias.h"
#include "aliasfile.h"
#include "diag.h"
#include "limit.h"
#include "path.h"

/* the whole aliases file into *buf (caller frees) */
static int
slurp(const char *path, char **buf, size_t *len, struct err *e)
{
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set(e, EX_CONFIG, "aliases file %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > LIMIT_CONF_FILE) {
		close(fd);
		return err_set(e, EX_CONFIG, "aliases file %s: not a regular "
		    "file of at most %d bytes", path, LIMIT_CONF_FILE);
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	*len = 0;
	while ((n = read(fd, *buf + *len, (size_t)st.st_size - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (n == -1) {
		free(*buf);
		return err_set(e, EX_CONFIG, "aliases file %s: %s", path,
		    strerror(errno));
	}
	return 0;
}

static int
load(const char *path, struct alias_tab *t, struct err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (slurp(path, &buf, &len, e) == -1)
		return -1;
	rc = alias_parse(buf, len, path, t, e);
	free(buf);
	return rc;
}

/* a domain nobody's mail can go to at a provider: one label, localhost,
   .localdomain, .local */
static int
local_only(const char *d)
{
	size_t n = strlen(d);

	return strchr(d, '.') == NULL || strcasecmp(d, "localhost") == 0 ||
	    (n > 12 && strcasecmp(d + n - 12, ".localdomain") == 0) ||
	    (n > 6 && strcasecmp(d + n - 6, ".local") == 0);
}

/* the first line of the mailname file into buf ("" when it is missing) */
static int
read_mailname(const char *path, char *buf, size_t sz, struct err *e)
{
	char line[LIMIT_DOMAIN + 3], chk[LIMIT_ADDR + 1], q[LIMIT_ADDR + 1];
	char vis[LIMIT_DOMAIN * 4 + 1];
	size_t n = 0;
	ssize_t r;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return err_set(e, EX_CONFIG, "mailname file %s: %s", path,
		    strerror(errno));
	}
	while (n < sizeof(line) - 1 &&
	    (r = read(fd, line + n, sizeof(line) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	for (n = strlen(line); n > 0 && (line[n - 1] == ' ' ||
	    line[n - 1] == '\t'); n--)
		line[n - 1] = '\0';
	if (line[0] == '\0')
		return 0;
	err_visible(vis, sizeof(vis), line, strlen(line));
	if ((size_t)snprintf(q, sizeof(q), "postmaster@%s", line) >=
	    sizeof(q) || strlen(line) > LIMIT_DOMAIN ||
	    path_check(q, strlen(q), 0, chk, sizeof(chk), e) == -1)
		return err_set(e, EX_CONFIG, "mailname file %s: '%s' is not "
		    "a domain name", path, vis);
	if (local_only(line)) {
		diag_info("mailname file %s: '%s' is no mail domain; not "
		    "used", path, vis);
		return 0;
	}
	strlcpy(buf, line, sz);
	return 0;
}

/* admin_address, else the account's from when it is a full address */
static void
admin_of(const struct account *a, char *buf, size_t sz)
{
	char chk[LIMIT_ADDR + 1];
	struct err e;
	const char *s = a->admin_address ? a->admin_address : a->from;

	buf[0] = '\0';
	err_clear(&e);
	if (s == NULL || strpbrk(s, "?*[") != NULL ||
	    path_check(s, strlen(s), 0, chk, sizeof(chk), &e) == -1 ||
	    path_domain(chk) == NULL)
		return;
	strlcpy(buf, chk, sz);
}

int
aliasfile_local_load(const struct account *a, int use_aliases,
    struct aliasfile_local *l, struct err *e)
{
	memset(l, 0, sizeof(*l));
	if (a->maildomain != NULL)
		strlcpy(l->domain, a->maildomain, sizeof(l->domain));
	else if (a->mailname_file != NULL &&
	    strcmp(a->mailname_file, "off") != 0 &&
	    read_mailname(a->mailname_file, l->domain, sizeof(l->domain),
	    e) == -1)
		return -1;
	admin_of(a, l->admin, sizeof(l->admin));
	if (a->aliases != NULL && use_aliases) {
		if (load(a->aliases, &l->tab, e) == -1)
			return -1;
		l->have_tab = 1;
	}
	l->loc.tab = l->have_tab ? &l->tab : NULL;
	l->loc.domain = l->domain[0] ? l->domain : NULL;
	l->loc.admin = l->admin[0] ? l->admin : NULL;
	return 0;
}

void
aliasfile_local_free(struct aliasfile_local *l)
{
	if (l->have_tab)
		alias_free(&l->tab);
	memset(l, 0, sizeof(*l));
}

int
aliasfile_expand(const struct aliasfile_local *l, struct addr_list *rcpts,
    struct err *e)
{
	struct addr_list out = { NULL, 0 };

	if (alias_expand(&l->loc, rcpts, &out, e) == -1) {
		addr_list_free(&out);
		return -1;
	}
	addr_list_free(rcpts);
	*rcpts = out;
	return 0;
}

int
aliasfile_check(const struct account *a, FILE *fp, struct err *e)
{
	struct alias_tab t;

	if (a->aliases == NULL) {
		diag_info("account '%s' has no aliases file (keyword "
		    "'aliases'): nothing to rebuild", a->name);
		return 0;
	}
	if (load(a->aliases, &t, e) == -1)
		return -1;
	fprintf(fp, "%s: %zu aliases\n", a->aliases, t.n);
	if (t.dup_name != NULL)
		diag_warn("%s:%d: alias '%s' defined again (the first entry is "
		    "used)", a->aliases, t.dup_line, t.dup_name);
	alias_free(&t);
	return 0;
}
