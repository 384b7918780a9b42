/* SPDX-License-Identifier: ISC */
/*
 * io.h - buffered reader/writer over a transport, with deadlines.
 *
 * A transport is {read, write, ctx}: plain TCP (net.c) or TLS (tls.c).
 * Transport functions wait at most timeout_ms (poll); on timeout they fail
 * with EX_TEMPFAIL "timed out"; on EOF read returns 0.
 *
 * io_readline(): returns the next line without its CRLF (a bare LF also
 * ends a line; the CR is stripped), waiting at most until the deadline set
 * with io_deadline().  A line longer than LIMIT_REPLY_LINE ->
 * EX_PROTOCOL; EOF -> EX_TEMPFAIL "connection closed by server".
 * The returned pointer is valid until the next io call.
 *
 * io_write() buffers; io_flush() writes everything out (one transport
 * write per LIMIT_IO_BUF, so a pipelined group leaves in one segment).
 * io_pending() tells how many received bytes are buffered but not yet
 * consumed: before a STARTTLS handshake it must be 0.
 *
 * io_wspace() / io_wcommit(): fill the write buffer in place (no copy):
 * io_wspace returns where to write and *room (>= min, flushing first when
 * less is left; min <= LIMIT_IO_BUF), NULL when that flush failed;
 * io_wcommit(n) says the first n bytes of that room now hold data
 * (n <= room).
 */
#ifndef SMTPS_IO_H
#define SMTPS_IO_H

#include <stddef.h>
#include <sys/types.h>
#include "err.h"
#include "limit.h"

struct transport {
	/* >0 bytes, 0 EOF, -1 error (err filled) */
	ssize_t	(*read)(void *ctx, void *buf, size_t len, int timeout_ms,
		    struct err *);
	/* writes all len bytes or fails: 0 / -1 */
	int	(*write)(void *ctx, const void *buf, size_t len, int timeout_ms,
		    struct err *);
	/* bytes already decrypted/received and readable without waiting */
	size_t	(*pending)(void *ctx);
	void	*ctx;
};

struct io {
	struct transport t;
	char	rbuf[LIMIT_IO_BUF];
	size_t	rpos, rlen;
	char	wbuf[LIMIT_IO_BUF];
	size_t	wlen;
	char	line[LIMIT_REPLY_LINE + 1];
	long long deadline;	/* monotonic ms */
	int	timeout_ms;	/* for writes */
	long long bytes_in, bytes_out;
};

void	io_init(struct io *, struct transport);
void	io_set_transport(struct io *, struct transport);	/* after
								   STARTTLS */
void	io_deadline(struct io *, int ms_from_now);
int	io_readline(struct io *, const char **line, size_t *len, struct err *);
int	io_write(struct io *, const void *, size_t, struct err *);
int	io_printf(struct io *, struct err *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	io_flush(struct io *, struct err *);
char	*io_wspace(struct io *, size_t min, size_t *room, struct err *);
void	io_wcommit(struct io *, size_t n);
size_t	io_pending(const struct io *);
long long io_now_ms(void);	/* CLOCK_MONOTONIC in ms */
/*
 * Wait until fd is ready for `events` (POLLIN/POLLOUT) or the absolute
 * deadline (io_now_ms() scale) passes: 0 ready, -1 timed out (errno
 * ETIMEDOUT) or poll failed.  EINTR restarts the wait, unless
 * io_interrupt() was called: then -1 with errno EINTR, at once and on
 * every later wait (a session being stopped unwinds as a network error).
 */
int	io_wait_fd(int fd, short events, long long deadline);
/*
 * io_interrupt(sig): from a signal handler (async-signal-safe): make
 * every io_wait_fd() fail from now on.  io_interrupted(): that signal
 * number, or 0.
 */
void	io_interrupt(int sig);
int	io_interrupted(void);
/*
 * Write all n bytes to a plain (blocking) fd, restarting on EINTR: 0, or
 * -1 with errno set (a write of 0 bytes counts as a failure).
 */
int	io_write_fd(int fd, const void *, size_t n);

#endif
