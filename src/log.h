/*
 * log.h - diagnostics on stderr and the -v protocol transcript.
 *
 * log_proto(): with -v, one line per protocol line: "<-- 250 ok" for what
 * the server sent, "--> EHLO host" for what smtps sent.  Server text is made
 * visible (err_visible).  When `secret` is set, everything after the
 * command word is replaced: "--> AUTH PLAIN ***", "--> ***".
 * log_info(): -v only, "smtps: ..." lines (TLS version, chosen account).
 * log_warn(): always, "smtps: warning: ...".
 */
#ifndef SMTPS_LOG_H
#define SMTPS_LOG_H

#include <stddef.h>

void	log_init(int verbose);
int	log_verbose(void);
void	log_proto(int outgoing, const char *line, size_t len, int secret);
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
