/* SPDX-License-Identifier: ISC */
/*
 * diag.c - stderr diagnostics and the -v protocol transcript.
 * The verbosity is the one piece of state set once by main().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "diag.h"

static int verbosity;

void
diag_init(int verbose)
{
	verbosity = verbose;
}

int
diag_verbose(void)
{
	return verbosity;
}

void
diag_proto(int outgoing, const char *line, size_t len, int secret)
{
	char vis[LIMIT_REPLY_LINE * 4 + 1];
	size_t keep = len;

	if (verbosity == 0)
		return;
	if (secret) {
		/* keep "AUTH PLAIN" / "AUTH LOGIN", hide the rest */
		const char *sp = memchr(line, ' ', len);

		keep = 0;
		if (len >= 5 && strncasecmp(line, "AUTH ", 5) == 0 && sp) {
			const char *sp2 = memchr(sp + 1, ' ',
			    len - (size_t)(sp + 1 - line));
			keep = sp2 ? (size_t)(sp2 - line) : len;
		}
	}
	err_visible(vis, sizeof(vis), line, keep);
	fprintf(stderr, "%s %s%s%s\n", outgoing ? "-->" : "<--", vis,
	    secret && keep > 0 ? " " : "", secret ? "***" : "");
}

void
diag_info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity == 0)
		return;
	fputs("smtps: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
diag_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("smtps: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
