/* SPDX-License-Identifier: ISC */
/*
 * netrc.h - PURE netrc(5) parser: the password of one (machine, login).
 *
 * netrc_find(): look through buf (len bytes, the whole file, not
 * NUL-terminated; the caller reads it with a size limit) for the password
 * of `login` at `host`.  No I/O, no globals, never exits.
 *
 * Syntax (netrc(5), read as msmtp reads it): tokens separated by blanks
 * and line ends; a token may be quoted in "..." or '...' (no escapes; an
 * unclosed quote ends at the line end); a token that starts with `#`
 * starts a comment to the end of the line.  Keywords: `machine NAME`
 * starts an entry, `default` starts the entry for any machine, `login`
 * (or `user`) NAME, `password` (or `passwd`) VALUE, `account VALUE`
 * (ignored), `macdef NAME` (its body, up to the next empty line, is
 * skipped).  Unknown tokens are ignored.
 *
 * Which entry: the first `machine` entry whose name equals host (ASCII
 * case-insensitive, as host names are) and whose login equals login
 * exactly; failing that, the first `default` entry whose login equals
 * login (msmtp ignores `default`; netrc(5) says it matches any machine,
 * and a login that must match keeps an ftp `default login anonymous`
 * from being sent).  An entry without a login never matches.  When the
 * chosen entry has no password, there is none.
 *
 * Returns 1 and *password (caller frees with secret_free) when found, 0
 * when not, -1 with e (EX_CONFIG, "FILE:LINE: ...") on a NUL byte or a
 * token longer than LIMIT_PASSWORD - 1 bytes.  Every copy of a token the
 * parser made is wiped.
 */
#ifndef SMTPS_NETRC_H
#define SMTPS_NETRC_H

#include <stddef.h>

#include "err.h"

int	netrc_find(const char *buf, size_t len, const char *file,
	    const char *host, const char *login, char **password,
	    struct err *);

#endif
