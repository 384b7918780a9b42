/* SPDX-License-Identifier: ISC */
/*
 * submit.c - hand a message to the system submission service (contract:
 * submit.h).  The caller's uid is not sent: the service takes it from
 * the kernel (SO_PEERCRED).
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "dead.h"
#include "fspath.h"
#include "io.h"
#include "smtp.h"
#include "submit.h"
#include "subproto.h"

const char *
submit_socket_path(void)
{
	const char *p = getenv("SMTPS_SUBMIT_SOCKET");

	return p != NULL && *p == '/' ? p : SMTPS_SUBMIT_SOCKET;
}

int
submit_send(int fd, const char *buf, size_t n, long long deadline,
    struct err *e)
{
	ssize_t w;

	while (n > 0) {
		if (io_wait_fd(fd, POLLOUT, deadline) == -1)
			return err_set(e, errno == ETIMEDOUT ? EX_TEMPFAIL :
			    EX_IOERR, "submission socket: %s", errno ==
			    ETIMEDOUT ? "timed out" : strerror(errno));
		w = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w == -1)
			return err_set(e, EX_IOERR, "submission socket: %s",
			    strerror(errno));
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
submit_recv(int fd, char *buf, size_t sz, long long deadline,
    struct err *e)
{
	ssize_t r;

	for (;;) {
		if (io_wait_fd(fd, POLLIN, deadline) == -1)
			return err_set(e, errno == ETIMEDOUT ? EX_TEMPFAIL :
			    EX_IOERR, "submission socket: %s", errno ==
			    ETIMEDOUT ? "timed out" : strerror(errno));
		r = recv(fd, buf, sz, MSG_DONTWAIT);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == -1 && errno == ECONNRESET)
			return 0;
		if (r == -1)
			return err_set(e, EX_IOERR, "submission socket: %s",
			    strerror(errno));
		return r;
	}
}

/* one reply ("ready" or a status), waiting until deadline */
static int
read_reply(int fd, struct subproto_reply *rp, long long deadline,
    struct err *e)
{
	static char buf[LIMIT_SUBMIT_REPLY + 64];
	size_t have = 0;
	ssize_t r;
	long n;

	for (;;) {
		if ((n = subproto_reply_parse(buf, have, rp, e)) != 0)
			return n > 0 ? 0 : -1;
		if (have == sizeof(buf))
			return err_set(e, EX_PROTOCOL, "submission service: "
			    "reply too long");
		r = submit_recv(fd, buf + have, sizeof(buf) - have, deadline,
		    e);
		if (r == -1)
			return -1;
		if (r == 0)
			return err_set(e, EX_TEMPFAIL, "the submission service "
			    "closed the connection without a status");
		have += (size_t)r;
	}
}

/* stdin, whole, into a memfd (sp->fd, rewound) */
static int
read_stdin(struct spool *sp, struct err *e)
{
	char buf[LIMIT_IO_BUF];
	ssize_t n;

	memset(sp, 0, sizeof(*sp));
	if ((sp->fd = memfd_create("smtps-submit", MFD_CLOEXEC)) == -1)
		return err_set(e, EX_OSERR, "memfd_create: %s",
		    strerror(errno));
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return err_set(e, EX_IOERR, "reading the message: %s",
			    strerror(errno));
		if (sp->size + n > LIMIT_MESSAGE)
			return err_set(e, EX_DATAERR, "message larger than "
			    "%lld bytes", LIMIT_MESSAGE);
		if (io_write_fd(sp->fd, buf, (size_t)n) == -1)
			return err_set(e, EX_IOERR, "keeping the message: %s",
			    strerror(errno));
		sp->size += n;
	}
	return lseek(sp->fd, 0, SEEK_SET) == -1 ? err_set(e, EX_IOERR,
	    "lseek: %s", strerror(errno)) : 0;
}

/* the message into the caller's dead.letter; "; saved in X" or why not
   appended to note */
static void
keep(const struct spool *sp, const struct opts *o, char *note, size_t sz)
{
	struct passwd *pw = getpwuid(getuid());
	const char *sender = o->from != NULL ? o->from : pw != NULL ?
	    pw->pw_name : NULL;
	char buf[LIMIT_PATH];
	const char *path = dead_path(NULL, buf, sizeof(buf));
	struct err de;

	err_clear(&de);
	/* daemons often run without HOME: the password database's */
	if (path == NULL && pw != NULL && pw->pw_dir != NULL &&
	    *pw->pw_dir == '/' && fspath_join(buf, sizeof(buf), pw->pw_dir,
	    "dead.letter", &de) == 0)
		path = buf;
	if (path == NULL)
		snprintf(note, sz, "; the message is lost: no home directory "
		    "for dead.letter");
	else if (dead_append(sp, path, sender, &de) == -1)
		err_fmt(note, sz, "; the message is lost: %s", de.msg);
	else
		err_fmt(note, sz, "; the message is saved in %s", path);
}

