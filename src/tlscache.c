/* SPDX-License-Identifier: ISC */
/*
 * tlscache.c - TLS sessions kept on disk between invocations (contract:
 * tlscache.h).  Every failure is silent: the worst case is a full
 * handshake, never an error and never a session read from a file that
 * someone else could have written.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fspath.h"
#include "io.h"
#include "limit.h"
#include "tlscache.h"

#define TLSCACHE_MAGIC	"smtps-tls-session 1 "
#define TLSCACHE_HEAD	64	/* the header line fits in this */

char *
tlscache_dir(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	char *d = NULL;

	if (state != NULL && state[0] == '/')
		xasprintf(&d, "%s/smtps/tls-sessions", state);
	else {
		if ((home == NULL || home[0] == '\0') &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
		if (home != NULL && home[0] != '\0')
			xasprintf(&d, "%s/.local/state/smtps/tls-sessions",
			    home);
	}
	return d;
}

/* ours, and closed to group and others */
static int
is_private(const struct stat *st)
{
	return st->st_uid == geteuid() && (st->st_mode & 077) == 0;
}

static int
dir_ok(const char *dir)
{
	struct stat st;

	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && is_private(&st);
}

/* a bigger buffer; the old one is wiped (it may hold a private key) */
static unsigned char *
grow(unsigned char *b, size_t n, size_t *cap, size_t max)
{
	size_t old = *cap;
	unsigned char *nb;

	*cap = *cap * 2 > max ? max : *cap * 2;
	nb = xmalloc(*cap + 1);
	memcpy(nb, b, n);
	freezero(b, old + 1);
	return nb;
}

/* read fd to EOF into a buffer of at most max bytes (+ NUL) */
static int
read_all(int fd, size_t max, unsigned char **buf, size_t *len)
{
	size_t n = 0, cap = max < 4096 ? max : 4096;
	unsigned char *b = xmalloc(cap + 1);
	ssize_t r;

	for (;;) {
		if (n == cap && cap < max)
			b = grow(b, n, &cap, max);
		if (n == cap) {		/* one byte more than allowed? */
			unsigned char c;

			if ((r = read(fd, &c, 1)) == 0)
				break;
			freezero(b, cap + 1);
			errno = r > 0 ? EFBIG : errno;
			return -1;
		}
		r = read(fd, b + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			freezero(b, cap + 1);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int
tlscache_read_file(const char *path, size_t max, unsigned char **buf,
    size_t *len)
{
	struct stat st;
	int fd, rc, sv;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		sv = errno;
		if (fstat(fd, &st) == 0)
			sv = EISDIR;	/* a directory, a device, a pipe */
		close(fd);
		errno = sv;
		return -1;
	}
	rc = read_all(fd, max, buf, len);
	sv = errno;
	close(fd);
	errno = sv;
	return rc;
}

/* the cache is an optimisation: a name too long is no entry, silently */
static int
entry_path(char *p, size_t sz, const char *dir, const char *name)
{
	struct err ignore;

	return fspath_join(p, sz, dir, name, &ignore);
}

int
tlscache_load(const char *dir, const char *name, unsigned char **out,
    size_t *outlen)
{
	char path[LIMIT_PATH];
	unsigned char *b = NULL, *nl;
	struct stat st;
	size_t len = 0, hl = strlen(TLSCACHE_MAGIC);
	long long expiry;
	int fd, rc = -1;

	if (entry_path(path, sizeof(path), dir, name) == -1 || !dir_ok(dir) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && is_private(&st))
		rc = read_all(fd, LIMIT_TLS_SESSION + TLSCACHE_HEAD, &b, &len);
	close(fd);
	if (rc == -1)
		return -1;
	rc = -1;
	if (len > hl && memcmp(b, TLSCACHE_MAGIC, hl) == 0 &&
	    (nl = memchr(b, '\n', len < TLSCACHE_HEAD ? len : TLSCACHE_HEAD))
	    != NULL && sscanf((char *)b + hl, "%lld", &expiry) == 1 &&
	    expiry > (long long)time(NULL) &&
	    expiry <= (long long)time(NULL) + LIMIT_TLS_SESSION_AGE &&
	    (size_t)(b + len - (nl + 1)) > 0 &&
	    (size_t)(b + len - (nl + 1)) <= LIMIT_TLS_SESSION) {
		*outlen = (size_t)(b + len - (nl + 1));
		*out = xmalloc(*outlen);
		memcpy(*out, nl + 1, *outlen);
		rc = 0;
	} else
		(void)unlink(path);	/* expired or broken: never again */
	freezero(b, len + 1);
	return rc;
}

/* mkdir -p, each new component 0700 */
static int
make_dir(const char *dir)
{
	char parent[LIMIT_PATH], *slash;

	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || strlcpy(parent, dir, sizeof(parent)) >=
	    sizeof(parent) || (slash = strrchr(parent, '/')) == NULL ||
	    slash == parent)
		return -1;
	*slash = '\0';
	if (make_dir(parent) == -1)
		return -1;
	return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

void
tlscache_store(const char *dir, const char *name, const void *data,
    size_t len)
{
	char path[LIMIT_PATH], tmp[LIMIT_PATH], head[TLSCACHE_HEAD];
	struct err ignore;
	int fd, ok;

	if (len == 0 || len > LIMIT_TLS_SESSION || make_dir(dir) == -1 ||
	    !dir_ok(dir) || entry_path(path, sizeof(path), dir, name) == -1 ||
	    fspath_fmt(tmp, sizeof(tmp), &ignore, "%s.tmp.%ld", path,
	    (long)getpid()) == -1)
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return;
	snprintf(head, sizeof(head), "%s%lld\n", TLSCACHE_MAGIC,
	    (long long)time(NULL) + LIMIT_TLS_SESSION_AGE);
	ok = fchmod(fd, 0600) == 0 &&
	    io_write_fd(fd, head, strlen(head)) == 0 &&
	    io_write_fd(fd, data, len) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) == -1)
		(void)unlink(tmp);
}

void
tlscache_remove(const char *dir, const char *name)
{
	char path[LIMIT_PATH];

	if (entry_path(path, sizeof(path), dir, name) == 0)
		(void)unlink(path);
}
