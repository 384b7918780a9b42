/* SPDX-License-Identifier: ISC */
/*
 * fuzz_socks.c - libFuzzer target for the SOCKS5 reply checks.  The first
 * byte picks what the rest is: even -> the method reply, odd -> a CONNECT
 * reply fed as net.c does (exactly *need bytes at a time, never more), and
 * the rest as a host name for socks_connect_request.  Invariants: *need
 * grows and stays within SOCKS_REPLY_MAX, a success consumed exactly the
 * reply, errors carry a sysexits code and a message, requests fit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "socks.h"

static void
reply(const unsigned char *p, size_t n)
{
	size_t got = 0, need;
	struct err e;
	int rc;

	err_clear(&e);
	while ((rc = socks_reply(p, got, &need, &e)) == 1) {
		if (need <= got || need > SOCKS_REPLY_MAX)
			abort();
		if (need > n)
			return;
		got = need;
	}
	if (rc == -1 && (e.code == 0 || e.msg[0] == '\0'))
		abort();
	if (rc == 0 && (got < 10 && got != 7 + (size_t)p[4]))
		abort();
}

static void
request(const unsigned char *p, size_t n)
{
	unsigned char b[SOCKS_REQUEST_MAX];
	char host[LIMIT_DOMAIN + 2];
	size_t len = 0;
	struct err e;

	if (n > sizeof(host) - 1)
		n = sizeof(host) - 1;
	memcpy(host, p, n);
	host[n] = '\0';
	err_clear(&e);
	if (socks_connect_request(b, &len, host, 25, &e) == 0 &&
	    (len < 8 || len > sizeof(b) || b[0] != 5 ||
	    len != (b[3] == 3 ? 7 + (size_t)b[4] : b[3] == 1 ? 10u : 22u)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;

	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		err_clear(&e);
		if (socks_method_reply(data + 1, size - 1, &e) == -1 &&
		    e.code == 0)
			abort();
		return 0;
	}
	reply(data + 1, size - 1);
	request(data + 1, size - 1);
	return 0;
}
