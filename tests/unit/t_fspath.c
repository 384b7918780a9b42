/* SPDX-License-Identifier: ISC */
/*
 * t_fspath.c - tests of the checked file names: a name that fits is
 * built whole, one byte too long is an error (never a cut name), and
 * err_fmt() marks a cut message with "...".
 */
#include <string.h>

#include "t.h"
#include "fspath.h"

static void
fits_or_fails(void)
{
	char out[16], dir[32];
	struct err e;

	err_clear(&e);
	T_EQ_INT(fspath_join(out, sizeof(out), "/q", "tmp", &e), 0);
	T_EQ_STR(out, "/q/tmp");
	T_EQ_INT(e.code, 0);
	/* 15 bytes and the NUL: exactly fits */
	T_EQ_INT(fspath_join(out, sizeof(out), "/0123456789", "abc", &e), 0);
	T_EQ_STR(out, "/0123456789/abc");
	/* one more: refused, out emptied, the start quoted */
	T_EQ_INT(fspath_join(out, sizeof(out), "/0123456789", "abcd", &e), -1);
	T_EQ_STR(out, "");
	T_EQ_INT(e.code, EX_CANTCREAT);
	T_OK(strstr(e.msg, "file name too long (15 bytes at most): "
	    "/0123456789/abc...") != NULL, "msg: %s", e.msg);
	err_clear(&e);
	T_EQ_INT(fspath_fmt(out, sizeof(out), &e, "%s/%s.env", "/q", "ID"), 0);
	T_EQ_STR(out, "/q/ID.env");
	memset(dir, 'd', sizeof(dir) - 1);
	dir[sizeof(dir) - 1] = '\0';
	T_EQ_INT(fspath_fmt(out, sizeof(out), &e, "%s.lock", dir), -1);
	T_EQ_INT(e.code, EX_CANTCREAT);
}

static void
marked_cut(void)
{
	char out[8];

	T_EQ_INT(err_fmt(out, sizeof(out), "%s", "abcdefg"), 7);
	T_EQ_STR(out, "abcdefg");
	T_EQ_INT(err_fmt(out, sizeof(out), "%s; %d", "abcdefg", 1), 7);
	T_EQ_STR(out, "abcd...");
}

int
main(void)
{
	fits_or_fails();
	marked_cut();
	return t_done("t_fspath");
}