int
submit_connect(const char *path, struct err *e)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		return err_set(e, EX_UNAVAILABLE, "submission socket name too "
		    "long: %s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return err_set(e, EX_OSERR, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		err_set(e, EX_UNAVAILABLE, "cannot reach the submission "
		    "service at %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* header and message out */
static int
send_request(int fd, const struct spool *sp, int argc, char **argv,
    struct err *e)
{
	char buf[LIMIT_IO_BUF], *head;
	size_t hlen;
	ssize_t n;
	int rc;

	if ((head = subproto_req_build(argc, argv, (long long)sp->size,
	    &hlen, e)) == NULL)
		return -1;
	rc = submit_send(fd, head, hlen, io_now_ms() +
	    LIMIT_SUBMIT_IO_TIMEOUT * 1000LL, e);
	free(head);
	while (rc == 0 && (n = read(sp->fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return err_set(e, EX_IOERR, "reading the message: %s",
			    strerror(errno));
		rc = submit_send(fd, buf, (size_t)n, io_now_ms() +
		    LIMIT_SUBMIT_IO_TIMEOUT * 1000LL, e);
	}
	return rc;
}

/* the whole exchange; 0 with a status in *rp, or -1 */
static int
exchange(const char *path, const struct spool *sp, int argc, char **argv,
    struct subproto_reply *rp, struct err *e)
{
	struct err se;
	int fd, rc, src;

	if ((fd = submit_connect(path, e)) == -1)
		return -1;
	rc = read_reply(fd, rp, io_now_ms() + LIMIT_SUBMIT_IO_TIMEOUT *
	    1000LL, e);
	if (rc == -1 || !rp->ready) {	/* no go-ahead: refused, or lost */
		close(fd);
		return rc;
	}
	err_clear(&se);
	src = send_request(fd, sp, argc, argv, &se);
	/* a status may come even when sending failed: read it either way */
	rc = read_reply(fd, rp, io_now_ms() + LIMIT_SUBMIT_WAIT * 1000LL, e);
	if (rc == 0 && rp->ready)
		rc = err_set(e, EX_PROTOCOL, "submission service: a second "
		    "go-ahead");
	close(fd);
	if (rc == -1 && src == -1) {	/* it never had the whole message */
		*e = se;
		e->code = EX_TEMPFAIL;
	} else if (rc == -1) {
		e->code = EX_TEMPFAIL;
		err_prefix(e, "the message may be in the system queue");
	}
	return rc;
}

/* print the service's text; the last line gets the dead.letter note */
static void
relay(const struct subproto_reply *rp, const char *note)
{
	char vis[LIMIT_SUBMIT_REPLY * 4 + 1];
	size_t n = rp->len, i, s = 0;

	while (n > 0 && rp->text[n - 1] == '\n')
		n--;
	if (n == 0) {
		if (*note != '\0')
			fprintf(stderr, "smtps: the submission service "
			    "answered %d%s\n", rp->code, note);
		return;
	}
	for (i = 0; i <= n; i++)	/* line by line, made visible */
		if (i == n || rp->text[i] == '\n') {
			err_visible(vis, sizeof(vis), rp->text + s, i - s);
			fprintf(stderr, "%s%s\n", vis, i == n ? note : "");
			s = i + 1;
		}
}

static int
to_service(const char *path, const struct opts *o, int argc, char **argv,
    struct err *e)
{
	struct subproto_reply *rp = xcalloc(1, sizeof(*rp));
	char note[LIMIT_ERR_MSG / 2] = "";
	struct spool sp;
	int code;

	if (read_stdin(&sp, e) == -1) {
		if (sp.fd != -1)
			close(sp.fd);
		free(rp);
		return -1;
	}
	if (exchange(path, &sp, argc - 1, argv + 1, rp, e) == -1) {
		keep(&sp, o, note, sizeof(note));
		err_append(e, "%s", note);
		code = -1;
	} else {
		if ((code = rp->code) != 0)
			keep(&sp, o, note, sizeof(note));
		relay(rp, note);
	}
	close(sp.fd);
	free(rp);
	return code;
}

int
submit_route(const struct opts *o, int argc, char **argv, struct err *e)
{
	const char *path = submit_socket_path();
	char note[LIMIT_ERR_MSG / 2];
	struct opts chk;
	struct spool sp;
	struct stat st;

	if (o->submitter != NULL && !subproto_submitter_ok(o->submitter))
		return err_set(e, EX_USAGE, "--submitter: expected \"UID "
		    "NAME\"");
	if (o->mode != MODE_SEND || o->conffile != NULL ||
	    o->submitter != NULL || account_has_user_conf())
		return SUBMIT_SKIP;
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (st.st_uid == geteuid())
			return SUBMIT_SKIP;	/* the service's own user */
	} else if (account_system_conf_readable())
		return SUBMIT_SKIP;
	else {
		err_set(e, EX_UNAVAILABLE, "no configuration file and no "
		    "submission service (%s)", path);
		if (read_stdin(&sp, e) == 0) {
			keep(&sp, o, note, sizeof(note));
			err_append(e, "%s", note);
		}
		if (sp.fd != -1)
			close(sp.fd);
		return -1;
	}
	if (subproto_args(argc, argv, &chk, e) == -1)
		return -1;
	return to_service(path, o, argc, argv, e);
}

const char *
submit_trace(const struct opts *o, const struct account *a, char *buf,
    size_t sz)
{
	char host[LIMIT_DOMAIN + 1];
	struct tm tm;
	time_t now = time(NULL);

	if (o->submitter == NULL || !a->submit_received)
		return NULL;
	smtp_local_name(host, sizeof(host));
	localtime_r(&now, &tm);
	/* a host name the field cannot carry: "localhost" instead */
	if (subproto_received(buf, sz, o->submitter, host, now,
	    (int)(tm.tm_gmtoff / 60)) == -1 && subproto_received(buf, sz,
	    o->submitter, "localhost", now, (int)(tm.tm_gmtoff / 60)) == -1)
		return NULL;
	return buf;
}
