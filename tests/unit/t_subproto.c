/* SPDX-License-Identifier: ISC */
/*
 * t_subproto.c - the submission service's wire format: requests built
 * and parsed back, fed in every split, every malformed header; replies
 * ("ready", status with text) and their bounds; the caller argument
 * allowlist and the pipeline's fixed argv; the Received: field; the
 * list request (smtps-list 1) and the listing reply ("list CODE LEN").
 */
#include <stdlib.h>

#include "t.h"
#include "subproto.h"

/* argv for subproto_args: "sendmail" and the words of a, into v */
static int
argv_of(const char *const *a, char **v)
{
	int n = 0;

	v[n++] = (char *)"sendmail";
	while (*a != NULL && n < 31)
		v[n++] = (char *)*a++;
	v[n] = NULL;
	return n;
}

static int
args(const char *const *a, struct opts *o, struct err *e)
{
	static char *v[32];

	return subproto_args(argv_of(a, v), v, o, e);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_req_roundtrip(void)
{
	static const char *const a[] = { "-t", "-f", "a@b", "--", "bob@x",
	    NULL };
	char *argv[8];
	struct subproto_req r;
	struct err e;
	size_t len, i;
	char *h;
	long n;

	err_clear(&e);
	for (i = 0; a[i] != NULL; i++)
		argv[i] = (char *)a[i];
	h = subproto_req_build(5, argv, 1234, &len, &e);
	T_OK(h != NULL, "build: %s", e.msg);
	if (h == NULL)
		return;
	T_EQ_MEM(h, len, "smtps-submit 1\nsize 1234\narg -t\narg -f\n"
	    "arg a@b\narg --\narg bob@x\n\n", 65);
	/* every prefix is "need more", the whole header is complete */
	for (i = 0; i < len; i++)
		T_EQ_INT(subproto_req_parse(h, i, &r, &e), 0);
	n = subproto_req_parse(h, len, &r, &e);
	T_EQ_INT(n, (long)len);
	T_EQ_INT(r.size, 1234);
	T_EQ_INT(r.argc, 6);
	T_EQ_STR(r.argv[0], "sendmail");
	T_EQ_STR(r.argv[3], "a@b");
	T_EQ_STR(r.argv[5], "bob@x");
	T_OK(r.argv[6] == NULL, "argv not terminated");
	subproto_req_free(&r);
	free(h);
}

static void
test_req_build_errors(void)
{
	char nlarg[] = "a\nb";
	char *nl[] = { nlarg };
	char big[LIMIT_SUBMIT_ARG + 2];
	char *bigv[] = { big };
	struct err e;
	size_t len;

	err_clear(&e);
	T_OK(subproto_req_build(1, nl, 1, &len, &e) == NULL, "LF accepted");
	T_EQ_INT(e.code, EX_USAGE);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_OK(subproto_req_build(1, bigv, 1, &len, &e) == NULL, "long arg");
	T_OK(subproto_req_build(LIMIT_SUBMIT_ARGS + 1, bigv, 1, &len,
	    &e) == NULL, "too many args");
}

static void
test_req_bad(void)
{
	static const struct {
		const char *in;
		const char *msg;
	} tab[] = {
		{ "smtps-submit 2\nsize 1\n\n", "not a version 1 request" },
		{ "SMTPS-SUBMIT 1\nsize 1\n\n", "not a version 1 request" },
		{ "smtps-submit 1\n\n", "header incomplete" },
		{ "smtps-submit 1\nsize\n\n", "bad size line" },
		{ "smtps-submit 1\nsize -1\n\n", "bad size line" },
		{ "smtps-submit 1\nsize 1x\n\n", "bad size line" },
		{ "smtps-submit 1\nsize 99999999999999\n\n", "bad size line" },
		{ "smtps-submit 1\nsize 2147483649\n\n", "bad size line" },
		{ "smtps-submit 1\nsize 1\nfoo\n\n", "line 3 is not an "
		    "argument" },
		{ "smtps-submit 1\nsize 1\narg\n\n", "line 3 is not an "
		    "argument" },
		{ "\n\n", "not a version 1 request" },
	};
	struct subproto_req r;
	struct err e;
	size_t j;

	for (j = 0; j < sizeof(tab) / sizeof(tab[0]); j++) {
		size_t i = j;

		err_clear(&e);
		T_EQ_INT(subproto_req_parse(tab[i].in, strlen(tab[i].in), &r,
		    &e), -1);
		T_EQ_INT(e.code, EX_PROTOCOL);
		T_OK(strstr(e.msg, tab[i].msg) != NULL, "%zu: %s", i, e.msg);
		T_OK(r.text == NULL, "%zu: text kept", i);
	}
	/* a NUL inside, the size limit of the header, too many args */
	err_clear(&e);
	T_EQ_INT(subproto_req_parse("smtps-submit 1\0\nsize 1\n\n", 24, &r,
	    &e), -1);
	T_OK(strstr(e.msg, "NUL") != NULL, "%s", e.msg);
	{
		char *big = malloc(LIMIT_SUBMIT_HEAD + 10);
		size_t k, i;

		memset(big, 'a', LIMIT_SUBMIT_HEAD + 10);
		T_EQ_INT(subproto_req_parse(big, LIMIT_SUBMIT_HEAD - 1, &r,
		    &e), 0);
		T_EQ_INT(subproto_req_parse(big, LIMIT_SUBMIT_HEAD + 10, &r,
		    &e), -1);
		T_OK(strstr(e.msg, "header longer") != NULL, "%s", e.msg);
		k = (size_t)snprintf(big, LIMIT_SUBMIT_HEAD, "smtps-submit 1\n"
		    "size 0\n");
		for (i = 0; i <= LIMIT_SUBMIT_ARGS; i++)
			k += (size_t)snprintf(big + k, LIMIT_SUBMIT_HEAD - k,
			    "arg x\n");
		big[k++] = '\n';
		T_EQ_INT(subproto_req_parse(big, k, &r, &e), -1);
		T_OK(strstr(e.msg, "more than") != NULL, "%s", e.msg);
		free(big);
	}
}

static void
test_reply(void)
{
	struct subproto_reply r;
	struct err e;
	size_t len, i;
	char *b;

	err_clear(&e);
	T_EQ_INT(subproto_reply_parse("ready\n", 6, &r, &e), 6);
	T_EQ_INT(r.ready, 1);
	T_EQ_INT(subproto_reply_parse("read", 4, &r, &e), 0);
	b = subproto_reply_build(75, "smtps: later\n", 13, &len);
	T_EQ_MEM(b, len, "status 75 13\nsmtps: later\n", 26);
	for (i = 0; i < len; i++)
		T_EQ_INT(subproto_reply_parse(b, i, &r, &e), 0);
	T_EQ_INT(subproto_reply_parse(b, len, &r, &e), (long)len);
	T_EQ_INT(r.ready, 0);
	T_EQ_INT(r.code, 75);
	T_EQ_STR(r.text, "smtps: later\n");
	free(b);
	b = subproto_reply_build(0, "", 0, &len);
	T_EQ_INT(subproto_reply_parse(b, len, &r, &e), (long)len);
	T_EQ_INT(r.code, 0);
	T_EQ_INT(r.len, 0);
	free(b);
}

static void
test_reply_bad(void)
{
	static const char *const bad[] = {
		"status 256 0\n", "status -1 0\n", "status 1\n",
		"status 1 4097\n", "status x 0\n", "status 1 0 \n",
		"ready \n", "nonsense\n", "status 1  0\n",
		"status 1 0x\n",
	};
	struct subproto_reply r;
	struct err e;
	char long_line[80];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		T_EQ_INT(subproto_reply_parse(bad[i], strlen(bad[i]), &r, &e),
		    -1);
		T_EQ_INT(e.code, EX_PROTOCOL);
	}
	memset(long_line, '7', sizeof(long_line));
	T_EQ_INT(subproto_reply_parse(long_line, sizeof(long_line), &r, &e),
	    -1);
}

