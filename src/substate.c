/* SPDX-License-Identifier: ISC */
/*
 * substate.c - the rate state file of the submission service (contract:
 * substate.h).  The format and its checks are subpolicy's (PURE); this
 * is the file: atomic replace, trusted only when it is ours.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fspath.h"
#include "io.h"
#include "queue.h"
#include "substate.h"

#define STATE_FILE	"submit-rate"
#define STATE_TMP	"submit-rate.new"

/* the file's bytes (at most LIMIT_SUBMIT_STATE + 1) into buf */
static ssize_t
slurp(const char *path, char *buf, struct err *e)
{
	struct stat st;
	ssize_t n, got = 0;
	int fd = queue_open_own(path, O_RDONLY, e);

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, EX_DATAERR, "%s: not a regular file", path);
	}
	while (got <= LIMIT_SUBMIT_STATE && (n = read(fd, buf + got,
	    LIMIT_SUBMIT_STATE + 1 - (size_t)got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
			got = -1;
			break;
		}
		got += n;
	}
	close(fd);
	return got;
}

void
substate_load(const char *dir, struct subpolicy_rate *r)
{
	char path[LIMIT_PATH], *buf;
	struct err e;
	ssize_t n;

	err_clear(&e);
	if (fspath_join(path, sizeof(path), dir, STATE_FILE, &e) == -1) {
		fprintf(stderr, "smtps: rate state: %s; ignored\n", e.msg);
		return;
	}
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return;
	buf = xmalloc(LIMIT_SUBMIT_STATE + 1);
	if ((n = slurp(path, buf, &e)) >= 0 && subpolicy_rate_load(r, buf,
	    (size_t)n, time(NULL), &e) == -1)
		err_prefix(&e, "%s", path);
	if (e.code != 0)
		fprintf(stderr, "smtps: %s; ignored\n", e.msg);
	free(buf);
}

/* text into dir/STATE_TMP, renamed over dir/STATE_FILE */
static int
replace(const char *dir, const char *text, size_t len, struct err *e)
{
	char tmp[LIMIT_PATH], path[LIMIT_PATH];
	int fd, rc;

	if (fspath_join(tmp, sizeof(tmp), dir, STATE_TMP, e) == -1 ||
	    fspath_join(path, sizeof(path), dir, STATE_FILE, e) == -1)
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return err_set(e, EX_CANTCREAT, "%s: %s", dir, strerror(errno));
	if (unlink(tmp) == -1 && errno != ENOENT)
		return err_set(e, EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
	if ((fd = queue_open_own(tmp, O_WRONLY | O_CREAT | O_EXCL, e)) == -1)
		return -1;
	rc = io_write_fd(fd, text, len);
	if (close(fd) == -1 || rc == -1) {
		err_set(e, EX_IOERR, "%s: %s", tmp, strerror(errno));
		(void)unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

void
substate_save(const char *dir, const struct subpolicy_rate *r)
{
	struct err e;
	size_t len;
	char *text = subpolicy_rate_text(r, time(NULL), &len);

	err_clear(&e);
	if (replace(dir, text, len, &e) == -1)
		fprintf(stderr, "smtps: rate state: %s\n", e.msg);
	free(text);
}
