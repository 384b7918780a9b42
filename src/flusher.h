/* SPDX-License-Identifier: ISC */
/*
 * flusher.h - the detached flusher (smtps --flush-daemon DIR).
 *
 * flusher_spawn(): when DIR holds entries and no flusher runs, start the
 * detached flusher for DIR (absolute path): the binary re-executed as
 * "smtps --flush-daemon DIR", double fork, setsid, stdio on /dev/null,
 * other descriptors closed.  Returns once that flusher holds
 * DIR/flush.lock with its PID written there (or has given up, e.g. because
 * another flusher holds it): a caller that says "queued" is backed by a
 * running flusher.  The flusher signals this on a pipe the spawner
 * passes it as fd 3 (environment SMTPS_FLUSH_READY_FD): one byte 'y'
 * when it holds the lock (or another flusher does), then closing it.
 * Returns 0 when a flusher runs (or nothing is queued), -1 with e filled
 * when none could be started (fork, exec, the lock): the caller says so,
 * since the queued messages then wait for the next smtps run or -q.
 * flusher_main(): the flusher.  Exits at once when another holds
 * DIR/flush.lock; else retries due entries, sleeps until the next is due
 * (at most LIMIT_FLUSH_RESCAN s, to see new entries), and exits when the
 * queue is empty (unlock, rescan, relock: no entry is ever left without a
 * flusher).  Returns the exit code.
 * Each pass over the entries is queuerun_pass() (queuerun.h).
 */
#ifndef SMTPS_FLUSHER_H
#define SMTPS_FLUSHER_H

#include "err.h"

int	flusher_spawn(const char *dir, struct err *e);
int	flusher_main(const char *dir);

#endif
