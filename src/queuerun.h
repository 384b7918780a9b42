/* SPDX-License-Identifier: ISC */
/*
 * queuerun.h - the queue's side of delivery: iterating and locking the
 * entries, one session per account, the flusher's pass, -q / -qI,
 * flushing over an open session, --queue-delete (mailq is mailq.h).
 * What an attempt comes to (the entry removed, deferred or given up,
 * dead.letter, the log lines, the -q report line) is decided by the
 * delivery engine (deliver.h), never here.
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
 * queuerun_delete(): remove entry ID (fails if it is being delivered).
 */
#ifndef SMTPS_QUEUERUN_H
#define SMTPS_QUEUERUN_H

#include <stdio.h>

#include "conf.h"
#include "flags.h"
#include "queue.h"
#include "smtp.h"

void	queuerun_due(struct smtp *, const struct account *, const char *config,
	    const char *dir);
int	queuerun_run(const char *dir, const char *id, FILE *out, struct err *);
/* does DIR hold a due entry of this account other than `except` (an ID)? */
int	queuerun_any_due(const struct account *, const char *config,
	    const char *dir, const char *except);
size_t	queuerun_pass(const char *dir, time_t *wake);
int	queuerun_delete(const char *dir, const char *id, struct err *);

#endif
