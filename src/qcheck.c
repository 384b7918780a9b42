/* SPDX-License-Identifier: ISC */
/*
 * qcheck.c - the queue check's thresholds and status line (contract:
 * qcheck.h).
 *
 * The line follows the Nagios plugin guidelines: "SERVICE STATE - text",
 * then '|' and performance data 'label=value[unit];warn;crit;min', so
 * that Nagios, Icinga and their kin graph the queue as they read it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qcheck.h"

static const char *const state_name[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

/* digits only, lo .. hi; -1 otherwise */
static long long
number(const char *s, size_t n, long long hi)
{
	long long x = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	return x <= hi ? x : -1;
}

/* one level of a spec: s[0..n) */
static long long
level(const char *s, size_t n, enum qcheck_kind kind)
{
	static const char suf[] = "smhd";
	static const long long mul[] = { 1, 60, 3600, 86400 };
	const char *q;
	long long x, m = 1;

	if (kind == QCHECK_COUNT) {
		x = number(s, n, LIMIT_QUEUE_ENTRIES);
		return x >= 1 ? x : -1;
	}
	if (n > 0 && (q = memchr(suf, s[n - 1], 4)) != NULL) {
		m = mul[q - suf];
		n--;
	}
	x = number(s, n, LIMIT_QUEUE_MAX_DURATION);
	return x >= 0 && x * m <= LIMIT_QUEUE_MAX_DURATION ? x * m : -1;
}

int
qcheck_duration(const char *s, long long *secs, struct err *e)
{
	long long x = level(s, strlen(s), QCHECK_AGE);

	if (x < 0)
		return err_set(e, EX_USAGE, "invalid duration '%.40s' "
		    "(expected seconds, or a number with s, m, h or d; at "
		    "most 365d)", s);
	*secs = x;
	return 0;
}

void
qcheck_init(struct qcheck *c)
{
	c->age.warn = c->age.crit = -1;
	c->count.warn = c->count.crit = -1;
}

int
qcheck_levels(const char *spec, enum qcheck_kind kind,
    struct qcheck_levels *lv, struct err *e)
{
	const char *opt = kind == QCHECK_AGE ? "--queue-check" :
	    "--queue-check-count";
	const char *what = kind == QCHECK_AGE ? "durations such as 30m, 2h "
	    "(s, m, h, d; at most 365d)" : "message counts 1-100000";
	size_t n = strcspn(spec, ",");

	lv->warn = level(spec, n, kind);
	lv->crit = -1;
	if (lv->warn >= 0 && spec[n] == ',')
		lv->crit = level(spec + n + 1, strlen(spec + n + 1), kind);
	if (lv->warn < 0 || (spec[n] == ',' && lv->crit < 0))
		return err_set(e, EX_USAGE, "%s '%.40s': expected WARN[,CRIT], "
		    "%s", opt, spec, what);
	if (lv->crit >= 0 && lv->crit < lv->warn)
		return err_set(e, EX_USAGE, "%s '%.40s': CRIT is below WARN",
		    opt, spec);
	return 0;
}

void
qcheck_age(char *buf, size_t sz, long long s)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, sz, "%lld s", s);
	else if (s < 7200)
		snprintf(buf, sz, "%lld min", s / 60);
	else if (s < 172800)
		snprintf(buf, sz, "%lld h", s / 3600);
	else
		snprintf(buf, sz, "%lld days", s / 86400);
}

/* the state one measure reaches on its levels */
static int
reached(long long v, const struct qcheck_levels *lv)
{
	if (lv->crit >= 0 && v >= lv->crit)
		return QCHECK_CRITICAL;
	if (lv->warn >= 0 && v >= lv->warn)
		return QCHECK_WARNING;
	return QCHECK_OK;
}

/* ";warn;crit" of perfdata, empty fields for levels not set */
static void
perf_levels(char *buf, size_t sz, const struct qcheck_levels *lv)
{
	char w[24] = "", c[24] = "";

	if (lv->warn >= 0)
		snprintf(w, sizeof(w), "%lld", lv->warn);
	if (lv->crit >= 0)
		snprintf(c, sizeof(c), "%lld", lv->crit);
	snprintf(buf, sz, ";%s;%s;0", w, c);
}

int
qcheck_eval(const struct qcheck *c, const struct qcheck_facts *f,
    char *buf, size_t sz)
{
	char t[32], a[48] = "", bad[48] = "", pa[64], pc[64];
	long long oldest = f->n > 0 && f->oldest > 0 ? f->oldest : 0;
	int st = reached((long long)f->n, &c->count), sa;

	if ((sa = reached(oldest, &c->age)) > st)
		st = sa;
	if (f->unreadable > 0 && st < QCHECK_WARNING)
		st = QCHECK_WARNING;
	if (f->n > 0) {
		qcheck_age(t, sizeof(t), oldest);
		snprintf(a, sizeof(a), ", oldest %s", t);
	}
	if (f->unreadable > 0)
		snprintf(bad, sizeof(bad), ", %zu unreadable", f->unreadable);
	perf_levels(pc, sizeof(pc), &c->count);
	perf_levels(pa, sizeof(pa), &c->age);
	snprintf(buf, sz, "SMTPS QUEUE %s - %zu message%s%s%s | "
	    "messages=%zu%s oldest=%llds%s", state_name[st], f->n,
	    f->n == 1 ? "" : "s", a, bad, f->n, pc, oldest, pa);
	return st;
}

int
qcheck_unknown(const char *why, char *buf, size_t sz)
{
	snprintf(buf, sz, "SMTPS QUEUE %s - %s", state_name[QCHECK_UNKNOWN],
	    why);
	return QCHECK_UNKNOWN;
}
