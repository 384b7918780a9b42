/*
 * fuzz_msg.c - libFuzzer target for msg_header_block() (src/msg.c): the
 * header block of raw input as msg_read() finds it.
 *
 * Invariants checked: the result is CRLF text (no bare CR or LF, no
 * blank line), a complete header block by hdr_split() (itself, its last
 * line ended, plus a blank line splits at its end), never longer than the normalised input;
 * hdr_rewrite() accepts it unless it holds a NUL byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr_buf hb = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	struct hdr_policy pol;
	struct err e;
	size_t n = msg_header_block((const char *)data, size, &hb), i, off;

	if (n != hb.len || n > 2 * size + 2)
		abort();
	for (i = 0; i < n; i++)
		if ((hb.p[i] == '\r' && (i + 1 >= n || hb.p[i + 1] != '\n')) ||
		    (hb.p[i] == '\n' && (i == 0 || hb.p[i - 1] != '\r')))
			abort();
	if (n >= 2 && memcmp(hb.p, "\r\n", 2) == 0)
		abort();
	if (strstr(hb.p, "\r\n\r\n") != NULL && memchr(hb.p, '\0', n) == NULL)
		abort();
	if (n > 0 && (n < 2 || memcmp(hb.p + n - 2, "\r\n", 2) != 0))
		hdr_buf_add(&hb, "\r\n", 2);	/* the last line had no end */
	i = hb.len;
	hdr_buf_add(&hb, "\r\n", 2);
	if (hdr_split(hb.p, hb.len, 1, &off) != (long)i || off != hb.len)
		abort();
	memset(&pol, 0, sizeof(pol));
	pol.from = "me@example.org";
	pol.msgid_domain = "host.example";
	pol.unique = "u1";
	err_clear(&e);
	if (hdr_rewrite(hb.p, n, &pol, &out, NULL, &e) == -1 &&
	    memchr(hb.p, '\0', n) == NULL)
		abort();
	hdr_buf_free(&out);
	hdr_buf_free(&hb);
	return 0;
}
