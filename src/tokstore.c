/* SPDX-License-Identifier: ISC */
/*
 * tokstore.c - OAuth2 token files (contract: tokstore.h).
 *
 * The JSON of the file is written and read with jdoc (json-c); the
 * buffers that held tokens are wiped before they are freed (json-c's own
 * copies are not: they live as long as one parse).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fspath.h"
#include "io.h"
#include "jdoc.h"
#include "tokstore.h"

/* the account name as a file name */
static void
file_name(const char *name, char *out, size_t sz)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZ0123456789-_@+.";
	size_t o = 0;

	for (; *name != '\0' && o + 4 < sz; name++) {
		if (strchr(ok, *name) != NULL && !(o == 0 && *name == '.'))
			out[o++] = *name;
		else
			o += (size_t)snprintf(out + o, sz - o, "%%%02X",
			    (unsigned char)*name);
	}
	out[o] = '\0';
}

char *
tokstore_path(const struct account *a, struct err *e)
{
	const char *st = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	char name[LIMIT_DOMAIN * 3 + 1], *p = NULL;

	if (a->oauth2_token_file != NULL)
		return xstrdup(a->oauth2_token_file);
	file_name(a->name, name, sizeof(name));
	if (st != NULL && *st == '/')
		xasprintf(&p, "%s/smtps/oauth2/%s", st, name);
	else if (h != NULL && *h != '\0')
		xasprintf(&p, "%s/.local/state/smtps/oauth2/%s", h, name);
	else
		err_set(e, EX_CONFIG, "account '%s': no oauth2_token_file and "
		    "no home directory", a->name);
	return p;
}

/* mkdir -p the directory of path, new parts 0700 */
static int
make_dir(const char *path, struct err *e)
{
	char d[PATH_MAX], *s;

	if (strlcpy(d, path, sizeof(d)) >= sizeof(d) ||
	    (s = strrchr(d, '/')) == NULL)
		return 0;
	*s = '\0';
	for (s = d + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST)
			return err_set(e, EX_CANTCREAT, "cannot create %s: %s",
			    d, strerror(errno));
		*s = '/';
	}
	if (d[0] != '\0' && mkdir(d, 0700) == -1 && errno != EEXIST)
		return err_set(e, EX_CANTCREAT, "cannot create %s: %s", d,
		    strerror(errno));
	return 0;
}

static int
slurp(int fd, const char *path, char *buf, size_t cap, size_t *len,
    struct err *e)
{
	ssize_t r;

	for (*len = 0; *len < cap; *len += (size_t)r) {
		if ((r = read(fd, buf + *len, cap - *len)) == -1 &&
		    errno == EINTR)
			r = 0;
		else if (r == -1)
			return err_set(e, EX_IOERR, "cannot read %s: %s", path,
			    strerror(errno));
		else if (r == 0)
			return 0;
	}
	return err_set(e, EX_DATAERR, "%s: larger than %d bytes", path,
	    LIMIT_OAUTH2_FILE);
}

static int
decode(const char *path, const char *buf, size_t len, struct tok *t,
    struct err *e)
{
	struct jdoc *d = jdoc_parse(buf, len, e);
	const char *acc, *ref;

	if (d == NULL) {
		e->code = EX_DATAERR;
		return err_prefix(e, "%s is not an smtps token file (run "
		    "smtps --authorize again)", path);
	}
	acc = jdoc_str(d, "access_token");
	ref = jdoc_str(d, "refresh_token");
	t->access = acc != NULL && *acc != '\0' ? xstrdup(acc) : NULL;
	t->refresh = ref != NULL && *ref != '\0' ? xstrdup(ref) : NULL;
	t->expires = jdoc_num(d, "expires_at", 0);
	jdoc_free(d);
	return 1;
}

int
tokstore_read(const char *path, struct tok *t, struct err *e)
{
	char *buf = xmalloc(LIMIT_OAUTH2_FILE);
	size_t len = 0;
	int fd, rc;

	memset(t, 0, sizeof(*t));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		free(buf);
		if (errno == ENOENT)
			return 0;
		return err_set(e, EX_IOERR, "cannot open %s: %s", path,
		    strerror(errno));
	}
	rc = slurp(fd, path, buf, LIMIT_OAUTH2_FILE, &len, e);
	close(fd);
	if (rc == 0)
		rc = decode(path, buf, len, t, e);
	freezero(buf, LIMIT_OAUTH2_FILE);
	return rc;
}

static char *
encode(const struct tok *t)
{
	struct jdoc *d = jdoc_new();
	char *s;

	jdoc_set_str(d, "access_token", t->access ? t->access : "");
	jdoc_set_num(d, "expires_at", t->expires);
	jdoc_set_str(d, "refresh_token", t->refresh ? t->refresh : "");
	s = jdoc_text(d);
	jdoc_free(d);
	return s;
}

static int
sync_dir(const char *path)
{
	char d[PATH_MAX], *s;
	int fd, rc;

	if (strlcpy(d, path, sizeof(d)) >= sizeof(d))
		return -1;
	if ((s = strrchr(d, '/')) == NULL)
		strlcpy(d, ".", sizeof(d));
	else
		s[s == d ? 1 : 0] = '\0';
	if ((fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
tokstore_write(const char *path, const struct tok *t, struct err *e)
{
	char tmp[LIMIT_PATH], *s;
	size_t n;
	int fd, rc;

	if (make_dir(path, e) == -1)
		return -1;
	if (fspath_fmt(tmp, sizeof(tmp), e, "%s.tmp.%ld", path,
	    (long)getpid()) == -1)
		return -1;
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return err_set(e, EX_CANTCREAT, "cannot create %s: %s", tmp,
		    strerror(errno));
	s = encode(t);
	n = strlen(s);
	rc = io_write_fd(fd, s, n) == 0 && io_write_fd(fd, "\n", 1) == 0 &&
	    fsync(fd) == 0 ? 0 : -1;
	freezero(s, n + 1);
	if (close(fd) == -1 || rc == -1 || rename(tmp, path) == -1) {
		rc = err_set(e, EX_IOERR, "cannot write %s: %s", path,
		    strerror(errno));
		(void)unlink(tmp);
		return rc;
	}
	(void)sync_dir(path);
	return 0;
}

int
tokstore_lock(const char *path, struct err *e)
{
	long long deadline = io_now_ms() + LIMIT_OAUTH2_LOCK * 1000LL;
	struct timespec ts = { 0, LIMIT_OAUTH2_LOCK_POLL * 1000 * 1000 };
	char lp[LIMIT_PATH];
	int fd;

	if (make_dir(path, e) == -1)
		return -1;
	if (fspath_fmt(lp, sizeof(lp), e, "%s.lock", path) == -1)
		return -1;
	if ((fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1)
		return err_set(e, EX_CANTCREAT, "cannot create %s: %s", lp,
		    strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    io_now_ms() > deadline) {
			close(fd);
			return err_set(e, EX_TEMPFAIL, "%s: another smtps has "
			    "been refreshing the OAuth2 token for over %d s",
			    lp, LIMIT_OAUTH2_LOCK);
		}
		nanosleep(&ts, NULL);
	}
	return fd;
}

void
tokstore_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

void
tokstore_clear(struct tok *t)
{
	if (t->access != NULL)
		freezero(t->access, strlen(t->access) + 1);
	if (t->refresh != NULL)
		freezero(t->refresh, strlen(t->refresh) + 1);
	memset(t, 0, sizeof(*t));
}
