/* SPDX-License-Identifier: ISC */
/*
 * t_socks.c - the SOCKS5 messages of socks.c: the greeting, every method
 * answer, CONNECT requests (name, IPv4, IPv6, limits) byte for byte, and
 * the CONNECT reply fed byte by byte: every reply code, every address
 * type, short, long and garbage replies.
 */
#include <stdlib.h>

#include "t.h"
#include "socks.h"

static void
test_greeting(void)
{
	unsigned char b[SOCKS_GREETING_LEN];

	T_EQ_INT(socks_greeting(b), 3);
	T_EQ_MEM(b, 3, "\x05\x01\x00", 3);
}

static void
test_method(void)
{
	static const struct {
		const char *in;
		size_t len;
		int rc, code;
		const char *msg;
	} tab[] = {
		{ "\x05\x00", 2, 0, 0, NULL },
		{ "\x05\xff", 2, -1, EX_UNAVAILABLE, "the proxy demands "
		    "authentication (it chose none of the offered methods, "
		    "method 0xff); smtps only speaks SOCKS5 without "
		    "authentication" },
		{ "\x05\x02", 2, -1, EX_UNAVAILABLE, "the proxy demands "
		    "authentication (it chose username/password, method 0x02); "
		    "smtps only speaks SOCKS5 without authentication" },
		{ "\x05\x01", 2, -1, EX_UNAVAILABLE, NULL },
		{ "\x05\x80", 2, -1, EX_UNAVAILABLE, NULL },
		{ "\x04\x00", 2, -1, EX_PROTOCOL, "not a SOCKS5 proxy (version "
		    "byte 0x04)" },
		{ "HT", 2, -1, EX_PROTOCOL, NULL },
		{ "\x05", 1, -1, EX_PROTOCOL, "malformed SOCKS5 method reply "
		    "(1 bytes, expected 2)" },
		{ "", 0, -1, EX_PROTOCOL, NULL },
		{ "\x05\x00\x00", 3, -1, EX_PROTOCOL, NULL },
	};
	size_t i;
	struct err e;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_EQ_INT(socks_method_reply((const unsigned char *)tab[i].in,
		    tab[i].len, &e), tab[i].rc);
		T_EQ_INT(e.code, tab[i].code);
		if (tab[i].msg != NULL)
			T_EQ_STR(e.msg, tab[i].msg);
	}
}

static void
test_request(void)
{
	unsigned char b[SOCKS_REQUEST_MAX];
	char name[300];
	size_t len = 0;
	struct err e;

	err_clear(&e);
	T_EQ_INT(socks_connect_request(b, &len, "mail.example.org", 465, &e),
	    0);
	T_EQ_MEM(b, len, "\x05\x01\x00\x03\x10mail.example.org\x01\xd1", 23);
	T_EQ_INT(socks_connect_request(b, &len, "localhost", 25, &e), 0);
	T_EQ_MEM(b, len, "\x05\x01\x00\x03\x09localhost\x00\x19", 16);
	T_EQ_INT(socks_connect_request(b, &len, "192.0.2.7", 587, &e), 0);
	T_EQ_MEM(b, len, "\x05\x01\x00\x01\xc0\x00\x02\x07\x02\x4b", 10);
	T_EQ_INT(socks_connect_request(b, &len, "2001:db8::1", 65535, &e), 0);
	T_EQ_MEM(b, len, "\x05\x01\x00\x04\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0"
	    "\0\0\0\x01\xff\xff", 22);
	/* a name of exactly 255 bytes fits; 256 does not */
	memset(name, 'a', 255);
	name[255] = '\0';
	T_EQ_INT(socks_connect_request(b, &len, name, 1, &e), 0);
	T_EQ_INT(len, 4 + 1 + 255 + 2);
	T_EQ_INT(b[4], 255);
	name[255] = 'a';
	name[256] = '\0';
	T_EQ_INT(socks_connect_request(b, &len, name, 1, &e), -1);
	T_EQ_INT(e.code, EX_CONFIG);
	err_clear(&e);
	T_EQ_INT(socks_connect_request(b, &len, "", 25, &e), -1);
	T_EQ_INT(e.code, EX_CONFIG);
	err_clear(&e);
	T_EQ_INT(socks_connect_request(b, &len, NULL, 25, &e), -1);
	err_clear(&e);
	T_EQ_INT(socks_connect_request(b, &len, "h", 0, &e), -1);
	T_EQ_STR(e.msg, "invalid port 0");
	err_clear(&e);
	T_EQ_INT(socks_connect_request(b, &len, "h", 65536, &e), -1);
	T_EQ_INT(e.code, EX_CONFIG);
}

