/* SPDX-License-Identifier: ISC */
/*
 * subpolicy.c - submit_allow and submit_rate (contract: subpolicy.h).
 * No I/O.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subpolicy.h"

#define SEPS	" \t,"
#define MAX_RATE	1000000
#define STATE_MAGIC	"smtps-rate 1\n"
#define MAX_UID		4294967295ULL

static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

/* a user name of n bytes at s (a '$' may end it: machine accounts) */
static int
name_ok(const char *s, size_t n)
{
	size_t k = strspn(s, name_chars);

	if (k < n && k + 1 == n && s[k] == '$')
		k++;
	return n > 0 && n <= LIMIT_USER_NAME && k >= n;
}

/* the next word of the list: *w and its length, 0 at the end */
static size_t
next_word(const char **p, const char **w)
{
	size_t n;

	*p += strspn(*p, SEPS);
	*w = *p;
	n = strcspn(*p, SEPS);
	*p += n;
	return n;
}

int
subpolicy_allow_check(const char *list, struct err *e)
{
	const char *p = list, *w;
	size_t n;

	if (strlen(list) > LIMIT_SUBMIT_LIST)
		return err_set(e, EX_CONFIG, "submit_allow is longer than %d "
		    "bytes", LIMIT_SUBMIT_LIST);
	while ((n = next_word(&p, &w)) > 0) {
		if (n == 1 && *w == '*')
			continue;
		if (*w == '@' ? name_ok(w + 1, n - 1) : name_ok(w, n))
			continue;
		return err_set(e, EX_CONFIG, "submit_allow: '%.*s' is not a "
		    "user name, @group or *", (int)(n > LIMIT_QUOTE_WORD ?
		    LIMIT_QUOTE_WORD : n), w);
	}
	return 0;
}

static int
word_is(const char *w, size_t n, const char *name)
{
	return name != NULL && strlen(name) == n && memcmp(w, name, n) == 0;
}

int
subpolicy_allowed(const char *list, const char *user,
    const char *const *groups, size_t ngroups)
{
	const char *p = list, *w;
	struct err e;
	size_t n, i;

	if (list == NULL)
		return 1;
	if (subpolicy_allow_check(list, &e) == -1)
		return 0;
	while ((n = next_word(&p, &w)) > 0) {
		if ((n == 1 && *w == '*') || word_is(w, n, user))
			return 1;
		for (i = 0; *w == '@' && i < ngroups; i++)
			if (word_is(w + 1, n - 1, groups[i]))
				return 1;
	}
	return 0;
}

/* N, Ns, Nm, Nh, Nd -> seconds, or -1 */
static long long
duration(const char *v)
{
	static const char suf[] = "smhd";
	static const long long mul[] = { 1, 60, 3600, 86400 };
	char num[16];
	size_t n = strlen(v);
	const char *q, *es = NULL;
	long long m = 1, x;

	if (n > 0 && (q = strchr(suf, v[n - 1])) != NULL) {
		m = mul[q - suf];
		n--;
	}
	if (n == 0 || n >= sizeof(num) || strspn(v, "0123456789") != n)
		return -1;
	memcpy(num, v, n);
	num[n] = '\0';
	x = strtonum(num, 1, LIMIT_QUEUE_MAX_DURATION, &es);
	return es != NULL || x * m > LIMIT_QUEUE_MAX_DURATION ? -1 : x * m;
}

int
subpolicy_rate_parse(const char *v, int *max, int *period, struct err *e)
{
	const char *slash = strchr(v, '/'), *es = NULL;
	char num[16];
	long long n, d;
	size_t k;

	if (strcmp(v, "off") == 0) {
		*max = 0;
		*period = 0;
		return 0;
	}
	k = slash != NULL ? (size_t)(slash - v) : 0;
	if (k == 0 || k >= sizeof(num) || strspn(v, "0123456789") != k)
		goto bad;
	memcpy(num, v, k);
	num[k] = '\0';
	n = strtonum(num, 1, MAX_RATE, &es);
	if (es != NULL || (d = duration(slash + 1)) < 0)
		goto bad;
	*max = (int)n;
	*period = (int)d;
	return 0;
bad:
	return err_set(e, EX_CONFIG, "submit_rate: expected N/DURATION "
	    "(100/1h) or off");
}

/* drop the windows that ended before now */
static void
expire(struct subpolicy_rate *r, time_t now)
{
	size_t i = 0;

	while (i < r->n)
		if (now - r->e[i].start >= r->period)
			r->e[i] = r->e[--r->n];
		else
			i++;
}

