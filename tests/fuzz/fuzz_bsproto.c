/* SPDX-License-Identifier: ISC */
/*
 * fuzz_bsproto.c - libFuzzer target for the `-bs` server state machine
 * (src/bsproto.c).  The input is split at LF into lines; the first byte picks
 * a piece size, so long lines also arrive in pieces.
 *
 * Invariants checked:
 *  - every reply is one or more lines "DDD-text" / "DDD text", each ending
 *    in CRLF, with no other control bytes, the last one with a space;
 *  - a body piece never holds LF and is never longer than its input;
 *  - a finished message has at least one recipient, each passing
 *    path_check, and a sender that passes it with the null sender
 *    allowed; bsproto_result() then gives a 250 or 4xx/5xx reply;
 *  - nothing follows BSPROTO_QUIT.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bsproto.h"
#include "path.h"

static void
check_reply(const char *r, size_t n)
{
	size_t i = 0;

	if (r == NULL)
		return;
	if (n < 6 || r[n - 2] != '\r' || r[n - 1] != '\n')
		abort();
	while (i < n) {
		const char *eol = memchr(r + i, '\r', n - i);
		size_t j;

		if (eol == NULL || eol[1] != '\n' || eol - (r + i) < 4)
			abort();
		for (j = 0; j < 3; j++)
			if (r[i + j] < '2' + (j > 0 ? -2 : 0) || r[i + j] > '5')
				abort();
		if (r[i + 3] != (eol + 2 == r + n ? ' ' : '-'))
			abort();
		for (j = i; r + j < eol; j++)
			if ((unsigned char)r[j] < 0x20 || r[j] == 0x7f)
				abort();
		i = (size_t)(eol + 2 - r);
	}
}

static void
check_message(struct bsproto *b)
{
	char out[LIMIT_ADDR + 1];
	struct bsproto_out o;
	struct err e;
	size_t i;

	if (b->rcpts.n == 0 ||
	    path_check(b->from, strlen(b->from), 1, out, sizeof(out),
	    &e) == -1)
		abort();
	for (i = 0; i < b->rcpts.n; i++)
		if (path_check(b->rcpts.v[i], strlen(b->rcpts.v[i]), 0,
		    out, sizeof(out), &e) == -1)
			abort();
	bsproto_result(b, (int)(b->rcpts.n % 3) * EX_NOUSER / 2, "x\r\ny", &o);
	check_reply(o.reply, o.replylen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bsproto b;
	struct bsproto_out o;
	size_t piece, off = 1;

	if (size < 1)
		return 0;
	piece = data[0] ? data[0] : 4096;
	bsproto_init(&b, "fuzz.example", &o);
	while (off < size) {
		const char *s = (const char *)data + off;
		const char *nl = memchr(s, '\n', size - off);
		size_t n = nl ? (size_t)(nl - s) : size - off;
		int eol = nl != NULL || n <= piece;

		if (n > piece) {
			n = piece;
			eol = 0;
		}
		bsproto_line(&b, s, n, eol, &o);
		check_reply(o.reply, o.replylen);
		if (o.act == BSPROTO_BODY && (o.datalen > n ||
		    memchr(o.data, '\n', o.datalen) != NULL))
			abort();
		if (o.act == BSPROTO_MESSAGE)
			check_message(&b);
		if (o.act == BSPROTO_QUIT)
			break;
		off += n + (nl != NULL && n == (size_t)(nl - s));
	}
	bsproto_free(&b);
	return 0;
}
