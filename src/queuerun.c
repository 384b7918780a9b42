/*
 * queuerun.c - delivering queued messages (contract: queuerun.h).
 *
 * An entry names its config file and account; each attempt reads that
 * config again and runs passwordeval again, so a flusher started hours
 * ago uses today's settings.  Entries of one account share a session
 * (struct conn) within a pass; when the connection cannot be opened, the
 * other entries of that account are deferred with the same error instead
 * of hammering the server.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "dead.h"
#include "dropin.h"
#include "queuerun.h"
#include "cred.h"
#include "fspath.h"
#include "io.h"
#include "secret.h"

/* a session for one (config, account) pair */
struct conn {
	char		*config, *name;	/* the key; NULL: none yet */
	struct account	 a;
	int		 have_a;	/* a is loaded (and owned) */
	struct cred	 cred;
	struct smtp	*s;
	int		 borrowed;	/* s and a belong to the caller */
	int		 failed;	/* open failed: openerr says why */
	struct err	 openerr;
};

static void
conn_drop(struct conn *c)
{
	if (!c->borrowed) {
		smtp_close(c->s);
		if (c->have_a)
			account_free(&c->a);
		cred_free(&c->cred);
	}
	free(c->config);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

/* a session for qe's account: reuse, or load the account and connect */
static struct smtp *
conn_get(struct conn *c, const struct qentry *qe, struct err *e)
{
	struct opts o;

	if (c->config != NULL && strcmp(c->config, qe->config) == 0 &&
	    strcmp(c->name, qe->account) == 0) {
		if (c->failed) {
			*e = c->openerr;
			return NULL;
		}
		if (smtp_usable(c->s) || c->borrowed)
			return c->s;
	}
	if (c->borrowed)	/* another account: not for this session */
		return err_set(e, EX_SOFTWARE, "wrong session"), NULL;
	conn_drop(c);
	c->config = xstrdup(qe->config);
	c->name = xstrdup(qe->account);
	memset(&o, 0, sizeof(o));
	o.conffile = qe->config;
	o.account = qe->account;
	if (account_load(&o, &c->a, &c->openerr) == 0) {
		c->have_a = 1;
		if (cred_get(&c->a, &c->cred, &c->openerr) == 0 &&
		    cred_ready(&c->cred, &c->a, &c->openerr) == 0)
			c->s = smtp_open(&c->a, &c->cred, &c->openerr);
		smtp_keep_open(c->s);	/* several entries may follow */
	}
	if (c->s == NULL) {
		c->failed = 1;
		*e = c->openerr;
	}
	return c->s;
}

static enum queuerun_res bounce(const char *, struct qentry *,
    const struct account *, struct spool *, int *, struct err *);

/*
 * keep the rest for a retry: drop delivered recipients, schedule.  When
 * the entry cannot be updated and its message was never synced (queue.c),
 * it is not safe in the queue: dead.letter instead, never "queued".
 */
static enum queuerun_res
defer(const char *dir, struct qentry *qe, const struct account *a,
    struct spool *sp, const enum smtp_rcpt *st, int *delay, struct err *e)
{
	struct err ue;
	size_t i, n = 0;

	for (i = 0; i < qe->nrcpts; i++) {
		if (st != NULL && (st[i] == SMTP_DONE || st[i] == SMTP_REFUSED))
			free(qe->rcpts[i]);
		else
			qe->rcpts[n++] = qe->rcpts[i];
	}
	qe->nrcpts = n;
	qe->attempts++;
	*delay = queue_backoff(qe->attempts, a ? a->queue_backoff_min :
	    LIMIT_QUEUE_BACKOFF_MIN, a ? a->queue_backoff_max :
	    LIMIT_QUEUE_BACKOFF_MAX, arc4random());
	qe->next = time(NULL) + *delay;
	if (e->reply[0] != '\0')
		err_fmt(qe->error, sizeof(qe->error), "%s [server said: %s]",
		    e->msg, e->reply);
	else
		strlcpy(qe->error, e->msg, sizeof(qe->error));
	err_clear(&ue);
	if (queue_update(dir, qe, &ue) == -1) {
		queue_log(dir, qe->id, "cannot update the entry: %s", ue.msg);
		if (!qe->synced) {
			err_prefix(e, "cannot keep the message in the queue "
			    "(%s)", ue.msg);
			e->code = EX_CANTCREAT;
			return bounce(dir, qe, a, sp, delay, e);
		}
	}
	queue_log(dir, qe->id, "deferred (attempt %d): %s%s; retrying in %d s",
	    qe->attempts, qe->error, e->after_dot ? " (the connection was "
	    "lost after the final dot: a duplicate is possible)" : "", *delay);
	return QUEUERUN_QUEUED;
}

/* give up: dead.letter (unless off), remove */
static enum queuerun_res
bounce(const char *dir, struct qentry *qe, const struct account *a,
    struct spool *sp, int *delay, struct err *e)
{
	char buf[LIMIT_PATH];
	const char *dl = dead_path(a, buf, sizeof(buf));
	struct err de;

	err_clear(&de);
	if (dl != NULL && strcmp(dl, "off") != 0) {
		if (dead_append(sp, dl, qe->from, &de) == -1) {
			queue_log(dir, qe->id, "failed: %s; cannot save it: "
			    "%s; kept in the queue", e->msg, de.msg);
			qe->attempts++;
			*delay = LIMIT_QUEUE_BACKOFF_MAX;
			qe->next = time(NULL) + *delay;
			strlcpy(qe->error, de.msg, sizeof(qe->error));
			(void)queue_update(dir, qe, &de);
			err_prefix(e, "%s; message kept in the queue as %s",
			    de.msg, qe->id);
			e->code = de.code;
			return QUEUERUN_KEPT;
		}
		queue_log(dir, qe->id, "failed: %s; saved in %s", e->msg, dl);
		err_append(e, "; message saved in %s", dl);  /* dl may be buf */
		e->kept = 1;
	} else
		queue_log(dir, qe->id, "failed: %s; dropped (dead_letter off)",
		    e->msg);
	queue_remove(dir, qe);
	return QUEUERUN_BOUNCED;
}

/*
 * LMTP: some recipients refused for good after the data, others deferred:
 * a copy goes to dead.letter now (as for any refusal), the entry keeps
 * the deferred ones.  Returns whether a recipient is deferred.
 */
static int
some_deferred(const char *dir, struct qentry *qe, const struct account *a,
    struct spool *sp, const enum smtp_rcpt *st, struct err *e)
{
	char buf[LIMIT_PATH];
	const char *dl = dead_path(a, buf, sizeof(buf));
	struct err de;
	size_t i, n = 0, refused = 0;

	for (i = 0; st != NULL && i < qe->nrcpts; i++) {
		n += st[i] == SMTP_DEFERRED;
		refused += st[i] == SMTP_REFUSED;
	}
	if (n == 0 || refused == 0 || dl == NULL || strcmp(dl, "off") == 0)
		return n > 0;
	err_clear(&de);
	if (dead_append(sp, dl, qe->from, &de) == -1) {
		queue_log(dir, qe->id, "cannot save a copy: %s", de.msg);
		return 1;
	}
	err_append(e, "; a copy saved in %s", dl);
	e->kept = 1;
	return 1;
}

/* a problem on this machine the user can fix: retry rather than bounce */
static int
local_problem(int code)
{
	return code == EX_CONFIG || code == EX_NOPERM || code == EX_OSERR ||
	    code == EX_IOERR || code == EX_CANTCREAT || code == EX_SOFTWARE;
}

enum queuerun_res
queuerun_settle(const char *dir, struct qentry *qe, const struct account *a,
    struct spool *sp, int rc, const enum smtp_rcpt *st, int first,
    int *delay, struct err *e)
{
	time_t now = time(NULL);
	long life = a ? a->queue_lifetime : LIMIT_QUEUE_LIFETIME;
	int keep;

	*delay = 0;
	if (rc == 0) {
		queue_remove(dir, qe);
		queue_log(dir, qe->id, "delivered to %zu recipient%s",
		    qe->nrcpts, qe->nrcpts == 1 ? "" : "s");
		return QUEUERUN_DELIVERED;
	}
	keep = err_is_temporary(e->code) || ((!first || e->wait_user) &&
	    local_problem(e->code));
	/* LMTP: refused for some, deferred for others (once, in time) */
	if (!keep && now - qe->created < life)
		keep = some_deferred(dir, qe, a, sp, st, e);
	if (keep && now - qe->created < life)
		return defer(dir, qe, a, sp, st, delay, e);
	if (keep)
		err_prefix(e, "gave up after %ld s in the queue (queue_lifetime"
		    " %ld s)", (long)(now - qe->created), life);
	return bounce(dir, qe, a, sp, delay, e);
}

/* the logfile/syslog line of one attempt from the queue */
static void
log_retry(const struct conn *c, const struct qentry *qe, char **rcpts,
    size_t n, struct smtp *s, const struct spool *sp, enum queuerun_res r,
    const struct err *e, const char *reply)
{
	char tls[16], msgid[LIMIT_MSGID + 1];
	struct logline l;

	if ((!c->have_a && !c->borrowed) || !dropin_logs(&c->a))
		return;		/* no account, or it writes no log lines */
	memset(&l, 0, sizeof(l));
	l.nosession = s == NULL;
	smtp_tls_version(s, tls, sizeof(tls));
	l.tls = tls[0] != '\0' ? tls : NULL;
	l.auth = smtp_auth_mech(s);
	l.user = c->a.user;
	l.from = qe->from;
	l.rcpts = rcpts;
	l.nrcpts = n;
	l.size = sp->fd != -1 ? (long long)sp->size : -1;
	dropin_msgid(sp->fd, msgid, sizeof(msgid));
	l.msgid = msgid[0] != '\0' ? msgid : NULL;
	l.queue_id = qe->id;
	l.outcome = r == QUEUERUN_DELIVERED ? "delivered" : r ==
	    QUEUERUN_QUEUED ?
	    "queued" : r == QUEUERUN_KEPT ? "kept" : e->kept ? "saved" :
	    "failed";
	l.reply = reply[0] != '\0' ? reply : NULL;
	l.error = r == QUEUERUN_DELIVERED ? NULL : e->msg;
	l.exitcode = r == QUEUERUN_DELIVERED ? 0 : e->code;
	dropin_log(&c->a, &l);
}

/* one attempt for a locked entry; returns the outcome */
static enum queuerun_res
attempt(const char *dir, struct qentry *qe, struct conn *c, int *delay,
    struct err *e)
{
	enum smtp_rcpt *st = xcalloc(qe->nrcpts, sizeof(*st));
	struct envelope env = { qe->from, qe->rcpts, qe->nrcpts, qe->envid,
	    qe->notify, qe->ret };
	char **rcpts, reply[LIMIT_ERR_REPLY] = "";
	size_t i, n = qe->nrcpts;
	struct spool sp;
	struct smtp *s = NULL;
	enum queuerun_res r;
	int rc = -1;

	sp.fd = -1;
	if (queue_open_msg(dir, qe, &sp, e) == 0 &&
	    (s = conn_get(c, qe, e)) != NULL) {
		rc = smtp_deliver(s, &env, &sp, 1, st, e);
		smtp_last_reply(s, reply, sizeof(reply));
	}
	if (rc == -1)
		strlcpy(reply, e->reply, sizeof(reply));
	if (sp.fd == -1 && rc == -1 && queue_msg_gone(dir, qe->id)) {
		/* delivered (or deleted) before, its envelope left over */
		queue_log(dir, qe->id, "finished before: leftover envelope "
		    "removed");
		(void)queue_remove(dir, qe);
		free(st);
		return QUEUERUN_GONE;
	}
	if (sp.fd == -1 && rc == -1 && e->code == EX_IOERR) {
		/* the message file is unreadable: nothing to deliver */
		queue_log(dir, qe->id, "removed: %s", e->msg);
		queue_remove(dir, qe);
		free(st);
		return QUEUERUN_BOUNCED;
	}
	rcpts = xcalloc(n, sizeof(*rcpts));
	for (i = 0; i < n; i++)		/* settling may drop some */
		rcpts[i] = xstrdup(qe->rcpts[i]);
	r = queuerun_settle(dir, qe, c->have_a || c->borrowed ? &c->a : NULL,
	    &sp, rc, st, 0, delay, e);
	log_retry(c, qe, rcpts, n, s, &sp, r, e, reply);
	for (i = 0; i < n; i++)
		free(rcpts[i]);
	free(rcpts);
	if (sp.fd != -1)
		close(sp.fd);
	free(st);
	return r;
}

/* is entry `id` due now, and for this config file and account? */
static int
entry_due(const char *dir, const char *id, const struct account *a,
    const char *config)
{
	struct qentry qe;
	struct err e;
	int due;

	err_clear(&e);
	if (queue_read(dir, id, &qe, &e) == -1)
		return 0;
	due = qe.next <= time(NULL) && strcmp(qe.config, config) == 0 &&
	    strcmp(qe.account, a->name) == 0;
	queue_entry_free(&qe);
	return due;
}

int
queuerun_any_due(const struct account *a, const char *config, const char *dir,
    const char *except)
{
	struct err e;
	char **ids;
	size_t n, i;
	int any = 0;

	err_clear(&e);
	if (queue_scan(dir, &ids, &n, &e) == -1)
		return 0;
	for (i = 0; i < n && !any; i++)
		any = strcmp(ids[i], except) != 0 &&
		    entry_due(dir, ids[i], a, config);
	queue_ids_free(ids, n);
	return any;
}

void
queuerun_due(struct smtp *s, const struct account *a, const char *config,
    const char *dir)
{
	struct conn c;
	struct qentry qe;
	struct err e;
	char **ids;
	size_t n, i;
	int delay;

	err_clear(&e);
	if (queue_scan(dir, &ids, &n, &e) == -1)
		return;
	memset(&c, 0, sizeof(c));
	c.borrowed = 1;
	c.s = s;
	c.a = *a;
	c.config = xstrdup(config);
	c.name = xstrdup(a->name);
	for (i = 0; i < n && smtp_usable(s); i++) {
		if (!entry_due(dir, ids[i], a, config) ||
		    queue_lock(dir, ids[i], &qe, &e) != 0)
			continue;
		err_clear(&e);
		(void)attempt(dir, &qe, &c, &delay, &e);
		queue_entry_free(&qe);
	}
	conn_drop(&c);
	queue_ids_free(ids, n);
}

/* -q, -qI: one report line for entry ID; returns its exit code */
static int
run_one(const char *dir, const char *id, struct conn *c, FILE *out)
{
	struct qentry qe;
	struct err e;
	int delay, r, code;

	err_clear(&e);
	if ((r = queue_lock(dir, id, &qe, &e)) == 1) {
		fprintf(out, "%s: skipped: being delivered by another "
		    "process\n", id);
		return EX_TEMPFAIL;
	}
	if (r == -1 && e.code == EX_USAGE) {	/* another run finished it */
		fprintf(out, "%s: already delivered or removed by another "
		    "process\n", id);
		return 0;
	}
	if (r == -1) {
		fprintf(out, "%s: %s\n", id, e.msg);
		return e.code;
	}
	switch (attempt(dir, &qe, c, &delay, &e)) {
	case QUEUERUN_DELIVERED:
		fprintf(out, "%s: delivered\n", id);
		code = 0;
		break;
	case QUEUERUN_GONE:
		fprintf(out, "%s: already delivered or removed (a leftover "
		    "envelope removed)\n", id);
		code = 0;
		break;
	case QUEUERUN_QUEUED:
		fprintf(out, "%s: deferred: %s; retrying in %d s\n", id,
		    qe.error, delay);
		code = EX_TEMPFAIL;
		break;
	default:
		fprintf(out, "%s: failed: %s%s%s%s\n", id, e.msg,
		    e.reply[0] ? " [server said: " : "", e.reply,
		    e.reply[0] ? "]" : "");
		code = e.code ? e.code : EX_SOFTWARE;
		break;
	}
	queue_entry_free(&qe);
	fflush(out);
	return code;
}

int
queuerun_run(const char *dir, const char *id, FILE *out, struct err *e)
{
	struct conn c;
	char **ids;
	size_t n, i;
	int code, worst = 0;

	if (id != NULL && !queue_id_valid(id))
		return err_set(e, EX_USAGE, "invalid queue ID '%.64s'", id);
	if (queue_scan(dir, &ids, &n, e) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	if (id == NULL && n == 0)
		fprintf(out, "Mail queue is empty\n");
	for (i = 0; i < n && !io_interrupted(); i++) {
		if (id != NULL && strcmp(ids[i], id) != 0)
			continue;
		code = run_one(dir, ids[i], &c, out);
		if (code != 0 && (worst == 0 || worst == EX_TEMPFAIL))
			worst = code;
		if (id != NULL)
			break;
	}
	conn_drop(&c);
	if (io_interrupted()) {		/* the entry being sent was kept */
		queue_ids_free(ids, n);
		return err_set(e, EX_TEMPFAIL, "stopped by SIG%s; the "
		    "messages not delivered stay queued",
		    sigabbrev_np(io_interrupted()));
	}
	if (id != NULL && i == n)
		err_set(e, EX_USAGE, "no queue entry %s in %s", id, dir);
	queue_ids_free(ids, n);
	if (id != NULL && i == n)
		return -1;
	return worst;
}

int
queuerun_delete(const char *dir, const char *id, struct err *e)
{
	struct qentry qe;
	int r;

	if (!queue_id_valid(id))
		return err_set(e, EX_USAGE, "invalid queue ID '%.64s'", id);
	if ((r = queue_lock(dir, id, &qe, e)) == 1)
		return err_set(e, EX_TEMPFAIL, "queue entry %s is being "
		    "delivered right now; try again", id);
	if (r == -1 && e->code == EX_USAGE)
		return err_prefix(e, "%s", dir);
	if (r == -1) {		/* unreadable: remove it all the same */
		char path[LIMIT_PATH];

		if (fspath_fmt(path, sizeof(path), e, "%s/%s.env", dir,
		    id) == -1 || unlink(path) == -1)
			return -1;
		strlcpy(qe.id, id, sizeof(qe.id));
	}
	queue_remove(dir, &qe);
	queue_log(dir, id, "deleted by the user (--queue-delete)");
	queue_entry_free(&qe);
	return 0;
}

/* ---- one pass of the detached flusher (flusher.c) ---- */

size_t
queuerun_pass(const char *dir, time_t *wake)
{
	struct conn c;
	struct qentry qe;
	struct err e;
	char **ids;
	size_t n, i, left = 0;
	int delay, r;

	err_clear(&e);
	*wake = time(NULL) + LIMIT_FLUSH_RESCAN;
	if (queue_scan(dir, &ids, &n, &e) == -1)
		return 1;
	memset(&c, 0, sizeof(c));
	for (i = 0; i < n && !io_interrupted(); i++) {
		time_t now = time(NULL);

		if (queue_read(dir, ids[i], &qe, &e) == -1) {
			if (e.code != EX_USAGE)	/* not just gone: say why */
				queue_log(dir, ids[i], "skipped: %s", e.msg);
			queue_entry_free(&qe);
			continue;
		}
		left++;
		if (qe.next > now) {
			if (qe.next < *wake)
				*wake = qe.next;
			queue_entry_free(&qe);
			continue;
		}
		queue_entry_free(&qe);
		if ((r = queue_lock(dir, ids[i], &qe, &e)) == 1 &&
		    now + LIMIT_FLUSH_BUSY < *wake)
			*wake = now + LIMIT_FLUSH_BUSY;
		if (r != 0)
			continue;
		err_clear(&e);
		if (attempt(dir, &qe, &c, &delay, &e) == QUEUERUN_QUEUED ||
		    qe.lockfd != -1) {
			if (qe.next < *wake)
				*wake = qe.next;
		} else
			left--;
		queue_entry_free(&qe);
	}
	conn_drop(&c);
	queue_ids_free(ids, n);
	return left;
}

/* ---- mailq ---- */

static void
age(char *buf, size_t sz, long s)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, sz, "%ld s", s);
	else if (s < 7200)
		snprintf(buf, sz, "%ld min", s / 60);
	else if (s < 172800)
		snprintf(buf, sz, "%ld h", s / 3600);
	else
		snprintf(buf, sz, "%ld days", s / 86400);
}

