/* SPDX-License-Identifier: ISC */
/*
 * queue.c - the durable queue (contract: queue.h).
 *
 * Crash safety: files are written under tmp/, then renamed into the queue
 * directory, and the directory is fsync'ed.  ID.env is fsync'ed before it
 * is renamed, and renamed LAST, so a kill -9 at any moment leaves either
 * no entry or a complete one (a killed process loses nothing it wrote:
 * the page cache is the kernel's); leftovers without an ID.env are never
 * delivered and queue_clean() removes them.  ID.env is replaced (never
 * edited) on update; a process that locked the old file notices (inode
 * check in queue_lock).
 *
 * When ID.msg reaches the disk.  Forcing a large message to disk before
 * sending it costs as much as sending it, so queue_commit() does not
 * fsync ID.msg: the entry is committed with "synced 0" and the sum.h
 * checksum of the message.  The promise is kept because the message is
 * made durable before anyone is told it is kept, and only then:
 *   - delivered at once: the entry is removed (the directory fsync'ed, so
 *     a power loss cannot bring it back for a second delivery); the
 *     message never needed the disk;
 *   - kept for a retry ("queued ...", exit 0): every path goes through
 *     queue_update(), which fsyncs ID.msg before it writes "synced 1"; if
 *     that fails the entry is not reported as queued (queuerun.c moves the
 *     message to dead.letter instead);
 *   - failed: dead.letter is written and fsync'ed before the entry goes;
 *   - smtps killed (kill -9): the whole message is in the page cache and
 *     the entry stays; the flusher that takes it over checks ID.msg
 *     against size and sum (queue_open_msg) and delivers it;
 *   - power loss before any of these: smtps had not exited, so its caller
 *     was never told the message was accepted or queued.  Its ID.msg may
 *     be short, have holes or zero-filled pages; the check sees that and
 *     the entry is removed with a log line instead of sending a damaged
 *     message.  This is the only case in which a message can be lost.
 * The same holds without the queue (queue off): the spool is then only a
 * tmp file, and main.c fsyncs it before it is left as ID.kept.
 *
 * The .env format, one "key value" per line, first line "smtps-queue 1":
 *   created T / config PATH / account NAME / from ADDR / size N /
 *   eightbit 0|1 / attempts N / next T / error TEXT / synced 0|1 /
 *   sum HEX / rcpt ADDR (repeated)
 *   and, when set, notify LIST / ret HDRS|FULL / envid XTEXT (DSN) /
 *   submitter UID NAME (who handed it to the system service) /
 *   utf8hdr FIELD, smtputf8 1, requiretls 1 (struct spool_intl; older
 *   entries lack them: off)
 * An entry without "synced" (written before it existed) counts as synced.
 * Unknown keys are ignored (newer versions may add some; older entries
 * simply lack them).  Values never
 * hold control characters: the error text is made printable first.
 */
#include <sys/stat.h>
#include <sys/file.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fspath.h"
#include "io.h"
#include "queue.h"

/* disk full is temporary (the caller may retry), anything else is not */
static int
oserr(struct err *e, const char *what, const char *path)
{
	int sv = errno;

	return err_set(e, sv == ENOSPC || sv == EDQUOT ? EX_TEMPFAIL :
	    EX_CANTCREAT, "%s %s: %s", what, path, strerror(sv));
}