int
subpolicy_rate_take(struct subpolicy_rate *r, unsigned long uid,
    time_t now, long *retry)
{
	size_t i;

	*retry = 0;
	if (r->max <= 0)
		return 1;
	for (i = 0; i < r->n && r->e[i].uid != uid; i++)
		;
	if (i < r->n && now - r->e[i].start >= r->period) {
		r->e[i].start = now;
		r->e[i].count = 0;
	}
	if (i == r->n) {
		if (r->n == LIMIT_SUBMIT_UIDS)
			expire(r, now);
		if (r->n == LIMIT_SUBMIT_UIDS) {
			*retry = r->period;
			return 0;
		}
		i = r->n++;
		r->e[i].uid = uid;
		r->e[i].start = now;
		r->e[i].count = 0;
	}
	if (r->e[i].count >= r->max) {
		*retry = (long)(r->e[i].start + r->period - now);
		return 0;
	}
	r->e[i].count++;
	return 1;
}

void
subpolicy_rate_refund(struct subpolicy_rate *r, unsigned long uid)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->e[i].uid == uid && r->e[i].count > 0)
			r->e[i].count--;
}

char *
subpolicy_rate_text(const struct subpolicy_rate *r, time_t now, size_t *len)
{
	char *out = xmalloc(LIMIT_SUBMIT_STATE), *p = out;
	size_t i;

	p += snprintf(out, LIMIT_SUBMIT_STATE, "%s", STATE_MAGIC);
	for (i = 0; i < r->n; i++) {
		if (r->e[i].count <= 0 || now - r->e[i].start >= r->period)
			continue;
		p += snprintf(p, LIMIT_SUBMIT_STATE - (size_t)(p - out),
		    "%lu %lld %d\n", r->e[i].uid, (long long)r->e[i].start,
		    r->e[i].count);
	}
	*len = (size_t)(p - out);
	return out;
}

/* "D+" at *p up to a space or the end, within lo..hi; *p moves past it */
static int
state_num(const char **p, long long lo, unsigned long long hi,
    unsigned long long *v)
{
	size_t n = strspn(*p, "0123456789");

	if (n == 0 || n > 19 || (**p == '0' && n > 1))
		return -1;
	*v = strtoull(*p, NULL, 10);
	*p += n;
	return *v >= (unsigned long long)lo && *v <= hi ? 0 : -1;
}

/* one "UID START COUNT" line (NUL-terminated) */
static int
state_line(const char *l, unsigned long long v[3])
{
	if (state_num(&l, 0, MAX_UID, &v[0]) == -1 || *l++ != ' ' ||
	    state_num(&l, 0, (unsigned long long)LLONG_MAX / 2, &v[1]) == -1 ||
	    *l++ != ' ' || state_num(&l, 1, MAX_RATE, &v[2]) == -1)
		return -1;
	return *l == '\0' ? 0 : -1;
}

/* one window from the file into t (already checked: not a duplicate) */
static void
state_keep(struct subpolicy_rate *t, const unsigned long long v[3],
    time_t now)
{
	time_t start = (time_t)v[1] > now ? now : (time_t)v[1];

	if (now - start >= t->period)
		return;			/* ended */
	t->e[t->n].uid = (unsigned long)v[0];
	t->e[t->n].start = start;
	t->e[t->n].count = t->max > 0 && (int)v[2] > t->max ? t->max :
	    (int)v[2];
	t->n++;
}

static int
state_dup(const struct subpolicy_rate *t, unsigned long uid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].uid == uid)
			return 1;
	return 0;
}

/* the lines after the magic one, into t; the line number of an error */
static int
state_lines(struct subpolicy_rate *t, char *text, time_t now)
{
	unsigned long long v[3];
	char *l, *nl;
	int nth = 2, seen = 0;

	for (l = text; *l != '\0'; l = nl + 1, nth++) {
		if ((nl = strchr(l, '\n')) == NULL)
			return nth;	/* no line end: cut short */
		*nl = '\0';
		if (++seen > LIMIT_SUBMIT_UIDS || state_line(l, v) == -1 ||
		    state_dup(t, (unsigned long)v[0]))
			return nth;
		state_keep(t, v, now);
	}
	return 0;
}

int
subpolicy_rate_load(struct subpolicy_rate *r, const char *buf, size_t len,
    time_t now, struct err *e)
{
	struct subpolicy_rate *t;
	size_t m = sizeof(STATE_MAGIC) - 1;
	char *text;
	int bad;

	if (len > LIMIT_SUBMIT_STATE || memchr(buf, '\0', len) != NULL)
		return err_set(e, EX_DATAERR, "rate state: %s", len >
		    LIMIT_SUBMIT_STATE ? "too long" : "a NUL byte");
	if (len < m || memcmp(buf, STATE_MAGIC, m) != 0)
		return err_set(e, EX_DATAERR, "rate state: line 1 is not "
		    "\"smtps-rate 1\"");
	t = xcalloc(1, sizeof(*t));
	t->max = r->max;
	t->period = r->period;
	text = xstrndup(buf + m, len - m);
	if ((bad = state_lines(t, text, now)) == 0)
		*r = *t;
	free(text);
	free(t);
	return bad == 0 ? 0 : err_set(e, EX_DATAERR, "rate state: line %d "
	    "is not \"UID START COUNT\"", bad);
}
