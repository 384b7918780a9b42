/* SPDX-License-Identifier: ISC */
/*
 * deliver.c - the delivery engine (contract: deliver.h).
 *
 * deliver_attempt() runs one attempt and sums it up as a deliver_kind;
 * deliver_settle() is the one policy: settle_queue() for a queue entry
 * (remove, defer, bounce), settle_unqueued() when queueing is off, then
 * what the user is told (report_first(), report_run()) and the log line
 * (log_line()).  The difference between the first attempt and a retry
 * is in retry_worth() and in those reports, nowhere else.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dead.h"
#include "deliver.h"
#include "fspath.h"
#include "maillog.h"
#include "spoolhdr.h"
#include "io.h"
#include "logline.h"

struct smtp *
deliver_open(const struct account *a, struct cred *c, struct err *e)
{
	/* the secret after the message is safe: a failing passwordeval or
	   token source must not lose it (queued or dead.letter) */
	if (cred_get(a, c, e) == -1 || cred_ready(c, a, e) == -1)
		return NULL;
	return smtp_open(a, c, e);
}

void
deliver_outcome_init(struct deliver_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = DELIVER_UNSENT;
}

void
deliver_outcome_free(struct deliver_outcome *o)
{
	free(o->st);
	o->st = NULL;
}

/* a problem on this machine the user can fix (config, credentials) */
static int
local_problem(int code)
{
	return code == EX_CONFIG || code == EX_NOPERM || code == EX_OSERR ||
	    code == EX_IOERR || code == EX_CANTCREAT || code == EX_SOFTWARE;
}

static enum deliver_kind
classify(const struct deliver_job *j, int rc, const struct err *e)
{
	if (rc == 0)
		return DELIVER_OK;
	if (j->qe != NULL && j->sp->fd == -1 && queue_msg_gone(j->dir,
	    j->qe->id))
		return DELIVER_GONE;	/* its envelope left over */
	if (j->qe != NULL && j->sp->fd == -1 && e->code == EX_IOERR)
		return DELIVER_UNREADABLE;
	if (e->wait_user && (err_is_temporary(e->code) ||
	    local_problem(e->code)))
		return DELIVER_WAIT_USER;
	if (err_is_temporary(e->code))
		return e->after_dot ? DELIVER_AFTER_DOT : DELIVER_TEMPORARY;
	if (local_problem(e->code))
		return DELIVER_LOCAL;
	return DELIVER_REFUSED;
}

void
deliver_attempt(const struct deliver_job *j, struct smtp *s,
    struct deliver_outcome *o, struct err *e)
{
	int rc = -1;

	deliver_outcome_init(o);
	o->st = xcalloc(j->env->nrcpts, sizeof(*o->st));
	if (s != NULL) {
		o->session = 1;
		smtp_tls_version(s, o->tls, sizeof(o->tls));
		o->auth = smtp_auth_mech(s);
		rc = smtp_deliver(s, j->env, j->sp, j->qe != NULL, o->st, e);
		smtp_last_reply(s, o->reply, sizeof(o->reply));
	}
	if (rc == -1)
		strlcpy(o->reply, e->reply, sizeof(o->reply));
	o->kind = classify(j, rc, e);
}

/*
 * Is the entry worth a retry?  Temporary failures and a lost link after
 * the dot always are, and so is waiting for the user (OAuth2).  A local
 * problem (broken config, failing passwordeval, rejected credentials)
 * differs by who runs the attempt: on the first attempt the user is at
 * the terminal and is told at once (the message goes to dead.letter);
 * during retries (-q, -qI, the flusher, due entries) nobody is, so it is
 * retried until queue_lifetime, giving the user time to fix it.
 */
static int
retry_worth(const struct deliver_job *j, const struct deliver_outcome *o)
{
	switch (o->kind) {
	case DELIVER_TEMPORARY:
	case DELIVER_AFTER_DOT:
	case DELIVER_WAIT_USER:
		return 1;
	case DELIVER_LOCAL:
		return j->who != DELIVER_FIRST && j->who != DELIVER_BS;
	default:
		return 0;
	}
}

static enum deliver_res bounce(const struct deliver_job *,
    struct deliver_outcome *, struct err *);

/* what went wrong after this attempt's final dot (e->after_dot set) */
#define DOT_DESYNC	"the replies were out of step after the final dot"
#define DOT_LOST	"the connection was lost after the final dot"
#define DUP		": a duplicate is possible)"

