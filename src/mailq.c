/* SPDX-License-Identifier: ISC */
/*
 * mailq.c - the queue listed and checked, read only (contract: mailq.h).
 *
 * Entries are read with queue_read(), without their lock: a listing never
 * delays a delivery.  An entry's .env is replaced by rename, so what is
 * read is one whole version of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jdoc.h"
#include "mailq.h"
#include "queue.h"

/* the entries of DIR that are still entries; fn for each: qe NULL when
   unreadable (why in re) */
typedef void (*mailq_fn)(void *ctx, const char *id, const struct qentry *,
    const struct err *re);

static int
each_entry(const char *dir, mailq_fn fn, void *ctx, struct err *e)
{
	struct qentry qe;
	struct err re;
	char **ids;
	size_t n, i;

	if (queue_scan(dir, &ids, &n, e) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		err_clear(&re);
		if (queue_msg_gone(dir, ids[i]))	/* finished */
			continue;
		if (queue_read(dir, ids[i], &qe, &re) == 0)
			fn(ctx, ids[i], &qe, &re);
		else if (re.code != EX_USAGE)		/* not just gone */
			fn(ctx, ids[i], NULL, &re);
		queue_entry_free(&qe);
	}
	queue_ids_free(ids, n);
	return 0;
}

/* ---- the listing ---- */

/* one entry's text (qe NULL: unreadable, why in re) */
typedef void (*mailq_fmt)(FILE *, const char *id, const struct qentry *,
    const struct err *re, const struct mailq_view *);

struct lister {
	FILE			*out;
	const struct mailq_view	*v;
	mailq_fmt		 fmt;
	size_t			 shown, cut, used;
};

/* "33 www-data" -> uid 33, *name "www-data" (queue.c checked the form) */
static long long
submitter_split(const char *s, const char **name)
{
	const char *sp = strchr(s, ' ');

	*name = sp != NULL ? sp + 1 : "";
	return strtoll(s, NULL, 10);
}

static void
human_one(FILE *out, const char *id, const struct qentry *qe,
    const struct err *re, const struct mailq_view *v)
{
	char a[32], nx[32];
	const char *name;
	time_t now = time(NULL);
	size_t i;

	(void)v;
	if (qe == NULL) {
		fprintf(out, "%s  (unreadable: %s)\n", id, re->msg);
		return;
	}
	qcheck_age(a, sizeof(a), (long long)(now - qe->created));
	qcheck_age(nx, sizeof(nx), (long long)(qe->next - now));
	fprintf(out, "%s  %lld bytes  age %s  from <%s>  (account %s)\n",
	    qe->id, qe->size, a, qe->from, qe->account);
	if (qe->submitter != NULL) {
		long long uid = submitter_split(qe->submitter, &name);

		fprintf(out, "    submitted by %s (uid %lld)\n", name, uid);
	}
	for (i = 0; i < qe->nrcpts; i++)
		fprintf(out, "    to <%s>\n", qe->rcpts[i]);
	fprintf(out, "    attempts %d, next retry %s%s\n", qe->attempts,
	    qe->next <= now ? "now" : "in ", qe->next <= now ? "" : nx);
	if (qe->error[0] != '\0')
		fprintf(out, "    last error: %s\n", qe->error);
}

static struct jdoc *
json_rcpts(const struct qentry *qe)
{
	struct jdoc *list = jdoc_new_list(), *r;
	size_t i;

	for (i = 0; i < qe->nrcpts; i++) {
		r = jdoc_new();
		jdoc_set_str(r, "address", qe->rcpts[i]);
		if (qe->error[0] != '\0')
			jdoc_set_str(r, "delay_reason", qe->error);
		else
			jdoc_set_null(r, "delay_reason");
		jdoc_push(list, r);
	}
	return list;
}

static void
json_submitter(struct jdoc *d, const struct qentry *qe)
{
	struct jdoc *s;
	const char *name;

	if (qe->submitter == NULL) {
		jdoc_set_null(d, "submitter");
		return;
	}
	s = jdoc_new();
	jdoc_set_num(s, "uid", submitter_split(qe->submitter, &name));
	jdoc_set_str(s, "name", name);
	jdoc_set_doc(d, "submitter", s);
}

static void
json_print(FILE *out, struct jdoc *d)
{
	char *t = jdoc_text(d);

	fprintf(out, "%s\n", t);
	free(t);
	jdoc_free(d);
}

static void
json_one(FILE *out, const char *id, const struct qentry *qe,
    const struct err *re, const struct mailq_view *v)
{
	struct jdoc *d = jdoc_new();

	jdoc_set_str(d, "queue_id", id);
	if (qe == NULL)
		jdoc_set_str(d, "unreadable", re->msg);
	else {
		jdoc_set_num(d, "arrival_time", (long long)qe->created);
		jdoc_set_num(d, "message_size", qe->size);
		jdoc_set_str(d, "sender", qe->from);
		jdoc_set_str(d, "account", qe->account);
		jdoc_set_str(d, "config", qe->config);
		jdoc_set_num(d, "attempts", qe->attempts);
		jdoc_set_num(d, "next_retry", (long long)qe->next);
		json_submitter(d, qe);
		jdoc_set_doc(d, "recipients", json_rcpts(qe));
	}
	if (v->system != NULL)
		jdoc_set_str(d, "system_queue", v->system);
	json_print(out, d);
}

