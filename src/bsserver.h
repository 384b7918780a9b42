/* SPDX-License-Identifier: ISC */
/*
 * bsserver.h - the `smtps -bs` session: read SMTP commands from `in`, answer
 * on `out` (bsproto.c decides every reply), and hand each complete message to
 * the caller's relay function, which sends it through the normal path
 * (spool, queue, SMTP session) and says how it went.
 *
 * The message text of one transaction is kept in an unlinked temporary
 * file (tmpfile(3): $TMPDIR or /tmp, mode 0600), LF line ends, dot-
 * unstuffed; relay() reads it from the start of `fd`.  relay() returns a
 * sysexits code (0 = delivered or queued) and writes a one-line text for
 * the reply into text[0..textsz).  Nothing but SMTP replies is written to
 * `out`.
 *
 * bsserver_run() returns 0 when the client said QUIT or closed its side
 * (an unfinished transaction is dropped, as an SMTP server does), -1 with
 * EX_IOERR when reading or writing failed, or EX_CANTCREAT when no
 * temporary file could be made.
 */
#ifndef SMTPS_BSSERVER_H
#define SMTPS_BSSERVER_H

#include "addr.h"
#include "err.h"

typedef int (*serve_relay_fn)(void *ctx, const char *from,
    const struct addr_list *rcpts, int fd, char *text, size_t textsz);

int	bsserver_run(int in, int out, const char *host, serve_relay_fn relay,
	    void *ctx, struct err *);

#endif