static const char *
dot_event(const struct err *e)
{
	return e->after_dot == ERR_DOT_DESYNC ? DOT_DESYNC : DOT_LOST;
}

/*
 * A possible duplicate, said where the entry's fate is told: this
 * attempt lost the link after its final dot, or an earlier one was
 * killed after its dot (ID.dot found, queue.h).  "" when neither.
 */
static const char *
dup_note(const struct qentry *qe, const struct err *e)
{
	if (e != NULL && e->after_dot)
		return e->after_dot == ERR_DOT_DESYNC ? " (" DOT_DESYNC DUP :
		    " (" DOT_LOST DUP;
	return qe->dot_earlier ? " (an earlier attempt was stopped after "
	    "its final dot" DUP : "";
}

/* drop the recipients that are done with from the entry */
static void
drop_finished(struct qentry *qe, const enum smtp_rcpt *st)
{
	size_t i, n = 0;

	for (i = 0; i < qe->nrcpts; i++) {
		if (st != NULL && (st[i] == SMTP_DONE || st[i] == SMTP_REFUSED))
			free(qe->rcpts[i]);
		else
			qe->rcpts[n++] = qe->rcpts[i];
	}
	qe->nrcpts = n;
}

/*
 * keep the rest for a retry: drop delivered recipients, schedule.  When
 * the entry cannot be updated and its message was never synced (queue.c),
 * it is not safe in the queue: dead.letter instead, never "queued".
 */
static enum deliver_res
defer(const struct deliver_job *j, struct deliver_outcome *o, struct err *e)
{
	const struct account *a = j->a;
	struct qentry *qe = j->qe;
	struct err ue;

	drop_finished(qe, o->st);
	qe->attempts++;
	o->delay = queue_backoff(qe->attempts, a ? a->queue_backoff_min :
	    LIMIT_QUEUE_BACKOFF_MIN, a ? a->queue_backoff_max :
	    LIMIT_QUEUE_BACKOFF_MAX, arc4random());
	qe->next = time(NULL) + o->delay;
	if (e->reply[0] != '\0')
		err_fmt(qe->error, sizeof(qe->error), "%s [server said: %s]",
		    e->msg, e->reply);
	else
		strlcpy(qe->error, e->msg, sizeof(qe->error));
	err_clear(&ue);
	if (queue_update(j->dir, qe, &ue) == -1) {
		queue_log(j->dir, qe->id, "cannot update the entry: %s",
		    ue.msg);
		if (!qe->synced) {
			err_prefix(e, "cannot keep the message in the queue "
			    "(%s)", ue.msg);
			e->code = EX_CANTCREAT;
			return bounce(j, o, e);
		}
	}
	if (!e->after_dot)	/* the dot was answered, or never sent */
		queue_dot_clear(j->dir, qe);
	queue_log(j->dir, qe->id, "deferred (attempt %d): %s%s; retrying in "
	    "%d s", qe->attempts, qe->error, dup_note(qe, e), o->delay);
	return DELIVER_QUEUED;
}

/* dead.letter cannot be written: the entry stays, retried much later */
static enum deliver_res
keep_entry(const struct deliver_job *j, struct deliver_outcome *o,
    struct err *de, struct err *e)
{
	struct qentry *qe = j->qe;

	queue_log(j->dir, qe->id, "failed: %s; cannot save it: %s; kept in "
	    "the queue", e->msg, de->msg);
	qe->attempts++;
	o->delay = LIMIT_QUEUE_BACKOFF_MAX;
	qe->next = time(NULL) + o->delay;
	strlcpy(qe->error, de->msg, sizeof(qe->error));
	(void)queue_update(j->dir, qe, de);
	err_prefix(e, "%s; message kept in the queue as %s", de->msg, qe->id);
	e->code = de->code;
	return DELIVER_KEPT;
}

