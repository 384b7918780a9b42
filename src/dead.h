/* SPDX-License-Identifier: ISC */
/*
 * dead.h - dead.letter: where a message goes when it cannot be sent.
 *
 * dead_append(): append the spooled message (sp->fd, CRLF form, read
 * from the start) to the mbox file `path` (created 0600): a
 * "From SENDER DATE" line (MAILER-DAEMON for the null sender), the
 * message with CRLF turned back into LF and lines starting with "From "
 * quoted as ">From " (mboxo, what mail(1) reads), then a blank line;
 * flock while appending, fsync before returning.  Failure ->
 * EX_CANTCREAT (cannot open) / EX_IOERR (cannot write or sync), -1.
 * All or nothing: on a failed write or sync the file is truncated back
 * to where it ended before (under the lock), so no partial message is
 * left for the next one to be glued to.
 * dead_path(): the dead.letter file for account `a` (its dead_letter, which
 * may be "off" or NULL); with `a` NULL (the account could not be loaded),
 * $HOME/dead.letter written into buf, or NULL without a home (or with
 * one too long for buf).  The result
 * may BE buf: never format into buf with it (err_append() formats apart).
 */
#ifndef SMTPS_DEAD_H
#define SMTPS_DEAD_H

#include <stddef.h>

#include "conf.h"
#include "err.h"
#include "queue.h"

int	 dead_append(const struct spool *, const char *path,
	    const char *sender, struct err *);
const char *dead_path(const struct account *a, char *buf, size_t sz);

#endif
