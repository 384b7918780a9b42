/* SPDX-License-Identifier: ISC */
/*
 * fuzz_qcheck.c - libFuzzer target for the queue check's parsers and
 * status line.  The input (cut at 64 bytes) is a level spec read as ages
 * and as counts, and a duration.  Invariants: a level spec is accepted
 * with warn in range and crit -1 or in range and not below warn, or
 * refused with EX_USAGE and a message naming the option; a duration
 * agrees with a one-level age spec; the line of every accepted spec
 * starts with "SMTPS QUEUE ", carries the performance data and fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qcheck.h"

static void
levels_ok(const char *s, enum qcheck_kind k, struct qcheck_levels *lv)
{
	long long lo = k == QCHECK_AGE ? 0 : 1;
	long long hi = k == QCHECK_AGE ? LIMIT_QUEUE_MAX_DURATION :
	    LIMIT_QUEUE_ENTRIES;
	struct err e;

	err_clear(&e);
	if (qcheck_levels(s, k, lv, &e) == -1) {
		if (e.code != EX_USAGE || strncmp(e.msg, "--queue-check", 13))
			abort();
		lv->warn = lv->crit = -1;
		return;
	}
	if (lv->warn < lo || lv->warn > hi || lv->crit > hi ||
	    (lv->crit != -1 && lv->crit < lv->warn))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qcheck c;
	struct qcheck_facts f;
	struct err e;
	char s[65], line[256];
	long long secs;
	int st;

	if (size > 64)
		size = 64;
	memcpy(s, data, size);
	s[size] = '\0';
	qcheck_init(&c);
	levels_ok(s, QCHECK_AGE, &c.age);
	levels_ok(s, QCHECK_COUNT, &c.count);
	err_clear(&e);
	if (strchr(s, ',') == NULL &&
	    (qcheck_duration(s, &secs, &e) == 0) != (c.age.warn != -1))
		abort();
	f.n = size;
	f.unreadable = size % 3;
	f.oldest = size > 8 ? (long long)data[0] << 24 : -1;
	st = qcheck_eval(&c, &f, line, sizeof(line));
	if (st < QCHECK_OK || st > QCHECK_CRITICAL ||
	    strncmp(line, "SMTPS QUEUE ", 12) != 0 ||
	    strstr(line, " | messages=") == NULL ||
	    strlen(line) >= sizeof(line) - 1)
		abort();
	return 0;
}
