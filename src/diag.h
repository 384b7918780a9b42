/* SPDX-License-Identifier: ISC */
/*
 * diag.h - diagnostics on stderr and the -v protocol transcript.
 *
 * diag_proto(): with -v, one line per protocol line: "<-- 250 ok" for what
 * the server sent, "--> EHLO host" for what smtps sent.  Server text is made
 * visible (err_visible).  When `secret` is set, everything after the
 * command word is replaced: "--> AUTH PLAIN ***", "--> ***".
 * diag_info(): -v only, "smtps: ..." lines (TLS version, chosen account).
 * diag_warn(): always, "smtps: warning: ...".
 */
#ifndef SMTPS_DIAG_H
#define SMTPS_DIAG_H

#include <stddef.h>

void	diag_init(int verbose);
int	diag_verbose(void);
void	diag_proto(int outgoing, const char *line, size_t len, int secret);
void	diag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