/* does the view show this entry? */
static int
selected(const struct mailq_view *v, const struct qentry *qe)
{
	const char *name;

	if (v->uid < 0)
		return 1;
	return qe != NULL && qe->submitter != NULL &&
	    submitter_split(qe->submitter, &name) == v->uid;
}

/* one entry through the view: shown if it fits, else counted */
static void
list_one(void *ctx, const char *id, const struct qentry *qe,
    const struct err *re)
{
	struct lister *l = ctx;
	char *buf = NULL;
	size_t n = 0;
	FILE *m;

	if (!selected(l->v, qe))
		return;
	if (l->v->max == 0) {
		l->fmt(l->out, id, qe, re, l->v);
		l->shown++;
		return;
	}
	if ((m = open_memstream(&buf, &n)) == NULL)
		abort();		/* out of memory: as x* allocators */
	l->fmt(m, id, qe, re, l->v);
	fclose(m);
	if (l->cut == 0 && l->used + n <= l->v->max) {
		fwrite(buf, 1, n, l->out);
		l->used += n;
		l->shown++;
	} else
		l->cut++;
	free(buf);
}

static void
list_end(const struct lister *l, const char *dir)
{
	size_t all = l->shown + l->cut;
	struct jdoc *d;

	if (l->v->json && l->cut > 0) {
		d = jdoc_new();
		jdoc_set_bool(d, "truncated", 1);
		jdoc_set_num(d, "not_shown", (long long)l->cut);
		jdoc_set_num(d, "limit", (long long)l->v->max);
		json_print(l->out, d);
	} else if (l->v->json)
		return;
	else if (all == 0)
		fprintf(l->out, "Mail queue is empty\n");
	else if (l->cut == 0)
		fprintf(l->out, "%zu message%s in %s\n", all, all == 1 ? "" :
		    "s", dir);
	else
		fprintf(l->out, "%zu message%s in %s, %zu of them not shown: "
		    "the listing is limited to %zu bytes\n", all, all == 1 ?
		    "" : "s", dir, l->cut, l->v->max);
}

int
mailq_list(const char *dir, const struct mailq_view *v, FILE *out,
    struct err *e)
{
	struct lister l = { out, v, v->json ? json_one : human_one, 0, 0, 0 };

	if (v->system != NULL && !v->json && v->uid < 0)
		fprintf(out, "System queue (%s):\n", v->system);
	else if (v->system != NULL && !v->json)
		fprintf(out, "System queue (%s), messages submitted by uid "
		    "%lld:\n", v->system, v->uid);
	if (each_entry(dir, list_one, &l, e) == -1)
		return -1;
	list_end(&l, dir);
	return 0;
}

/* ---- the check ---- */

/* creation time in an ID "TTTTTTTTTT.PPPPPP.RRRRRRRR" (queue.h); now
   when it has none */
static time_t
id_time(const char *id)
{
	char hex[16];
	size_t n = strcspn(id, ".");

	if (n == 0 || n >= sizeof(hex))
		return time(NULL);
	memcpy(hex, id, n);
	hex[n] = '\0';
	return (time_t)strtoll(hex, NULL, 16);
}

static void
check_one(void *ctx, const char *id, const struct qentry *qe,
    const struct err *re)
{
	struct qcheck_facts *f = ctx;
	long long age = (long long)(time(NULL) - (qe != NULL ? qe->created :
	    id_time(id)));

	(void)re;
	if (qe == NULL)
		f->unreadable++;
	if (f->n++ == 0 || age > f->oldest)
		f->oldest = age;
}

int
mailq_check(const char *dir, const struct qcheck *c, FILE *out)
{
	struct qcheck_facts f;
	struct err e;
	char line[LIMIT_ERR_MSG + 64];
	int st;

	memset(&f, 0, sizeof(f));
	err_clear(&e);
	if (each_entry(dir, check_one, &f, &e) == -1)
		st = qcheck_unknown(e.msg, line, sizeof(line));
	else
		st = qcheck_eval(c, &f, line, sizeof(line));
	fprintf(out, "%s\n", line);
	return st;
}

static void
health_one(void *ctx, const char *id, const struct qentry *qe,
    const struct err *re)
{
	struct mailq_health *h = ctx;
	long long age = (long long)(time(NULL) - (qe != NULL ? qe->created :
	    id_time(id)));

	if (h->n++ == 0 || age > h->oldest)
		h->oldest = age;
	if (qe == NULL) {
		h->unreadable++;
		strlcpy(h->last_error, re->msg, sizeof(h->last_error));
	} else if (qe->error[0] != '\0')
		strlcpy(h->last_error, qe->error, sizeof(h->last_error));
}

int
mailq_health(const char *dir, struct mailq_health *h, struct err *e)
{
	memset(h, 0, sizeof(*h));
	return each_entry(dir, health_one, h, e);
}