/* give up on an entry: dead.letter (unless off), remove */
static enum deliver_res
bounce(const struct deliver_job *j, struct deliver_outcome *o, struct err *e)
{
	char buf[LIMIT_PATH];
	const char *dl = dead_path(j->a, buf, sizeof(buf));
	struct qentry *qe = j->qe;
	struct err de;

	err_clear(&de);
	if (dl != NULL && strcmp(dl, "off") != 0) {
		if (dead_append(j->sp, dl, qe->from, &de) == -1)
			return keep_entry(j, o, &de, e);
		queue_log(j->dir, qe->id, "failed: %s; saved in %s", e->msg,
		    dl);
		err_append(e, "; message saved in %s", dl);  /* dl may be buf */
		e->kept = 1;
	} else
		queue_log(j->dir, qe->id, "failed: %s; dropped (dead_letter "
		    "off)", e->msg);
	queue_remove(j->dir, qe);
	return DELIVER_BOUNCED;
}

/*
 * LMTP: some recipients refused for good after the data, others deferred:
 * a copy goes to dead.letter now (as for any refusal), the entry keeps
 * the deferred ones.  Returns whether a recipient is deferred.
 */
static int
some_deferred(const struct deliver_job *j, const enum smtp_rcpt *st,
    struct err *e)
{
	char buf[LIMIT_PATH];
	const char *dl = dead_path(j->a, buf, sizeof(buf));
	struct err de;
	size_t i, n = 0, refused = 0;

	for (i = 0; st != NULL && i < j->qe->nrcpts; i++) {
		n += st[i] == SMTP_DEFERRED;
		refused += st[i] == SMTP_REFUSED;
	}
	if (n == 0 || refused == 0 || dl == NULL || strcmp(dl, "off") == 0)
		return n > 0;
	err_clear(&de);
	if (dead_append(j->sp, dl, j->qe->from, &de) == -1) {
		queue_log(j->dir, j->qe->id, "cannot save a copy: %s", de.msg);
		return 1;
	}
	err_append(e, "; a copy saved in %s", dl);
	e->kept = 1;
	return 1;
}

/* an entry whose message is gone or unreadable: nothing to deliver */
static enum deliver_res
settle_leftover(const struct deliver_job *j, const struct deliver_outcome *o,
    const struct err *e)
{
	if (o->kind == DELIVER_GONE) {
		queue_log(j->dir, j->qe->id, "finished before: leftover "
		    "envelope removed");
		(void)queue_remove(j->dir, j->qe);
		return DELIVER_LEFTOVER;
	}
	queue_log(j->dir, j->qe->id, "removed: %s", e->msg);
	queue_remove(j->dir, j->qe);
	return DELIVER_BOUNCED;
}

/* a queue entry: removed, deferred, or given up (lifetime, refusal) */
static enum deliver_res
settle_queue(const struct deliver_job *j, struct deliver_outcome *o,
    struct err *e)
{
	struct qentry *qe = j->qe;
	time_t now = time(NULL);
	long life = j->a ? j->a->queue_lifetime : LIMIT_QUEUE_LIFETIME;
	int keep;

	o->delay = 0;
	if (o->kind == DELIVER_OK) {
		queue_remove(j->dir, qe);
		queue_log(j->dir, qe->id, "delivered to %zu recipient%s%s",
		    qe->nrcpts, qe->nrcpts == 1 ? "" : "s", dup_note(qe, NULL));
		return DELIVER_DELIVERED;
	}
	keep = retry_worth(j, o);
	/* LMTP: refused for some, deferred for others (once, in time) */
	if (!keep && now - qe->created < life)
		keep = some_deferred(j, o->st, e);
	if (keep && now - qe->created < life)
		return defer(j, o, e);
	if (keep)
		err_prefix(e, "gave up after %ld s in the queue (queue_lifetime"
		    " %ld s)", (long)(now - qe->created), life);
	return bounce(j, o, e);
}

/* keep the spool file as DIR/ID.kept: not an entry, never cleaned */
static void
leave_message(struct spool *sp)
{
	char kept[sizeof(sp->path)];
	struct err ignore;	/* name too long: left (and named) in tmp/ */

	(void)fsync(sp->fd);	/* msg_read() did not: now it must last */
	close(sp->fd);
	sp->fd = -1;
	if (fspath_fmt(kept, sizeof(kept), &ignore, "%s/%s.kept", sp->dir,
	    sp->id) == 0 && rename(sp->path, kept) == 0)
		strlcpy(sp->path, kept, sizeof(sp->path));
}

