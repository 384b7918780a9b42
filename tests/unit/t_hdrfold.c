/* SPDX-License-Identifier: ISC */
/*
 * t_hdrfold.c - tests of the folding of over-long header lines
 * (hdrfold.h): lines of exactly LIMIT_LINE octets untouched, longer ones
 * folded at white space within LIMIT_FOLD_LINE where there is some, never
 * before the colon, inside a quoted string or into a line of white space;
 * unfolding (removing each CRLF before SP/HT) gives the block back; a run
 * longer than LIMIT_LINE without white space is refused naming the field.
 */
#include <stdlib.h>

#include "t.h"
#include "hdrfold.h"
#include "limit.h"

static char *
rep(const char *unit, size_t times)
{
	size_t k = strlen(unit), i;
	char *s = malloc(k * times + 1);

	for (i = 0; i < times; i++)
		memcpy(s + i * k, unit, k);
	s[k * times] = '\0';
	return s;
}

/* the block with every CRLF before SP/HT removed */
static char *
unfold(const char *p, size_t n)
{
	char *u = malloc(n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\r' && i + 2 < n && p[i + 1] == '\n' &&
		    (p[i + 2] == ' ' || p[i + 2] == '\t')) {
			i++;
			continue;
		}
		u[o++] = p[i];
	}
	u[o] = '\0';
	return u;
}

/* every line of out within max, none only white space */
static void
lines_ok(const char *p, size_t n, size_t max)
{
	size_t i, st = 0;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] != '\r' || p[i + 1] != '\n')
			continue;
		T_OK(i - st <= max, "line of %zu octets", i - st);
		T_OK(strspn(p + st, " \t") < i - st, "white-space line at %zu",
		    st);
		st = i + 2;
	}
}

/* fold block; returns the result code, checks unfolding gives it back */
static int
fold(const char *block, size_t max, struct hdr_buf *out, struct err *e)
{
	int rc;
	char *u, *want;

	out->p = NULL;
	out->len = out->cap = 0;
	err_clear(e);
	rc = hdrfold_block(block, strlen(block), out, e);
	if (rc == 1) {
		u = unfold(out->p, out->len);
		want = unfold(block, strlen(block));
		T_EQ_STR(u, want);
		free(u);
		free(want);
		lines_ok(out->p, out->len, max);
	}
	return rc;
}

static void
test_fold(void)
{
	struct hdr_buf out;
	struct err e;
	char *words = rep("word ", 400), *b = malloc(8000), *x;

	/* 998 octets: untouched */
	x = rep("y", LIMIT_LINE - 9);
	snprintf(b, 8000, "Subject: %s\r\nX: y\r\n", x);
	T_EQ_INT(fold(b, LIMIT_LINE, &out, &e), 0);
	T_EQ_INT(out.len, 0);
	free(x);
	/* 999 octets with white space: folded to 78 */
	x = rep("abcd ", 198);
	snprintf(b, 8000, "Subject: %.*s\r\nTo: a@b\r\n", 990, x);
	T_EQ_INT(strlen(b) - 2 - 9, 999);
	T_EQ_INT(fold(b, LIMIT_FOLD_LINE, &out, &e), 1);
	T_OK(strstr(out.p, "\r\nTo: a@b\r\n") != NULL, "next field kept");
	hdr_buf_free(&out);
	free(x);
	/* an address list: folds at the space after each comma */
	x = rep("Some One <some.one@example.org>, ", 60);
	snprintf(b, 8000, "To: %sLast <l@example.org>\r\n", x);
	T_EQ_INT(fold(b, LIMIT_FOLD_LINE, &out, &e), 1);
	T_OK(strstr(out.p, ",\r\n Some One") != NULL, "fold after comma");
	hdr_buf_free(&out);
	free(x);
	/* a quoted string is not folded inside */
	x = rep("q ", 600);
	snprintf(b, 8000, "Subject: \"%s\" tail\r\n", x);
	T_EQ_INT(fold(b, LIMIT_LINE, &out, &e), -1);
	T_EQ_INT(e.code, EX_DATAERR);
	free(x);
	/* no white space at all: refused naming the field */
	x = rep("z", 1500);
	snprintf(b, 8000, "Subject: ok\r\nX-Long-Token :%s\r\n", x);
	T_EQ_INT(fold(b, LIMIT_LINE, &out, &e), -1);
	T_OK(strstr(e.msg, "header field 'X-Long-Token' has a line of 1514 "
	    "octets") != NULL, "message: %s", e.msg);
	hdr_buf_free(&out);
	/* a run of 998 after a space folds; 999 does not */
	snprintf(b, 8000, "X: a %.*s\r\n", LIMIT_LINE - 1, x);
	T_EQ_INT(fold(b, LIMIT_LINE, &out, &e), 1);
	hdr_buf_free(&out);
	snprintf(b, 8000, "X: a %.*s\r\n", LIMIT_LINE, x);
	T_EQ_INT(fold(b, LIMIT_LINE, &out, &e), -1);
	hdr_buf_free(&out);
	/* trailing white space: never a line of white space only */
	snprintf(b, 8000, "X: %.*s %s\r\n", 990, x, "        ");
	T_EQ_INT(fold(b, LIMIT_LINE, &out, &e), -1);
	hdr_buf_free(&out);
	/* a long continuation line folds too */
	snprintf(b, 8000, "Subject: start\r\n %s\r\n", words);
	T_EQ_INT(fold(b, LIMIT_FOLD_LINE, &out, &e), 1);
	hdr_buf_free(&out);
	free(x);
	free(words);
	free(b);
}

int
main(void)
{
	test_fold();
	return t_done("t_hdrfold");
}
