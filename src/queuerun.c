/* SPDX-License-Identifier: ISC */
/*
 * queuerun.c - delivering queued messages (contract: queuerun.h).
 *
 * This file picks and locks entries and provides sessions; every attempt
 * is run and settled by the delivery engine (deliver.h): attempt() below
 * hands it the entry, the session and who runs it (-q, -qI, the flusher,
 * due entries), and the engine alone decides what happens to the entry.
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

#include "acctready.h"
#include "queuerun.h"
#include "cred.h"
#include "deliver.h"
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
	int		 more;		/* another entry follows this one */
};

static void
conn_drop(struct conn *c)
{
	int more;

	if (!c->borrowed) {
		smtp_close(c->s);
		if (c->have_a)
			account_free(&c->a);
		cred_free(&c->cred);
	}
	free(c->config);
	free(c->name);
	more = c->more;		/* the caller's plan, not the session's */
	memset(c, 0, sizeof(*c));
	c->more = more;
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
	if (acctready_load(&o, &c->a, &c->openerr) == 0) {
		c->have_a = 1;
		c->s = deliver_open(&c->a, &c->cred, &c->openerr);
	}
	if (c->s == NULL) {
		c->failed = 1;
		*e = c->openerr;
	}
	return c->s;
}

/* one attempt for a locked entry through the engine; returns its exit
   code (what -q reports), *res what became of it */
static int
attempt(const char *dir, struct qentry *qe, struct conn *c,
    enum deliver_who who, FILE *out, enum deliver_res *res)
{
	struct envelope env = { qe->from, qe->rcpts, qe->nrcpts, qe->envid,
	    qe->notify, qe->ret };
	struct deliver_outcome o;
	struct deliver_job j;
	struct spool sp;
	struct smtp *s = NULL;
	struct err e;
	int code;

	err_clear(&e);
	sp.fd = -1;
	if (queue_open_msg(dir, qe, &sp, &e) == 0)
		s = conn_get(c, qe, &e);
	smtp_keep_open(s, c->more);	/* else QUIT leaves with the dot */
	memset(&j, 0, sizeof(j));
	j.who = who;
	j.a = c->have_a || c->borrowed ? &c->a : NULL;
	j.env = &env;
	j.sp = &sp;
	j.spooled = sp.fd != -1;
	j.qe = qe;
	j.dir = dir;
	j.out = out;
	deliver_attempt(&j, s, &o, &e);
	code = deliver_settle(&j, &o, &e);
	*res = o.res;
	deliver_outcome_free(&o);
	if (sp.fd != -1)
		close(sp.fd);
	return code;
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
	enum deliver_res res;

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
		c.more = i + 1 < n;
		(void)attempt(dir, &qe, &c, DELIVER_DUE, NULL, &res);
		queue_entry_free(&qe);
	}
	conn_drop(&c);
	queue_ids_free(ids, n);
}

/* -q, -qI: one report line for entry ID; returns its exit code */
static int
run_one(const char *dir, const char *id, struct conn *c,
    enum deliver_who who, FILE *out)
{
	struct qentry qe;
	struct err e;
	enum deliver_res res;
	int r, code;

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
	code = attempt(dir, &qe, c, who, out, &res);
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
		c.more = id == NULL && i + 1 < n;
		code = run_one(dir, ids[i], &c, id != NULL ? DELIVER_RUN_ONE :
		    DELIVER_RUN, out);
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
	enum deliver_res res;
	int r;

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
		c.more = i + 1 < n;
		(void)attempt(dir, &qe, &c, DELIVER_FLUSHER, NULL, &res);
		if (res == DELIVER_QUEUED || qe.lockfd != -1) {
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
