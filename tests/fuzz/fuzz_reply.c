/* SPDX-License-Identifier: ISC */
/*
 * fuzz_reply.c - libFuzzer target for the reply and capability parser.
 * The input is cut into lines at '\n' (a trailing '\r' is dropped, as io
 * does) and fed to reply_feed; each complete reply goes through
 * reply_caps and reply_allowed.  Invariants checked: a complete or pending
 * reply keeps its
 * fields in range, text is NUL-terminated within its buffer, errors carry
 * a sysexits code and a message; reply_allowed allows a 4xx or 5xx to
 * every command but RSET (only 421 and 500-504) and QUIT (none), and
 * names every command.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

static void
check(const struct reply *r)
{
	if (r->nlines > 0 && (r->code < 200 || r->code > 599))
		abort();
	if (r->nlines > LIMIT_REPLY_LINES || r->len >= sizeof(r->text))
		abort();
	if (r->text[r->len] != '\0' || memchr(r->enh, '\0',
	    sizeof(r->enh)) == NULL)
		abort();
	if (r->enh[0] != '\0' && (r->enh[0] - '0') != r->code / 100)
		abort();
}

static void
check_allowed(int code)
{
	int to, want, fail = code >= 400 && code <= 599;
	int generic = code == 421 || (code >= 500 && code <= 504);

	for (to = REPLY_TO_GREETING; to <= REPLY_TO_QUIT; to++) {
		want = to == REPLY_TO_QUIT ? 0 : to == REPLY_TO_RSET ?
		    generic : 1;
		if (fail && reply_allowed(to, code) != want)
			abort();
		if (reply_to_name(to) == NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct reply r;
	struct caps c;
	struct err e;
	size_t len;
	int rc;

	reply_init(&r);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl != NULL ? nl : end) - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		err_clear(&e);
		rc = reply_feed(&r, p, len, &e);
		if (rc == -1) {
			if (e.code == 0 || e.msg[0] == '\0')
				abort();
			reply_init(&r);
		} else {
			check(&r);
			if (rc == 1) {
				reply_caps(&r, &c);
				check_allowed(r.code);
				if (c.size != 0 && !(c.flags & CAP_SIZE))
					abort();
				if (c.auth != 0 && !(c.flags & CAP_AUTH))
					abort();
				reply_init(&r);
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
}
