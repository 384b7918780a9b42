/* SPDX-License-Identifier: ISC */
/*
 * mailq.h - looking at the queue without touching it: the mailq listing
 * (-bp), its JSON form (--json) and the monitoring check
 * (--queue-check, --queue-check-count).
 *
 * mailq_list(): the entries of DIR that v selects on `out`, oldest first.
 * Entries whose message is already gone (finished) are skipped; an entry
 * that cannot be read is shown with why.
 *   human (v->json 0): per entry
 *     ID  SIZE bytes  age AGE  from <SENDER>  (account NAME)
 *         submitted by NAME (uid UID)          [system service only]
 *         to <RCPT>                            [one per recipient]
 *         attempts N, next retry now|in AGE
 *         last error: TEXT                     [when there is one]
 *   then "N message(s) in DIR", or "Mail queue is empty".
 *   json (v->json 1): one JSON object per line and entry (as Postfix's
 *   postqueue -j), nothing for an empty queue:
 *     {"queue_id":ID,"arrival_time":UNIX,"message_size":BYTES,
 *      "sender":ADDR ("" = null sender),"account":NAME,"config":PATH,
 *      "attempts":N,"next_retry":UNIX,
 *      "submitter":{"uid":N,"name":NAME} or null,
 *      "recipients":[{"address":ADDR,"delay_reason":TEXT or null}],
 *      "system_queue":DIR                  [the system queue only]}
 *   delay_reason is the entry's last error (the queue keeps one per
 *   entry, so every remaining recipient has the same).  An unreadable
 *   entry is {"queue_id":ID,"unreadable":WHY}.  Members may be added in
 *   later versions, never renamed or removed.
 * The system queue as the submission service lists it (v->system set):
 *   the human form starts with "System queue (DIR):", or, for one
 *   submitter's view (v->uid >= 0), "System queue (DIR), messages
 *   submitted by uid UID:"; that view shows only entries whose
 *   submitter is that uid (an unreadable entry or one without a
 *   submitter is not shown to it).  v->max > 0 bounds the bytes of
 *   the entries shown: an entry that does not fit is counted, not shown
 *   (no entry is ever cut), and the end says so: the human form's last
 *   line "N message(s) in DIR, M of them not shown: the listing is
 *   limited to MAX bytes", the JSON form a last object
 *   {"truncated":true,"not_shown":M,"limit":MAX} (the one object
 *   without a queue_id).
 * Returns 0, or -1 with e when DIR cannot be read.
 *
 * mailq_check(): the check's one status line (qcheck.h) on `out`; returns
 * the Nagios state: QCHECK_OK, _WARNING, _CRITICAL, or QCHECK_UNKNOWN
 * with an UNKNOWN line when DIR cannot be read.  An unreadable entry
 * counts, with the age its ID carries (its creation time).
 *
 * mailq_health(): --doctor's queue line: entries (unreadable ones too),
 * the oldest one's age in seconds, and the last error of the newest
 * entry that has one ("" when none has); a missing DIR is an empty
 * queue.  0, or -1 with e when DIR cannot be read.
 */
#ifndef SMTPS_MAILQ_H
#define SMTPS_MAILQ_H

#include <stdio.h>

#include "err.h"
#include "qcheck.h"

struct mailq_view {
	int		 json;		/* the JSON lines */
	long long	 uid;		/* -1 every entry, else only this
					   submitter's */
	size_t		 max;		/* bytes of entries at most; 0 none */
	const char	*system;	/* the system queue's listing: DIR */
};

int	mailq_list(const char *dir, const struct mailq_view *, FILE *out,
	    struct err *);
int	mailq_check(const char *dir, const struct qcheck *, FILE *out);

struct mailq_health {
	size_t		n, unreadable;
	long long	oldest;			/* seconds */
	char		last_error[LIMIT_ERR_MSG];
};
int	mailq_health(const char *dir, struct mailq_health *, struct err *);

#endif