/* queueing off: the message could not be sent, keep it in dead.letter */
static void
keep_message(const struct deliver_job *j, struct err *e)
{
	const char *dl = j->a->dead_letter;
	struct err de;

	err_clear(&de);
	if (e->after_dot)
		err_prefix(e, "%s; the server may have accepted it",
		    dot_event(e));
	if (dl == NULL || strcmp(dl, "off") == 0) {
		leave_message(j->sp);
		err_prefix(e, "message left in %s", j->sp->path);
		return;
	}
	if (dead_append(j->sp, dl, j->env->from, &de) == -1) {
		leave_message(j->sp);
		err_prefix(e, "%s; message left in %s", de.msg, j->sp->path);
		return;
	}
	queue_spool_remove(j->sp);
	snprintf(e->keptpath, sizeof(e->keptpath), "%s", dl);
	e->kept = 1;
	/* one line: what failed, why, where the message is */
	err_append(e, "; message saved in %s", dl);
}

/* not a queue entry (queueing off, or it failed before the commit) */
static int
settle_unqueued(const struct deliver_job *j, struct deliver_outcome *o,
    struct err *e)
{
	if (o->kind == DELIVER_OK) {
		queue_spool_remove(j->sp);
		o->res = DELIVER_DELIVERED;
		return 0;
	}
	o->res = DELIVER_BOUNCED;
	/* a complete message is kept; a half-read one is not mail */
	if (j->spooled && j->sp->fd != -1)
		keep_message(j, e);
	else if (j->sp->path[0] != '\0')
		queue_spool_remove(j->sp);
	return e->code ? e->code : EX_SOFTWARE;
}

/* stopped by a signal, the entry kept for a retry: one line, 75 */
static int
stopped(const struct deliver_job *j, const struct deliver_outcome *o,
    struct err *e)
{
	int sig = io_interrupted();

	err_set(e, EX_TEMPFAIL, "stopped by %s %s; the message stays queued "
	    "as %s, retrying in %d s", sig == SIGHUP ? "SIGHUP" :
	    sig == SIGINT ? "SIGINT" : "SIGTERM", e->after_dot ? "after the "
	    "final dot (the server may have accepted it, a duplicate is "
	    "possible)" : "before the message was accepted", j->qe->id,
	    o->delay);
	return EX_TEMPFAIL;
}

/* the first attempt of a queued message: what the user is told */
static int
report_first(const struct deliver_job *j, const struct deliver_outcome *o,
    struct err *e)
{
	char msg[LIMIT_ERR_MSG];

	if (o->res == DELIVER_DELIVERED)
		return 0;
	if (o->res != DELIVER_QUEUED)
		return e->code ? e->code : EX_SOFTWARE;
	if (io_interrupted())
		return stopped(j, o, e);
	if (e->wait_user) {	/* OAuth2: smtps --authorize first */
		err_append(e, "; the message stays queued as %s until then",
		    j->qe->id);
		return e->code ? e->code : EX_SOFTWARE;
	}
	if (e->code == EX_NOUSER) {	/* LMTP: some refused too */
		err_fmt(msg, sizeof(msg), "%s; the others stay queued as %s, "
		    "retrying in %d s", e->msg, j->qe->id, o->delay);
		strlcpy(e->msg, msg, sizeof(e->msg));
		return EX_NOUSER;
	}
	fprintf(stderr, "smtps: queued %s: %s%s%s%s; retrying in %d s\n",
	    j->qe->id, j->qe->error, e->after_dot ? " (" : "",
	    e->after_dot ? dot_event(e) : "", e->after_dot ? ": the server "
	    "may have accepted it, a duplicate is possible)" : "", o->delay);
	err_clear(e);
	return 0;
}

/* -q, -qI: one report line for the entry; returns its exit code */
static int
report_run(const struct deliver_job *j, const struct deliver_outcome *o,
    const struct err *e)
{
	const char *id = j->qe->id;

	switch (o->res) {
	case DELIVER_DELIVERED:
		fprintf(j->out, "%s: delivered%s\n", id,
		    dup_note(j->qe, NULL));
		return 0;
	case DELIVER_LEFTOVER:
		fprintf(j->out, "%s: already delivered or removed (a leftover "
		    "envelope removed)\n", id);
		return 0;
	case DELIVER_QUEUED:
		fprintf(j->out, "%s: deferred: %s%s; retrying in %d s\n", id,
		    j->qe->error, dup_note(j->qe, e), o->delay);
		return EX_TEMPFAIL;
	default:
		fprintf(j->out, "%s: failed: %s%s%s%s\n", id, e->msg,
		    e->reply[0] ? " [server said: " : "", e->reply,
		    e->reply[0] ? "]" : "");
		return e->code ? e->code : EX_SOFTWARE;
	}
}

