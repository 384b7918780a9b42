/* SPDX-License-Identifier: ISC */
/*
 * qcheck.h - the queue check (--queue-check, --queue-check-count): its
 * thresholds, the Nagios state and the one status line.  PURE: no I/O;
 * mailq.c gathers the facts and prints the line.
 *
 * qcheck_duration(): "N", "Ns", "Nm", "Nh" or "Nd" (the config's duration
 * syntax, 0 .. LIMIT_QUEUE_MAX_DURATION s) into *secs; -1 with EX_USAGE
 * otherwise.
 * qcheck_levels(): "WARN[,CRIT]" into lv: two durations (kind
 * QCHECK_AGE) or two counts (QCHECK_COUNT, 1 .. LIMIT_QUEUE_ENTRIES);
 * CRIT, when given, is not below WARN; without it lv->crit is -1 (never
 * critical).  -1 with EX_USAGE "--queue-check...: why" otherwise.
 * qcheck_eval(): the state of a queue with facts f: CRITICAL when the
 * oldest entry's age or the number of entries reaches a crit level,
 * WARNING when one reaches a warn level, or when an entry is unreadable;
 * else OK.  Levels that are -1 are not set.  Writes the status line,
 * without a newline, into buf:
 *   SMTPS QUEUE OK - 0 messages | messages=0;;;0 oldest=0s;;;0
 *   SMTPS QUEUE WARNING - 3 messages, oldest 47 min | messages=3;;;0
 *   oldest=2820s;1800;7200;0
 * (one line; the part after '|' is Nagios performance data with the
 * warn and crit levels).  Returns QCHECK_OK, _WARNING or _CRITICAL.
 * qcheck_unknown(): the UNKNOWN line for a check that could not look
 * ("SMTPS QUEUE UNKNOWN - why"); returns QCHECK_UNKNOWN.
 * qcheck_age(): a duration for people, as mailq prints it: "42 s" below
 * 2 min, "47 min" below 2 h, "5 h" below 2 days, else "3 days"; a
 * negative value is 0.
 */
#ifndef SMTPS_QCHECK_H
#define SMTPS_QCHECK_H

#include <stddef.h>

#include "err.h"

/* the Nagios plugin exit codes */
enum qcheck_state {
	QCHECK_OK = 0,
	QCHECK_WARNING = 1,
	QCHECK_CRITICAL = 2,
	QCHECK_UNKNOWN = 3,
};

enum qcheck_kind { QCHECK_AGE, QCHECK_COUNT };

struct qcheck_levels {
	long long	warn;		/* s or entries; -1: not set */
	long long	crit;
};

struct qcheck {
	struct qcheck_levels age;	/* --queue-check */
	struct qcheck_levels count;	/* --queue-check-count */
};

/* what mailq.c found in the queue */
struct qcheck_facts {
	size_t		n;		/* entries (unreadable ones too) */
	size_t		unreadable;
	long long	oldest;		/* age of the oldest entry, s */
};

int	qcheck_duration(const char *, long long *secs, struct err *);
int	qcheck_levels(const char *spec, enum qcheck_kind,
	    struct qcheck_levels *, struct err *);
void	qcheck_init(struct qcheck *);	/* nothing set */
int	qcheck_eval(const struct qcheck *, const struct qcheck_facts *,
	    char *buf, size_t sz);
int	qcheck_unknown(const char *why, char *buf, size_t sz);
void	qcheck_age(char *buf, size_t sz, long long secs);

#endif
