/* SPDX-License-Identifier: ISC */
/*
 * conf.h - PURE msmtp-compatible configuration parser.
 *
 * Input: a buffer (the file's bytes), the file name (for messages) and the
 * home directory (for ~ expansion).  Output: the list of accounts, with
 * `defaults` and `account NAME : PARENT...` inheritance already applied,
 * each value remembering whether it was set explicitly (mask `set`).
 * No I/O, no globals, no exit.  Errors: EX_CONFIG with
 * "FILE:LINE: message" (e.g. "mailrc:7: unknown keyword 'hots'").
 *
 * Syntax (msmtp's): one `keyword [value]` per line; a line whose first
 * non-blank character is `#` is a comment (as in msmtp, a `#` later in a
 * line is part of the value); values may be quoted with
 * "..." where \" and \\ escape; a file-name value beginning with `~/` is
 * expanded with home; `defaults` starts the defaults section; `account NAME [:
 * P1[,P2...]]`
 * starts an account, copying P1.. (msmtp order); `account default : NAME`
 * names the default account.  An on/off keyword given without value means on.
 * Validation done here: keyword known, value syntax (port 1..65535, on|off,
 * timeout seconds or off, tls_fingerprint as SHA-256 hex with or without
 * colons, auth on|off|MECHANISM (sasl.h), queue_lifetime/queue_backoff_min/
 * queue_backoff_max and
 * passwordeval_timeout as a duration: seconds, or a number with suffix s, m,
 * h or d, 1 s .. 365 d), syslog (on, off or LOG_USER, LOG_MAIL,
 * LOG_LOCAL0..7; stored as the facility name, off = NULL), dsn_notify
 * (off, never, or a comma list of success, failure, delay; stored upper
 * case for NOTIFY=), dsn_return (off, headers, full; stored as HDRS/FULL),
 * set_from_header (auto, on, off), set_date_header and set_msgid_header
 * (auto, off), stored as 0/1/2 (HDR_AUTO/ON/OFF), duplicate account names,
 * oauth2_provider (microsoft, google, generic), oauth2_grant (device,
 * code, client_credentials), oauth2_*_url (https URLs, url.h),
 * oauth2_tenant (letters, digits, '.', '-'), oauth2_redirect_port
 * (1-65535), oauth2_token_file and oauth2_trust_file (file names;
 * oauth2_trust_file system = NULL), admin_address (stored as written;
 * account.c checks it), mailname_file (a file name or off).
 * Semantic checks (host present, ...) are account.c's.
 */
#ifndef SMTPS_CONF_H
#define SMTPS_CONF_H

#include <stddef.h>
#include "err.h"

/* bits of struct account.set: which keywords were given explicitly */
enum conf_key {
	K_HOST = 0, K_PORT, K_TLS, K_TLS_STARTTLS, K_TLS_TRUST_FILE,
	K_TLS_FINGERPRINT, K_TLS_CERTCHECK, K_TLS_PRIORITIES,
	K_TLS_HOST_OVERRIDE, K_AUTH, K_USER, K_PASSWORD, K_PASSWORDEVAL,
	K_FROM, K_DOMAIN, K_TIMEOUT, K_ALLOW_PLAINTEXT_AUTH,
	K_QUEUE_DIR, K_DEAD_LETTER, K_QUEUE, K_QUEUE_LIFETIME,
	K_QUEUE_BACKOFF_MIN, K_QUEUE_BACKOFF_MAX,
	K_ALIASES, K_MAILDOMAIN, K_LOGFILE, K_LOGFILE_TIME_FORMAT, K_SYSLOG,
	K_DSN_NOTIFY, K_DSN_RETURN, K_FROM_FULL_NAME, K_ALLOW_FROM_OVERRIDE,
	K_SET_FROM_HEADER, K_SET_DATE_HEADER, K_SET_MSGID_HEADER,
	K_REMOVE_BCC_HEADERS, K_SET_TO_HEADER,
	K_SOCKET, K_SOURCE_IP, K_PROXY_HOST, K_PROXY_PORT, K_PROTOCOL,
	K_TLS_CERT_FILE, K_TLS_KEY_FILE, K_TLS_CRL_FILE, K_AUTO_FROM,
	K_TLS_RESUME, K_PASSWORDEVAL_TIMEOUT,
	K_OAUTH2_PROVIDER, K_OAUTH2_CLIENT_ID, K_OAUTH2_CLIENT_SECRET,
	K_OAUTH2_CLIENT_SECRETEVAL, K_OAUTH2_TENANT, K_OAUTH2_SCOPE,
	K_OAUTH2_TOKEN_URL, K_OAUTH2_DEVICE_URL, K_OAUTH2_AUTH_URL,
	K_OAUTH2_GRANT, K_OAUTH2_TOKEN_FILE, K_OAUTH2_TRUST_FILE,
	K_OAUTH2_REDIRECT_PORT,
	K_SUBMIT_ALLOW, K_SUBMIT_RATE, K_SUBMIT_RECEIVED,
	K_ADMIN_ADDRESS, K_MAILNAME_FILE,
	K__COUNT
};

