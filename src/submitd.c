/* SPDX-License-Identifier: ISC */
/*
 * submitd.c - the system submission service (contract: submitd.h).
 *
 * The parent only accepts, asks the kernel who is calling, applies
 * submit_allow and submit_rate (the rate table lives here, so it is one
 * per service), and forks a worker per accepted connection.  A worker
 * reads the request, runs the pipeline as a child and relays its
 * status; it never trusts the caller's word about who it is.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "io.h"
#include "sublist.h"
#include "submit.h"
#include "submitd.h"
#include "subpolicy.h"
#include "subproto.h"
#include "substate.h"

#define SD_LISTEN_FD	3	/* systemd's first passed descriptor */
#define MAX_GROUPS	256	/* groups looked at for @group */
#define NO_MESSAGE	3	/* a worker's exit: it took no message (a
				   listing): the rate count is given back */

struct svc {
	const struct opts	*o;
	struct account		 a;
	struct subpolicy_rate	*rate;
	int			 lfd;
	int			 bound;	/* we made path: remove it at the end */
	char			 path[LIMIT_PATH];
	int			 workers;
	struct {
		pid_t		 pid;
		unsigned long	 uid;
		int		 counted;	/* submit_rate took one */
	}			 w[LIMIT_SUBMIT_WORKERS];
};

struct peer {
	struct ucred	cred;
	char		name[LIMIT_USER_NAME + 1];
	char		submitter[LIMIT_USER_NAME + 16];
	int		refused;	/* the status sent instead of "ready" */
	char		why[LIMIT_ERR_MSG];
	int		counted;
};

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: poll sees EINTR */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}

/* systemd socket activation: fd 3, or -1 (not activated), -2 error */
static int
sd_listen(struct err *e)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *es = NULL;
	long long p;
	int ours, acc = 0;
	socklen_t len = sizeof(acc);

	if (pid == NULL || fds == NULL)
		return -1;
	p = strtonum(pid, 1, INT32_MAX, &es);
	ours = es == NULL && p == (long long)getpid();
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	if (!ours)
		return -1;
	if (strcmp(fds, "1") != 0)
		return err_set(e, EX_USAGE, "systemd passed %s sockets; the "
		    "submission service takes one", fds), -2;
	if (getsockopt(SD_LISTEN_FD, SOL_SOCKET, SO_ACCEPTCONN, &acc,
	    &len) == -1 || !acc)
		return err_set(e, EX_USAGE, "fd 3 from systemd is not a "
		    "listening socket"), -2;
	(void)fcntl(SD_LISTEN_FD, F_SETFD, FD_CLOEXEC);
	return SD_LISTEN_FD;
}

static int
sun_of(struct sockaddr_un *sun, const char *path, struct err *e)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlcpy(sun->sun_path, path, sizeof(sun->sun_path)) >=
	    sizeof(sun->sun_path))
		return err_set(e, EX_USAGE, "socket name too long: %s", path);
	return 0;
}

