/* SPDX-License-Identifier: ISC */
/*
 * subpolicy.h - PURE who may use the system submission service and how
 * often: the submit_allow list and the submit_rate limit.
 *
 * submit_allow: words separated by spaces or commas; a word is "*"
 * (everyone), a user name, or "@group" (members of that group: its
 * primary members and supplementary ones, as the service looked them
 * up).  Names are [A-Za-z0-9._-] (a '$' at the end allowed), at most
 * LIMIT_USER_NAME bytes; the value at most LIMIT_SUBMIT_LIST.  NULL
 * (keyword not given) = everyone.  subpolicy_allow_check() -> EX_CONFIG
 * with the bad word; subpolicy_allowed() -> 1 or 0 (a list that does
 * not check is 0: nobody).
 *
 * submit_rate: "N/DURATION" (N messages per uid in DURATION: seconds, or
 * a number with s, m, h or d, at most 365d; N 1..1000000) or "off".
 * Not given: LIMIT_SUBMIT_RATE per LIMIT_SUBMIT_PERIOD.
 * subpolicy_rate_parse(): *max 0 = no limit; -1 with EX_CONFIG.
 *
 * struct subpolicy_rate counts each uid's submissions in fixed windows
 * of `period` seconds starting at its first submission;
 * subpolicy_rate_take() counts one and returns 1, or returns 0 (and
 * counts nothing) when the uid has had `max` in its current window.  At
 * most LIMIT_SUBMIT_UIDS uids are tracked; when the table is full,
 * expired windows are dropped first, and if none is expired the new uid
 * is refused (0) until one expires.  *retry gets the seconds until the
 * uid's window ends (0 when allowed).  subpolicy_rate_refund() gives
 * back one count of the uid's current window (a connection that was
 * counted but turned out to list the queue, not submit).
 *
 * The counts survive a restart of the service in a state file (submitd
 * writes it, subpolicy only formats it).  subpolicy_rate_text(): the
 * windows that have not ended at `now`, as text:
 *   "smtps-rate 1\n" then "UID START COUNT\n" per window
 * (decimal; START a Unix time); malloc'ed, *len its length, at most
 * LIMIT_SUBMIT_STATE bytes.  subpolicy_rate_load(): that text back into
 * r (max and period are the running config's, not the file's): the
 * whole text is checked first (the magic line, three numbers per line,
 * UID at most 4294967295, COUNT 1..1000000, no uid twice, at most
 * LIMIT_SUBMIT_UIDS lines, at most LIMIT_SUBMIT_STATE bytes, no NUL) and
 * on any error r is left as it was and -1 returned with EX_DATAERR
 * naming the line.  Windows that ended before now are dropped, a START
 * in the future (the clock went back) becomes now, a COUNT above the
 * config's max becomes max.
 */
#ifndef SMTPS_SUBPOLICY_H
#define SMTPS_SUBPOLICY_H

#include <stddef.h>
#include <time.h>

#include "err.h"

struct subpolicy_rate {
	int	max;		/* 0: no limit */
	int	period;		/* seconds */
	size_t	n;
	struct {
		unsigned long	uid;
		time_t		start;
		int		count;
	} e[LIMIT_SUBMIT_UIDS];
};

int	subpolicy_allow_check(const char *list, struct err *);
int	subpolicy_allowed(const char *list, const char *user,
	    const char *const *groups, size_t ngroups);
int	subpolicy_rate_parse(const char *v, int *max, int *period,
	    struct err *);
int	subpolicy_rate_take(struct subpolicy_rate *, unsigned long uid,
	    time_t now, long *retry);
void	subpolicy_rate_refund(struct subpolicy_rate *, unsigned long uid);
char	*subpolicy_rate_text(const struct subpolicy_rate *, time_t now,
	    size_t *len);
int	subpolicy_rate_load(struct subpolicy_rate *, const char *buf,
	    size_t len, time_t now, struct err *);

#endif
