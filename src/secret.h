/* SPDX-License-Identifier: ISC */
/*
 * secret.h - password sources, the secret-command runner, wiping.
 *
 * secret_get(): the account's password, from the first source that has
 * one, in msmtp's order:
 *   1. `password`
 *   2. `passwordeval` (secret_run)
 *   3. the system keyring: `secret-tool lookup host H service smtp user U`
 *      (libsecret-tools), then the old GNOME Keyring attributes `user U
 * protocol smtp server H` (msmtp reads both), only when secret-tool is in PATH
 * and a D-Bus
 *      session bus is reachable ($DBUS_SESSION_BUS_ADDRESS, or the socket
 *      $XDG_RUNTIME_DIR/bus); no entry (or any failure but the time
 *      limit) -> the next source, silently
 *   4. ~/.netrc, then /etc/netrc (netrc.h: machine H, login U); a file
 *      that holds this password and can be read by others (~/.netrc:
 *      group or others; /etc/netrc: others) -> EX_CONFIG
 *   5. a prompt on the controlling terminal (prompt_hidden, prompt.h),
 *      "password for U at H: ", echo off
 * H is the account's host (its socket when it has none), U its user.
 * Nothing is looked up (NULL, 0) for `auth off`, `auth external` or an
 * account without a user.  No source and no terminal -> EX_CONFIG "no
 * password for user U at H (set password, passwordeval, a keyring entry
 * or ~/.netrc)"; an empty answer or EOF at the prompt -> EX_CONFIG.
 * With -v one line names the source ("password for user U from
 * ~/.netrc"; the others: "the configuration (password)", "passwordeval",
 * "the keyring (secret-tool)", "/etc/netrc", "the terminal"),
 * never the value.  The returned string is the caller's; release it with
 * secret_free() which wipes it.
 *
 * secret_run(): THE runner for every command smtps runs for a secret
 * (passwordeval, eval, the keyring lookup, OAuth2 secret commands).
 * "/bin/sh -c CMD", stdin /dev/null, stderr passed through; the first
 * line of stdout (at most LIMIT_PASSWORD - 1 bytes read, CR LF removed).
 * Non-zero exit, a signal, empty first line, a NUL byte or too much
 * output -> EX_CONFIG "WHAT failed: ...".  `what` names the keyword in
 * messages.  Time limit: when the process has no controlling terminal
 * (prompt_have_tty() is 0, prompt.h: cron, a detached flusher, a GUI),
 * the command runs in its own process group and gets limit_s seconds (<= 0:
 * LIMIT_SECRET_CMD_TIMEOUT); past that the whole group is killed and the
 * result is EX_TEMPFAIL "WHAT timed out after N s (no terminal; ...)".
 * With a terminal there is no limit (a pinentry may be asking for a
 * passphrase) and the command stays in smtps's process group.
 */
#ifndef SMTPS_SECRET_H
#define SMTPS_SECRET_H

#include "conf.h"

int	secret_get(const struct account *, char **password, struct err *);
int	secret_run(const char *what, const char *cmd, int limit_s, char **out,
	    struct err *);
/*
 * conf_eval_fn for `eval CMD` lines: secret_run("eval", CMD) with the
 * default limit (the account's passwordeval_timeout is not known yet).
 */
int	secret_eval(void *ctx, const char *cmd, char **line, struct err *);
void	secret_free(char *);
void	secret_wipe(void *, size_t);

#endif