/* mkdir -p with mode 0700 for each created component */
static int
mkdirs(const char *dir, struct err *e)
{
	char p[LIMIT_PATH];
	size_t i;

	if (fspath_fmt(p, sizeof(p), e, "%s", dir) == -1)
		return -1;
	for (i = 1; p[i] != '\0'; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			return oserr(e, "cannot create", p);
		p[i] = '/';
	}
	if (mkdir(p, 0700) == -1 && errno != EEXIST)
		return oserr(e, "cannot create", p);
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* st is a directory of ours that no one else can write to */
static int
dir_ours(const struct stat *st, const char *dir, struct err *e)
{
	if (!S_ISDIR(st->st_mode))
		return err_set(e, EX_NOPERM, "queue directory %s: not a "
		    "directory: refused", dir);
	if (st->st_uid != geteuid())
		return err_set(e, EX_NOPERM, "queue directory %s is owned by "
		    "uid %ld, not by uid %ld: refused", dir, (long)st->st_uid,
		    (long)geteuid());
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(e, EX_NOPERM, "queue directory %s is writable "
		    "by group or others: refused (chmod 700 %s)", dir, dir);
	return 0;
}

int
queue_dir_check(const char *dir, struct err *e)
{
	char tmp[LIMIT_PATH];
	struct stat st;

	if (stat(dir, &st) == -1)
		return err_set(e, errno == ENOENT ? EX_CANTCREAT : EX_IOERR,
		    "queue directory %s: %s", dir, strerror(errno));
	if (dir_ours(&st, dir, e) == -1 ||
	    fspath_join(tmp, sizeof(tmp), dir, "tmp", e) == -1)
		return -1;
	if (lstat(tmp, &st) == -1)	/* missing: made when needed */
		return errno == ENOENT ? 0 : err_set(e, EX_IOERR, "%s: %s",
		    tmp, strerror(errno));
	return dir_ours(&st, tmp, e);
}

/* fd (an entry's file, the lock, the log) is a regular file of ours */
static int
file_ours(int fd, const char *path, struct err *e)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, EX_NOPERM, "%s: not a regular file: skipped",
		    path);
	if (st.st_uid != geteuid())
		return err_set(e, EX_NOPERM, "%s is owned by uid %ld, not by "
		    "uid %ld: skipped", path, (long)st.st_uid, (long)geteuid());
	return 0;
}