/*
 * Feed in[0..len) as the caller does: ask for *need bytes, give exactly
 * that many (never more); returns socks_reply's last result, the bytes
 * consumed in *used.
 */
static int
feed(const unsigned char *in, size_t len, size_t *used, struct err *e)
{
	size_t got = 0, need;
	int rc;

	while ((rc = socks_reply(in, got, &need, e)) == 1) {
		if (need <= got || need > SOCKS_REPLY_MAX) {
			T_OK(0, "need %zu after %zu bytes", need, got);
			return -2;
		}
		if (need > len) {		/* EOF: short reply */
			*used = got;
			return 1;
		}
		got = need;
	}
	*used = got;
	return rc;
}

static void
test_reply_codes(void)
{
	static const struct {
		int rep, code;
		const char *msg;
	} tab[] = {
		{ 1, EX_TEMPFAIL,
		    "general SOCKS server failure (SOCKS reply 1)" },
		{ 2, EX_UNAVAILABLE, "connection not allowed by ruleset (SOCKS "
		    "reply 2)" },
		{ 3, EX_TEMPFAIL, "network unreachable (SOCKS reply 3)" },
		{ 4, EX_TEMPFAIL, "host unreachable (SOCKS reply 4)" },
		{ 5, EX_TEMPFAIL, "connection refused (SOCKS reply 5)" },
		{ 6, EX_TEMPFAIL, "TTL expired (SOCKS reply 6)" },
		{ 7, EX_UNAVAILABLE, "command not supported (SOCKS reply 7)" },
		{ 8, EX_UNAVAILABLE,
		    "address type not supported (SOCKS reply 8)" },
		{ 9, EX_PROTOCOL, "unknown (SOCKS reply 9)" },
		{ 0x7f, EX_PROTOCOL, "unknown (SOCKS reply 127)" },
		{ 0xff, EX_PROTOCOL, "unknown (SOCKS reply 255)" },
	};
	unsigned char r[10] = { 5, 0, 0, 1, 127, 0, 0, 1, 0, 25 };
	size_t i, used;
	struct err e;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		r[1] = (unsigned char)tab[i].rep;
		err_clear(&e);
		T_EQ_INT(feed(r, sizeof(r), &used, &e), -1);
		T_EQ_INT(e.code, tab[i].code);
		T_EQ_STR(e.msg, tab[i].msg);
		/* decided on the first 4 bytes: nothing more is read */
		T_EQ_INT(used, 4);
	}
	T_EQ_STR(socks_reply_reason(0), "succeeded");
	T_EQ_STR(socks_reply_reason(-1), "unknown");
}

