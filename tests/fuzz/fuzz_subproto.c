/* SPDX-License-Identifier: ISC */
/*
 * fuzz_subproto.c - libFuzzer target for the submission service's wire
 * format.  The first byte picks what the rest is: 0 a request header
 * (parsed whole, then every prefix must be "need more" or the same
 * error), 1 a reply (the same), 2 NUL-separated caller arguments
 * through the allowlist and the pipeline's argv, 3 a submitter for the
 * Received: field, 4 a listing reply's "list CODE LEN" line.
 * Invariants: a complete parse consumes at most what was given, a
 * request has at most LIMIT_SUBMIT_ARGS arguments without LF and a size
 * within LIMIT_MESSAGE, a list request has no argument and size 0, a
 * listing's length is within LIMIT_LIST_REPLY, a reply's text is within
 * LIMIT_SUBMIT_REPLY, errors carry a code and a message, an allowed
 * argument list yields a NULL-terminated argv starting "smtps".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subproto.h"

static void
request(const char *p, size_t n)
{
	struct subproto_req r;
	struct err e;
	long got;
	int i;

	err_clear(&e);
	got = subproto_req_parse(p, n, &r, &e);
	if (got == -1 && (e.code != EX_PROTOCOL || e.msg[0] == '\0'))
		abort();
	if (got <= 0)
		return;
	if ((size_t)got > n || r.argc < 1 || r.argc > LIMIT_SUBMIT_ARGS + 1 ||
	    r.size < 0 || r.size > LIMIT_MESSAGE || r.argv[r.argc] != NULL)
		abort();
	if (r.list && (r.argc != 1 || r.size != 0 || r.json < 0 ||
	    r.json > 1))
		abort();
	for (i = 1; i < r.argc; i++)
		if (strchr(r.argv[i], '\n') != NULL ||
		    strlen(r.argv[i]) > LIMIT_SUBMIT_ARG)
			abort();
	subproto_req_free(&r);
	if (subproto_req_parse(p, (size_t)got - 1, &r, &e) > 0)
		abort();
	subproto_req_free(&r);
}

static void
reply(const char *p, size_t n)
{
	static struct subproto_reply r;
	struct err e;
	long got;

	err_clear(&e);
	got = subproto_reply_parse(p, n, &r, &e);
	if (got == -1 && (e.code != EX_PROTOCOL || e.msg[0] == '\0'))
		abort();
	if (got > 0 && ((size_t)got > n || r.len > LIMIT_SUBMIT_REPLY ||
	    r.code < 0 || r.code > 255))
		abort();
}

static void
list_head(const char *p, size_t n)
{
	struct err e;
	size_t len = 0;
	int code = -1;
	long got;

	err_clear(&e);
	got = subproto_list_head(p, n, &code, &len, &e);
	if (got == -1 && (e.code != EX_PROTOCOL || e.msg[0] == '\0'))
		abort();
	if (got > 0 && ((size_t)got > n || len > LIMIT_LIST_REPLY ||
	    code < 0 || code > 255 || memchr(p, '\0', (size_t)got) != NULL))
		abort();
	if (got > 0 && subproto_list_head(p, (size_t)got - 1, &code, &len,
	    &e) != 0)
		abort();
}

static void
args(const char *p, size_t n)
{
	char *buf = malloc(n + 1), *v[66], **out;
	struct opts o;
	struct err e;
	size_t i;
	int argc = 0;

	memcpy(buf, p, n);
	buf[n] = '\0';
	v[argc++] = (char *)"sendmail";
	v[argc++] = buf;
	for (i = 0; i < n && argc < 65; i++)
		if (buf[i] == '\0')
			v[argc++] = buf + i + 1;
	v[argc] = NULL;
	err_clear(&e);
	if (subproto_args(argc, v, &o, &e) == 0) {
		if (subproto_child_argv(&o, NULL, "1 x", &out, &e) == 0) {
			if (strcmp(out[0], "smtps") != 0)
				abort();
			for (i = 0; out[i] != NULL; i++)
				;
			free(out);
		}
	} else if (e.code == 0 || e.msg[0] == '\0')
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	char sub[64], out[512];

	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: request(p, size - 1); break;
	case 1: reply(p, size - 1); break;
	case 2: args(p, size - 1); break;
	case 4: list_head(p, size - 1); break;
	default:
		if (size - 1 >= sizeof(sub))
			return 0;
		memcpy(sub, p, size - 1);
		sub[size - 1] = '\0';
		if (subproto_received(out, sizeof(out), sub, "h.example",
		    0, 0) == 0 && !subproto_submitter_ok(sub))
			abort();
	}
	return 0;
}
