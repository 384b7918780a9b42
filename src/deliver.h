/* SPDX-License-Identifier: ISC */
/*
 * deliver.h - the delivery engine: ONE attempt of one message, and the
 * ONE policy that decides what happens after it.
 *
 * Every attempt goes through here: the first attempt of `smtps` sending a
 * message (main.c), -bs's relay (main.c), -q and -qI, the detached
 * flusher's pass and the due entries sent over the first attempt's
 * session (queuerun.c).  Callers bring a session and a message; they
 * never decide an outcome themselves.
 *
 * deliver_open(): the credentials (cred_get, cred_ready: passwordeval, a
 * token) and the session (smtp_open).  NULL with e filled on failure.
 *
 * deliver_attempt(): run one attempt over `s` (NULL: no session, e says
 * why: the account, the credentials, connecting, the message file) and
 * sum it up in `o`: kind, st[] (per recipient), the server's last reply
 * and the session's TLS version and SASL mechanism (for the log line).
 *
 * deliver_settle(): the policy.  Applies `o` and returns the exit code it
 * is worth (0: delivered, or queued on the first attempt).  It alone
 * decides the queue entry, dead.letter, DIR/log (the queue's own log),
 * the logfile/syslog line, and what the user is told (e for the first
 * attempt, the stderr "queued" line, the -q report line on j->out).
 * `o->res` says what became of the message, `o->delay` the next retry.
 * A queue entry (j->qe): delivered to everyone -> removed (DELIVERED).
 * Worth a retry (temporary, after the dot, waiting for the user; a local
 * problem such as a broken config, a failing passwordeval or rejected
 * credentials too, but not on the first attempt) -> the recipients that
 * got the message are dropped from the entry, attempts+1, next retry
 * after queue_backoff() (QUEUED).  A permanent failure, or any failure
 * once the entry is older than queue_lifetime -> the message is appended
 * to dead_letter (just logged when it is "off"), the entry removed
 * (BOUNCED); when dead.letter cannot be written the entry stays (KEPT).
 * LMTP, some recipients refused for good after the data and others
 * deferred: a copy goes to dead_letter, the entry keeps the deferred
 * ones (QUEUED).  j->a may be NULL (the account could not be loaded):
 * limit.h defaults and ~/dead.letter are used.  Not a queue entry
 * (queueing off, or a failure before the commit): delivered -> the
 * spool file is removed; else a complete message goes to dead_letter,
 * or stays as DIR/ID.kept when that is off or fails (BOUNCED).
 *
 * Where to look (deliver.c): a 451 on the first attempt -> settle_queue()
 * (kind DELIVER_TEMPORARY: the entry is deferred) then report_first()
 * (the "queued" line, exit 0); a 550 during a retry -> settle_queue()
 * (kind DELIVER_REFUSED: bounce() to dead.letter); the link lost after
 * the final dot -> settle_queue() (kind DELIVER_AFTER_DOT: deferred,
 * the possible duplicate noted).  retry_worth() is the one test of what
 * is worth a retry.
 */
#ifndef SMTPS_DELIVER_H
#define SMTPS_DELIVER_H

#include <stdio.h>

#include "conf.h"
#include "cred.h"
#include "queue.h"
#include "smtp.h"

/* who runs the attempt: the policy differs on the first attempt (see
   retry_worth() in deliver.c) and in what the user is told */
enum deliver_who {
	DELIVER_FIRST,		/* smtps sending a message */
	DELIVER_BS,		/* -bs: a message received on stdin */
	DELIVER_RUN,		/* -q: every entry */
	DELIVER_RUN_ONE,	/* -qI ID */
	DELIVER_FLUSHER,	/* the detached flusher's pass */
	DELIVER_DUE		/* a due entry over the first attempt's
				   session */
};

/* what one attempt came to */
enum deliver_kind {
	DELIVER_UNSENT,		/* failed here before any attempt (first
				   attempt: the envelope, the spool, the
				   queue) */
	DELIVER_OK,		/* delivered to every recipient */
	DELIVER_TEMPORARY,	/* 4xx, timeout, link lost before the dot */
	DELIVER_AFTER_DOT,	/* link lost after the final dot (after_dot):
				   the server may have the message */
	DELIVER_REFUSED,	/* refused for good (5xx ...); st[] says for
				   whom (LMTP: some may be deferred) */
	DELIVER_LOCAL,		/* a problem on this machine: config,
				   passwordeval, credentials, files */
	DELIVER_WAIT_USER,	/* OAuth2: only smtps --authorize can fix it
				   (wait_user) */
	DELIVER_GONE,		/* a queue entry finished before (its message
				   gone): nothing sent */
	DELIVER_UNREADABLE	/* a queue entry's message cannot be read */
};

/* what the policy made of it */
enum deliver_res {
	DELIVER_DELIVERED,	/* sent; the entry (spool) removed */
	DELIVER_QUEUED,		/* in the queue for a retry */
	DELIVER_BOUNCED,	/* given up: dead.letter, dropped or .kept */
	DELIVER_KEPT,		/* given up but dead.letter failed: the entry
				   stays */
	DELIVER_LEFTOVER	/* the entry was finished before */
};

/* the attempt's context: who runs it, for what */
struct deliver_job {
	enum deliver_who	 who;
	const struct account	*a;	/* NULL: could not be loaded */
	const struct envelope	*env;	/* from NULL: not checked yet */
	struct spool		*sp;	/* fd -1: no message */
	int			 spooled;	/* the whole message is in sp */
	struct qentry		*qe;	/* NULL: not a queue entry */
	const char		*dir;	/* the queue directory */
	FILE			*out;	/* -q, -qI: the report line */
	int			 no_stdout_log;	/* logfile "-" writes nothing
						   (-bs: stdout is SMTP) */
	char			 msgid[LIMIT_MSGID + 1]; /* for the log */
};

struct deliver_outcome {
	enum deliver_kind	 kind;
	enum smtp_rcpt		*st;	/* per env recipient; NULL: none */
	int			 session;	/* a session was open */
	char			 tls[16];	/* its TLS version, "" = none */
	const char		*auth;	/* its SASL mechanism, NULL = none */
	char			 reply[LIMIT_ERR_REPLY];	/* last reply */
	enum deliver_res	 res;	/* set by deliver_settle() */
	int			 delay;	/* queued: seconds to the retry */
};

struct smtp *deliver_open(const struct account *, struct cred *,
	    struct err *);
void	deliver_outcome_init(struct deliver_outcome *);
void	deliver_outcome_free(struct deliver_outcome *);
void	deliver_attempt(const struct deliver_job *, struct smtp *,
	    struct deliver_outcome *, struct err *);
int	deliver_settle(struct deliver_job *, struct deliver_outcome *,
	    struct err *);

#endif
