/*
 * dropin.h - the sendmail/msmtp drop-in features that need I/O, kept out
 * of main.c: aliases file loading and recipient expansion, the logfile and
 * syslog line of each attempt.  The pure parts live in alias.c and
 * logline.c.
 *
 * dropin_aliases(): read the account's `aliases` file (when set; at most
 * LIMIT_CONF_FILE bytes; missing or unreadable -> EX_CONFIG naming it),
 * then replace *rcpts by its expansion (alias_expand): bare names are
 * qualified with `maildomain`, else the envelope sender's domain.
 * With use_aliases 0 (-n) bare names are only qualified.
 * dropin_pretend(): -P/--pretend: the resolved account (conf_format, the
 * password masked), how it connects ("connect to", net_describe), the
 * envelope sender and the recipients after aliases.
 * dropin_aliases_check(): `smtps -bi` / newaliases: parse the file and
 * print "FILE: N aliases" (and a warning for a name defined twice) to fp.
 *
 * dropin_read_envelope_from(): --read-envelope-from: copy stdin to an
 * unlinked temporary file, take the first address of its first From:
 * header (in the first LIMIT_HEADER_BLOCK bytes) as the envelope sender
 * and return in *fd a descriptor of the copy at offset 0.  No From or no
 * address -> EX_DATAERR.
 *
 * dropin_msgid(): the Message-ID of the spooled message in fd (read with
 * pread from offset 0, header block only) into out: the <id> (blanks and
 * line breaks removed), or "" when there is none.  It reads up to
 * LIMIT_HEADER_BLOCK bytes: call it only when dropin_logs() says a line
 * will be written.
 *
 * dropin_log(): when the account has `logfile` and/or `syslog`, write one
 * line (logline.h) for this attempt: appended to the file (created 0600,
 * O_APPEND, one write) or to stdout for "-"; to syslog(3) with the
 * account's facility, priority LOG_INFO on success and LOG_ERR otherwise.
 * A logfile that cannot be written gets one warning on stderr and never
 * changes the exit code.
 */
#ifndef SMTPS_DROPIN_H
#define SMTPS_DROPIN_H

#include <stdio.h>
#include "addr.h"
#include "conf.h"
#include "logline.h"

int	dropin_aliases(const struct account *, const char *from,
	    int use_aliases, struct addr_list *rcpts, struct err *);
void	dropin_pretend(const struct account *, const char *from,
	    const struct addr_list *rcpts, int read_rcpts, FILE *);
int	dropin_aliases_check(const struct account *, FILE *, struct err *);
void	dropin_log(const struct account *, struct logline *);
void	dropin_msgid(int fd, char *out, size_t outsz);
/* whether the account writes log lines (logfile or syslog set) */
int	dropin_logs(const struct account *);
int	dropin_read_envelope_from(int *fd, char *from, size_t fromsz,
	    struct err *);

#endif