static void
test_reply_ok(void)
{
	static const struct {
		const char *in;
		size_t len;
	} tab[] = {
		{ "\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x38", 10 },
		{ "\x05\x00\x00\x04\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\0\x19",
		    22 },
		{ "\x05\x00\x00\x03\x04host\x00\x19", 11 },
		{ "\x05\x00\x00\x03\x00\x00\x19", 7 },	/* empty name */
		{ "\x05\x00\x00\x01\0\0\0\0\0\0", 10 },
	};
	unsigned char big[SOCKS_REPLY_MAX];
	size_t i, used, need;
	struct err e;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_OK(feed((const unsigned char *)tab[i].in, tab[i].len, &used,
		    &e) == 0, "reply %zu: %s", i, e.msg);
		T_EQ_INT(used, tab[i].len);
	}
	/* the longest reply: a 255-byte name */
	memset(big, 'n', sizeof(big));
	memcpy(big, "\x05\x00\x00\x03\xff", 5);
	T_EQ_INT(feed(big, sizeof(big), &used, &e), 0);
	T_EQ_INT(used, SOCKS_REPLY_MAX);
	/* step by step: 4 bytes, then 5 for a name, then all */
	T_EQ_INT(socks_reply(big, 0, &need, &e), 1);
	T_EQ_INT(need, 4);
	T_EQ_INT(socks_reply(big, 3, &need, &e), 1);
	T_EQ_INT(need, 4);
	T_EQ_INT(socks_reply(big, 4, &need, &e), 1);
	T_EQ_INT(need, 5);
	T_EQ_INT(socks_reply(big, 5, &need, &e), 1);
	T_EQ_INT(need, 262);
}

static void
test_reply_bad(void)
{
	static const struct {
		const char *in;
		size_t len;
		int rc, code;
		const char *msg;
	} tab[] = {
		/* short: the proxy stopped (EOF) before the end */
		{ "", 0, 1, 0, NULL },
		{ "\x05\x00", 2, 1, 0, NULL },
		{ "\x05\x00\x00\x01\x7f\x00", 6, 1, 0, NULL },
		{ "\x05\x00\x00\x03", 4, 1, 0, NULL },
		{ "\x05\x00\x00\x03\x09host", 9, 1, 0, NULL },
		{ "\x05\x00\x00\x04\0\0\0\0", 8, 1, 0, NULL },
		/* garbage */
		{ "HTTP/1.0 400 Bad", 16, -1, EX_PROTOCOL, "malformed SOCKS5 "
		    "reply (version byte 0x48)" },
		{ "\x04\x5a\x00\x00", 4, -1, EX_PROTOCOL, NULL },
		{ "\x05\x00\x01\x01\0\0\0\0\0\0", 10, -1, EX_PROTOCOL,
		    "malformed SOCKS5 reply (reserved byte 0x01)" },
		{ "\x05\x00\x00\x02\0\0\0\0\0\0", 10, -1, EX_PROTOCOL,
		    "malformed SOCKS5 reply (address type 0x02)" },
		{ "\x05\x00\x00\x00\0\0\0\0\0\0", 10, -1, EX_PROTOCOL, NULL },
		{ "\x05\x00\x00\xff\0\0\0\0\0\0", 10, -1, EX_PROTOCOL, NULL },
		/* an error code wins over the bytes after it */
		{ "\x05\x05\x07\x09", 4, -1, EX_TEMPFAIL, NULL },
	};
	size_t i, used, need;
	struct err e;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_EQ_INT(feed((const unsigned char *)tab[i].in, tab[i].len,
		    &used, &e), tab[i].rc);
		T_EQ_INT(e.code, tab[i].code);
		if (tab[i].msg != NULL)
			T_EQ_STR(e.msg, tab[i].msg);
	}
	/* long: more bytes than the reply holds (a caller that overread) */
	err_clear(&e);
	T_EQ_INT(socks_reply((const unsigned char *)"\x05\x00\x00\x01\x7f\0\0"
	    "\x01\0\x19\x32\x32\x30", 13, &need, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_EQ_STR(e.msg,
	    "malformed SOCKS5 reply (13 bytes, the reply holds 10)");
	err_clear(&e);
	T_EQ_INT(socks_reply((const unsigned char *)"\x05\x00\x00\x03\x01h"
	    "\0\x19\0", 9, &need, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
}

int
main(void)
{
	test_greeting();
	test_method();
	test_request();
	test_reply_codes();
	test_reply_ok();
	test_reply_bad();
	return t_done("t_socks");
}
