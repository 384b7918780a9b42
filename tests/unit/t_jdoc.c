/* SPDX-License-Identifier: ISC */
/*
 * t_jdoc.c - jdoc.c over json-c: OAuth2 replies read (strings, numbers,
 * numbers sent as strings), and what is not one JSON object refused.
 */
#include <stdlib.h>

#include "t.h"
#include "jdoc.h"

static void
test_good(void)
{
	const char *j = "{\"access_token\":\"ya29.a\\u0041\",\"expires_in\":"
	    "3599,\"ext\":\"120\",\"neg\":-5,\"obj\":{\"a\":1},"
	    "\"bad\":\"12x\"}  \r\n";
	struct jdoc *d;
	struct err e;

	err_clear(&e);
	d = jdoc_parse(j, strlen(j), &e);
	T_OK(d != NULL, "parsed: %s", e.msg);
	if (d == NULL)
		return;
	T_EQ_STR(jdoc_str(d, "access_token"), "ya29.aA");
	T_OK(jdoc_str(d, "expires_in") == NULL, "number is not a string");
	T_OK(jdoc_str(d, "missing") == NULL, "missing");
	T_EQ_INT(jdoc_num(d, "expires_in", 7), 3599);
	T_EQ_INT(jdoc_num(d, "ext", 7), 120);
	T_EQ_INT(jdoc_num(d, "neg", 7), -5);
	T_EQ_INT(jdoc_num(d, "obj", 7), 7);
	T_EQ_INT(jdoc_num(d, "bad", 7), 7);
	T_EQ_INT(jdoc_num(d, "missing", 7), 7);
	jdoc_free(d);
}

static void
test_bad(void)
{
	static const char *const tab[] = {
		"", "{", "{\"a\": 1,", "[1,2]", "\"str\"", "42",
		"{\"a\":1} {\"b\":2}", "{\"a\":1}x",
		"{\"a\":tru}", "<html>busy</html>", "{\"a\":\"\\x\"}",
	};
	char deep[200];
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_OK(jdoc_parse(tab[i], strlen(tab[i]), &e) == NULL,
		    "accepted: %s", tab[i]);
		T_EQ_INT(e.code, EX_PROTOCOL);
		T_OK(strncmp(e.msg, "malformed JSON: ", 16) == 0, "msg: %s",
		    e.msg);
	}
	/* nesting deeper than JDOC_DEPTH */
	for (i = 0; i < 40; i++)
		memcpy(deep + 5 * i, "{\"a\":", 5);
	deep[200 - 1] = '\0';
	err_clear(&e);
	T_OK(jdoc_parse(deep, 200 - 1, &e) == NULL, "deep accepted");
	T_EQ_INT(e.code, EX_PROTOCOL);
}

/* what jdoc_text writes, jdoc_parse reads back (the token file) */
static void
test_write(void)
{
	struct jdoc *d = jdoc_new(), *r;
	struct err e;
	char *t;

	jdoc_set_str(d, "access_token", "a\"b\\c\001");
	jdoc_set_num(d, "expires_at", 4000000000LL);
	jdoc_set_str(d, "refresh_token", "");
	t = jdoc_text(d);
	jdoc_free(d);
	T_EQ_STR(t, "{\"access_token\":\"a\\\"b\\\\c\\u0001\",\"expires_at\":"
	    "4000000000,\"refresh_token\":\"\"}");
	err_clear(&e);
	r = jdoc_parse(t, strlen(t), &e);
	T_OK(r != NULL, "read back: %s", e.msg);
	if (r != NULL) {
		T_EQ_STR(jdoc_str(r, "access_token"), "a\"b\\c\001");
		T_EQ_INT(jdoc_num(r, "expires_at", 0), 4000000000LL);
		T_EQ_STR(jdoc_str(r, "refresh_token"), "");
	}
	jdoc_free(r);
	free(t);
}

/* arrays, nested objects and null (mailq --json) */
static void
test_nested(void)
{
	struct jdoc *d = jdoc_new(), *list = jdoc_new_list(), *r;
	char *t;

	r = jdoc_new();
	jdoc_set_str(r, "address", "a@x");
	jdoc_set_null(r, "delay_reason");
	jdoc_push(list, r);
	r = jdoc_new();
	jdoc_set_str(r, "address", "b@x");
	jdoc_set_str(r, "delay_reason", "451 try/later");
	jdoc_push(list, r);
	jdoc_set_str(d, "config", "/etc/smtps/mailrc");
	jdoc_set_null(d, "submitter");
	jdoc_set_doc(d, "recipients", list);
	r = jdoc_new();
	jdoc_set_num(r, "uid", 33);
	jdoc_set_doc(d, "who", r);
	t = jdoc_text(d);
	jdoc_free(d);
	T_EQ_STR(t, "{\"config\":\"/etc/smtps/mailrc\",\"submitter\":null,"
	    "\"recipients\":[{\"address\":\"a@x\",\"delay_reason\":null},"
	    "{\"address\":\"b@x\",\"delay_reason\":\"451 try/later\"}],"
	    "\"who\":{\"uid\":33}}");
	free(t);
	list = jdoc_new_list();
	t = jdoc_text(list);
	T_EQ_STR(t, "[]");
	free(t);
	jdoc_free(list);
	/* booleans (the system queue listing's "truncated") */
	d = jdoc_new();
	jdoc_set_bool(d, "truncated", 1);
	jdoc_set_bool(d, "other", 0);
	jdoc_set_bool(d, "any", 7);
	t = jdoc_text(d);
	jdoc_free(d);
	T_EQ_STR(t, "{\"truncated\":true,\"other\":false,\"any\":true}");
	free(t);
}

int
main(void)
{
	test_good();
	test_write();
	test_nested();
	test_bad();
	return t_done("t_jdoc");
}
