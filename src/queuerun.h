/* SPDX-License-Identifier: ISC */
/*
 * queuerun.h - delivering queued messages: the outcome of an attempt, the
 * flusher's pass, -q / -qI, flushing over an open session, mailq,
 * --queue-delete.
 *
 * queuerun_settle(): apply the outcome of a delivery attempt (rc and st[] of
 * smtp_deliver, or rc -1 with e when no session could be opened) to a
 * locked entry.  Delivered to everyone -> the entry is removed
 * (QUEUERUN_DELIVERED).  A temporary failure (and, when `first` is 0, a local
 * problem such as a broken config, a failing passwordeval or rejected
 * credentials, which the user can fix) -> the recipients that got the
 * message are dropped from the entry, attempts+1, next retry after
 * queue_backoff() (QUEUERUN_QUEUED, *delay set).  A permanent failure, or any
 * failure once the entry is older than queue_lifetime -> the message is
 * appended to dead_letter (just logged when it is "off"), the entry
 * removed (QUEUERUN_BOUNCED); when dead.letter cannot be written the entry
 * stays (QUEUERUN_KEPT).  LMTP, some recipients refused for good after the
 * data and others deferred (st[] SMTP_REFUSED and SMTP_DEFERRED, e
 * EX_NOUSER): a copy goes to dead_letter, the entry keeps the deferred
 * ones (QUEUERUN_QUEUED, e unchanged but for where the copy went); refused
 * recipients, like delivered ones, leave the entry.
 * Every event is logged to DIR/log; e->msg is
 * extended with where the message went.  `a` may be NULL (account could
 * not be loaded): limit.h defaults and ~/dead.letter are used.
 *
 * queuerun_due(): after a successful delivery, deliver the due entries of the
 * same config file and account over the still-open session (silently;
 * logged).  Stops when the session breaks.
 * queuerun_run(), queuerun_pass(): stop after the entry in hand when
 * io_interrupted() (a stop signal, main.c); queuerun_run() then fails with
 * EX_TEMPFAIL "stopped by SIG...".
 * queuerun_run(): -q (id NULL: every entry, due or not) and -qI ID; one line
 * per entry on `out`.  Returns 0 when all were delivered (or the queue is
 * empty), else the exit code of the worst outcome (75 when some stay
 * queued); e is filled for a failure that is not about one entry.
 * queuerun_pass(): one pass of the detached flusher (flusher.h): try every
 * due entry of DIR.  Returns the number of entries left and sets *wake
 * to when the next one is due (at most LIMIT_FLUSH_RESCAN s from now); 1
 * when the queue cannot be read.
 * queuerun_list(): the mailq listing on `out`; "Mail queue is empty" when so.
 * queuerun_delete(): remove entry ID (fails if it is being delivered).
 */
#ifndef SMTPS_QUEUERUN_H
#define SMTPS_QUEUERUN_H

#include <stdio.h>

#include "conf.h"
#include "flags.h"
#include "queue.h"
#include "smtp.h"

/* QUEUERUN_GONE: the entry had been finished (its message gone) by another
   process or a removal that could not complete; nothing was sent */
enum queuerun_res { QUEUERUN_DELIVERED, QUEUERUN_QUEUED, QUEUERUN_BOUNCED,
	QUEUERUN_KEPT, QUEUERUN_GONE };

enum queuerun_res queuerun_settle(const char *dir, struct qentry *,
	    const struct account *, struct spool *, int rc,
	    const enum smtp_rcpt *st, int first, int *delay, struct err *);
void	queuerun_due(struct smtp *, const struct account *, const char *config,
	    const char *dir);
int	queuerun_run(const char *dir, const char *id, FILE *out, struct err *);
/* does DIR hold a due entry of this account other than `except` (an ID)? */
int	queuerun_any_due(const struct account *, const char *config,
	    const char *dir, const char *except);
size_t	queuerun_pass(const char *dir, time_t *wake);
int	queuerun_list(const char *dir, FILE *out, struct err *);
int	queuerun_delete(const char *dir, const char *id, struct err *);

#endif
