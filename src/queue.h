/* SPDX-License-Identifier: ISC */
/*
 * queue.h - the durable queue: spool files, entries, locks (dead.letter
 * is dead.h).
 *
 * Layout of a queue directory (created 0700, parents too):
 *   tmp/ID.msg, tmp/ID.env   being written; never an entry
 *   ID.msg                   the message, CRLF, headers already rewritten
 *   ID.env                   envelope and state (text, see queue.c); an
 *                            entry exists iff its ID.env exists
 *   ID.dot                   an attempt's final dot may have reached the
 *                            server (made just before it is sent, removed
 *                            once the dot's reply is read): found by the
 *                            next attempt, it means an earlier one was
 *                            killed after its dot (qe->dot_earlier)
 *   flush.lock               held (flock) by the one running flusher; holds
 *                            its PID as text
 *   log                      one line per queue event (flusher, give-ups)
 * IDs are "TTTTTTTTTT.PPPPPP.RRRRRRRR" in hex (time, pid, random): they
 * sort by creation time and are safe file names (queue_id_valid).
 *
 * queue_spool_create(): make the directories, create tmp/ID.msg (0600,
 * O_EXCL) opened read/write; sp->id, sp->dir, sp->path filled.  Failure ->
 * EX_CANTCREAT, or EX_TEMPFAIL when the disk is full.
 * queue_spool_remove(): close and unlink sp->path (tmp or committed .msg).
 * queue_commit(): make the spooled message an entry, before any network
 * byte: write tmp/ID.env (flock'ed first, fsync) marked "synced 0" with
 * sp->sum, rename tmp/ID.msg to ID.msg, rename tmp/ID.env to ID.env, fsync
 * the directory.  ID.msg itself is NOT fsync'ed here: queue_update()
 * does that before the entry is kept for a retry; a message delivered at
 * once is never forced to disk (the argument is in queue.c).  The
 * entry appears already locked by the caller (qe->lockfd).  On failure
 * nothing is left (no .env, no .msg) and the error is EX_TEMPFAIL (disk
 * full) or EX_CANTCREAT; sp->path still names the tmp spool.
 * queue_lock(): open ID.env, take its flock without blocking, check it is
 * still the entry's file (not replaced meanwhile), read it into qe;
 * qe->dot_earlier says whether ID.dot is there.
 * Returns 0 (locked, qe filled), 1 (another process holds it), -1 (gone or
 * unreadable; e filled).
 * queue_read(): read an entry without locking (listing, scanning).
 * queue_update(): rewrite ID.env atomically from qe (attempts, next retry,
 * error, remaining recipients), keeping the lock; tmp/ID.env is created
 * O_EXCL|O_NOFOLLOW (a leftover is unlinked first, a missing tmp/ made
 * again); an entry not yet synced
 * has its ID.msg fsync'ed first (failure -> -1, nothing changed: the
 * entry must not be reported as kept).
 * queue_dot_mark(): before the final dot (or BDAT LAST) of a queue
 * entry's message leaves (sp->entry): create ID.dot.  Errors are ignored:
 * it only serves to disclose a possible duplicate after a SIGKILL.
 * queue_dot_clear(): the attempt read its dot's reply (or never sent the
 * dot): remove ID.dot, unless an earlier attempt left it
 * (qe->dot_earlier), which the entry must keep disclosing until it ends.
 * queue_remove(): unlink ID.env (the entry ends), then ID.msg and ID.dot;
 * unlock.
 * When ID.env cannot be unlinked (EIO, EROFS...) ID.msg is unlinked all
 * the same, the queue log says so, and -1 is returned: an ID.env whose
 * ID.msg is gone (queue_msg_gone() true) is a finished entry, neither
 * listed nor delivered, removed when next met.
 * queue_unlock(): release the lock (close qe->lockfd).
 * queue_open_msg(): open ID.msg read-only into sp (fd, size, eightbit,
 * intl).
 * An entry not synced (its smtps was killed, or the machine stopped,
 * before the message was known to be on disk) is checked first: size and
 * sum must match, else EX_IOERR "... incomplete ..." (never delivered).
 * queue_scan(): the IDs of all entries, sorted (= by age); caller frees
 * with queue_ids_free().  A missing directory is an empty queue.
 * queue_clean(): remove tmp files and .msg/.dot files without .env older than
 * LIMIT_QUEUE_TMP_AGE (left by a killed process).
 * queue_backoff(): delay before retry number `attempts` (1 = first):
 * min * 2^(attempts-1), at most max, +-LIMIT_QUEUE_JITTER_PCT % jitter,
 * at least 1 s.  `rnd` is a random 32-bit number (tests pass fixed ones).
 * queue_dir_check(): the queue directory (and its tmp/, when there) is a
 * directory owned by the effective uid that group and others cannot
 * write to; else EX_NOPERM "... refused" (another user could plant
 * entries that run commands, or links).  Every function that opens the
 * queue checks it (queue_spool_create, queue_scan), and every entry file
 * must be a regular file owned by the effective uid, opened without
 * following links; an entry that is not is skipped with EX_NOPERM.
 * Values read back from an entry are checked as the command line's are
 * (an absolute config path, printable account and addresses, sizes in
 * range): a bad one makes the entry unreadable (EX_DATAERR).
 * queue_open_own(): open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0600) and
 * check it is a regular file of ours (flush.lock, the log); -1 with e.
 * queue_log(): append "YYYY-mm-ddTHH:MM:SS ID: text" to DIR/log; errors
 * are ignored (logging must not lose mail).
 */