/* the log line's outcome= word */
static const char *
outcome_word(const struct deliver_job *j, const struct deliver_outcome *o,
    int code, const struct err *e)
{
	/* what became of the message; exitcode= says what the user got (a
	   queued message with a non-zero code: waiting for --authorize,
	   stopped by a signal, LMTP refusals for some recipients) */
	if (j->who == DELIVER_FIRST || j->who == DELIVER_BS)
		return o->res == DELIVER_QUEUED ? "queued" : code == 0 ?
		    "delivered" : e->kept ? "saved" : "failed";
	return o->res == DELIVER_DELIVERED ? "delivered" :
	    o->res == DELIVER_QUEUED ? "queued" : o->res == DELIVER_KEPT ?
	    "kept" : e->kept ? "saved" : "failed";
}

/* the logfile/syslog line of the attempt, first or retry alike */
static void
log_line(struct deliver_job *j, const struct deliver_outcome *o,
    char **rcpts, int code, const struct err *e)
{
	int first = j->who == DELIVER_FIRST || j->who == DELIVER_BS;
	struct logline l;

	if (j->a == NULL || !maillog_on(j->a))
		return;		/* no account, or it writes no log lines */
	/* -bs: stdout is the SMTP channel, not a log */
	if (j->no_stdout_log && j->a->logfile != NULL &&
	    strcmp(j->a->logfile, "-") == 0)
		return;
	if (j->msgid[0] == '\0' && j->sp->fd != -1)
		spoolhdr_msgid(j->sp->fd, j->msgid, sizeof(j->msgid));
	memset(&l, 0, sizeof(l));
	l.nosession = !o->session;
	l.tls = o->tls[0] != '\0' ? o->tls : NULL;
	l.auth = o->auth;
	l.user = j->a->user;
	l.from = j->env->from;
	l.rcpts = rcpts;
	l.nrcpts = j->env->nrcpts;
	l.size = j->spooled ? (long long)j->sp->size : -1;
	l.msgid = j->msgid[0] != '\0' ? j->msgid : NULL;
	l.queue_id = j->qe != NULL ? j->qe->id : NULL;
	l.outcome = outcome_word(j, o, code, e);
	l.reply = o->reply[0] != '\0' ? o->reply : NULL;
	/* the first attempt logs what smtps says and exits with (a queued
	   message: the entry's error, exit 0); a retry, the attempt's error */
	if (first) {
		l.error = code != 0 ? e->msg : o->res == DELIVER_QUEUED ?
		    j->qe->error : NULL;
		l.exitcode = code;
	} else {
		l.error = o->res == DELIVER_DELIVERED ? NULL : e->msg;
		l.exitcode = o->res == DELIVER_DELIVERED ? 0 : e->code;
	}
	maillog_write(j->a, &l);
}

static char **
rcpts_copy(const struct envelope *env)
{
	char **v = xcalloc(env->nrcpts, sizeof(*v));
	size_t i;

	for (i = 0; i < env->nrcpts; i++)
		v[i] = xstrdup(env->rcpts[i]);
	return v;
}

int
deliver_settle(struct deliver_job *j, struct deliver_outcome *o,
    struct err *e)
{
	char **rcpts;
	size_t i;
	int code;

	if (o->kind == DELIVER_GONE || o->kind == DELIVER_UNREADABLE) {
		o->res = settle_leftover(j, o, e);
		return j->out != NULL ? report_run(j, o, e) : 0;
	}
	/* the log names every recipient; the entry may drop some */
	rcpts = rcpts_copy(j->env);
	if (j->qe == NULL)
		code = settle_unqueued(j, o, e);
	else {
		o->res = settle_queue(j, o, e);
		if (j->who == DELIVER_FIRST || j->who == DELIVER_BS)
			code = report_first(j, o, e);
		else if (j->out != NULL)
			code = report_run(j, o, e);
		else	/* the flusher, due entries: DIR/log says it */
			code = o->res == DELIVER_DELIVERED ? 0 : e->code;
	}
	log_line(j, o, rcpts, code, e);
	for (i = 0; i < j->env->nrcpts; i++)
		free(rcpts[i]);
	free(rcpts);
	return code;
}
