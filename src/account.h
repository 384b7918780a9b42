/* SPDX-License-Identifier: ISC */
/*
 * account.h - find, read and check the config file, choose the account,
 * apply smtps's secure defaults exactly once, validate the result.
 *
 * Config file: opts->conffile (-C), else $XDG_CONFIG_HOME/smtps/mailrc
 * (default ~/.config/smtps/mailrc), else /etc/smtps/mailrc.  A file that
 * sets `password` and is readable by group or others -> EX_CONFIG.
 *
 * Account choice: -a NAME; else the account whose `from` equals the
 * envelope sender (-f), case-insensitively, or matches it as a wildcard
 * pattern (?, *, [), `from` taken after %U %H %C %M substitution; then the
 * same with a "+detail" removed from the sender's local part; else
 * `account default : NAME`; else an account named "default"; else the
 * first account.  The chosen account's `from` is returned substituted.
 * Command-line keyword options (opts->ovr, -N, -R) are applied to the
 * chosen account before the defaults (conf_override).
 *
 * Secure defaults (DESIGN, "Security rules"), applied when not set explicitly:
 *   tls        on, except host is loopback (localhost, 127.0.0.0/8, ::1)
 *              or `socket` is set
 *   tls_starttls  port 465 -> off (implicit TLS); other port -> on
 *   port       465 if tls and not tls_starttls explicitly on; 587 with
 *              tls_starttls on; 25 with tls off; 24 with protocol lmtp
 *              (then STARTTLS when tls is on)
 *   tls_certcheck on; allow_from_override on; remove_bcc_headers on;
 *   submit_received on; set_*_header auto; auth on when user is set;
 *   timeout 0 = defaults of limit.h; queue_dir $XDG_STATE_HOME/smtps/queue
 *   (~/.local/state/smtps/queue); dead_letter ~/dead.letter; domain: none
 *   (smtp uses the FQDN or "localhost"); queue on; queue_lifetime 5 days,
 *   queue_backoff_min 60 s, queue_backoff_max 3600 s (or the minimum when
 *   that is larger): LIMIT_QUEUE_* in limit.h; passwordeval_timeout
 *   LIMIT_SECRET_CMD_TIMEOUT; proxy_port 1080
 *   (LIMIT_SOCKS_PORT) when proxy_host is set; mailname_file
 *   SMTPS_MAILNAME (/etc/mailname); admin_address: none (aliasfile uses
 *   the account's from).
 * Validation: host required unless socket is set; socket with tls on needs
 * tls_host_override or host (the certificate's name) -> else EX_CONFIG;
 * auth other than off needs a user (the password is looked up when
 * sending, secret.h); queue_backoff_max smaller than queue_backoff_min ->
 * EX_CONFIG; tls_cert_file without tls_key_file or the reverse ->
 * EX_CONFIG naming it; admin_address not a full address (local@domain,
 * path.h) -> EX_CONFIG.  What needs more than the file (the client
 * certificate, key and CRL must load; the warnings shown) is acctready's.
 *
 * account.c prints nothing and uses no TLS: the parser's warnings come
 * back in *warnings (when not NULL; caller frees; NULL when none, set even
 * when the load fails after the account was chosen), and
 * account_warning() words the one warning about the account itself:
 * tls_certcheck off without tls_fingerprint is allowed but warned.
 */
#ifndef SMTPS_ACCOUNT_H
#define SMTPS_ACCOUNT_H

#include "conf.h"
#include "flags.h"

/* the domain Debian's MTAs give to local names (%M, mailname_file) */
#define SMTPS_MAILNAME	"/etc/mailname"

/* Fill *out (caller frees with account_free).  Returns 0 or -1. */
int	account_load(const struct opts *, struct account *out,
	    char **warnings, struct err *);
/* 1 when no -C was given and none of the config files exists (newaliases
   has nothing to rebuild then), else 0 */
int	account_conf_missing(const struct opts *);
/* Apply the defaults above to a (parsed) account; exposed for tests. */
void	account_defaults(struct account *, const char *home);
int	account_validate(const struct account *, struct err *);
int	account_host_is_loopback(const char *host);
/* does a session of this account sign in (AUTH)?  The one place that
   decides: a user and auth not "off"; auth unset is "on" with a user */
int	account_auth_on(const struct account *);
/* "account 'NAME' (FILE:LINE)", the prefix of validation errors */
void	account_where(const struct account *, char *buf, size_t sz);
/* 1 and the warning's text in buf when the account earns one, else 0 */
int	account_warning(const struct account *, char *buf, size_t sz);
/* 1 when the user has a config file of their own (the user file above
   exists, readable or not), else 0: the submission service decides */
int	account_has_user_conf(void);
/* the user file's name ($XDG_CONFIG_HOME/smtps/mailrc or
   ~/.config/smtps/mailrc) into path: 0, or -1 with e */
int	account_user_conf(char *path, size_t sz, struct err *);
/* 1 when SMTPS_SYSTEM_CONF can be opened for reading, else 0 */
int	account_system_conf_readable(void);
/* the server's name for messages: host, else the socket path */
const char *account_server(const struct account *);

#endif
