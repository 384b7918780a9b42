/* SPDX-License-Identifier: ISC */
/*
 * substate.h - the submission service's rate counts on disk, so that a
 * restart or an upgrade of the service does not reset submit_rate.
 *
 * The file is QUEUE/submit-rate in the system queue directory (the
 * service's queue_dir; the queue ignores a name without .env/.msg/.dot),
 * its text subpolicy_rate_text()'s (subpolicy.h).
 *
 * substate_save(): the windows of r that have not ended, written to
 * QUEUE/submit-rate.new (a leftover is unlinked first; created
 * O_EXCL|O_NOFOLLOW, 0600) and renamed over QUEUE/submit-rate.  The
 * directory is made (0700) when missing.  Not fsync'ed: a restart keeps
 * the counts, a crash of the machine may lose the latest ones (an empty
 * or cut file then reads as corrupt and is ignored).  A failure is one
 * line on stderr ("smtps: rate state: PATH: WHY"); the service goes on.
 *
 * substate_load(): QUEUE/submit-rate into r (opened O_NOFOLLOW, must be a
 * regular file of the service's uid, at most LIMIT_SUBMIT_STATE bytes,
 * then subpolicy_rate_load()).  Missing: nothing happens.  Anything
 * wrong: r stays empty and one line on stderr naming the file and what
 * is wrong, ending "; ignored" (for example "smtps: PATH: rate state:
 * line 2 is not "UID START COUNT"; ignored"); never fatal.
 */
#ifndef SMTPS_SUBSTATE_H
#define SMTPS_SUBSTATE_H

#include "subpolicy.h"

void	substate_load(const char *dir, struct subpolicy_rate *);
void	substate_save(const char *dir, const struct subpolicy_rate *);

#endif
