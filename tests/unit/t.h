/* SPDX-License-Identifier: ISC */
/*
 * t.h - the smallest unit-test harness: checks count passes and failures,
 * a failing check prints file:line and what differed, t_done() prints the
 * totals line "t_NAME: N passed, M failed" and returns the exit status.
 */
#ifndef SMTPS_T_H
#define SMTPS_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define T_OK(cond, ...) do {						\
	if (cond) t_pass++;						\
	else {								\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define T_EQ_INT(a, b) do {						\
	long long t_a = (a), t_b = (b);					\
	T_OK(t_a == t_b, "%s == %lld, expected %lld", #a, t_a, t_b);	\
} while (0)

#define T_EQ_STR(a, b) do {						\
	const char *t_a = (a), *t_b = (b);				\
	T_OK(t_a && t_b && strcmp(t_a, t_b) == 0,			\
	    "%s == \"%s\", expected \"%s\"", #a,			\
	    t_a ? t_a : "(null)", t_b ? t_b : "(null)");		\
} while (0)

#define T_EQ_MEM(a, alen, b, blen) do {					\
	size_t t_al = (alen), t_bl = (blen);				\
	T_OK(t_al == t_bl && memcmp((a), (b), t_al) == 0,		\
	    "%s: got \"%.*s\" (%zu), expected \"%.*s\" (%zu)", #a,	\
	    (int)t_al, (const char *)(a), t_al, (int)t_bl,		\
	    (const char *)(b), t_bl);					\
} while (0)

static inline int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail != 0;
}

#endif
