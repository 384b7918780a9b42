/* SPDX-License-Identifier: ISC */
/*
 * ew_decode.h - an independent RFC 2047 decoder for the tests of intl.c's
 * encoder (t_intl.c, tests/fuzz/fuzz_intl.c): "=?UTF-8?B?...?=" words
 * separated by white space (which RFC 2047 6.2 drops between encoded
 * words), B encoding only, strict base64.  Each word must be at most 75
 * characters and decode to whole UTF-8 characters (no character split
 * across two words).  Returns the decoded length in out (NUL-terminated),
 * or -1 when the text breaks any of these rules.
 */
#ifndef SMTPS_EW_DECODE_H
#define SMTPS_EW_DECODE_H

#include <string.h>

#include "intl.h"

static int
ew_b64(char c)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : -1;
}

/* the base64 text s[0..n) appended to out at *o; -1 if malformed */
static int
ew_b64_block(const char *s, size_t n, char *out, size_t outsz, size_t *o)
{
	size_t i, start = *o, j;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		int v[4], k, pad = 0;
		unsigned long w;

		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && k >= 2 && i + 4 == n) {
				pad++;
				v[k] = 0;
			} else if (pad > 0 || (v[k] = ew_b64(s[i + k])) < 0)
				return -1;
		}
		w = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
		    (unsigned long)v[2] << 6 | (unsigned long)v[3];
		for (k = 0; k < 3 - pad; k++) {
			if (*o + 1 >= outsz)
				return -1;
			out[(*o)++] = (char)(w >> (16 - 8 * k) & 0xff);
		}
	}
	for (j = start; j < *o; j += intl_utf8_len((const unsigned char *)
	    out + j, *o - j))
		if (intl_utf8_len((const unsigned char *)out + j, *o - j) == 0)
			return -1;
	return 0;
}

static long
ew_decode(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i = 0, o = 0, end;
	const char *q;

	if (outsz == 0)
		return -1;
	while (i < n) {
		if (n - i < 12 || memcmp(s + i, "=?UTF-8?B?", 10) != 0)
			return -1;
		q = memchr(s + i + 10, '?', n - i - 10);
		if (q == NULL || (size_t)(q - s) + 1 >= n || q[1] != '=')
			return -1;
		end = (size_t)(q - s) + 2;
		if (end - i > INTL_EW_MAX || ew_b64_block(s + i + 10,
		    (size_t)(q - s) - i - 10, out, outsz, &o) == -1)
			return -1;
		i = end;
		if (i < n && s[i++] != ' ')
			return -1;
		if (i == n && s[i - 1] == ' ')
			return -1;
	}
	out[o] = '\0';
	return (long)o;
}

#endif