#ifndef SMTPS_QUEUE_H
#define SMTPS_QUEUE_H

#include <sys/types.h>
#include <time.h>
#include "err.h"
#include "sum.h"

/* what a message asks of the server (RFC 6531 SMTPUTF8, RFC 8689
   REQUIRETLS); kept in the entry ("utf8hdr NAME", "smtputf8 1",
   "requiretls 1"; a missing line is off) so every retry asks the same */
struct spool_intl {
	char	utf8hdr[LIMIT_QUOTE_WORD]; /* first address field with UTF-8
					   addresses ("To"), "" = none */
	int	smtputf8;		/* -O smtputf8: SMTPUTF8 always */
	int	requiretls;		/* -O requiretls */
};

struct spool {
	char	id[LIMIT_QUEUE_ID];
	char	dir[LIMIT_QUEUE_DIR];	/* the queue directory */
	char	path[LIMIT_PATH];	/* the message file now */
	int	fd;
	off_t	size;			/* bytes in the spool file (CRLF
					   form) */
	int	eightbit;		/* body or headers have bytes >= 0x80 */
	struct spool_intl intl;		/* set by msg_read (utf8hdr) and main
					   (-O), or read from the entry */
	char	sum[SUM_HEX];		/* sum.h checksum of the spool */
	int	entry;			/* a queue entry's message (ID.dot) */
};

/* one entry's envelope and state: the .env file */
struct qentry {
	char	  id[LIMIT_QUEUE_ID];
	time_t	  created;
	char	 *config;		/* config file (absolute path) */
	char	 *account;		/* account name in it */
	char	 *from;			/* envelope sender, "" = null sender */
	char	**rcpts;		/* recipients still to deliver */
	size_t	  nrcpts;
	int	  attempts;		/* failed attempts so far */
	time_t	  next;			/* next attempt not before this */
	long long size;
	int	  eightbit;
	struct spool_intl intl;		/* SMTPUTF8, REQUIRETLS (above) */
	char	 *notify;		/* DSN NOTIFY= (-N / dsn_notify), */
	char	 *ret;			/* RET= (-R / dsn_return) and */
	char	 *envid;		/* ENVID= (-V) of the first attempt,
					   or NULL (malloc'ed) */
	char	  error[LIMIT_ERR_MSG];	/* last error, "" = none */
	int	  synced;		/* ID.msg is known to be on disk */
	char	  sum[SUM_HEX];		/* of ID.msg, checked when !synced */
	int	  lockfd;		/* -1, or the locked .env */
	int	  dot_earlier;		/* ID.dot found: an earlier attempt
					   was killed after its final dot */
	char	 *submitter;		/* "UID NAME" of the local user who
					   handed it to the system service
					   (SO_PEERCRED), or NULL */
};

int	queue_spool_create(const char *dir, struct spool *, struct err *);
void	queue_spool_remove(struct spool *);
int	queue_commit(struct spool *, struct qentry *, struct err *);
int	queue_lock(const char *dir, const char *id, struct qentry *,
	    struct err *);
int	queue_read(const char *dir, const char *id, struct qentry *,
	    struct err *);
int	queue_update(const char *dir, struct qentry *, struct err *);
int	queue_remove(const char *dir, struct qentry *);
void	queue_dot_mark(const struct spool *);
void	queue_dot_clear(const char *dir, const struct qentry *);
int	queue_msg_gone(const char *dir, const char *id);
void	queue_unlock(struct qentry *);
int	queue_open_msg(const char *dir, const struct qentry *, struct spool *,
	    struct err *);
int	queue_scan(const char *dir, char ***ids, size_t *n, struct err *);
void	queue_ids_free(char **, size_t);
void	queue_clean(const char *dir);
void	queue_entry_init(struct qentry *);
void	queue_entry_free(struct qentry *);	/* also unlocks */
int	queue_id_valid(const char *id);
int	queue_dir_check(const char *dir, struct err *);
int	queue_open_own(const char *path, int flags, struct err *);
int	queue_backoff(int attempts, int min, int max, unsigned int rnd);
void	queue_log(const char *dir, const char *id, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
