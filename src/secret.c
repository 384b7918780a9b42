/* SPDX-License-Identifier: ISC */
/*
 * secret.c - password sources, the secret-command runner, wiping
 * (contract: secret.h).
 *
 * The runner forks; the child gets stdout on a pipe, stdin on /dev/null
 * (smtps's stdin is the message and must not be eaten), stderr passed
 * through (gpg/pass prompts and errors stay visible; the keyring lookup's
 * goes to /dev/null: "no such entry" is not news) and SIGPIPE at its
 * default.  All of the output is read, at most LIMIT_PASSWORD bytes; the
 * password is its first line (as msmtp: `pass show` prints more lines).
 * Without a controlling terminal the child leads its own process group
 * and the parent polls the pipe, then a pidfd, against one deadline; at
 * the deadline the group gets SIGKILL (a pinentry nobody can answer, or
 * a helper it started, must not outlive the attempt).  With a terminal
 * the child stays in smtps's group (a background group reading the
 * terminal would be stopped by SIGTTIN) and there is no deadline.
 * The terminal prompt is prompt.c's.  Every buffer that held a password
 * is wiped.
 */
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fspath.h"
#include "io.h"
#include "diag.h"
#include "netrc.h"
#include "prompt.h"
#include "secret.h"

#define NETRC_SYSTEM	"/etc/netrc"
#define TIMED_OUT	(-3)

void
secret_wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

void
secret_free(char *s)
{
	if (s != NULL)
		freezero(s, strlen(s) + 1);
}

/* ------------------------------------------------------------ runner */

/* ms left until deadline (-1: none), at least 0 */
static int
left_ms(long long deadline)
{
	long long d;

	if (deadline < 0)
		return -1;
	d = deadline - io_now_ms();
	return d < 0 ? 0 : d > INT_MAX ? INT_MAX : (int)d;
}

/* fd onto target, also when they are equal or target was closed */
static void
move_fd(int fd, int target)
{
	if (fd == target) {
		if (fcntl(fd, F_SETFD, 0) == -1)
			_exit(127);
	} else if (dup2(fd, target) == -1)
		_exit(127);
	else
		close(fd);
}

/* child: own group (if asked), stdout the pipe, stdin (and stderr when
 * quiet) /dev/null, then argv; never returns */
static void
run_child(char *const argv[], int pfd[2], int group, int quiet)
{
	int nul;

	signal(SIGPIPE, SIG_DFL);
	if (group)
		(void)setpgid(0, 0);
	close(pfd[0]);
	move_fd(pfd[1], STDOUT_FILENO);
	if ((nul = open("/dev/null", O_RDWR)) == -1)
		_exit(127);
	if (quiet && dup2(nul, STDERR_FILENO) == -1)
		_exit(127);
	move_fd(nul, STDIN_FILENO);
	closefrom(3);		/* nothing of ours (config, spool, socket) */
	execvp(argv[0], argv);
	_exit(127);
}

/* read to EOF, less than cap bytes: returns the count, -1 if there is
 * more (too long), -2 on a read error (errno set), TIMED_OUT */
static ssize_t
read_all(int fd, char *buf, size_t cap, long long deadline)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t n = 0;
	ssize_t r;
	int pr;

	for (;;) {
		if (deadline >= 0 &&
		    (pr = poll(&p, 1, left_ms(deadline))) <= 0) {
			if (pr == -1 && errno == EINTR)
				continue;
			if (pr == -1)
				return -2;
			return TIMED_OUT;
		}
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -2;
		if (r == 0)
			return (ssize_t)n;
		n += (size_t)r;
		if (n == cap)
			return -1;
	}
}

/* the child's status by the deadline: 0, or TIMED_OUT */
static int
reap(pid_t pid, long long deadline, int *st)
{
	struct pollfd p = { -1, POLLIN, 0 };
	int pr = 1;

	if (deadline >= 0 && (p.fd = pidfd_open(pid, 0)) != -1) {
		while ((pr = poll(&p, 1, left_ms(deadline))) == -1 &&
		    errno == EINTR)
			;
		close(p.fd);
	}
	if (pr == 0)
		return TIMED_OUT;
	while (waitpid(pid, st, 0) == -1)
		if (errno != EINTR) {
			*st = 0;
			return 0;
		}
	return 0;
}

