/* SPDX-License-Identifier: ISC */
/*
 * subpolicy.c - submit_allow and submit_rate (contract: subpolicy.h).
 * No I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "subpolicy.h"

#define SEPS	" \t,"
#define MAX_RATE	1000000

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
