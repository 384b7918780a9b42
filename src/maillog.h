/* SPDX-License-Identifier: ISC */
/*
 * maillog.h - the one mail-log writer: the logfile and syslog line of each
 * attempt.  logline.c (PURE) formats the line; this writes it.
 *
 * maillog_on(): whether the account writes log lines (logfile or syslog
 * set); callers skip the work a line needs (spoolhdr_msgid) otherwise.
 * maillog_write(): when the account has `logfile` and/or `syslog`, write
 * one line (logline.h) for this attempt: appended to the file (created
 * 0600, O_APPEND, one write) or to stdout for "-"; to syslog(3) with the
 * account's facility, priority LOG_INFO on success and LOG_ERR otherwise.
 * A logfile that cannot be written gets one warning on stderr and never
 * changes the exit code.
 */
#ifndef SMTPS_MAILLOG_H
#define SMTPS_MAILLOG_H

#include "conf.h"
#include "logline.h"

int	maillog_on(const struct account *);
void	maillog_write(const struct account *, struct logline *);

#endif
