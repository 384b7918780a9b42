/* SPDX-License-Identifier: ISC */
/*
 * fuzz_intl.c - libFuzzer target for src/intl.c.  The first byte picks
 * the function, the rest is its input:
 *   0: intl_ew_encode() on the bytes as a display name.  When they are
 *      valid UTF-8: the returned length is what was written, every
 *      encoded word is at most 75 characters and holds whole characters,
 *      and the independent decoder (tests/unit/ew_decode.h) gives the
 *      name back byte for byte (the round-trip property).  A buffer one
 *      byte short must be cut and NUL-terminated.
 *   1: intl_hdr_need() on the bytes as a header block: a block without
 *      bytes >= 0x80 never needs SMTPUTF8; a field named is a visible,
 *      NUL-terminated string.
 *   2: intl_addr_need() on the bytes up to the first NUL: an ASCII
 *      address needs nothing; one that needs something has a byte >= 0x80.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intl.h"
#include "../unit/ew_decode.h"

static int
high(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 0x80)
			return 1;
	return 0;
}

static int
valid_utf8(const uint8_t *p, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k)
		if ((k = intl_utf8_len(p + i, n - i)) == 0)
			return 0;
	return 1;
}

static void
encode(const uint8_t *p, size_t n)
{
	size_t need = intl_ew_encode((const char *)p, n, NULL, 0), got;
	char *enc = malloc(need + 1), *dec = malloc(n + 1);

	got = intl_ew_encode((const char *)p, n, enc, need + 1);
	if (got != need || strlen(enc) != need)
		abort();
	if (need > 0) {
		intl_ew_encode((const char *)p, n, enc, need);
		if (strlen(enc) != need - 1)
			abort();
		intl_ew_encode((const char *)p, n, enc, need + 1);
	}
	if (valid_utf8(p, n) && n > 0 && (ew_decode(enc, need, dec, n + 1) !=
	    (long)n || memcmp(dec, p, n) != 0))
		abort();
	free(enc);
	free(dec);
}

static void
header(const uint8_t *p, size_t n)
{
	char name[64];
	size_t i;

	memset(name, 'x', sizeof(name));
	if (!intl_hdr_need((const char *)p, n, name, sizeof(name)))
		return;
	if (!high(p, n) || memchr(name, '\0', sizeof(name)) == NULL)
		abort();
	for (i = 0; name[i] != '\0'; i++)
		if ((unsigned char)name[i] < 0x20 ||
		    (unsigned char)name[i] >= 0x7f)
			abort();
}

static void
address(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	enum intl_need need;

	memcpy(s, p, n);
	s[n] = '\0';
	need = intl_addr_need(s);
	if (need != INTL_ASCII && !high((const uint8_t *)s, strlen(s)))
		abort();
	if (need == INTL_ASCII && high((const uint8_t *)s, strlen(s)) &&
	    strchr(s, '[') == NULL)
		abort();
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: encode(data + 1, size - 1); break;
	case 1: header(data + 1, size - 1); break;
	default: address(data + 1, size - 1); break;
	}
	return 0;
}