static void
list_one(const struct qentry *qe, FILE *out)
{
	char a[32], nx[32];
	time_t now = time(NULL);
	size_t i;

	age(a, sizeof(a), (long)(now - qe->created));
	age(nx, sizeof(nx), (long)(qe->next - now));
	fprintf(out, "%s  %lld bytes  age %s  from <%s>  (account %s)\n",
	    qe->id, qe->size, a, qe->from, qe->account);
	for (i = 0; i < qe->nrcpts; i++)
		fprintf(out, "    to <%s>\n", qe->rcpts[i]);
	fprintf(out, "    attempts %d, next retry %s%s\n", qe->attempts,
	    qe->next <= now ? "now" : "in ", qe->next <= now ? "" : nx);
	if (qe->error[0] != '\0')
		fprintf(out, "    last error: %s\n", qe->error);
}

int
queuerun_list(const char *dir, FILE *out, struct err *e)
{
	struct qentry qe;
	struct err re;
	char **ids;
	size_t n, i, shown = 0;

	if (queue_scan(dir, &ids, &n, e) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		err_clear(&re);
		if (queue_msg_gone(dir, ids[i]))	/* finished */
			continue;
		if (queue_read(dir, ids[i], &qe, &re) == -1) {
			if (re.code != EX_USAGE)	/* not just gone */
				fprintf(out, "%s  (unreadable: %s)\n", ids[i],
				    re.msg);
			queue_entry_free(&qe);
			continue;
		}
		list_one(&qe, out);
		queue_entry_free(&qe);
		shown++;
	}
	if (shown == 0)
		fprintf(out, "Mail queue is empty\n");
	else
		fprintf(out, "%zu message%s in %s\n", shown, shown == 1 ? "" :
		    "s", dir);
	queue_ids_free(ids, n);
	return 0;
}
