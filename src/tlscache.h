/* SPDX-License-Identifier: ISC */
/*
 * tlscache.h - the TLS session cache on disk (no GnuTLS here: tls.c
 * serialises sessions, this module only keeps bytes) and whole-file reads
 * for the TLS module.
 *
 * Directory: $XDG_STATE_HOME/smtps/tls-sessions when XDG_STATE_HOME is an
 * absolute path, else ~/.local/state/smtps/tls-sessions ($HOME, else the
 * password database); created mode 0700.  One file per key NAME (64 hex
 * digits made by the caller), mode 0600, "smtps-tls-session 1 EXPIRY\n"
 * then the session bytes, written atomically (NAME.tmp.PID, rename).
 *
 * Nothing here ever fails loudly: a cache that is missing, not ours
 * (owner is not the effective user), open to group or others, not a
 * regular file, larger than LIMIT_TLS_SESSION, expired or malformed
 * counts as "no entry" and the caller does a full handshake.
 */
#ifndef SMTPS_TLSCACHE_H
#define SMTPS_TLSCACHE_H

#include <stddef.h>

/* the cache directory (malloc'ed), or NULL when there is no home */
char	*tlscache_dir(void);
/* the entry's bytes (malloc'ed, the caller wipes and frees): 0, or -1
   when there is no usable entry */
int	 tlscache_load(const char *dir, const char *name, unsigned char **,
	    size_t *);
/* replace the entry (best effort, silent); lifetime LIMIT_TLS_SESSION_AGE */
void	 tlscache_store(const char *dir, const char *name, const void *,
	    size_t);
void	 tlscache_remove(const char *dir, const char *name);
/*
 * A whole regular file of at most max bytes into *buf (malloc'ed, NUL
 * appended, not counted in *len).  -1 with errno set (EFBIG when larger).
 */
int	 tlscache_read_file(const char *path, size_t max, unsigned char **buf,
	    size_t *len);

#endif