static void
test_args(void)
{
	static const struct {
		const char *a[8];
		const char *why;	/* NULL: allowed */
	} tab[] = {
		{ { "-t", "-i" }, NULL },
		{ { "-oi", "-FCron Daemon", "-B8BITMIME", "-oem", "root" },
		  NULL },
		{ { "-v", "-n", "-f", "a@b", "x@y" }, NULL },
		{ { "-C", "/x", "a@b" }, "-C/--file" },
		{ { "--file=/x", "a@b" }, "-C/--file" },
		{ { "-a", "x", "a@b" }, "-a/--account" },
		{ { "--host=h", "a@b" }, "a keyword option" },
		{ { "--passwordeval=cat /etc/shadow", "a@b" },
		  "a keyword option" },
		{ { "-q" }, "a mode flag" },
		{ { "-bs" }, "a mode flag" },
		{ { "--submit-service" }, "a mode flag" },
		{ { "--no-queue", "a@b" }, "--no-queue" },
		{ { "--submitter", "0 root", "a@b" }, "--submitter" },
		{ { "-P", "a@b" }, "a mode flag" },
	};
	struct opts o;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_EQ_INT(args(tab[i].a, &o, &e), tab[i].why ? -1 : 0);
		if (tab[i].why != NULL)
			T_OK(e.code == EX_USAGE && strstr(e.msg, tab[i].why),
			    "%zu: %d %s", i, e.code, e.msg);
	}
	/* a flag error is the flag parser's */
	T_EQ_INT(args(ARGS("-Z"), &o, &e), -1);
	T_EQ_INT(e.code, EX_USAGE);
}

