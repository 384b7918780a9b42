/* SPDX-License-Identifier: ISC */
/*
 * t_subpolicy.c - submit_allow (syntax, users, @groups, *) and
 * submit_rate (parsing, the per-uid window, a full table).
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

int
main(void)
{
	test_allow_check();
	test_allowed();
	test_rate_parse();
	test_rate_take();
	printf("t_subpolicy: %d passed, %d failed\n", t_pass, t_fail);
	return t_fail != 0;
}
