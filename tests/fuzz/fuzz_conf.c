/* SPDX-License-Identifier: ISC */
/*
 * fuzz_conf.c - libFuzzer target for the config parser: any bytes must
 * parse or fail with an EX_CONFIG "FILE:LINE: ..." message, never crash,
 * leak or read out of bounds; every parsed account must survive copy,
 * secure defaults and free.  The first byte picks the home directory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const homes[] = { "/home/f", "", NULL };
	struct conf c;
	struct err e;
	const char *home;
	size_t i;

	if (size == 0)
		return 0;
	home = homes[data[0] % 3];
	err_clear(&e);
	if (conf_parse((const char *)data + 1, size - 1, "fuzz", home, NULL,
	    NULL, &c, &e) == -1) {
		if (e.code != EX_CONFIG || strncmp(e.msg, "fuzz:", 5) != 0)
			abort();
		if (c.acct != NULL || c.nacct != 0)
			abort();
		return 0;
	}
	for (i = 0; i < c.nacct; i++) {
		struct account a;

		account_copy(&a, &c.acct[i]);
		account_defaults(&a, home);
		if (a.port < 1 || a.port > 65535 || (a.tls_starttls && !a.tls))
			abort();
		account_free(&a);
	}
	conf_free(&c);
	return 0;
}