static int
check_status(const char *what, int st, struct err *e)
{
	if (WIFSIGNALED(st))
		return err_set(e, EX_CONFIG, "%s failed: command "
		    "killed by signal %d", what, WTERMSIG(st));
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		return err_set(e, EX_CONFIG, "%s failed: command "
		    "exited with status %d", what, WEXITSTATUS(st));
	return 0;
}

/* first line of the output, CR LF removed; checks it */
static int
first_line(const char *what, char *buf, size_t n, char **out, struct err *e)
{
	char *nl;
	size_t len;

	if (memchr(buf, '\0', n) != NULL)
		return err_set(e, EX_CONFIG, "%s failed: output "
		    "contains a NUL byte", what);
	nl = memchr(buf, '\n', n);
	len = nl ? (size_t)(nl - buf) : n;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0)
		return err_set(e, EX_CONFIG, "%s failed: empty "
		    "output", what);
	*out = xstrndup(buf, len);
	return 0;
}

static int
timed_out(const char *what, pid_t pid, int limit_s, struct err *e)
{
	int st;

	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);	/* in case setpgid lost a race */
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return err_set(e, EX_TEMPFAIL, "%s timed out after %d s (no terminal "
	    "to answer a prompt on; the command was stopped%s)", what,
	    limit_s, strcmp(what, "eval") == 0 ? "" :
	    "; passwordeval_timeout sets the limit");
}

/* fork argv, read its output; deadline -1: none */
static int
spawn(const char *what, char *const argv[], int limit_s, int quiet,
    char **out, struct err *e)
{
	char *buf = xmalloc(LIMIT_PASSWORD);
	long long deadline = limit_s > 0 ? io_now_ms() + limit_s * 1000LL : -1;
	int pfd[2], rc, st = 0, rerr;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1)
		pid = -1;
	else if ((pid = fork()) == -1) {
		rerr = errno;
		close(pfd[0]);
		close(pfd[1]);
		errno = rerr;
	}
	if (pid == -1) {
		free(buf);
		return err_set(e, EX_OSERR, "%s failed: %s", what,
		    strerror(errno));
	}
	if (pid == 0)
		run_child(argv, pfd, deadline >= 0, quiet);
	if (deadline >= 0)
		(void)setpgid(pid, pid);
	close(pfd[1]);
	n = read_all(pfd[0], buf, LIMIT_PASSWORD, deadline);
	rerr = errno;
	close(pfd[0]);		/* a child still writing gets SIGPIPE */
	if (n == TIMED_OUT || reap(pid, deadline, &st) == TIMED_OUT)
		rc = timed_out(what, pid, limit_s, e);
	else if (n == -1)
		rc = err_set(e, EX_CONFIG, "%s failed: output longer "
		    "than %d bytes", what, LIMIT_PASSWORD - 1);
	else if (n == -2)
		rc = err_set(e, EX_CONFIG, "%s failed: read: %s", what,
		    strerror(rerr));
	else if ((rc = check_status(what, st, e)) == 0)
		rc = first_line(what, buf, (size_t)n, out, e);
	freezero(buf, LIMIT_PASSWORD);
	return rc;
}

/* the limit that applies now: none (0) with a terminal */
static int
limit_now(int limit_s)
{
	if (prompt_have_tty())
		return 0;
	return limit_s > 0 ? limit_s : LIMIT_SECRET_CMD_TIMEOUT;
}

int
secret_run(const char *what, const char *cmd, int limit_s, char **out,
    struct err *e)
{
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)cmd, NULL };

	*out = NULL;
	return spawn(what, argv, limit_now(limit_s), 0, out, e);
}

int
secret_eval(void *ctx, const char *cmd, char **line, struct err *e)
{
	(void)ctx;
	return secret_run("eval", cmd, 0, line, e);
}

