/* SPDX-License-Identifier: ISC */
/*
 * tokstore.h - the OAuth2 token file of an account: access token, its
 * expiry and the refresh token, kept between runs.
 *
 * Location: the account's oauth2_token_file, else
 * $XDG_STATE_HOME/smtps/oauth2/NAME (XDG_STATE_HOME absolute), else
 * HOME/.local/state/smtps/oauth2/NAME; NAME is the account name with
 * bytes other than letters, digits, '-', '_', '@', '+' and a '.' that
 * does not begin it written as %XX.  tokstore_path() returns it (caller
 * frees) or NULL with EX_CONFIG when there is no home directory.
 *
 * The file is JSON {"access_token", "expires_at" (Unix seconds),
 * "refresh_token"}, mode 0600 in a directory created 0700.
 * tokstore_read(): 1 and *t filled, 0 when the file does not exist (*t
 * empty), -1 on error (unreadable: EX_IOERR; not ours: EX_DATAERR naming
 * the file; larger than LIMIT_OAUTH2_FILE).  tokstore_write(): atomically
 * - a temporary file in the same directory, written, fsync'ed, renamed
 * over the file, the directory fsync'ed - so a crash leaves the old or
 * the new tokens, never half of them.  Errors: EX_CANTCREAT / EX_IOERR.
 * tokstore_lock(): an exclusive flock on PATH.lock (created 0600),
 * waiting at most LIMIT_OAUTH2_LOCK seconds for another smtps that is
 * refreshing (then EX_TEMPFAIL); returns the descriptor for
 * tokstore_unlock().  Whoever refreshes a token holds the lock from
 * before reading the refresh token until the new one is on disk.
 * tokstore_clear() wipes and frees the strings of *t.
 */
#ifndef SMTPS_TOKSTORE_H
#define SMTPS_TOKSTORE_H

#include "conf.h"

struct tok {
	char		*access;	/* NULL: none */
	long long	 expires;	/* Unix time; 0: unknown */
	char		*refresh;	/* NULL: none */
};

char	*tokstore_path(const struct account *, struct err *);
int	 tokstore_read(const char *path, struct tok *, struct err *);
int	 tokstore_write(const char *path, const struct tok *, struct err *);
int	 tokstore_lock(const char *path, struct err *);
void	 tokstore_unlock(int fd);
void	 tokstore_clear(struct tok *);

#endif
