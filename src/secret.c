/*
 * secret.c - password sources and wiping (contract: secret.h).
 *
 * secret_get() order: `auth off` -> no password (passwordeval is not run);
 * `password`; `passwordeval`; no user -> NULL; a user without a source ->
 * EX_CONFIG "no password for user 'X'".
 *
 * passwordeval runs "/bin/sh -c CMD" with stdin on /dev/null (smtps's stdin
 * is the message and must not be eaten), stdout on a pipe, stderr passed
 * through (gpg/pass prompts and errors stay visible), SIGPIPE at its
 * default.  All of the output is read, at most LIMIT_PASSWORD bytes; the
 * password is its first line (as msmtp: `pass show` prints more lines),
 * with a trailing CR removed.  Non-zero exit, death by signal, empty first
 * line, a NUL byte or too much output -> EX_CONFIG "passwordeval failed:
 * ...".  No timeout: the command may be asking the user for a passphrase.
 * Every buffer that held the password is wiped.  secret_eval() runs the
 * config file's `eval CMD` lines the same way (messages say "eval").
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"

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

/* child: stdout the pipe, stdin /dev/null, then sh -c cmd; never returns.
 * Works even when the parent had fd 0 or 1 closed (the pipe may be 0/1). */
static void
run_child(const char *cmd, int pfd[2])
{
	int nul;

	signal(SIGPIPE, SIG_DFL);
	close(pfd[0]);
	if (pfd[1] == STDOUT_FILENO) {
		if (fcntl(STDOUT_FILENO, F_SETFD, 0) == -1)
			_exit(127);
	} else if (dup2(pfd[1], STDOUT_FILENO) == -1)
		_exit(127);
	else
		close(pfd[1]);
	if ((nul = open("/dev/null", O_RDONLY)) == -1 ||
	    (nul != STDIN_FILENO && dup2(nul, STDIN_FILENO) == -1))
		_exit(127);
	if (nul != STDIN_FILENO)
		close(nul);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* read to EOF, less than cap bytes: returns the count, -1 if there is
 * more (too long), -2 on a read error (errno set) */
static ssize_t
read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	for (;;) {
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

static int
wait_child(const char *what, pid_t pid, struct err *e)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return err_set(e, EX_CONFIG, "%s failed: "
			    "waitpid: %s", what, strerror(errno));
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

/* what: "passwordeval" or "eval", for the messages */
static int
run_cmd(const char *what, const char *cmd, char **out, struct err *e)
{
	char buf[LIMIT_PASSWORD];
	int pfd[2], rc, rerr;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1)
		return err_set(e, EX_OSERR, "%s failed: pipe: %s", what,
		    strerror(errno));
	if ((pid = fork()) == -1) {
		rc = errno;
		close(pfd[0]);
		close(pfd[1]);
		return err_set(e, EX_OSERR, "%s failed: fork: %s", what,
		    strerror(rc));
	}
	if (pid == 0)
		run_child(cmd, pfd);
	close(pfd[1]);
	n = read_all(pfd[0], buf, sizeof(buf));
	rerr = errno;
	close(pfd[0]);		/* a child still writing gets SIGPIPE */
	rc = wait_child(what, pid, e);
	if (n == -1)
		rc = err_set(e, EX_CONFIG, "%s failed: output longer "
		    "than %d bytes", what, LIMIT_PASSWORD - 1);
	else if (n == -2)
		rc = err_set(e, EX_CONFIG, "%s failed: read: %s", what,
		    strerror(rerr));
	else if (rc == 0)
		rc = first_line(what, buf, (size_t)n, out, e);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

int
secret_get(const struct account *a, char **password, struct err *e)
{
	*password = NULL;
	if (a->auth != NULL && strcmp(a->auth, "off") == 0)
		return 0;
	if (a->password != NULL) {
		*password = xstrdup(a->password);
		return 0;
	}
	if (a->passwordeval != NULL)
		return run_cmd("passwordeval", a->passwordeval, password, e);
	if (a->user == NULL)
		return 0;
	return err_set(e, EX_CONFIG, "no password for user '%s' (set password "
	    "or passwordeval in %s)", a->user, a->file ? a->file : "the "
	    "configuration file");
}

int
secret_eval(void *ctx, const char *cmd, char **line, struct err *e)
{
	(void)ctx;
	return run_cmd("eval", cmd, line, e);
}
