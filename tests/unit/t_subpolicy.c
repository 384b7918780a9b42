/* SPDX-License-Identifier: ISC */
/*
 * t_subpolicy.c - submit_allow (syntax, users, @groups, *) and
 * submit_rate (parsing, the per-uid window, a full table, the refund,
 * the state file's text both ways and its validation).
 */
#include <stdlib.h>

#include "t.h"
#include "subpolicy.h"

static void
test_allow_check(void)
{
	static const struct {
		const char *v;
		int ok;
	} tab[] = {
		{ "*", 1 }, { "root", 1 }, { "root @adm www-data", 1 },
		{ "root,@adm, bob", 1 }, { "  root  ", 1 }, { "host$", 1 },
		{ "", 1 }, { "@", 0 }, { "a b!", 0 }, { "ro ot(x)", 0 },
		{ "@@x", 0 }, { "$x", 0 }, { "a$b", 0 },
		{ "abcdefghijklmnopqrstuvwxyz0123456", 0 },
		{ "abcdefghijklmnopqrstuvwxyz012345", 1 },
	};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_OK((subpolicy_allow_check(tab[i].v, &e) == 0) == tab[i].ok,
		    "'%s': %s", tab[i].v, e.msg);
		if (!tab[i].ok)
			T_EQ_INT(e.code, EX_CONFIG);
	}
	err_clear(&e);
	subpolicy_allow_check("a b!", &e);
	T_EQ_STR(e.msg, "submit_allow: 'b!' is not a user name, @group or *");
}

static void
test_allowed(void)
{
	const char *g[] = { "nogroup", "www-data" };

	T_EQ_INT(subpolicy_allowed(NULL, "x", NULL, 0), 1);
	T_EQ_INT(subpolicy_allowed("*", "x", NULL, 0), 1);
	T_EQ_INT(subpolicy_allowed("", "x", NULL, 0), 0);
	T_EQ_INT(subpolicy_allowed("root bob", "bob", NULL, 0), 1);
	T_EQ_INT(subpolicy_allowed("root bob", "bo", NULL, 0), 0);
	T_EQ_INT(subpolicy_allowed("root bob", "bobby", NULL, 0), 0);
	T_EQ_INT(subpolicy_allowed("root,@www-data", "x", g, 2), 1);
	T_EQ_INT(subpolicy_allowed("root,@www", "x", g, 2), 0);
	T_EQ_INT(subpolicy_allowed("@nogroup", NULL, g, 1), 1);
	T_EQ_INT(subpolicy_allowed("nogroup", "x", g, 2), 0);
	T_EQ_INT(subpolicy_allowed("root", NULL, NULL, 0), 0);
	T_EQ_INT(subpolicy_allowed("x b!", "x", NULL, 0), 0);
}

static void
test_rate_parse(void)
{
	static const struct {
		const char *v;
		int rc, max, period;
	} tab[] = {
		{ "100/1h", 0, 100, 3600 }, { "5/60", 0, 5, 60 },
		{ "1/1d", 0, 1, 86400 }, { "10/30m", 0, 10, 1800 },
		{ "off", 0, 0, 0 }, { "1000000/1s", 0, 1000000, 1 },
		{ "1000001/1s", -1, 0, 0 }, { "0/1h", -1, 0, 0 },
		{ "10", -1, 0, 0 }, { "/1h", -1, 0, 0 }, { "10/", -1, 0, 0 },
		{ "10/0", -1, 0, 0 }, { "10/1w", -1, 0, 0 },
		{ "10/366d", -1, 0, 0 }, { "-1/1h", -1, 0, 0 },
		{ "10/1h/2", -1, 0, 0 }, { "x/1h", -1, 0, 0 }, { "", -1, 0, 0 },
		{ "OFF", -1, 0, 0 },
	};
	struct err e;
	int max, period;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		max = period = -7;
		T_EQ_INT(subpolicy_rate_parse(tab[i].v, &max, &period, &e),
		    tab[i].rc);
		if (tab[i].rc == 0) {
			T_EQ_INT(max, tab[i].max);
			T_EQ_INT(period, tab[i].period);
		} else
			T_EQ_INT(e.code, EX_CONFIG);
	}
}