int
queue_open_own(const char *path, int flags, struct err *e)
{
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd == -1)
		return err_set(e, errno == ENOSPC || errno == EDQUOT ?
		    EX_TEMPFAIL : errno == ELOOP ? EX_NOPERM : EX_CANTCREAT,
		    "%s: %s", path, errno == ELOOP ? "a symbolic link: refused"
		    : strerror(errno));
	if (file_ours(fd, path, e) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
queue_id_valid(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < LIMIT_QUEUE_ID && id[0] != '.' &&
	    id[strspn(id, "0123456789abcdefABCDEF.")] == '\0';
}

int
queue_spool_create(const char *dir, struct spool *sp, struct err *e)
{
	char tmp[sizeof(sp->path)], real[PATH_MAX];

	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	if (mkdirs(dir, e) == -1)
		return -1;
	/* absolute: the flusher runs in / */
	if (realpath(dir, real) != NULL)
		dir = real;
	if (strlcpy(sp->dir, dir, sizeof(sp->dir)) >= sizeof(sp->dir))
		return err_set(e, EX_CANTCREAT, "queue path too long");
	if (fspath_join(tmp, sizeof(tmp), dir, "tmp", e) == -1 ||
	    queue_dir_check(dir, e) == -1 || mkdirs(tmp, e) == -1 ||
	    queue_dir_check(dir, e) == -1)
		return -1;
	snprintf(sp->id, sizeof(sp->id), "%010llx.%06lx.%08x",
	    (unsigned long long)time(NULL), (unsigned long)getpid() & 0xffffff,
	    arc4random());
	if (fspath_fmt(sp->path, sizeof(sp->path), e, "%s/%s.msg", tmp,
	    sp->id) == -1)
		return -1;
	sp->fd = open(sp->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (sp->fd == -1) {
		oserr(e, "cannot create spool file", sp->path);
		sp->path[0] = '\0';
		return err_prefix(e, "queue directory %s", dir);
	}
	return 0;
}

void
queue_spool_remove(struct spool *sp)
{
	if (sp->fd != -1)
		close(sp->fd);
	sp->fd = -1;
	if (sp->path[0] != '\0')
		unlink(sp->path);
	sp->path[0] = '\0';
}

void
queue_entry_init(struct qentry *qe)
{
	memset(qe, 0, sizeof(*qe));
	qe->synced = 1;
	qe->lockfd = -1;
}

void
queue_unlock(struct qentry *qe)
{
	if (qe->lockfd != -1)
		close(qe->lockfd);
	qe->lockfd = -1;
}

void
queue_entry_free(struct qentry *qe)
{
	size_t i;

	queue_unlock(qe);
	for (i = 0; i < qe->nrcpts; i++)
		free(qe->rcpts[i]);
	free(qe->rcpts);
	free(qe->config);
	free(qe->account);
	free(qe->from);
	free(qe->notify);
	free(qe->ret);
	free(qe->envid);
	free(qe->submitter);
	queue_entry_init(qe);
}

/* the spool_intl lines of an entry, those that are set */
static size_t
intl_format(const struct spool_intl *in, char *p, size_t cap)
{
	int n = 0;

	if (in->utf8hdr[0] != '\0')
		n += snprintf(p + n, cap - (size_t)n, "utf8hdr %s\n",
		    in->utf8hdr);
	if (in->smtputf8)
		n += snprintf(p + n, cap - (size_t)n, "smtputf8 1\n");
	if (in->requiretls)
		n += snprintf(p + n, cap - (size_t)n, "requiretls 1\n");
	return (size_t)n;
}

/* the .env text of qe into a malloc'ed buffer */
static char *
env_format(const struct qentry *qe, size_t *len)
{
	char vis[LIMIT_ERR_MSG], *buf, *p;
	size_t i, cap = 1024 + LIMIT_ERR_MSG * 4;
	int n;

	cap += strlen(qe->config) + strlen(qe->account) + strlen(qe->from) +
	    (qe->notify ? strlen(qe->notify) : 0) +
	    (qe->ret ? strlen(qe->ret) : 0) +
	    (qe->envid ? strlen(qe->envid) : 0) +
	    (qe->submitter ? strlen(qe->submitter) : 0);
	for (i = 0; i < qe->nrcpts; i++)
		cap += strlen(qe->rcpts[i]) + 8;
	p = buf = xmalloc(cap);
	err_visible(vis, sizeof(vis), qe->error, strlen(qe->error));
	n = snprintf(p, cap, "smtps-queue 1\ncreated %lld\nconfig %s\n"
	    "account %s\nfrom %s\nsize %lld\neightbit %d\nattempts %d\n"
	    "next %lld\nerror %s\nsynced %d\nsum %s\n", (long long)qe->created,
	    qe->config, qe->account, qe->from, qe->size, qe->eightbit,
	    qe->attempts, (long long)qe->next, vis, qe->synced, qe->sum);
	p += n;
	for (i = 0; i < 4; i++) {
		const char *k[] = { "notify", "ret", "envid", "submitter" };
		const char *v[] = { qe->notify, qe->ret, qe->envid,
		    qe->submitter };

		if (v[i] != NULL)
			p += snprintf(p, cap - (size_t)(p - buf), "%s %s\n",
			    k[i], v[i]);
	}
	p += intl_format(&qe->intl, p, cap - (size_t)(p - buf));
	for (i = 0; i < qe->nrcpts; i++)
		p += snprintf(p, cap - (size_t)(p - buf), "rcpt %s\n",
		    qe->rcpts[i]);
	*len = (size_t)(p - buf);
	return buf;
}

/* a DSN value read back: one word of printable ASCII, else dropped */
static char *
dsn_value(const char *v)
{
	const char *c;

	for (c = v; *c > ' ' && *c < 0x7f; c++)
		;
	return *c == '\0' && c > v && c - v <= LIMIT_ENVID ? xstrdup(v) :
	    NULL;
}

/* "UID NAME" read back: digits, one space, a user name of [A-Za-z0-9._-]
   (what the system service writes), else dropped */
static char *
submitter_value(const char *v)
{
	size_t d = strspn(v, "0123456789"), n;

	if (d == 0 || d > 10 || v[d] != ' ')
		return NULL;
	n = strspn(v + d + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
	return n > 0 && n <= LIMIT_USER_NAME && v[d + 1 + n] == '\0' ?
	    xstrdup(v) : NULL;
}

/* a string value read back: printable, bounded (the file may be old or
   damaged; it is never trusted more than the command line would be) */
static int
text_ok(const char *v, size_t max)
{
	size_t n;

	for (n = 0; v[n] != '\0'; n++)
		if ((unsigned char)v[n] < 0x20 || v[n] == 0x7f)
			return 0;
	return n <= max;
}

static int
env_text_ok(const char *k, const char *v)
{
	if (strcmp(k, "config") == 0)
		return v[0] == '/' && text_ok(v, PATH_MAX);
	if (strcmp(k, "account") == 0)
		return v[0] != '\0' && text_ok(v, LIMIT_ADDR);
	if (strcmp(k, "from") == 0 || strcmp(k, "rcpt") == 0)
		return text_ok(v, LIMIT_ADDR);
	return 1;
}

static int
env_set(struct qentry *qe, const char *k, const char *v)
{
	const char *es = NULL;

	if (!env_text_ok(k, v))
		return -1;
	if (strcmp(k, "created") == 0)
		qe->created = strtonum(v, 0, (long long)1 << 62, &es);
	else if (strcmp(k, "next") == 0)
		qe->next = strtonum(v, 0, (long long)1 << 62, &es);
	else if (strcmp(k, "size") == 0)
		qe->size = strtonum(v, 0, LIMIT_MESSAGE, &es);
	else if (strcmp(k, "attempts") == 0)
		qe->attempts = (int)strtonum(v, 0, 1000000, &es);
	else if (strcmp(k, "eightbit") == 0)
		qe->eightbit = strcmp(v, "1") == 0;
	else if (strcmp(k, "utf8hdr") == 0 && text_ok(v,
	    sizeof(qe->intl.utf8hdr) - 1))
		strlcpy(qe->intl.utf8hdr, v, sizeof(qe->intl.utf8hdr));
	else if (strcmp(k, "smtputf8") == 0)
		qe->intl.smtputf8 = strcmp(v, "1") == 0;
	else if (strcmp(k, "requiretls") == 0)
		qe->intl.requiretls = strcmp(v, "1") == 0;
	else if (strcmp(k, "synced") == 0)
		qe->synced = strcmp(v, "0") != 0;
	else if (strcmp(k, "sum") == 0)
		strlcpy(qe->sum, v, sizeof(qe->sum));
	else if (strcmp(k, "config") == 0 && qe->config == NULL)
		qe->config = xstrdup(v);
	else if (strcmp(k, "account") == 0 && qe->account == NULL)
		qe->account = xstrdup(v);
	else if (strcmp(k, "from") == 0 && qe->from == NULL)
		qe->from = xstrdup(v);
	else if (strcmp(k, "error") == 0)
		strlcpy(qe->error, v, sizeof(qe->error));
	else if (strcmp(k, "notify") == 0 && qe->notify == NULL)
		qe->notify = dsn_value(v);
	else if (strcmp(k, "ret") == 0 && qe->ret == NULL)
		qe->ret = dsn_value(v);
	else if (strcmp(k, "envid") == 0 && qe->envid == NULL)
		qe->envid = dsn_value(v);
	else if (strcmp(k, "submitter") == 0 && qe->submitter == NULL)
		qe->submitter = submitter_value(v);
	else if (strcmp(k, "rcpt") == 0 && qe->nrcpts < LIMIT_RCPTS) {
		qe->rcpts = xreallocarray(qe->rcpts, qe->nrcpts + 1,
		    sizeof(*qe->rcpts));
		qe->rcpts[qe->nrcpts++] = xstrdup(v);
	}
	return es == NULL ? 0 : -1;
}

/* parse the .env text (NUL-terminated) into qe */
static int
env_parse(char *buf, const char *id, struct qentry *qe, struct err *e)
{
	char *line, *next;

	if (strncmp(buf, "smtps-queue 1\n", 14) != 0)
		return err_set(e, EX_DATAERR, "queue entry %s: not a version 1 "
		    "entry", id);
	for (line = buf + 14; *line != '\0'; line = next) {
		char *sp;

		if ((next = strchr(line, '\n')) == NULL)
			return err_set(e, EX_DATAERR, "queue entry %s: "
			    "truncated", id);
		*next++ = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		if (env_set(qe, line, sp + 1) == -1)
			return err_set(e, EX_DATAERR, "queue entry %s: bad "
			    "value for '%.16s': skipped", id, line);
	}
	strlcpy(qe->id, id, sizeof(qe->id));
	if (qe->config == NULL || qe->account == NULL || qe->from == NULL ||
	    qe->nrcpts == 0 || qe->created == 0)
		return err_set(e, EX_DATAERR, "queue entry %s: incomplete", id);
	return 0;
}

static int
env_read_fd(int fd, const char *id, struct qentry *qe, struct err *e)
{
	char *buf = xmalloc(LIMIT_QUEUE_ENV + 1);
	size_t len = 0;
	ssize_t n;
	int rc;

	while (len < LIMIT_QUEUE_ENV &&
	    (n = read(fd, buf + len, LIMIT_QUEUE_ENV - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return err_set(e, EX_IOERR, "queue entry %s: %s", id,
			    strerror(errno));
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	rc = env_parse(buf, id, qe, e);
	free(buf);
	return rc;
}

/* open ID.env: never through a link, never someone else's file */
static int
env_open(const char *dir, const char *id, int flags, char *path, size_t sz,
    struct err *e)
{
	int fd;

	if (fspath_fmt(path, sz, e, "%s/%s.env", dir, id) == -1)
		return -1;
	if ((fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return err_set(e, errno == ENOENT ? EX_USAGE : errno == ELOOP ?
		    EX_NOPERM : EX_IOERR, "queue entry %s: %s", id,
		    errno == ENOENT ? "no such entry" : errno == ELOOP ?
		    "a symbolic link: skipped" : strerror(errno));
	if (file_ours(fd, path, e) == -1) {
		close(fd);
		return err_prefix(e, "queue entry %s", id);
	}
	return fd;
}

int
queue_read(const char *dir, const char *id, struct qentry *qe, struct err *e)
{
	char path[LIMIT_PATH];
	int fd, rc;

	queue_entry_init(qe);
	if ((fd = env_open(dir, id, O_RDONLY, path, sizeof(path), e)) == -1)
		return -1;
	rc = env_read_fd(fd, id, qe, e);
	close(fd);
	return rc;
}

/* DIR/ID.dot into path (queue.h) */
static int
dot_path(char *path, size_t sz, const char *dir, const char *id)
{
	struct err ignore;

	return fspath_fmt(path, sz, &ignore, "%s/%s.dot", dir, id);
}

static int
dot_there(const char *dir, const char *id)
{
	char path[LIMIT_PATH];
	struct stat st;

	return dot_path(path, sizeof(path), dir, id) == 0 &&
	    lstat(path, &st) == 0;
}

void
queue_dot_mark(const struct spool *sp)
{
	char path[LIMIT_PATH];
	int fd;

	if (!sp->entry || dot_path(path, sizeof(path), sp->dir, sp->id) == -1)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd != -1)
		close(fd);
}

void
queue_dot_clear(const char *dir, const struct qentry *qe)
{
	char path[LIMIT_PATH];

	if (!qe->dot_earlier && dot_path(path, sizeof(path), dir, qe->id) == 0)
		(void)unlink(path);
}

int
queue_lock(const char *dir, const char *id, struct qentry *qe, struct err *e)
{
	char path[LIMIT_PATH];
	struct stat a, b;
	int fd;

	queue_entry_init(qe);
	if ((fd = env_open(dir, id, O_RDWR, path, sizeof(path), e)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return 1;
	}
	/* replaced or removed since we opened it: not ours */
	if (fstat(fd, &a) == -1 || stat(path, &b) == -1 ||
	    a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
		close(fd);
		return 1;
	}
	if (env_read_fd(fd, id, qe, e) == -1) {
		close(fd);
		return -1;
	}
	qe->lockfd = fd;
	qe->dot_earlier = dot_there(dir, id);
	return 0;
}

/*
 * create tmp/ID.env afresh: O_EXCL never follows a planted link; a
 * leftover of a killed update (or a link) is removed, not written
 * through.  A tmp/ folder that has gone is made again.
 */
static int
tmp_create(const char *dir, const char *tmp)
{
	int flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(tmp, flags, 0600);
	char t[LIMIT_PATH];
	struct err ignore;

	if (fd == -1 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, flags, 0600);
	if (fd == -1 && errno == ENOENT &&
	    fspath_join(t, sizeof(t), dir, "tmp", &ignore) == 0) {
		if (mkdir(t, 0700) == 0 || errno == EEXIST)
			fd = open(tmp, flags, 0600);
	}
	return fd;
}

/* write qe to tmp/ID.env, locked; returns the fd or -1 */
static int
env_write_tmp(const char *dir, struct qentry *qe, char *tmp, size_t tmpsz,
    struct err *e)
{
	size_t len;
	char *buf;
	int fd;

	if (fspath_fmt(tmp, tmpsz, e, "%s/tmp/%s.env", dir, qe->id) == -1)
		return -1;
	buf = env_format(qe, &len);
	fd = tmp_create(dir, tmp);
	if (fd == -1 || flock(fd, LOCK_EX) == -1 ||
	    io_write_fd(fd, buf, len) == -1 || fsync(fd) == -1) {
		oserr(e, "cannot write", tmp);
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		fd = -1;
	}
	free(buf);
	return fd;
}

int
queue_commit(struct spool *sp, struct qentry *qe, struct err *e)
{
	char tmpenv[LIMIT_PATH], env[LIMIT_PATH], msg[LIMIT_PATH];
	int fd;

	strlcpy(qe->id, sp->id, sizeof(qe->id));
	qe->synced = 0;			/* ID.msg: not fsync'ed (see top) */
	strlcpy(qe->sum, sp->sum, sizeof(qe->sum));
	if (fspath_fmt(env, sizeof(env), e, "%s/%s.env", sp->dir, sp->id) ==
	    -1 || fspath_fmt(msg, sizeof(msg), e, "%s/%s.msg", sp->dir,
	    sp->id) == -1)
		return err_prefix(e, "cannot queue the message");
	if ((fd = env_write_tmp(sp->dir, qe, tmpenv, sizeof(tmpenv), e)) == -1)
		return err_prefix(e, "cannot queue the message");
	if (rename(sp->path, msg) == -1) {
		oserr(e, "cannot queue the message: rename to", msg);
		goto fail;
	}
	strlcpy(sp->path, msg, sizeof(sp->path));
	if (rename(tmpenv, env) == -1) {
		oserr(e, "cannot queue the message: rename to", env);
		goto fail;
	}
	if (fsync_dir(sp->dir) == -1) {
		oserr(e, "cannot queue the message: sync", sp->dir);
		unlink(env);
		goto fail;
	}
	qe->lockfd = fd;
	sp->entry = 1;
	return 0;
fail:
	unlink(tmpenv);
	close(fd);
	return -1;
}

int
queue_update(const char *dir, struct qentry *qe, struct err *e)
{
	char tmp[LIMIT_PATH], env[LIMIT_PATH];
	int fd;

	if (fspath_fmt(env, sizeof(env), e, "%s/%s.env", dir, qe->id) == -1 ||
	    fspath_fmt(tmp, sizeof(tmp), e, "%s/%s.msg", dir, qe->id) == -1)
		return -1;
	if (!qe->synced) {	/* the message first: then "synced 1" */
		if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 ||
		    fsync(fd) == -1) {
			oserr(e, "cannot sync", tmp);
			if (fd != -1)
				close(fd);
			return -1;
		}
		close(fd);
		qe->synced = 1;
	}
	if ((fd = env_write_tmp(dir, qe, tmp, sizeof(tmp), e)) == -1)
		return -1;
	if (rename(tmp, env) == -1) {
		oserr(e, "cannot update", env);
		unlink(tmp);
		close(fd);
		return -1;
	}
	(void)fsync_dir(dir);
	queue_unlock(qe);
	qe->lockfd = fd;
	return 0;
}

/*
 * ID.env first (the entry ends), then ID.msg.  When ID.env cannot be
 * removed, ID.msg goes all the same: an ID.env without its ID.msg is
 * a finished entry (queue_msg_gone), never delivered again, and the
 * next scan that meets it removes it.
 */
int
queue_remove(const char *dir, struct qentry *qe)
{
	char env[LIMIT_PATH], msg[LIMIT_PATH];
	int rc = 0, sv = 0;
	struct err e;

	if (fspath_fmt(env, sizeof(env), &e, "%s/%s.env", dir, qe->id) ==
	    -1 || fspath_fmt(msg, sizeof(msg), &e, "%s/%s.msg", dir,
	    qe->id) == -1) {
		queue_log(dir, qe->id, "cannot remove the entry: %s", e.msg);
		queue_unlock(qe);
		return -1;
	}
	if (unlink(env) == -1 && errno != ENOENT) {
		sv = errno;
		rc = -1;
	}
	(void)fsync_dir(dir);
	unlink(msg);
	if (dot_path(msg, sizeof(msg), dir, qe->id) == 0)
		unlink(msg);
	if (rc == -1)
		queue_log(dir, qe->id, "cannot remove the entry: %s; its "
		    "message is gone, so it is finished (removed later)",
		    strerror(sv));
	queue_unlock(qe);
	return rc;
}

int
queue_msg_gone(const char *dir, const char *id)
{
	char path[LIMIT_PATH];
	struct stat st;
	struct err ignore;

	/* a name too long to build is no entry of ours: not gone */
	return fspath_fmt(path, sizeof(path), &ignore, "%s/%s.msg", dir,
	    id) == 0 && lstat(path, &st) == -1 && errno == ENOENT;
}

/* ID.msg of an entry that was never synced: size and sum as committed? */
static int
check_msg(struct spool *sp, const struct qentry *qe)
{
	char *buf, hex[SUM_HEX];
	struct sum sum;
	ssize_t n;

	if ((long long)sp->size != qe->size)
		return -1;
	buf = xmalloc(LIMIT_IO_BUF);
	sum_init(&sum);
	while ((n = read(sp->fd, buf, LIMIT_IO_BUF)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		sum_add(&sum, buf, (size_t)n);
	}
	free(buf);
	sum_hex(&sum, hex);
	if (n != 0 || strcmp(hex, qe->sum) != 0 ||
	    lseek(sp->fd, 0, SEEK_SET) == -1)
		return -1;
	return 0;
}

int
queue_open_msg(const char *dir, const struct qentry *qe, struct spool *sp,
    struct err *e)
{
	struct stat st;

	memset(sp, 0, sizeof(*sp));
	strlcpy(sp->id, qe->id, sizeof(sp->id));
	sp->fd = -1;
	if (fspath_fmt(sp->dir, sizeof(sp->dir), e, "%s", dir) == -1 ||
	    fspath_fmt(sp->path, sizeof(sp->path), e, "%s/%s.msg", dir,
	    qe->id) == -1)
		return -1;
	if ((sp->fd = open(sp->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1 || fstat(sp->fd, &st) == -1) {
		err_set(e, EX_IOERR, "queue entry %s: cannot open %s: %s",
		    qe->id, sp->path, strerror(errno));
		if (sp->fd != -1)
			close(sp->fd);
		sp->fd = -1;
		return -1;
	}
	if (file_ours(sp->fd, sp->path, e) == -1) {
		close(sp->fd);
		sp->fd = -1;
		return err_prefix(e, "queue entry %s", qe->id);
	}
	sp->size = st.st_size;
	sp->eightbit = qe->eightbit;
	sp->intl = qe->intl;
	sp->entry = 1;
	if (!qe->synced && check_msg(sp, qe) == -1) {
		err_set(e, EX_IOERR, "queue entry %s: the message file is "
		    "incomplete (the machine stopped before it was saved, so "
		    "its sender was never told it was queued)", qe->id);
		close(sp->fd);
		sp->fd = -1;
		return -1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
queue_scan(const char *dir, char ***ids, size_t *n, struct err *e)
{
	DIR *d;
	struct dirent *de;

	*ids = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, EX_IOERR, "cannot read queue directory %s: "
		    "%s", dir, strerror(errno));
	}
	if (queue_dir_check(dir, e) == -1) {
		closedir(d);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL &&
	    *n < LIMIT_QUEUE_ENTRIES) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".env") != 0)
			continue;
		de->d_name[l - 4] = '\0';
		if (!queue_id_valid(de->d_name))
			continue;
		*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = xstrdup(de->d_name);
	}
	if (de == NULL && errno != 0) {	/* not the end: an error */
		err_set(e, EX_IOERR, "cannot read queue directory %s: %s",
		    dir, strerror(errno));
		closedir(d);
		queue_ids_free(*ids, *n);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	closedir(d);
	if (*n > 1)
		qsort(*ids, *n, sizeof(**ids), cmp_str);
	return 0;
}

void
queue_ids_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* unlink `name` in dir when older than the limit; `orphan`: only a .msg
   or .dot whose .env does not exist */
static void
clean_one(const char *dir, const char *name, int orphan, time_t now)
{
	char path[LIMIT_PATH];
	struct stat st;
	size_t l = strlen(name);
	struct err ignore;

	if (fspath_join(path, sizeof(path), dir, name, &ignore) == -1 ||
	    lstat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
	    now - st.st_mtime < LIMIT_QUEUE_TMP_AGE)
		return;
	if (orphan) {
		char env[LIMIT_PATH];

		if (l < 5 || (strcmp(name + l - 4, ".msg") != 0 &&
		    strcmp(name + l - 4, ".dot") != 0) ||
		    fspath_fmt(env, sizeof(env), &ignore, "%s/%.*s.env", dir,
		    (int)(l - 4), name) == -1)
			return;
		if (access(env, F_OK) == 0 || errno != ENOENT)
			return;
	}
	unlink(path);
}

void
queue_clean(const char *dir)
{
	char tmp[LIMIT_PATH];
	struct dirent *de;
	time_t now = time(NULL);
	struct err ignore;
	DIR *d;
	int pass;

	if (fspath_join(tmp, sizeof(tmp), dir, "tmp", &ignore) == -1)
		return;
	for (pass = 0; pass < 2; pass++) {
		if ((d = opendir(pass == 0 ? tmp : dir)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				clean_one(pass == 0 ? tmp : dir, de->d_name,
				    pass == 1, now);
		closedir(d);
	}
}

int
queue_backoff(int attempts, int min, int max, unsigned int rnd)
{
	long long d = min > 0 ? min : 1, j;
	int i;

	for (i = 1; i < attempts && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	/* jitter in [-pct, +pct] percent */
	j = d * LIMIT_QUEUE_JITTER_PCT / 100;
	if (j > 0)
		d += (long long)(rnd % (unsigned int)(2 * j + 1)) - j;
	return d < 1 ? 1 : (int)d;
}

void
queue_log(const char *dir, const char *id, const char *fmt, ...)
{
	char path[LIMIT_PATH], line[LIMIT_ERR_MSG * 2], msg[LIMIT_ERR_MSG +
	    LIMIT_LOG_EXTRA];
	char vis[sizeof(msg) * 2], date[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	struct err le;
	int fd, n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_visible(vis, sizeof(vis), msg, strlen(msg));
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s %s: %s\n", date, id, vis);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)strlen(line);
	if (fspath_join(path, sizeof(path), dir, "log", &le) == -1 ||
	    (fd = queue_open_own(path, O_WRONLY | O_APPEND | O_CREAT,
	    &le)) == -1)
		return;
	(void)io_write_fd(fd, line, (size_t)n);
	close(fd);
}