/* ----------------------------------------------------------- keyring */

/* an executable `name` in $PATH */
static int
in_path(const char *name)
{
	const char *p = getenv("PATH"), *c;
	char f[LIMIT_PATH];
	struct err ignore;	/* too long: not that one */
	size_t n;

	for (; p != NULL && *p != '\0'; p = *c ? c + 1 : c) {
		c = strchrnul(p, ':');
		n = (size_t)(c - p);
		if (n > 0 && fspath_fmt(f, sizeof(f), &ignore, "%.*s/%s",
		    (int)n, p, name) == 0 && access(f, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* a D-Bus session bus to ask: its address, or the socket systemd makes */
static int
bus_reachable(void)
{
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *x = getenv("XDG_RUNTIME_DIR");
	char path[LIMIT_PATH];
	struct stat st;
	struct err ignore;	/* too long: no bus there */

	if (a != NULL && *a != '\0')
		return 1;
	return x != NULL && *x == '/' && fspath_join(path, sizeof(path), x,
	    "bus", &ignore) == 0 && stat(path, &st) == 0 &&
	    S_ISSOCK(st.st_mode);
}

/* one secret-tool lookup: 1 found, 0 not (any failure but the time
 * limit), -1 timed out */
static int
keyring_one(const char *const argv[], const struct account *a, char **pw,
    struct err *e)
{
	struct err ke;

	err_clear(&ke);
	if (spawn("keyring lookup (secret-tool)", (char *const *)argv,
	    limit_now(a->passwordeval_timeout), 1, pw, &ke) == 0)
		return 1;
	if (ke.code == EX_TEMPFAIL) {
		*e = ke;
		return -1;
	}
	diag_info("no keyring entry %s %s %s %s %s %s (%s)", argv[2], argv[3],
	    argv[4], argv[5], argv[6], argv[7], ke.msg);
	return 0;
}

/* msmtp's attributes, then those of the old GNOME Keyring (msmtp reads
 * both): 1 found, 0 not, -1 timed out */
static int
keyring_get(const struct account *a, const char *host, char **pw,
    struct err *e)
{
	const char *now[] = { "secret-tool", "lookup", "host", host,
	    "service", "smtp", "user", a->user, NULL };
	const char *old[] = { "secret-tool", "lookup", "user", a->user,
	    "protocol", "smtp", "server", host, NULL };
	int rc;

	if (!in_path("secret-tool") || !bus_reachable())
		return 0;
	if ((rc = keyring_one(now, a, pw, e)) != 0)
		return rc;
	return keyring_one(old, a, pw, e);
}

/* ------------------------------------------------------------- netrc */

/* $HOME, else the password database; NULL: none */
static const char *
home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL && *pw->pw_dir != '\0' ?
	    pw->pw_dir : NULL;
}

/* the open file, at most LIMIT_NETRC_FILE bytes, into *buf (cap bytes) */
static int
slurp(int fd, const char *path, const struct stat *st, char **buf,
    size_t *len, struct err *e)
{
	size_t cap = (size_t)st->st_size + 1;
	ssize_t r;

	if (st->st_size > LIMIT_NETRC_FILE)
		return err_set(e, EX_CONFIG, "%s: larger than %d bytes", path,
		    LIMIT_NETRC_FILE);
	*buf = xmalloc(cap);
	for (*len = 0; *len < cap; *len += (size_t)r)
		if ((r = read(fd, *buf + *len, cap - *len)) == 0)
			break;
		else if (r == -1 && errno == EINTR)
			r = 0;
		else if (r == -1)
			return err_set(e, EX_CONFIG, "cannot read %s: %s",
			    path, strerror(errno));
	if (*len == cap)
		return err_set(e, EX_CONFIG, "%s: changed while being read",
		    path);
	return 0;
}

/*
 * one netrc file: 1 found, 0 not (missing or unreadable file: msmtp
 * skips it too), -1 error.  A found password in a file readable by the
 * `others` mode bits is refused.
 */
static int
netrc_get(const char *path, mode_t others, const struct account *a,
    const char *host, char **pw, struct err *e)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	rc = slurp(fd, path, &st, &buf, &len, e);
	close(fd);
	if (rc == 0)
		rc = netrc_find(buf, len, path, host, a->user, pw, e);
	if (buf != NULL)
		freezero(buf, (size_t)st.st_size + 1);
	if (rc == 1 && (st.st_mode & others)) {
		secret_free(*pw);
		*pw = NULL;
		return err_set(e, EX_CONFIG, "%s: holds the password for user "
		    "%s at %s but is readable by %s (chmod 600 %s)", path,
		    a->user, host, others & S_IRGRP ? "group or others" :
		    "others", path);
	}
	return rc;
}

/* ~/.netrc, then /etc/netrc; *src names the one used */
static int
netrc_both(const struct account *a, const char *host, char **pw,
    const char **src, struct err *e)
{
	char path[LIMIT_PATH];
	const char *h = home();
	struct err ignore;	/* too long: no ~/.netrc, as before */
	int rc = 0;

	if (h != NULL && fspath_join(path, sizeof(path), h, ".netrc",
	    &ignore) == 0 &&
	    (rc = netrc_get(path, S_IRGRP | S_IROTH, a, host, pw, e)) != 0) {
		*src = "~/.netrc";
		return rc;
	}
	*src = NETRC_SYSTEM;
	return netrc_get(NETRC_SYSTEM, S_IROTH, a, host, pw, e);
}

/* ------------------------------------------------------------ prompt */

/* 1 answered, 0 no terminal, -1 error (an empty answer is one) */
static int
prompt(const struct account *a, const char *host, char **pw, struct err *e)
{
	char q[LIMIT_ERR_MSG];
	int rc;

	snprintf(q, sizeof(q), "password for %s at %s: ", a->user, host);
	if ((rc = prompt_hidden("password prompt", q, pw, e)) == 1 &&
	    **pw == '\0') {
		secret_free(*pw);
		*pw = NULL;
		return err_set(e, EX_CONFIG, "no password entered for user %s "
		    "at %s", a->user, host);
	}
	return rc;
}

/* ----------------------------------------------------------- sources */

/* keyring, netrc, prompt: 1 found (*src), 0 none, -1 error */
static int
lookup(const struct account *a, const char *host, char **pw,
    const char **src, struct err *e)
{
	int rc;

	*src = "the keyring (secret-tool)";
	if ((rc = keyring_get(a, host, pw, e)) != 0)
		return rc;
	if ((rc = netrc_both(a, host, pw, src, e)) != 0)
		return rc;
	*src = "the terminal";
	return prompt(a, host, pw, e);
}

/* `auth off` and `auth external` sign in without a password */
static int
no_password(const struct account *a)
{
	return a->auth != NULL && (strcasecmp(a->auth, "off") == 0 ||
	    strcasecmp(a->auth, "external") == 0);
}

int
secret_get(const struct account *a, char **password, struct err *e)
{
	const char *host = a->host ? a->host : a->socket ? a->socket : "?";
	const char *src = "the configuration (password)";
	int rc = 1;

	*password = NULL;
	if (no_password(a))
		return 0;
	if (a->password != NULL)
		*password = xstrdup(a->password);
	else if (a->passwordeval != NULL) {
		src = "passwordeval";
		rc = secret_run("passwordeval", a->passwordeval,
		    a->passwordeval_timeout, password, e) == 0 ? 1 : -1;
	} else if (a->user == NULL)
		return 0;
	else if ((rc = lookup(a, host, password, &src, e)) == 0)
		return err_set(e, EX_CONFIG, "no password for user %s at %s "
		    "(set password, passwordeval, a keyring entry or "
		    "~/.netrc)", a->user, host);
	if (rc == 1)
		diag_info("password for user %s from %s", a->user ? a->user :
		    "(none)", src);
	return rc == 1 ? 0 : -1;
}
