/*
 * queue.c - spool files and dead.letter.
 *
 * For now the queue directory holds one spool file per running smtps:
 * created 0600 before any network byte, removed after delivery.  When a
 * message cannot be delivered it is appended to dead.letter (mbox), so
 * nothing is lost.  The durable retry queue (issue 4) builds on this.
 */
#include <sys/stat.h>
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "queue.h"

/* mkdir -p with mode 0700 for each created component */
static int
mkdirs(const char *dir, struct err *e)
{
	char p[4096];
	size_t i;

	if (strlcpy(p, dir, sizeof(p)) >= sizeof(p))
		return err_set(e, EX_CANTCREAT, "queue directory name too long");
	for (i = 1; p[i] != '\0'; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			return err_set(e, EX_CANTCREAT, "cannot create %s: %s",
			    p, strerror(errno));
		p[i] = '/';
	}
	if (mkdir(p, 0700) == -1 && errno != EEXIST)
		return err_set(e, EX_CANTCREAT, "cannot create %s: %s", p,
		    strerror(errno));
	return 0;
}

int
queue_spool_create(const char *dir, struct spool *sp, struct err *e)
{
	int n;

	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	if (mkdirs(dir, e) == -1)
		return -1;
	n = snprintf(sp->path, sizeof(sp->path), "%s/msg.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(sp->path))
		return err_set(e, EX_CANTCREAT, "queue path too long");
	/* mkstemp creates the file 0600 */
	if ((sp->fd = mkostemp(sp->path, O_CLOEXEC)) == -1)
		return err_set(e, EX_CANTCREAT, "cannot create spool file in "
		    "%s: %s", dir, strerror(errno));
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

/* write all, or -1 */
static int
writeall(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Copy the CRLF spool into mbox form: CRLF -> LF, body and header lines
 * starting with "From " get a ">" (mboxo quoting, what mail(1) reads).
 */
static int
copy_mbox(int in, int out)
{
	char buf[LIMIT_IO_BUF], ob[LIMIT_IO_BUF * 2 + 8];
	int bol = 1, cr = 0;
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		size_t o = 0;
		ssize_t i;

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		for (i = 0; i < n; i++) {
			char c = buf[i];

			if (cr && c != '\n')
				ob[o++] = '\r';
			cr = 0;
			if (c == '\r') {
				cr = 1;
				continue;
			}
			if (bol && c == 'F' && n - i >= 5 &&
			    memcmp(buf + i, "From ", 5) == 0)
				ob[o++] = '>';
			ob[o++] = c;
			bol = c == '\n';
		}
		if (writeall(out, ob, o) == -1)
			return -1;
	}
	return writeall(out, bol ? "\n" : "\n\n", bol ? 1 : 2);
}

int
queue_dead_letter(const struct spool *sp, const char *path,
    const char *sender, struct err *e)
{
	char head[600];
	time_t now = time(NULL);
	char date[64];
	int fd, n, rc;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return err_set(e, EX_CANTCREAT, "cannot open %s: %s", path,
		    strerror(errno));
	flock(fd, LOCK_EX);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", gmtime(&now));
	n = snprintf(head, sizeof(head), "From %s %s\n",
	    sender && *sender ? sender : "MAILER-DAEMON", date);
	rc = lseek(sp->fd, 0, SEEK_SET) == -1 ||
	    writeall(fd, head, (size_t)n) == -1 || copy_mbox(sp->fd, fd) == -1 ||
	    fsync(fd) == -1;
	if (rc)
		err_set(e, EX_IOERR, "cannot write %s: %s", path,
		    strerror(errno));
	flock(fd, LOCK_UN);
	close(fd);
	return rc ? -1 : 0;
}