static void
test_child_argv(void)
{
	const char *const *in = ARGS("-t", "-i", "-v", "-f", "-C", "-F",
	    "W A", "-N", "never", "-R", "hdrs", "-V", "id1", "--", "-x@y",
	    "b@c");
	static const char *const want[] = { "smtps", "--submitter",
	    "33 www-data", "-C", "/etc/smtps/mailrc", "-t", "-f", "-C", "-F",
	    "W A", "-N", "never", "-R", "hdrs", "-V", "id1", "--", "-x@y",
	    "b@c", NULL };
	struct opts o;
	struct err e;
	char **v;
	size_t i;

	err_clear(&e);
	T_EQ_INT(args(in, &o, &e), 0);
	T_EQ_INT(subproto_child_argv(&o, "/etc/smtps/mailrc", "33 www-data",
	    &v, &e), 0);
	for (i = 0; want[i] != NULL; i++)
		T_EQ_STR(v[i], want[i]);
	T_OK(v[i] == NULL, "not terminated after %zu", i);
	free(v);
	T_EQ_INT(args(ARGS("a@b"), &o, &e), 0);
	T_EQ_INT(subproto_child_argv(&o, NULL, "0 root", &v, &e), 0);
	T_EQ_STR(v[3], "--");
	T_EQ_STR(v[4], "a@b");
	free(v);
	/* -O smtputf8 and requiretls go through; other -O values do not */
	T_EQ_INT(args(ARGS("-O", "x=y", "-O", "requiretls", "-O",
	    "smtputf8", "a@b"), &o, &e), 0);
	T_EQ_INT(subproto_child_argv(&o, NULL, "0 root", &v, &e), 0);
	T_EQ_STR(v[3], "-O");
	T_EQ_STR(v[4], "smtputf8");
	T_EQ_STR(v[5], "-O");
	T_EQ_STR(v[6], "requiretls");
	T_EQ_STR(v[7], "--");
	free(v);
}

static void
test_received(void)
{
	char buf[256];

	T_EQ_INT(subproto_submitter_ok("33 www-data"), 1);
	T_EQ_INT(subproto_submitter_ok("0 root"), 1);
	T_EQ_INT(subproto_submitter_ok("33www-data"), 0);
	T_EQ_INT(subproto_submitter_ok(" 33 x"), 0);
	T_EQ_INT(subproto_submitter_ok("33 x y"), 0);
	T_EQ_INT(subproto_submitter_ok("33 (x)"), 0);
	T_EQ_INT(subproto_submitter_ok("12345678901 x"), 0);
	T_EQ_INT(subproto_submitter_ok("33 "), 0);
	T_EQ_INT(subproto_received(buf, sizeof(buf), "33 www-data",
	    "host.example", 1733220000, 60), 0);
	T_EQ_STR(buf, "Received: from uid 33 (www-data)\r\n\tby host.example "
	    "(smtps submission service);\r\n\tTue, 3 Dec 2024 11:00:00 "
	    "+0100\r\n");
	T_EQ_INT(subproto_received(buf, sizeof(buf), "0 root", "h", 0,
	    -330), 0);
	T_EQ_STR(buf, "Received: from uid 0 (root)\r\n\tby h (smtps submission "
	    "service);\r\n\tWed, 31 Dec 1969 18:30:00 -0530\r\n");
	T_EQ_INT(subproto_received(buf, sizeof(buf), "0 root", "h\r\nX: y",
	    0, 0), -1);
	T_EQ_INT(subproto_received(buf, sizeof(buf), "0 ro)ot", "h", 0, 0),
	    -1);
	T_EQ_INT(subproto_received(buf, 20, "0 root", "h", 0, 0), -1);
}

