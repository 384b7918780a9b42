/* SPDX-License-Identifier: ISC */
/*
 * fspath.c - PURE checked file names (contract: fspath.h).
 *
 * The error quotes only the start of the name: the message has to hold
 * the rest of the sentence, and the start is what tells which file it was.
 */
#include <stdarg.h>
#include <stdio.h>

#include "fspath.h"

int
fspath_fmt(char *out, size_t outsz, struct err *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < outsz)
		return 0;
	err_set(e, EX_CANTCREAT,
	    "file name too long (%zu bytes at most): %.*s...",
	    outsz - 1, LIMIT_PATH_QUOTED, n < 0 ? "" : out);
	if (outsz > 0)
		out[0] = '\0';
	return -1;
}

int
fspath_join(char *out, size_t outsz, const char *dir, const char *name,
    struct err *e)
{
	return fspath_fmt(out, outsz, e, "%s/%s", dir, name);
}
