/*
 * secret.h - password sources and wiping.
 *
 * secret_get(): the account's `password`, else the output of `passwordeval`
 * (run with /bin/sh -c, stdout read up to LIMIT_PASSWORD, trailing newline
 * removed; non-zero exit or empty output -> EX_CONFIG "passwordeval failed"),
 * else NULL when no user is set.  The returned string is the caller's and
 * must be released with secret_free() which wipes it.
 */
#ifndef SMTPS_SECRET_H
#define SMTPS_SECRET_H

#include "conf.h"

int	secret_get(const struct account *, char **password, struct err *);
void	secret_free(char *);
/*
 * conf_eval_fn for `eval CMD` lines: the first line of CMD's output, run
 * and checked as passwordeval is (messages say "eval failed: ...").
 */
int	secret_eval(void *ctx, const char *cmd, char **line, struct err *);
void	secret_wipe(void *, size_t);

#endif