static void
test_list_req(void)
{
	static const struct {
		const char *in;
		const char *msg;	/* NULL: parses */
		int json;
	} tab[] = {
		{ "smtps-list 1\nformat text\n\n", NULL, 0 },
		{ "smtps-list 1\nformat json\n\n", NULL, 1 },
		{ "smtps-list 1\n\n", "list request: header incomplete", 0 },
		{ "smtps-list 1\nformat xml\n\n", "list request: expected "
		    "\"format text\" or \"format json\"", 0 },
		{ "smtps-list 1\nformat text \n\n", "list request: expected",
		    0 },
		{ "smtps-list 1\nsize 0\n\n", "list request: expected", 0 },
		{ "smtps-list 1\nformat text\nformat json\n\n", "list "
		    "request: line 3 is one too many", 0 },
		{ "smtps-list 1\nformat text\narg -C\n\n", "line 3 is one "
		    "too many", 0 },
		{ "smtps-list 2\nformat text\n\n", "not a version 1", 0 },
		{ "smtps-submit 1\nformat text\n\n", "bad size line", 0 },
	};
	struct subproto_req r;
	struct err e;
	size_t i, len, k;
	char *h;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		len = strlen(tab[i].in);
		T_EQ_INT(subproto_req_parse(tab[i].in, len, &r, &e),
		    tab[i].msg == NULL ? (long)len : -1);
		if (tab[i].msg != NULL) {
			T_EQ_INT(e.code, EX_PROTOCOL);
			T_OK(strstr(e.msg, tab[i].msg) != NULL, "%zu: %s", i,
			    e.msg);
			continue;
		}
		T_EQ_INT(r.list, 1);
		T_EQ_INT(r.json, tab[i].json);
		T_EQ_INT(r.size, 0);
		T_EQ_INT(r.argc, 1);
		subproto_req_free(&r);
	}
	for (k = 0; k < 2; k++) {	/* built, then parsed back in pieces */
		h = subproto_list_req_build((int)k, &len);
		T_EQ_STR(h, k ? "smtps-list 1\nformat json\n\n" :
		    "smtps-list 1\nformat text\n\n");
		for (i = 0; i < len; i++)
			T_EQ_INT(subproto_req_parse(h, i, &r, &e), 0);
		T_EQ_INT(subproto_req_parse(h, len, &r, &e), (long)len);
		T_EQ_INT(r.json, (int)k);
		subproto_req_free(&r);
		free(h);
	}
	/* a submission is not a list */
	T_EQ_INT(subproto_req_parse("smtps-submit 1\nsize 0\n\n", 23, &r,
	    &e), 23);
	T_EQ_INT(r.list, 0);
	subproto_req_free(&r);
}

static void
test_list_reply(void)
{
	static const char *const bad[] = {
		"list 256 0\n", "list -1 0\n", "list 1\n", "list 0 262145\n",
		"list x 0\n", "list 1 0 \n", "status 0 0\n", "list  1 0\n",
		"list 1 0x\n", "ready\n", "list 0 1\0\n",
	};
	char *b, *big = malloc(LIMIT_LIST_REPLY + 10);
	struct err e;
	size_t len, n, i;
	int code;
	long h;

	err_clear(&e);
	b = subproto_list_build(0, "a\nb\n", 4, &len);
	T_EQ_MEM(b, len, "list 0 4\na\nb\n", 13);
	for (i = 0; i < 9; i++)
		T_EQ_INT(subproto_list_head(b, i, &code, &n, &e), 0);
	T_EQ_INT(subproto_list_head(b, len, &code, &n, &e), 9);
	T_EQ_INT(code, 0);
	T_EQ_INT(n, 4);
	free(b);
	/* the limit: LIMIT_LIST_REPLY bytes pass, more are cut */
	memset(big, 'x', LIMIT_LIST_REPLY + 10);
	b = subproto_list_build(3, big, LIMIT_LIST_REPLY + 10, &len);
	h = subproto_list_head(b, len, &code, &n, &e);
	T_OK(h > 0, "head: %s", e.msg);
	T_EQ_INT(code, 3);
	T_EQ_INT(n, LIMIT_LIST_REPLY);
	T_EQ_INT(len, (size_t)h + LIMIT_LIST_REPLY);
	free(b);
	free(big);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		T_EQ_INT(subproto_list_head(bad[i], strlen(bad[i]) +
		    (i == 10 ? 3 : 0), &code, &n, &e), -1);
		T_EQ_INT(e.code, EX_PROTOCOL);
		T_EQ_STR(e.msg, "submission service: bad list line");
	}
}

int
main(void)
{
	test_req_roundtrip();
	test_req_build_errors();
	test_req_bad();
	test_reply();
	test_reply_bad();
	test_args();
	test_child_argv();
	test_received();
	test_list_req();
	test_list_reply();
	printf("t_subproto: %d passed, %d failed\n", t_pass, t_fail);
	return t_fail != 0;
}
