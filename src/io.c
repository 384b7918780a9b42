/* SPDX-License-Identifier: ISC */
/*
 * io.c - buffered line reader and writer over a transport (contract: io.h).
 *
 * Reading: io_readline() returns one line from rbuf, reading more from the
 * transport only when no complete line is buffered.  Each transport read
 * is given the milliseconds left until io->deadline (io_deadline()); when
 * none are left: EX_TEMPFAIL "timed out waiting for the server".  A line
 * whose length (CR/LF excluded) exceeds LIMIT_REPLY_LINE is EX_PROTOCOL as
 * soon as that is certain, so memory stays at the fixed struct io whatever
 * the server sends.  EOF: EX_TEMPFAIL "connection closed by server".
 *
 * Writing: io_write()/io_printf() copy into wbuf; a full wbuf is sent with
 * one transport write; io_flush() sends the rest.  io_wspace()/io_wcommit()
 * let a producer (the dot-stuffer) write into wbuf itself.  Writes are
 * bounded by io->timeout_ms each.  Sent buffers are wiped (they may hold
 * credentials).  After a failed write the unsent bytes are dropped.
 *
 * io_wait_fd() and io_write_fd() are the plain-fd helpers (no transport).
 * io_pending(): unread bytes in rbuf plus what the transport reports.
 * io_set_transport() drops every buffered byte: nothing read before a TLS
 * handshake may be taken as if it came over TLS (callers check
 * io_pending() first and fail with EX_PROTOCOL).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

/* the signal that stops the session (io_interrupt), 0 = none */
static volatile sig_atomic_t io_stop;

void
io_interrupt(int sig)
{
	io_stop = sig;
}

int
io_interrupted(void)
{
	return (int)io_stop;
}

long long
io_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
io_init(struct io *io, struct transport t)
{
	io->t = t;
	io->rpos = io->rlen = 0;
	io->wlen = 0;
	io->line[0] = '\0';
	io->timeout_ms = LIMIT_TIMEOUT_DEFAULT;
	io->deadline = io_now_ms() + LIMIT_TIMEOUT_DEFAULT;
	io->bytes_in = io->bytes_out = 0;
}

void
io_set_transport(struct io *io, struct transport t)
{
	io->t = t;
	explicit_bzero(io->rbuf, io->rlen);
	explicit_bzero(io->wbuf, io->wlen);
	io->rpos = io->rlen = 0;
	io->wlen = 0;
}

void
io_deadline(struct io *io, int ms_from_now)
{
	io->deadline = io_now_ms() + (ms_from_now > 0 ? ms_from_now : 0);
}

/* Take the line ending at rbuf[nl] ('\n') out of the buffer. */
static int
take_line(struct io *io, size_t nl, const char **line, size_t *len,
    struct err *e)
{
	size_t n = nl - io->rpos;

	if (n > 0 && io->rbuf[nl - 1] == '\r')
		n--;
	if (n > LIMIT_REPLY_LINE)
		return err_set(e, EX_PROTOCOL, "the server sent a line longer "
		    "than %d bytes", LIMIT_REPLY_LINE);
	memcpy(io->line, io->rbuf + io->rpos, n);
	io->line[n] = '\0';
	io->rpos = nl + 1;
	if (io->rpos == io->rlen)
		io->rpos = io->rlen = 0;
	*line = io->line;
	*len = n;
	return 0;
}

/* Read more bytes into rbuf within the deadline. */
static int
fill(struct io *io, struct err *e)
{
	long long left;
	ssize_t n;

	if (io->rpos > 0) {
		memmove(io->rbuf, io->rbuf + io->rpos, io->rlen - io->rpos);
		io->rlen -= io->rpos;
		io->rpos = 0;
	}
	left = io->deadline - io_now_ms();
	if (left <= 0)
		return err_set(e, EX_TEMPFAIL, "timed out waiting for the "
		    "server");
	if (left > INT_MAX)
		left = INT_MAX;
	n = io->t.read(io->t.ctx, io->rbuf + io->rlen,
	    sizeof(io->rbuf) - io->rlen, (int)left, e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, EX_TEMPFAIL, "connection closed by server");
	io->rlen += (size_t)n;
	io->bytes_in += n;
	return 0;
}

