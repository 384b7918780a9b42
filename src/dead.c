/* SPDX-License-Identifier: ISC */
/*
 * dead.c - dead.letter (contract: dead.h).
 *
 * The file is an mbox shared with mail(1) and other writers: it is
 * opened O_APPEND and flock'ed for the whole message, so two appends
 * never interleave, and fsync'ed before the caller may drop its copy
 * (queue.c: "failed: dead.letter is written and fsync'ed before the
 * entry goes").
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dead.h"
#include "fspath.h"
#include "io.h"

/*
 * Copy the CRLF spool into mbox form: CRLF -> LF, body and header lines
 * starting with "From " get a ">" (mboxo quoting, what mail(1) reads).
 */
static int
copy_mbox(int in, int out)
{
	char buf[LIMIT_IO_BUF], ob[LIMIT_IO_BUF * 2 + 8];
	int bol = 1, cr = 0, eof = 0;
	size_t have = 0;	/* bytes carried over at the start of buf */
	ssize_t n;

	while (!eof) {
		size_t len, i, o = 0;

		n = read(in, buf + have, sizeof(buf) - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		eof = n == 0;
		len = have + (size_t)n;
		for (i = 0; i < len; i++) {
			char c = buf[i];

			/* a line start that may be "From " cut by the read:
			   decide when the next read has completed it */
			if (bol && !eof && len - i < 5 &&
			    memcmp(buf + i, "From ", len - i) == 0)
				break;
			if (cr && c != '\n')
				ob[o++] = '\r';
			cr = 0;
			if (c == '\r') {
				cr = 1;
				continue;
			}
			if (bol && c == 'F' && len - i >= 5 &&
			    memcmp(buf + i, "From ", 5) == 0)
				ob[o++] = '>';
			ob[o++] = c;
			bol = c == '\n';
		}
		if (io_write_fd(out, ob, o) == -1)
			return -1;
		have = len - i;
		memmove(buf, buf + i, have);
	}
	return io_write_fd(out, bol ? "\n" : "\n\n", bol ? 1 : 2);
}

int
dead_append(const struct spool *sp, const char *path,
    const char *sender, struct err *e)
{
	char head[LIMIT_DEAD_FROM];
	time_t now = time(NULL);
	char date[64];
	off_t end = -1;
	int fd, n, rc;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return err_set(e, EX_CANTCREAT, "cannot open %s: %s", path,
		    strerror(errno));
	flock(fd, LOCK_EX);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", gmtime(&now));
	n = snprintf(head, sizeof(head), "From %s %s\n",
	    sender && *sender ? sender : "MAILER-DAEMON", date);
	/* all or nothing: where the file ended, under the lock */
	rc = (end = lseek(fd, 0, SEEK_END)) == -1 ||
	    lseek(sp->fd, 0, SEEK_SET) == -1 ||
	    io_write_fd(fd, head, (size_t)n) == -1 ||
	    copy_mbox(sp->fd, fd) == -1 || fsync(fd) == -1;
	if (rc) {
		err_set(e, EX_IOERR, "cannot write %s: %s", path,
		    strerror(errno));
		/* a partial message would glue the next one to it */
		if (end != -1 && (ftruncate(fd, end) == -1 || fsync(fd) == -1))
			err_prefix(e, "%s is left with a partial message "
			    "at its end", path);
	}
	flock(fd, LOCK_UN);
	close(fd);
	return rc ? -1 : 0;
}

const char *
dead_path(const struct account *a, char *buf, size_t sz)
{
	const char *h = getenv("HOME");
	struct err ignore;

	if (a != NULL)
		return a->dead_letter;
	if (h == NULL || *h == '\0' ||
	    fspath_join(buf, sz, h, "dead.letter", &ignore) == -1)
		return NULL;
	return buf;
}