/* a file at path: a stale socket is removed, anything else refused */
static int
clear_stale(const struct sockaddr_un *sun, struct err *e)
{
	struct stat st;
	int fd, live;

	if (lstat(sun->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : err_set(e, EX_CANTCREAT,
		    "%s: %s", sun->sun_path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return err_set(e, EX_CANTCREAT, "%s exists and is not a "
		    "socket", sun->sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return err_set(e, EX_OSERR, "socket: %s", strerror(errno));
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	if (live)
		return err_set(e, EX_UNAVAILABLE, "another submission service "
		    "listens on %s", sun->sun_path);
	if (unlink(sun->sun_path) == -1 && errno != ENOENT)
		return err_set(e, EX_CANTCREAT, "cannot remove the stale "
		    "socket %s: %s", sun->sun_path, strerror(errno));
	return 0;
}

static int
bind_socket(struct svc *s, struct err *e)
{
	const char *path = s->o->socket ? s->o->socket : submit_socket_path();
	struct sockaddr_un sun;
	int fd;

	if (sun_of(&sun, path, e) == -1 || clear_stale(&sun, e) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return err_set(e, EX_OSERR, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		err_set(e, EX_CANTCREAT, "cannot bind %s: %s%s", path,
		    strerror(errno), errno == ENOENT ? " (its directory must "
		    "exist)" : "");
		close(fd);
		return -1;
	}
	strlcpy(s->path, path, sizeof(s->path));
	s->bound = 1;
	if (chmod(path, 0666) == -1 || listen(fd, SOMAXCONN) == -1) {
		err_set(e, EX_OSERR, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* user name and groups of the peer; 0 allowed, else refused */
static int
peer_allowed(const struct svc *s, struct peer *p)
{
	gid_t gids[MAX_GROUPS];
	const char *names[MAX_GROUPS + 1];
	char *keep[MAX_GROUPS + 1];
	struct passwd *pw = getpwuid(p->cred.uid);
	struct group *gr;
	int n = MAX_GROUPS, i, k = 0, ok;

	strlcpy(p->name, pw != NULL && strlen(pw->pw_name) <=
	    LIMIT_USER_NAME ? pw->pw_name : "unknown", sizeof(p->name));
	if (!subproto_submitter_ok((snprintf(p->submitter,
	    sizeof(p->submitter), "%u %s", (unsigned)p->cred.uid, p->name),
	    p->submitter)))
		snprintf(p->submitter, sizeof(p->submitter), "%u unknown",
		    (unsigned)p->cred.uid);
	if (s->a.submit_allow == NULL)
		return 1;
	if (pw == NULL || getgrouplist(pw->pw_name, pw->pw_gid, gids,
	    &n) == -1)
		n = 0;
	gids[n < MAX_GROUPS ? n++ : MAX_GROUPS - 1] = p->cred.gid;
	for (i = 0; i < n; i++)
		if ((gr = getgrgid(gids[i])) != NULL)
			names[k] = keep[k] = xstrdup(gr->gr_name), k++;
	ok = subpolicy_allowed(s->a.submit_allow, pw ? p->name : NULL,
	    names, (size_t)k);
	while (k > 0)
		free(keep[--k]);
	return ok;
}

/* a status sent at once (refusals, worker errors) */
static void
status(int fd, int code, const char *text)
{
	struct err e;
	size_t n;
	char *r = subproto_reply_build(code, text, strlen(text), &n);

	(void)submit_send(fd, r, n, io_now_ms() + LIMIT_SUBMIT_IO_TIMEOUT *
	    1000LL, &e);
	free(r);
}

/* the request header; the bytes after it (message) stay in buf */
static int
read_head(int fd, struct subproto_req *rq, char *buf, size_t *have,
    struct err *e)
{
	long n;
	ssize_t r;

	*have = 0;
	for (;;) {
		if ((n = subproto_req_parse(buf, *have, rq, e)) != 0)
			break;
		r = submit_recv(fd, buf + *have, LIMIT_SUBMIT_HEAD - *have,
		    io_now_ms() + LIMIT_SUBMIT_IO_TIMEOUT * 1000LL, e);
		if (r <= 0)
			return r == 0 ? err_set(e, EX_PROTOCOL, "submission "
			    "request: connection closed early") : -1;
		*have += (size_t)r;
	}
	if (n < 0)
		return -1;
	memmove(buf, buf + n, *have - (size_t)n);
	*have -= (size_t)n;
	return 0;
}

/* the message (size bytes: have of them already in buf) into a memfd */
static int
read_message(int fd, long long size, const char *buf, size_t have,
    struct err *e)
{
	char chunk[LIMIT_IO_BUF];
	long long got = (long long)have;
	ssize_t r;
	int mfd;

	if (got > size)
		return err_set(e, EX_PROTOCOL, "submission request: more bytes "
		    "than its size");
	if ((mfd = memfd_create("smtps-submitd", MFD_CLOEXEC)) == -1)
		return err_set(e, EX_OSERR, "memfd_create: %s",
		    strerror(errno));
	if (io_write_fd(mfd, buf, have) == -1)
		goto ioerr;
	while (got < size) {
		r = submit_recv(fd, chunk, size - got < (long long)sizeof(chunk)
		    ? (size_t)(size - got) : sizeof(chunk), io_now_ms() +
		    LIMIT_SUBMIT_IO_TIMEOUT * 1000LL, e);
		if (r <= 0) {
			if (r == 0)
				err_set(e, EX_PROTOCOL, "submission request: "
				    "connection closed in the message");
			close(mfd);
			return -1;
		}
		if (io_write_fd(mfd, chunk, (size_t)r) == -1)
			goto ioerr;
		got += r;
	}
	if (lseek(mfd, 0, SEEK_SET) == 0)
		return mfd;
ioerr:
	err_set(e, EX_TEMPFAIL, "keeping the message: %s", strerror(errno));
	close(mfd);
	return -1;
}

/* the child: the pipeline with the message on stdin */
static void
exec_pipeline(int mfd, int errfd, char **argv)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null == -1 || dup2(mfd, STDIN_FILENO) == -1 ||
	    dup2(null, STDOUT_FILENO) == -1 ||
	    dup2(errfd, STDERR_FILENO) == -1)
		_exit(EX_OSERR);
	execv("/proc/self/exe", argv);
	dprintf(STDERR_FILENO, "smtps: submission service: cannot run "
	    "/proc/self/exe: %s\n", strerror(errno));
	_exit(EX_OSERR);
}

/* what the pipeline writes on stderr, into text (cut at
   LIMIT_SUBMIT_REPLY); stops at EOF, or once the child has exited and
   nothing more is waiting (a process it left behind may hold the pipe) */
static void
collect(int fd, pid_t pid, int *st, char *text, size_t *len)
{
	char drain[512];
	int exited = 0;
	ssize_t r;

	for (;;) {
		if (!exited && waitpid(pid, st, WNOHANG) == pid)
			exited = 1;
		if (io_wait_fd(fd, POLLIN, io_now_ms() + (exited ? 0 :
		    LIMIT_POLL_TICK)) == -1) {
			if (exited)
				return;
			continue;
		}
		r = read(fd, *len < LIMIT_SUBMIT_REPLY ? text + *len : drain,
		    *len < LIMIT_SUBMIT_REPLY ? LIMIT_SUBMIT_REPLY - *len :
		    sizeof(drain));
		if (r == 0 || (r == -1 && errno != EINTR))
			break;
		if (r > 0 && *len < LIMIT_SUBMIT_REPLY)
			*len += (size_t)r;
	}
	while (!exited && waitpid(pid, st, 0) == -1 && errno == EINTR)
		;
}

/* run the pipeline; its exit code, its stderr in text */
static int
run_pipeline(int mfd, char **argv, char *text, size_t *len)
{
	int pfd[2], st = 0;
	pid_t pid;

	*len = 0;
	if (pipe2(pfd, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		*len = (size_t)snprintf(text, LIMIT_SUBMIT_REPLY, "smtps: "
		    "submission service: cannot start: %s", strerror(errno));
		return EX_TEMPFAIL;
	}
	if (pid == 0)
		exec_pipeline(mfd, pfd[1], argv);
	close(pfd[1]);
	collect(pfd[0], pid, &st, text, len);
	close(pfd[0]);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	*len = (size_t)snprintf(text, LIMIT_SUBMIT_REPLY, "smtps: submission "
	    "service: the delivery was killed by signal %d",
	    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return EX_TEMPFAIL;
}

/* one accepted connection, in its worker process; returns the code,
   *listed 1 when it was not a submission */
static int
worker(const struct svc *s, int fd, const struct peer *p, int *listed)
{
	static char buf[LIMIT_SUBMIT_HEAD], text[LIMIT_SUBMIT_REPLY + 1];
	struct subproto_req rq;
	struct opts o;
	struct err e;
	char **argv = NULL, *r;
	size_t have, len;
	int mfd = -1, code;

	err_clear(&e);
	if (p->refused)
		status(fd, p->refused, p->why);
	else if (submit_send(fd, "ready\n", 6, io_now_ms() +
	    LIMIT_SUBMIT_IO_TIMEOUT * 1000LL, &e) == -1)
		return e.code;
	if (read_head(fd, &rq, buf, &have, &e) == -1)
		return p->refused ? p->refused : e.code;
	if (rq.list || p->refused) {	/* a refused caller may only list */
		code = p->refused;
		if ((*listed = rq.list))
			code = sublist_serve(fd, s->a.queue_dir,
			    p->cred.uid != 0 && p->cred.uid != geteuid() ?
			    (long long)p->cred.uid : -1, rq.json);
		subproto_req_free(&rq);
		return code;
	}
	if (subproto_args(rq.argc, rq.argv, &o, &e) == -1 ||
	    subproto_child_argv(&o, s->o->conffile, p->submitter, &argv,
	    &e) == -1 || (mfd = read_message(fd, rq.size, buf, have,
	    &e)) == -1) {
		snprintf(text, sizeof(text), "smtps: %s", e.msg);
		status(fd, e.code, text);
		subproto_req_free(&rq);
		return e.code;
	}
	code = run_pipeline(mfd, argv, text, &len);
	r = subproto_reply_build(code, text, len, &have);
	if (submit_send(fd, r, have, io_now_ms() + LIMIT_SUBMIT_IO_TIMEOUT *
	    1000LL, &e) == -1)
		fprintf(stderr, "smtps: uid %u: status not delivered: %s\n",
		    (unsigned)p->cred.uid, e.msg);
	free(r);
	free(argv);
	close(mfd);
	subproto_req_free(&rq);
	return code;
}

/* who is calling, and may they submit: p->refused and p->why say no
   (the worker sends it; the caller may still list); -1 when the caller
   cannot be told apart (status sent) */
static int
admit(struct svc *s, int fd, struct peer *p)
{
	socklen_t len = sizeof(p->cred);
	long retry;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &p->cred, &len) == -1) {
		fprintf(stderr, "smtps: SO_PEERCRED: %s\n", strerror(errno));
		status(fd, EX_OSERR, "smtps: submission service: cannot tell "
		    "who is calling");
		return -1;
	}
	if (!peer_allowed(s, p)) {
		snprintf(p->why, sizeof(p->why), "smtps: submission refused: "
		    "uid %u (%s) may not submit mail on this host "
		    "(submit_allow)", (unsigned)p->cred.uid, p->name);
		p->refused = EX_NOPERM;
	} else if (!subpolicy_rate_take(s->rate, p->cred.uid, time(NULL),
	    &retry)) {
		snprintf(p->why, sizeof(p->why), "smtps: submission refused: "
		    "uid %u (%s) reached its limit of %d messages per %d s "
		    "(submit_rate); try again in %ld s", (unsigned)p->cred.uid,
		    p->name, s->rate->max, s->rate->period, retry);
		p->refused = EX_TEMPFAIL;
	} else if (s->rate->max > 0) {
		p->counted = 1;
		substate_save(s->a.queue_dir, s->rate);
	}
	if (p->refused)
		fprintf(stderr, "%s, pid %ld\n", p->why, (long)p->cred.pid);
	return 0;
}

/* the worker table: who a worker serves, whether it was counted */
static void
worker_add(struct svc *s, pid_t pid, const struct peer *p)
{
	int i;

	for (i = 0; i < LIMIT_SUBMIT_WORKERS && s->w[i].pid != 0; i++)
		;
	if (i < LIMIT_SUBMIT_WORKERS) {
		s->w[i].pid = pid;
		s->w[i].uid = p->cred.uid;
		s->w[i].counted = p->counted;
	}
	s->workers++;
}

static void
serve(struct svc *s, int fd)
{
	struct peer p;
	pid_t pid;
	int code, listed = 0;

	memset(&p, 0, sizeof(p));
	if (admit(s, fd, &p) == -1)
		return;
	if ((pid = fork()) == -1) {
		status(fd, p.refused ? p.refused : EX_TEMPFAIL, p.refused ?
		    p.why : "smtps: submission service: cannot fork");
		return;
	}
	if (pid == 0) {
		close(s->lfd);
		code = worker(s, fd, &p, &listed);
		if (listed)
			fprintf(stderr, "smtps: uid %u (%s) pid %ld: listed "
			    "the queue, exit %d\n", (unsigned)p.cred.uid,
			    p.name, (long)p.cred.pid, code);
		else if (!p.refused)	/* the refusal was logged */
			fprintf(stderr, "smtps: uid %u (%s) pid %ld: exit "
			    "%d\n", (unsigned)p.cred.uid, p.name,
			    (long)p.cred.pid, code);
		_exit(listed ? NO_MESSAGE : 0);
	}
	worker_add(s, pid, &p);
}

/* a worker ended: one that took no message gives its count back */
static void
worker_done(struct svc *s, pid_t pid, int st)
{
	int i;

	for (i = 0; i < LIMIT_SUBMIT_WORKERS && s->w[i].pid != pid; i++)
		;
	if (i == LIMIT_SUBMIT_WORKERS)
		return;
	if (s->w[i].counted && WIFEXITED(st) && WEXITSTATUS(st) ==
	    NO_MESSAGE) {
		subpolicy_rate_refund(s->rate, s->w[i].uid);
		substate_save(s->a.queue_dir, s->rate);
	}
	s->w[i].pid = 0;
}

static void
reap(struct svc *s, int block)
{
	pid_t pid;
	int st;

	while (s->workers > 0 && (pid = waitpid(-1, &st, block ? 0 :
	    WNOHANG)) > 0) {
		worker_done(s, pid, st);
		s->workers--;
	}
}

static void
loop(struct svc *s)
{
	struct pollfd pfd;
	int fd;

	while (!stopping) {
		reap(s, 0);
		pfd.fd = s->workers < LIMIT_SUBMIT_WORKERS ? s->lfd : -1;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, LIMIT_POLL_TICK) <= 0 ||
		    !(pfd.revents & POLLIN))
			continue;
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd == -1)
			continue;
		serve(s, fd);
		close(fd);
	}
}

int
submitd_run(const struct opts *o, struct err *e)
{
	static struct svc s;
	int rc = 0;

	s.o = o;
	/* systemd's variables go first: no command the config runs sees
	   them */
	if ((s.lfd = sd_listen(e)) == -2 || account_load(o, &s.a, NULL,
	    e) == -1)
		return -1;
	s.rate = xcalloc(1, sizeof(*s.rate));
	s.rate->max = LIMIT_SUBMIT_RATE;
	s.rate->period = LIMIT_SUBMIT_PERIOD;
	if ((s.a.submit_rate != NULL && subpolicy_rate_parse(s.a.submit_rate,
	    &s.rate->max, &s.rate->period, e) == -1) ||
	    (s.lfd == -1 && (s.lfd = bind_socket(&s, e)) == -1))
		rc = -1;
	else if (s.rate->max > 0)
		substate_load(s.a.queue_dir, s.rate);
	if (rc == 0) {
		catch_signals();
		fprintf(stderr, "smtps: submission service listening on %s\n",
		    s.bound ? s.path : "the socket from systemd");
		loop(&s);
		close(s.lfd);
		if (s.bound)
			(void)unlink(s.path);
		reap(&s, 1);
	}
	if (s.bound && rc == -1)
		(void)unlink(s.path);
	free(s.rate);
	account_free(&s.a);
	return rc;
}