/*
 * A set of enum conf_key (which keywords were given explicitly), as wide
 * as the keyword table: conf_keys_has(), conf_keys_put() (on = 1 adds,
 * 0 removes), conf_keys_or() (dst |= src), conf_keys_eq().
 */
#define CONF_KEYS_WORDS	((K__COUNT + 63) / 64)
struct conf_keys {
	unsigned long long w[CONF_KEYS_WORDS];
};

struct account {
	char	*name;
	char	*host;
	int	 port;			/* 0 = not set */
	int	 tls;			/* 0/1 */
	int	 tls_starttls;		/* 0/1 */
	char	*tls_trust_file;	/* "system" or NULL = system trust */
	unsigned char tls_fingerprint[32]; /* valid when set has
					      K_TLS_FINGERPRINT */
	int	 tls_certcheck;		/* 0/1 */
	char	*tls_priorities;
	char	*tls_host_override;
	char	*auth;			/* "on", "off", "plain", "login" */
	char	*user;
	char	*password;
	char	*passwordeval;
	char	*from;
	char	*domain;
	int	 timeout;		/* seconds; 0 = off/default */
	int	 allow_plaintext_auth;	/* 0/1, smtps-only */
	char	*queue_dir;		/* smtps-only */
	char	*dead_letter;		/* smtps-only; "off" disables */
	int	 queue;			/* smtps-only; 0/1: keep and retry */
	int	 queue_lifetime;	/* smtps-only; seconds */
	int	 queue_backoff_min;	/* smtps-only; seconds */
	int	 queue_backoff_max;	/* smtps-only; seconds */
	char	*aliases;		/* aliases file (alias.h) or NULL */
	char	*maildomain;		/* qualifies bare recipients */
	char	*logfile;		/* "-" = stdout; NULL = none */
	char	*logfile_time_format;	/* strftime; NULL = msmtp's */
	char	*syslog;		/* "LOG_USER", "LOG_MAIL"...; NULL =
					   off */
	char	*dsn_notify;		/* "SUCCESS,FAILURE" ...; NULL = none */
	char	*dsn_return;		/* "FULL" or "HDRS"; NULL = none */
	char	*from_full_name;	/* default of -F */
	int	 allow_from_override;	/* 0/1: -f may replace `from` */
	int	 set_from_header;	/* HDR_AUTO/ON/OFF (hdr.h) */
	int	 set_date_header;	/* HDR_AUTO/OFF */
	int	 set_msgid_header;	/* HDR_AUTO/OFF */
	int	 remove_bcc_headers;	/* 0/1 */
	int	 set_to_header;	/* HDR_TO_OFF/ON/UNDISCLOSED (hdr.h);
					   also `undisclosed_recipients` */
	char	*socket;		/* unix socket path: replaces
					   host/port */
	char	*source_ip;		/* local address to bind, numeric */
	char	*proxy_host;		/* SOCKS5 proxy, or NULL */
	int	 proxy_port;		/* 0 = not set (1080) */
	char	*protocol;		/* "smtp" (NULL = smtp) or "lmtp" */
	char	*tls_cert_file;		/* client certificate (PEM) */
	char	*tls_key_file;		/* its private key (PEM) */
	char	*tls_crl_file;		/* CRL (PEM), deprecated in msmtp */
	int	 auto_from;		/* 0/1, deprecated: from =
					   %U@maildomain */
	int	 tls_resume;		/* 0/1, smtps-only: TLS session cache */
	int	 passwordeval_timeout;	/* smtps-only; seconds a secret command
					   may run without a terminal */
	/* OAuth2 (smtps only; oauth2.h says what they mean) */
	char	*oauth2_provider;	/* "microsoft", "google", "generic" */
	char	*oauth2_client_id;
	char	*oauth2_client_secret;	/* wiped like password */
	char	*oauth2_client_secreteval;
	char	*oauth2_tenant;		/* Microsoft: common, organizations,
					   ... */
	char	*oauth2_scope;
	char	*oauth2_token_url;	/* https URLs */
	char	*oauth2_device_url;
	char	*oauth2_auth_url;
	char	*oauth2_grant;		/* "device", "code",
					   "client_credentials" */
	char	*oauth2_token_file;	/* NULL:
					   $XDG_STATE_HOME/smtps/oauth2/NAME */
	char	*oauth2_trust_file;	/* the IdP's HTTPS; NULL: system
					   store */
	int	 oauth2_redirect_port;	/* code grant listener; 0: any */
	/* the system submission service (smtps only; subpolicy.h) */
	char	*submit_allow;		/* users, @groups, *; NULL: all */
	char	*submit_rate;		/* "N/DURATION" or "off"; NULL:
					   the default */
	int	 submit_received;	/* 0/1: add the Received: uid line */
	/* local mail (smtps only; aliasfile.h says what they mean) */
	char	*admin_address;		/* bare names without alias or
					   domain; NULL: the account's from */
	char	*mailname_file;		/* /etc/mailname (default), "off" */
	struct conf_keys set;		/* keywords given explicitly */
	const char *file;		/* config file name (not owned) */
	int	 line;			/* line of the `account` keyword */
	char	*owned_file;		/* NULL, or an owned copy that `file`
					   points to (set by account_load) */
};

