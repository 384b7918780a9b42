/* SPDX-License-Identifier: ISC */
/*
 * t_qcheck.c - the queue check: durations, WARN[,CRIT] levels (ages and
 * counts), the Nagios state and status line, the age mailq prints.
 */
#include "t.h"
#include "qcheck.h"

static void
test_duration(void)
{
	static const struct { const char *in; long long out; } good[] = {
		{ "0", 0 }, { "90", 90 }, { "90s", 90 }, { "30m", 1800 },
		{ "2h", 7200 }, { "1d", 86400 }, { "365d", 365 * 86400 },
		{ "31536000", 31536000 }, { "007m", 420 },
	};
	static const char *const bad[] = {
		"", "s", "m", "-1", "+5", "1.5h", "30x", "30mm", "1h30m",
		"366d", "31536001", "8760h1", " 30m", "30m ", "1w", "30M",
		"99999999999999999999",
	};
	struct err e;
	long long s;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err_clear(&e);
		s = -7;
		T_OK(qcheck_duration(good[i].in, &s, &e) == 0, "%s: %s",
		    good[i].in, e.msg);
		T_EQ_INT(s, good[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		T_OK(qcheck_duration(bad[i], &s, &e) == -1, "accepted '%s'",
		    bad[i]);
		T_EQ_INT(e.code, EX_USAGE);
	}
}

static void
test_levels(void)
{
	static const struct {
		const char *in; enum qcheck_kind k; long long w, c;
	} good[] = {
		{ "30m", QCHECK_AGE, 1800, -1 },
		{ "30m,2h", QCHECK_AGE, 1800, 7200 },
		{ "0,0", QCHECK_AGE, 0, 0 },
		{ "1h,1h", QCHECK_AGE, 3600, 3600 },
		{ "10", QCHECK_COUNT, 10, -1 },
		{ "10,50", QCHECK_COUNT, 10, 50 },
		{ "100000", QCHECK_COUNT, 100000, -1 },
	};
	static const struct { const char *in; enum qcheck_kind k; } bad[] = {
		{ "", QCHECK_AGE }, { ",", QCHECK_AGE }, { "30m,", QCHECK_AGE },
		{ ",2h", QCHECK_AGE }, { "2h,30m", QCHECK_AGE },
		{ "30m,2h,3h", QCHECK_AGE }, { "30m;2h", QCHECK_AGE },
		{ "0", QCHECK_COUNT }, { "10m", QCHECK_COUNT },
		{ "100001", QCHECK_COUNT }, { "50,10", QCHECK_COUNT },
	};
	struct qcheck_levels lv;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err_clear(&e);
		T_OK(qcheck_levels(good[i].in, good[i].k, &lv, &e) == 0,
		    "%s: %s", good[i].in, e.msg);
		T_EQ_INT(lv.warn, good[i].w);
		T_EQ_INT(lv.crit, good[i].c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		T_OK(qcheck_levels(bad[i].in, bad[i].k, &lv, &e) == -1,
		    "accepted '%s'", bad[i].in);
		T_EQ_INT(e.code, EX_USAGE);
		T_OK(strncmp(e.msg, bad[i].k == QCHECK_AGE ? "--queue-check '" :
		    "--queue-check-count '", bad[i].k == QCHECK_AGE ? 15 : 21)
		    == 0, "msg: %s", e.msg);
	}
	err_clear(&e);
	(void)qcheck_levels("2h,30m", QCHECK_AGE, &lv, &e);
	T_EQ_STR(e.msg, "--queue-check '2h,30m': CRIT is below WARN");
}

static void
test_eval(void)
{
	static const struct {
		long long aw, ac, cw, cc;	/* levels, -1: not set */
		size_t n, bad;
		long long oldest;
		int st;
		const char *line;
	} tab[] = {
		{ 1800, 7200, -1, -1, 0, 0, 0, QCHECK_OK,
		  "SMTPS QUEUE OK - 0 messages | messages=0;;;0 "
		  "oldest=0s;1800;7200;0" },
		{ 1800, 7200, -1, -1, 1, 0, 1799, QCHECK_OK,
		  "SMTPS QUEUE OK - 1 message, oldest 29 min | messages=1;;;0 "
		  "oldest=1799s;1800;7200;0" },
		{ 1800, 7200, -1, -1, 3, 0, 2820, QCHECK_WARNING,
		  "SMTPS QUEUE WARNING - 3 messages, oldest 47 min | "
		  "messages=3;;;0 oldest=2820s;1800;7200;0" },
		{ 1800, 7200, -1, -1, 2, 0, 7200, QCHECK_CRITICAL,
		  "SMTPS QUEUE CRITICAL - 2 messages, oldest 2 h | "
		  "messages=2;;;0 oldest=7200s;1800;7200;0" },
		{ 1800, -1, -1, -1, 1, 0, 400000, QCHECK_WARNING,
		  "SMTPS QUEUE WARNING - 1 message, oldest 4 days | "
		  "messages=1;;;0 oldest=400000s;1800;;0" },
		{ -1, -1, 10, 50, 10, 0, 5, QCHECK_WARNING,
		  "SMTPS QUEUE WARNING - 10 messages, oldest 5 s | "
		  "messages=10;10;50;0 oldest=5s;;;0" },
		{ 1800, -1, 10, 50, 50, 0, 5, QCHECK_CRITICAL,
		  "SMTPS QUEUE CRITICAL - 50 messages, oldest 5 s | "
		  "messages=50;10;50;0 oldest=5s;1800;;0" },
		{ 1800, 7200, -1, -1, 2, 1, 60, QCHECK_WARNING,
		  "SMTPS QUEUE WARNING - 2 messages, oldest 60 s, 1 unreadable "
		  "| messages=2;;;0 oldest=60s;1800;7200;0" },
		{ 0, -1, -1, -1, 1, 0, 0, QCHECK_WARNING,
		  "SMTPS QUEUE WARNING - 1 message, oldest 0 s | "
		  "messages=1;;;0 oldest=0s;0;;0" },
		/* a clock set back: a negative age is 0 */
		{ 1800, 7200, -1, -1, 1, 0, -50, QCHECK_OK,
		  "SMTPS QUEUE OK - 1 message, oldest 0 s | messages=1;;;0 "
		  "oldest=0s;1800;7200;0" },
	};
	struct qcheck c;
	struct qcheck_facts f;
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		qcheck_init(&c);
		c.age.warn = tab[i].aw;
		c.age.crit = tab[i].ac;
		c.count.warn = tab[i].cw;
		c.count.crit = tab[i].cc;
		f.n = tab[i].n;
		f.unreadable = tab[i].bad;
		f.oldest = tab[i].oldest;
		T_EQ_INT(qcheck_eval(&c, &f, buf, sizeof(buf)), tab[i].st);
		T_EQ_STR(buf, tab[i].line);
	}
	T_EQ_INT(qcheck_unknown("cannot read /q: Permission denied", buf,
	    sizeof(buf)), QCHECK_UNKNOWN);
	T_EQ_STR(buf, "SMTPS QUEUE UNKNOWN - cannot read /q: Permission "
	    "denied");
}

static void
test_age(void)
{
	static const struct { long long s; const char *out; } tab[] = {
		{ -5, "0 s" }, { 0, "0 s" }, { 119, "119 s" },
		{ 120, "2 min" }, { 7199, "119 min" }, { 7200, "2 h" },
		{ 172799, "47 h" }, { 172800, "2 days" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		qcheck_age(buf, sizeof(buf), tab[i].s);
		T_EQ_STR(buf, tab[i].out);
	}
}

int
main(void)
{
	test_duration();
	test_levels();
	test_eval();
	test_age();
	return t_done("t_qcheck");
}