static void
test_rate_take(void)
{
	struct subpolicy_rate *r = calloc(1, sizeof(*r));
	long retry;
	size_t i;

	r->max = 2;
	r->period = 100;
	T_EQ_INT(subpolicy_rate_take(r, 33, 1000, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(r, 33, 1010, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(r, 33, 1020, &retry), 0);
	T_EQ_INT(retry, 80);
	T_EQ_INT(subpolicy_rate_take(r, 34, 1020, &retry), 1);
	T_EQ_INT(retry, 0);
	T_EQ_INT(subpolicy_rate_take(r, 33, 1099, &retry), 0);
	T_EQ_INT(subpolicy_rate_take(r, 33, 1100, &retry), 1);	/* new window */
	T_EQ_INT(subpolicy_rate_take(r, 33, 1101, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(r, 33, 1102, &retry), 0);
	/* a full table: new uids are refused until a window ends */
	memset(r, 0, sizeof(*r));
	r->max = 1;
	r->period = 100;
	for (i = 0; i < LIMIT_SUBMIT_UIDS; i++)
		T_EQ_INT(subpolicy_rate_take(r, 1000 + i, 5000, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(r, 99999, 5050, &retry), 0);
	T_EQ_INT(retry, 100);
	T_EQ_INT(subpolicy_rate_take(r, 1000, 5050, &retry), 0);
	T_EQ_INT(subpolicy_rate_take(r, 99999, 5100, &retry), 1);
	T_EQ_INT((long long)r->n, 1);
	/* max 0: no limit */
	memset(r, 0, sizeof(*r));
	for (i = 0; i < 10; i++)
		T_EQ_INT(subpolicy_rate_take(r, 1, 1, &retry), 1);
	T_EQ_INT((long long)r->n, 0);
	free(r);
}

static void
test_rate_refund(void)
{
	struct subpolicy_rate *r = calloc(1, sizeof(*r));
	long retry;

	r->max = 1;
	r->period = 100;
	T_EQ_INT(subpolicy_rate_take(r, 7, 1000, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(r, 7, 1001, &retry), 0);
	subpolicy_rate_refund(r, 7);
	T_EQ_INT(subpolicy_rate_take(r, 7, 1002, &retry), 1);
	subpolicy_rate_refund(r, 8);		/* not there: nothing */
	subpolicy_rate_refund(r, 7);
	subpolicy_rate_refund(r, 7);		/* never below 0 */
	T_EQ_INT(r->e[0].count, 0);
	free(r);
}

static void
test_state_text(void)
{
	struct subpolicy_rate *r = calloc(1, sizeof(*r)), *b;
	long retry;
	size_t len;
	char *t;
	struct err e;

	r->max = 3;
	r->period = 100;
	T_EQ_INT(subpolicy_rate_take(r, 33, 1000, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(r, 33, 1001, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(r, 0, 950, &retry), 1);	/* ends 1050 */
	T_EQ_INT(subpolicy_rate_take(r, 4294967295UL, 1040, &retry), 1);
	t = subpolicy_rate_text(r, 1049, &len);
	T_EQ_MEM(t, len, "smtps-rate 1\n33 1000 2\n0 950 1\n"
	    "4294967295 1040 1\n", 49);
	free(t);
	t = subpolicy_rate_text(r, 1050, &len);	/* uid 0's window ended */
	T_EQ_MEM(t, len, "smtps-rate 1\n33 1000 2\n4294967295 1040 1\n",
	    41);
	/* and back: the same counts refuse the same way */
	b = calloc(1, sizeof(*b));
	b->max = 3;
	b->period = 100;
	err_clear(&e);
	T_EQ_INT(subpolicy_rate_load(b, t, len, 1060, &e), 0);
	T_EQ_INT((long long)b->n, 2);
	T_EQ_INT(subpolicy_rate_take(b, 33, 1060, &retry), 1);
	T_EQ_INT(subpolicy_rate_take(b, 33, 1061, &retry), 0);
	T_EQ_INT(retry, 39);
	free(t);
	/* an empty table */
	memset(r, 0, sizeof(*r));
	r->period = 10;
	t = subpolicy_rate_text(r, 5, &len);
	T_EQ_MEM(t, len, "smtps-rate 1\n", 13);
	free(t);
	free(b);
	free(r);
}

static void
test_state_load(void)
{
	static const struct {
		const char *in;
		int rc;
		const char *msg;
		int n, count;	/* windows kept, count of the first */
	} tab[] = {
		{ "smtps-rate 1\n", 0, "", 0, 0 },
		{ "smtps-rate 1\n5 1000 2\n", 0, "", 1, 2 },
		{ "smtps-rate 1\n5 1000 9\n", 0, "", 1, 3 },	/* > max */
		{ "smtps-rate 1\n5 900 2\n", 0, "", 0, 0 },	/* ended */
		{ "smtps-rate 1\n5 99999 1\n", 0, "", 1, 1 },	/* future */
		{ "smtps-rate 1\n0 1000 1\n6 1000 1\n", 0, "", 2, 1 },
		{ "", -1, "rate state: line 1 is not \"smtps-rate 1\"", 0,
		    0 },
		{ "smtps-rate 2\n", -1, "rate state: line 1 is not "
		    "\"smtps-rate 1\"", 0, 0 },
		{ "smtps-rate 1\n5 1000 2", -1, "rate state: line 2 is not "
		    "\"UID START COUNT\"", 0, 0 },
		{ "smtps-rate 1\n5 1000 2\n5 1001 1\n", -1, "rate state: "
		    "line 3 is not \"UID START COUNT\"", 0, 0 },
		{ "smtps-rate 1\n4294967296 1000 1\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n5 1000 0\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n5 1000 1000001\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n-5 1000 1\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n05 1000 1\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n5  1000 1\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n5 1000 1 \n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n5 1000\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n\n", -1, NULL, 0, 0 },
		{ "smtps-rate 1\n5 99999999999999999999 1\n", -1, NULL, 0,
		    0 },
	};
	struct subpolicy_rate *r = calloc(1, sizeof(*r));
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		memset(r, 0, sizeof(*r));
		r->max = 3;
		r->period = 100;
		r->n = 1;			/* an error keeps this */
		r->e[0].uid = 77;
		r->e[0].count = 1;
		err_clear(&e);
		T_EQ_INT(subpolicy_rate_load(r, tab[i].in, strlen(tab[i].in),
		    1050, &e), tab[i].rc);
		if (tab[i].rc == -1) {
			T_EQ_INT(e.code, EX_DATAERR);
			T_EQ_INT((long long)r->n, 1);
			T_EQ_INT((long long)r->e[0].uid, 77);
			if (tab[i].msg != NULL)
				T_EQ_STR(e.msg, tab[i].msg);
			continue;
		}
		T_EQ_INT((long long)r->n, tab[i].n);
		if (tab[i].n > 0)
			T_EQ_INT(r->e[0].count, tab[i].count);
		if (i == 4)
			T_EQ_INT((long long)r->e[0].start, 1050);
	}
	err_clear(&e);
	T_EQ_INT(subpolicy_rate_load(r, "smtps-rate 1\n\0", 14, 1, &e), -1);
	T_EQ_STR(e.msg, "rate state: a NUL byte");
	free(r);
}

static void
test_state_bounds(void)
{
	struct subpolicy_rate *r = calloc(1, sizeof(*r));
	size_t i, len, n = 0;
	char *big = malloc(LIMIT_SUBMIT_STATE + 2), *t;
	struct err e;
	long retry;

	/* a full table fits in the file and reads back whole */
	r->max = 1000000;
	r->period = 3600;
	for (i = 0; i < LIMIT_SUBMIT_UIDS; i++) {
		r->e[i].uid = 4294967295UL - i;
		r->e[i].start = (time_t)999999999999LL;
		r->e[i].count = 1000000;
	}
	r->n = LIMIT_SUBMIT_UIDS;
	t = subpolicy_rate_text(r, (time_t)999999999999LL, &len);
	T_OK(len <= LIMIT_SUBMIT_STATE, "state text %zu bytes", len);
	memset(r, 0, sizeof(*r));
	r->max = 1000000;
	r->period = 3600;
	err_clear(&e);
	T_EQ_INT(subpolicy_rate_load(r, t, len, (time_t)999999999999LL, &e),
	    0);
	T_EQ_INT((long long)r->n, LIMIT_SUBMIT_UIDS);
	T_EQ_INT(subpolicy_rate_take(r, 4294967295UL, (time_t)999999999999LL,
	    &retry), 0);
	/* one line more than the table holds */
	memcpy(big, t, len);
	n = len + (size_t)snprintf(big + len, 40, "1 999999999999 1\n");
	T_EQ_INT(subpolicy_rate_load(r, big, n, 1, &e), -1);
	/* longer than the limit */
	memset(big, '1', LIMIT_SUBMIT_STATE + 1);
	memcpy(big, "smtps-rate 1\n", 13);
	T_EQ_INT(subpolicy_rate_load(r, big, LIMIT_SUBMIT_STATE + 1, 1, &e),
	    -1);
	T_EQ_STR(e.msg, "rate state: too long");
	free(t);
	free(big);
	free(r);
}

int
main(void)
{
	test_allow_check();
	test_allowed();
	test_rate_parse();
	test_rate_take();
	test_rate_refund();
	test_state_text();
	test_state_load();
	test_state_bounds();
	printf("t_subpolicy: %d passed, %d failed\n", t_pass, t_fail);
	return t_fail != 0;
}
