/* SPDX-License-Identifier: ISC */
/*
 * fuzz_subpolicy.c - libFuzzer target for the submission service's rate
 * state file (QUEUE/submit-rate) as subpolicy_rate_load() reads it back,
 * and for the submit_allow and submit_rate values.  The first byte
 * picks: 0 the state text, 1 a submit_allow list, 2 a submit_rate value.
 * Invariants: a load that fails leaves the table as it was and says
 * why (EX_DATAERR); one that succeeds holds at most LIMIT_SUBMIT_UIDS
 * windows, none ended, none starting after now, no count above max, no
 * uid twice, and its text loads back to the same windows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subpolicy.h"

#define NOW	((time_t)1700000000)

static void
check_table(const struct subpolicy_rate *r)
{
	size_t i, j;

	if (r->n > LIMIT_SUBMIT_UIDS)
		abort();
	for (i = 0; i < r->n; i++) {
		if (r->e[i].start > NOW || NOW - r->e[i].start >= r->period ||
		    r->e[i].count < 1 || r->e[i].count > r->max)
			abort();
		for (j = 0; j < i; j++)
			if (r->e[j].uid == r->e[i].uid)
				abort();
	}
}

static void
state(const char *p, size_t n)
{
	static struct subpolicy_rate r, back;
	struct err e;
	size_t len;
	char *t;

	memset(&r, 0, sizeof(r));
	r.max = 5;
	r.period = 3600;
	r.n = 1;
	r.e[0].uid = 424242;
	r.e[0].start = NOW;
	r.e[0].count = 1;
	err_clear(&e);
	if (subpolicy_rate_load(&r, p, n, NOW, &e) == -1) {
		if (e.code != EX_DATAERR || e.msg[0] == '\0' || r.n != 1 ||
		    r.e[0].uid != 424242)
			abort();
		return;
	}
	check_table(&r);
	t = subpolicy_rate_text(&r, NOW, &len);
	back = r;
	if (len > LIMIT_SUBMIT_STATE || subpolicy_rate_load(&back, t, len,
	    NOW, &e) == -1 || back.n != r.n)
		abort();
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	char *s;
	struct err e;
	int max, period;

	if (size < 1)
		return 0;
	if (data[0] % 3 == 0) {
		state(p, size - 1);
		return 0;
	}
	s = strndup(p, size - 1);
	err_clear(&e);
	if (data[0] % 3 == 1) {
		if (subpolicy_allow_check(s, &e) == -1 && e.code != EX_CONFIG)
			abort();
	} else if (subpolicy_rate_parse(s, &max, &period, &e) == 0) {
		if (max < 0 || period < 0 || (max > 0 && period < 1))
			abort();
	} else if (e.code != EX_CONFIG)
		abort();
	free(s);
	return 0;
}
