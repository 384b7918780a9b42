/* SPDX-License-Identifier: ISC */
/*
 * aliasfile.c - the aliases file: loading, recipient expansion, the -bi
 * check (contract: aliasfile.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
aliasfile_expand(const struct account *a, const char *from, int use_aliases,
    struct addr_list *rcpts, struct err *e)
{
	struct alias_tab t, *tp = NULL;
	struct addr_list out = { NULL, 0 };
	const char *dom = a->maildomain;
	int rc;

	if (dom == NULL && from != NULL)
		dom = path_domain(from);
	if (a->aliases != NULL && use_aliases) {
		if (load(a->aliases, &t, e) == -1)
			return -1;
		tp = &t;
	}
	rc = alias_expand(tp, rcpts, dom, &out, e);
	if (tp != NULL)
		alias_free(tp);
	if (rc == -1) {
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

	if (a->aliases == NULL)
		return err_set(e, EX_CONFIG, "account '%s' has no aliases "
		    "file (keyword 'aliases')", a->name);
	if (load(a->aliases, &t, e) == -1)
		return -1;
	fprintf(fp, "%s: %zu aliases\n", a->aliases, t.n);
	if (t.dup_name != NULL)
		diag_warn("%s:%d: alias '%s' defined again (the first entry is "
		    "used)", a->aliases, t.dup_line, t.dup_name);
	alias_free(&t);
	return 0;
}