int
io_readline(struct io *io, const char **line, size_t *len, struct err *e)
{
	const char *nl;
	size_t have;

	for (;;) {
		have = io->rlen - io->rpos;
		nl = memchr(io->rbuf + io->rpos, '\n', have);
		if (nl != NULL)
			return take_line(io, (size_t)(nl - io->rbuf), line, len,
			    e);
		/* too long already, unless the last byte is the CR of CRLF */
		if (have > LIMIT_REPLY_LINE + 1 || (have == LIMIT_REPLY_LINE + 1
		    && io->rbuf[io->rlen - 1] != '\r'))
			return err_set(e, EX_PROTOCOL, "the server sent a line "
			    "longer than %d bytes", LIMIT_REPLY_LINE);
		if (fill(io, e) == -1)
			return -1;
	}
}

int
io_flush(struct io *io, struct err *e)
{
	size_t n = io->wlen;
	int rc;

	if (n == 0)
		return 0;
	io->wlen = 0;
	rc = io->t.write(io->t.ctx, io->wbuf, n, io->timeout_ms, e);
	explicit_bzero(io->wbuf, n);
	if (rc == -1)
		return -1;
	io->bytes_out += (long long)n;
	return 0;
}

int
io_write(struct io *io, const void *buf, size_t len, struct err *e)
{
	const char *p = buf;
	size_t room, n;

	while (len > 0) {
		room = sizeof(io->wbuf) - io->wlen;
		n = len < room ? len : room;
		memcpy(io->wbuf + io->wlen, p, n);
		io->wlen += n;
		p += n;
		len -= n;
		if (io->wlen == sizeof(io->wbuf) && io_flush(io, e) == -1)
			return -1;
	}
	return 0;
}

char *
io_wspace(struct io *io, size_t min, size_t *room, struct err *e)
{
	if (sizeof(io->wbuf) - io->wlen < min && io_flush(io, e) == -1)
		return NULL;
	*room = sizeof(io->wbuf) - io->wlen;
	return io->wbuf + io->wlen;
}

void
io_wcommit(struct io *io, size_t n)
{
	io->wlen += n;
}

int
io_printf(struct io *io, struct err *e, const char *fmt, ...)
{
	va_list ap;
	char *big;
	int n, rc;

	/* try in place, in what is left of wbuf */
	va_start(ap, fmt);
	n = vsnprintf(io->wbuf + io->wlen, sizeof(io->wbuf) - io->wlen, fmt,
	    ap);
	va_end(ap);
	if (n < 0)
		return err_set(e, EX_SOFTWARE, "io_printf: bad format");
	if ((size_t)n < sizeof(io->wbuf) - io->wlen) {
		io->wlen += (size_t)n;
		return 0;
	}
	/* too long for what is left: format apart, then write */
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	explicit_bzero(io->wbuf + io->wlen, sizeof(io->wbuf) - io->wlen);
	rc = io_write(io, big, (size_t)n, e);
	freezero(big, (size_t)n + 1);
	return rc;
}

size_t
io_pending(const struct io *io)
{
	size_t n = io->rlen - io->rpos;

	if (io->t.pending != NULL)
		n += io->t.pending(io->t.ctx);
	return n;
}

/*
 * One poll of fd for at most left ms, the stop signals blocked from the
 * io_stop check until ppoll() waits (which unblocks them atomically): a
 * signal arriving between the check and the wait ends the wait at once
 * instead of being noticed only when the timeout runs out.  1 ready, 0
 * not yet, -1 stopped (EINTR) or error.
 */
static int
poll_once(int fd, short events, long long left)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	struct timespec ts = { .tv_sec = left / 1000,
	    .tv_nsec = (left % 1000) * 1000000L };
	sigset_t stop, old;
	int r;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (io_stop != 0)
		r = -1, errno = EINTR;
	else
		r = ppoll(&pfd, 1, &ts, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0 && errno == EINTR && io_stop == 0)
		return 0;	/* another signal: wait on */
	return r > 0 ? 1 : r;
}

/* Wait for events on fd until the deadline: 0 ready, -1 timeout (errno
 * ETIMEDOUT), stopped (EINTR) or poll error. */
int
io_wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - io_now_ms();
		int r;

		if (io_stop == 0 && left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll_once(fd, events, left > 0 ? left : 0);
		if (r != 0)
			return r > 0 ? 0 : -1;
	}
}

int
io_write_fd(int fd, const void *buf, size_t n)
{
	const char *p = buf;

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
