/* SPDX-License-Identifier: ISC */
/*
 * fuzz_netrc.c - libFuzzer target for netrc_find().  The input is the
 * file; it is searched for two (host, login) pairs.  Invariants: the
 * result is -1, 0 or 1; 1 comes with a password shorter than
 * LIMIT_PASSWORD,
 * 0 and -1 with none; -1 carries EX_CONFIG and a "file:line:" message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netrc.h"

static void
one(const char *buf, size_t n, const char *host, const char *login)
{
	struct err e;
	char *pw = NULL;
	int rc;

	err_clear(&e);
	rc = netrc_find(buf, n, "f", host, login, &pw, &e);
	if (rc < -1 || rc > 1 || (rc == 1) != (pw != NULL))
		abort();
	if (rc == 1 && strlen(pw) >= LIMIT_PASSWORD)
		abort();
	if (rc == -1 && (e.code != EX_CONFIG || strncmp(e.msg, "f:", 2) != 0))
		abort();
	free(pw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one((const char *)data, size, "mail.example.org", "alice");
	one((const char *)data, size, "a", "b");
	return 0;
}
