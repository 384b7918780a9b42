/* SPDX-License-Identifier: ISC */
/*
 * prompt.c - one line asked on the controlling terminal (contract:
 * prompt.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "prompt.h"

int
prompt_have_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSIGS	(sizeof(sigs) / sizeof(sigs[0]))

/* on: catch the signals (saving the old actions); off: restore them */
static void
catch_signals(int on, struct sigaction old[NSIGS])
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: read() returns */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NSIGS; i++)
		sigaction(sigs[i], on ? &sa : &old[i], on ? &old[i] : NULL);
}

/* one line from the terminal (canonical mode), newline removed */
static int
read_line(const char *what, int fd, char *buf, size_t cap, size_t *len,
    struct err *e)
{
	ssize_t r;
	char *nl;

	*len = 0;
	while (*len < cap - 1 && memchr(buf, '\n', *len) == NULL) {
		r = read(fd, buf + *len, cap - 1 - *len);
		if (r == -1 && errno == EINTR && !caught)
			continue;
		if (r == -1)
			return err_set(e, EX_TEMPFAIL, "%s: %s", what,
			    caught ? "interrupted" : strerror(errno));
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	if ((nl = memchr(buf, '\n', *len)) != NULL)
		*len = (size_t)(nl - buf);
	else if (*len == cap - 1)
		return err_set(e, EX_CONFIG, "%s: the answer is longer "
		    "than %zu bytes", what, cap - 2);
	return 0;
}

/* ask on the terminal fd with echo off */
static int
ask(int fd, const char *what, const char *question, char **answer,
    struct err *e)
{
	struct sigaction old[NSIGS];
	struct termios t0, t;
	char *buf = xmalloc(LIMIT_PASSWORD);
	size_t len = 0;
	ssize_t w;
	int rc, echo = tcgetattr(fd, &t0) == 0;

	caught = 0;
	catch_signals(1, old);
	t = t0;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ICANON;
	if (echo)
		(void)tcsetattr(fd, TCSAFLUSH, &t);
	w = write(fd, question, strlen(question));
	rc = read_line(what, fd, buf, LIMIT_PASSWORD, &len, e);
	if (echo)
		(void)tcsetattr(fd, TCSAFLUSH, &t0);
	w = write(fd, "\n", 1);	/* the user's Enter was not echoed */
	(void)w;
	catch_signals(0, old);
	if (caught)
		raise(caught);
	if (rc == 0)
		*answer = xstrndup(buf, len);
	freezero(buf, LIMIT_PASSWORD);
	return rc;
}

int
prompt_hidden(const char *what, const char *question, char **answer,
    struct err *e)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), rc;

	*answer = NULL;
	if (fd == -1)
		return 0;
	rc = ask(fd, what, question, answer, e);
	close(fd);
	return rc == 0 ? 1 : -1;
}