struct conf {
	struct account	*acct;		/* accounts in file order */
	size_t		 nacct;
	char		*default_name;	/* from `account default : NAME`, or
					   NULL */
	int		 has_password;	/* some account sets `password` */
	char		*warnings;	/* "FILE:LINE: ..." lines, each ending
					   in \n, for deprecated or no-op
					   keywords; or NULL */
};

/*
 * `eval CMD` lines: the parser calls eval(ctx, CMD, &line, e), which must
 * return 0 and a malloc'ed first line of the command's output (parsed in
 * place of the eval line; it may not be another eval) or -1 with e set
 * (the error becomes "FILE:LINE: message" with the hook's exit code, so a
 * timed-out command stays EX_TEMPFAIL).  With eval NULL an `eval` line is an
 * error (the parser stays pure).
 */
typedef int (*conf_eval_fn)(void *ctx, const char *cmd, char **line,
	    struct err *);
int	conf_parse(const char *buf, size_t len, const char *file,
	    const char *home, conf_eval_fn eval, void *ctx, struct conf *,
	    struct err *);
/*
 * Set one keyword on an already parsed account, as if the line "kw value"
 * ended its section (command-line options such as --host).  Same checks
 * as in a file; errors are EX_USAGE without a FILE:LINE prefix.
 */
int	conf_override(struct account *, const char *kw, const char *value,
	    const char *home, struct err *);
/*
 * The account as text, one "keyword value" line per keyword of the table
 * (first line "account NAME"), the password shown as ***, unset values as
 * "(not set)" (tls_trust_file as "system", protocol as "smtp").  For
 * -P/--pretend.  The caller frees the string.
 */
char	*conf_format(const struct account *);
/* index of the account with this exact name, or -1 */
long	conf_find(const struct conf *, const char *name);
void	conf_free(struct conf *);	/* wipes passwords (freezero) */
/* copy every field of src into dst (deep), used for inheritance */
/* msmtp's `syslog` value (on, LOG_USER, LOG_MAIL, LOG_LOCAL0..7) to a
   syslog(3) facility; -1 when not valid */
int	conf_syslog_facility(const char *value);
int	conf_keys_has(const struct conf_keys *, enum conf_key);
void	conf_keys_put(struct conf_keys *, enum conf_key, int);
void	conf_keys_or(struct conf_keys *, const struct conf_keys *);
int	conf_keys_eq(const struct conf_keys *, const struct conf_keys *);
void	account_copy(struct account *dst, const struct account *src);
void	account_free(struct account *);	/* wipes password */

#endif
