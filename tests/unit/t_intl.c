/* SPDX-License-Identifier: ISC */
/*
 * t_intl.c - tests of intl.c: what an envelope address needs (A-labels or
 * SMTPUTF8), which header field needs SMTPUTF8, and the RFC 2047 encoder
 * (known vectors, the 75-character bound, no UTF-8 character split,
 * truncation, and a round trip through the independent decoder in
 * ew_decode.h on generated names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "ew_decode.h"
#include "intl.h"

static void
test_addr_need(void)
{
	static const struct { const char *a; enum intl_need want; } c[] = {
		{ "alice@example.org",		INTL_ASCII },
		{ "",				INTL_ASCII },
		{ "root",			INTL_ASCII },
		{ "a@xn--exmple-cua.org",	INTL_ASCII },
		{ "a@[192.0.2.1]",		INTL_ASCII },
		{ "a@[IPv6:2001:db8::1]",	INTL_ASCII },
		{ "joran@ex\xc3\xa4mple.org",	INTL_DOMAIN },
		{ "x@b\xc3\xbc" "cher.example",	INTL_DOMAIN },
		{ "j\xc3\xb6ran@example.org",	INTL_UTF8 },
		{ "j\xc3\xb6ran@ex\xc3\xa4mple.org", INTL_UTF8 },
		{ "r\xc3\xb6\xc3\xb6t",		INTL_UTF8 },	/* no domain */
		{ "\"j\xc3\xb6 r\"@example.org", INTL_UTF8 },
		{ "\"a@\xc3\xa4\"@example.org",	INTL_UTF8 },	/* quoted @ */
		{ "\xe2\x98\x83@\xe2\x98\x83.example", INTL_UTF8 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		T_OK(intl_addr_need(c[i].a) == c[i].want, "need(%s) = %d, "
		    "want %d", c[i].a, intl_addr_need(c[i].a), c[i].want);
}

static void
test_hdr_need(void)
{
	static const struct { const char *b; const char *want; } c[] = {
		{ "", NULL },
		{ "Subject: Gr\xc3\xbc\xc3\x9f" "e\r\n", NULL },
		{ "To: J\xc3\xb6ran <joran@example.org>\r\n", NULL },
		{ "To: joran@example.org (J\xc3\xb6ran)\r\n", NULL },
		{ "To: \"J\xc3\xb6ran\" <joran@example.org>\r\n", NULL },
		{ "X-To: j\xc3\xb6ran@example.org\r\n", NULL },
		{ "To: j\xc3\xb6ran@example.org\r\n", "To" },
		{ "to: J <j@ex\xc3\xa4mple.org>\r\n", "to" },
		{ "Cc: a@b.org,\r\n j\xc3\xb6@x.org\r\n", "Cc" },
		{ "Subject: x\r\nFrom: \xc3\xa5@example.org\r\n", "From" },
		{ "Reply-To: <\xc3\xa5@example.org>\r\n", "Reply-To" },
		{ "Sender: \xc3\xa5@example.org\r\n", "Sender" },
		{ "Bcc: \xc3\xa5@example.org\r\n", "Bcc" },
		{ "Resent-To: \xc3\xa5@example.org\r\n", "Resent-To" },
		{ "Resent-From: \xc3\xa5@example.org\r\n", "Resent-From" },
		{ "To : \xc3\xa5@example.org\r\n", "To" },
		/* does not parse: header text, not an address */
		{ "To: <J\xc3\xb6ran\r\n", NULL },
		{ "Reply-To: caf\xc3\xa9 lorem ipsum\r\n", NULL },
		{ "To: <Joran\r\n", NULL },
		{ "To: a@b.org\r\nCc: J\xc3\xb6 <j@b.org>\r\n"
		  "From: \xc3\xb6@b.org\r\n", "From" },
	};
	char name[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		strlcpy(name, "-", sizeof(name));
		r = intl_hdr_need(c[i].b, strlen(c[i].b), name, sizeof(name));
		T_EQ_INT(r, c[i].want != NULL);
		if (c[i].want != NULL && r)
			T_EQ_STR(name, c[i].want);
	}
}

static void
test_ew_vectors(void)
{
	static const struct { const char *in, *want; } c[] = {
		{ "J\xc3\xbcrgen", "=?UTF-8?B?SsO8cmdlbg==?=" },
		{ "J\xc3\xb6ran \xc3\x9cmlaut",
		  "=?UTF-8?B?SsO2cmFuIMOcbWxhdXQ=?=" },
		{ "a", "=?UTF-8?B?YQ==?=" },
		{ "ab", "=?UTF-8?B?YWI=?=" },
		{ "abc", "=?UTF-8?B?YWJj?=" },
		/* 45 bytes: one word; 46: two */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "=?UTF-8?B?YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh"
		  "YWFhYWFhYWFh?=" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
		  "=?UTF-8?B?YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh"
		  "YWFhYWFhYWFh?= =?UTF-8?B?Yg==?=" },
		/* 44 ASCII + a 2-byte character: the character moves on */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa4",
		  "=?UTF-8?B?YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh"
		  "YWFhYWFhYWE=?= =?UTF-8?B?w6Q=?=" },
	};
	char out[512];
	size_t i, n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = intl_ew_encode(c[i].in, strlen(c[i].in), out, sizeof(out));
		T_EQ_STR(out, c[i].want);
		T_EQ_INT(n, strlen(c[i].want));
	}
	/* too small a buffer: cut and terminated, the full length back */
	n = intl_ew_encode("J\xc3\xbcrgen", 7, out, 8);
	T_EQ_INT(n, 24);
	T_EQ_STR(out, "=?UTF-8");
	T_EQ_INT(intl_ew_encode("abc", 3, NULL, 0), 16);
}

static void
test_utf8_len(void)
{
	static const struct { const char *s; size_t n, want; } c[] = {
		{ "a", 1, 1 }, { "\xc3\xa4", 2, 2 }, { "\xe2\x98\x83", 3, 3 },
		{ "\xf0\x9f\x98\x80", 4, 4 }, { "\xc3", 1, 0 },
		{ "\xc0\xaf", 2, 0 },		/* overlong */
		{ "\xed\xa0\x80", 3, 0 },	/* surrogate */
		{ "\xf4\x90\x80\x80", 4, 0 },	/* > U+10FFFF */
		{ "\x80", 1, 0 }, { "", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		T_EQ_INT(intl_utf8_len((const unsigned char *)c[i].s, c[i].n),
		    c[i].want);
}

/* generated names: every length 1..200 from a mix of 1-4 byte chars */
static void
test_round_trip(void)
{
	static const char *const ch[] = { "a", " ", "\xc3\xa4", "\xc3\x9c",
	    "\xe2\x98\x83", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "=", "?",
	    "_", "\"" };
	char in[1024], enc[4096], dec[1024];
	size_t len, n, k, bad = 0;
	unsigned seed = 1;

	for (len = 1; len <= 200; len++) {
		in[0] = '\0';
		for (n = 0; strlen(in) < len; n++) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 16) % (sizeof(ch) / sizeof(ch[0]));
			strlcat(in, ch[k], sizeof(in));
		}
		n = intl_ew_encode(in, strlen(in), enc, sizeof(enc));
		if (n >= sizeof(enc) || ew_decode(enc, n, dec, sizeof(dec)) !=
		    (long)strlen(in) || strcmp(dec, in) != 0)
			bad++;
	}
	T_EQ_INT(bad, 0);
}

int
main(void)
{
	test_addr_need();
	test_hdr_need();
	test_ew_vectors();
	test_utf8_len();
	test_round_trip();
	return t_done("t_intl");
}
