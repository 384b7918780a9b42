/* SPDX-License-Identifier: ISC */
/*
 * fspath.h - PURE checked building of file names into fixed buffers.
 *
 * Every file name smtps builds (queue entries, locks, dead.letter, the
 * config candidates, the TLS session cache) goes through these, so a
 * directory or name too long for the buffer is an error, never a silently
 * cut name that would open or unlink another file.
 *
 * fspath_fmt() formats like snprintf into out (outsz bytes, normally
 * LIMIT_PATH); fspath_join() is fspath_fmt(out, outsz, e, "%s/%s", dir,
 * name).  Both return 0, or -1 with EX_CANTCREAT "file name too long
 * (LIMIT_PATH bytes): <its start>..." in e (out then holds "").
 */
#ifndef SMTPS_FSPATH_H
#define SMTPS_FSPATH_H

#include <stddef.h>
#include "err.h"

int	fspath_fmt(char *out, size_t outsz, struct err *, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
int	fspath_join(char *out, size_t outsz, const char *dir, const char *name,
	    struct err *);

#endif
