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

int
main(void)
{
	test_good();
	test_bad();
	return t_done("t_jdoc");
}
