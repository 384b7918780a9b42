/* SPDX-License-Identifier: ISC */
/*
 * limit.h - every hard limit and default of smtps, named in one place.
 *
 * Nothing else in the tree may use a bare size or timeout number.  A limit
 * that is hit is an error with a sysexits code, never a silent truncation.
 */
#ifndef SMTPS_LIMIT_H
#define SMTPS_LIMIT_H

/* network reads */
#define LIMIT_REPLY_LINE	2048	/* one server reply line, bytes, CRLF
					   excluded */
#define LIMIT_REPLY_LINES	128	/* lines in one (multi-line) reply */
#define LIMIT_REPLY_TEXT	8192	/* stored text of one reply, all
					   lines */
#define LIMIT_IO_BUF		65536	/* io read buffer and write buffer,
					   bytes */
#define LIMIT_SOCKS_REPLY	(4 + 1 + 255 + 2) /* longest SOCKS5 CONNECT
					   reply: a 255-byte domain name */
#define LIMIT_SOCKS_PORT	1080	/* proxy_port default (msmtp's) */
#define LIMIT_BDAT_PIPELINED	(1024 * 1024) /* largest message sent with
					   BDAT before the RCPT replies */

/* timeouts (milliseconds) used when the account has no `timeout` */
#define LIMIT_TIMEOUT_DEFAULT	(30 * 1000)	/* connect, handshake, each
						   reply */
#define LIMIT_TIMEOUT_DATA_END	(300 * 1000)	/* reply to the final dot */
#define LIMIT_TIMEOUT_QUIT	(2 * 1000)	/* reply to QUIT */
#define LIMIT_TIMEOUT_TLS_CLOSE	1000		/* the peer's close_notify */
#define LIMIT_TIMEOUT_PROBE	(3 * 1000)	/* --doctor: the first bytes
						   a port sends (greeting) */
#define LIMIT_POLL_TICK		1000		/* longest poll() of a wait that
						   watches a deadline (ms) */

/* local input */
#define LIMIT_HEADER_BLOCK	(1024 * 1024)	/* header block held in
						   memory */
#define LIMIT_MESSAGE		((long long)2 * 1024 * 1024 * 1024) /* 2 GiB */
#define LIMIT_RCPTS		4096	/* envelope recipients */
#define LIMIT_ADDR		512	/* one envelope address (RFC 5321:
					   256) */
#define LIMIT_CONF_FILE		(4 * 1024 * 1024) /* config file size */
#define LIMIT_ACCOUNTS		256	/* accounts in a config file; parents of
					   one */
#define LIMIT_CONF_VALUE	65536	/* one config value, bytes (OAuth
					   tokens) */
#define LIMIT_PASSWORD		65536	/* password or passwordeval/eval
					   output */
#define LIMIT_DOMAIN		255	/* host and domain names */
#define LIMIT_NETRC_FILE	(1024 * 1024)	/* ~/.netrc, /etc/netrc,
						   bytes */

/* password sources (secret.c) */
#define LIMIT_SECRET_CMD_TIMEOUT 30	/* seconds a secret command
					   (passwordeval, eval, the keyring
					   lookup, an OAuth2 secret command)
					   may run when there is no terminal;
					   passwordeval_timeout's default.
					   With a terminal: no limit */

/* SASL (AUTH) */
#define LIMIT_SASL_LINE		(3 * LIMIT_PASSWORD) /* one AUTH line or
					   response, base64 of user + secret */
#define LIMIT_SASL_STEPS	8	/* server challenges in one AUTH */
#define LIMIT_SASL_REASON	256	/* an OAuth2 error challenge's status
					   and scope, as reported */
#define LIMIT_SCRAM_ITER	1000000	/* largest SCRAM iteration count a
					   server may ask for (PBKDF2 work) */
#define LIMIT_SCRAM_MSG		1024	/* a SCRAM message, bytes */

/* the retry queue (defaults of the queue_* keywords, seconds) */
#define LIMIT_QUEUE_LIFETIME	(5 * 24 * 3600)	/* give up after 5 days */
#define LIMIT_QUEUE_BACKOFF_MIN	60		/* first retry after ~1 min */
#define LIMIT_QUEUE_BACKOFF_MAX	3600		/* retries at most ~1 h apart */
#define LIMIT_QUEUE_JITTER_PCT	10		/* +-10 % on every delay */
#define LIMIT_QUEUE_MAX_DURATION (365 * 24 * 3600) /* largest duration value */
#define LIMIT_QUEUE_ENV		(LIMIT_RCPTS * (LIMIT_ADDR + 8) + 16384)
						/* an entry's .env, bytes */
#define LIMIT_QUEUE_ENTRIES	100000		/* entries one scan looks at */
#define LIMIT_QUEUE_ID		64		/* queue ID, bytes */
#define LIMIT_QUEUE_DIR		2048		/* queue directory name,
						   bytes */
#define LIMIT_QUEUE_TMP_AGE	(24 * 3600)	/* stale tmp/orphan files */
#define LIMIT_FLUSH_RESCAN	30		/* flusher rescans at least this
						   often (new entries), s */
#define LIMIT_FLUSH_BUSY	2		/* recheck an entry locked by
						   another process, seconds */

/* aliases and -bs (smtps as an SMTP server on stdin/stdout) */
#define LIMIT_ALIASES		100000	/* entries in an aliases file */
#define LIMIT_ALIAS_DEPTH	32	/* nesting of alias expansion */
#define LIMIT_ALIAS_STEPS	100000	/* lookups in one expansion */
#define LIMIT_BS_LINE		4096	/* one -bs command line, bytes */
#define LIMIT_BS_ERRORS		50	/* bad -bs commands before 421 */
#define LIMIT_ENVID		100	/* -V envelope ID (RFC 3461: 100) */
#define LIMIT_USER_NAME		32	/* a local user name (useradd: 32) */
#define LIMIT_LINE		998	/* octets of one message line, CRLF
					   excluded (RFC 5321 4.5.3.1.6, RFC
					   5322 2.1.1): a longer body line is
					   re-encoded or refused, a longer
					   header line folded or refused */
#define LIMIT_QP_LINE		76	/* one quoted-printable line, the soft
					   break's '=' included (RFC 2045
					   6.7) */
#define LIMIT_FOLD_LINE		78	/* header lines folded to this length
					   when they can (RFC 5322 2.1.1) */
#define LIMIT_MIME_BOUNDARY	70	/* a multipart boundary (RFC 2046
					   5.1.1) */
#define LIMIT_MSGID		998	/* Message-ID in the log line (a header
					   line) */

/* the system submission service (submitd.c, submit.c, subproto.c) */
#define LIMIT_SUBMIT_HEAD	16384	/* a request's header block, bytes */
#define LIMIT_SUBMIT_ARGS	512	/* caller arguments in one request */
#define LIMIT_SUBMIT_ARG	1024	/* one caller argument, bytes */
#define LIMIT_SUBMIT_REPLY	4096	/* the status text relayed back (the
					   pipeline's stderr), bytes; more is
					   cut and marked */
#define LIMIT_SUBMIT_IO_TIMEOUT	30	/* seconds either side may wait for
					   the next bytes of a request, the
					   go-ahead or a reply write */
#define LIMIT_SUBMIT_WAIT	900	/* seconds a caller waits for the
					   status (the pipeline's first
					   delivery attempt runs meanwhile) */
#define LIMIT_SUBMIT_WORKERS	16	/* connections served at once; more
					   wait in the listen backlog */
#define LIMIT_SUBMIT_UIDS	1024	/* uids tracked by the rate limit */
#define LIMIT_SUBMIT_RATE	100	/* submit_rate default: messages ... */
#define LIMIT_SUBMIT_PERIOD	3600	/* ... per uid in this many seconds */
#define LIMIT_SUBMIT_LIST	4096	/* submit_allow value, bytes */
#define LIMIT_SUBMIT_STATE	65536	/* the rate state file (QUEUE/
					   submit-rate), bytes: 1024 uids
					   of at most 41 bytes and the magic
					   line fit */
#define LIMIT_LIST_REPLY	262144	/* a queue listing sent by the
					   service (mailq through the
					   socket), bytes; entries that do
					   not fit are counted, not shown */

/* TLS files and the session cache (tlscache.c) */
#define LIMIT_TLS_FILE		(1024 * 1024)	/* a PEM certificate, key,
						   CRL or trust file, bytes */
#define LIMIT_TLS_SESSION	65536		/* one cached session, bytes */
#define LIMIT_TLS_SESSION_AGE	(12 * 3600)	/* a cached session is
						   offered for at most this
						   long, seconds (the server's
						   ticket lifetime may be
						   shorter) */

/* OAuth2 (oauth2.c, tokstore.c, authorize.c) and its HTTPS client (http.c) */
#define LIMIT_URL		2048	/* path and query of one URL, bytes */
#define LIMIT_HTTP_HEAD		16384	/* status line and headers, bytes */
#define LIMIT_HTTP_HEADERS	100	/* header lines in one response */
#define LIMIT_HTTP_BODY		(256 * 1024) /* response body, bytes */
#define LIMIT_HTTP_CHUNK_LINE	64	/* one chunk-size line, bytes */
#define LIMIT_OAUTH2_FILE	65536	/* a token file, bytes */
#define LIMIT_OAUTH2_TOKEN	16384	/* one access or refresh token, bytes */
#define LIMIT_OAUTH2_EARLY	60	/* an access token this close to its
					   expiry (s) is refreshed first */
#define LIMIT_OAUTH2_LIFETIME	3600	/* assumed when the IdP gives no
					   expires_in, seconds */
#define LIMIT_OAUTH2_LOCK	60	/* wait for another process's token
					   refresh at most this long, s */
#define LIMIT_OAUTH2_LOCK_POLL	20	/* ... trying the lock every ms */
#define LIMIT_OAUTH2_POLL	5	/* device grant: poll interval when the
					   IdP names none, seconds */
#define LIMIT_OAUTH2_POLL_MAX	60	/* ... and the largest one
					   (slow_down) */
#define LIMIT_OAUTH2_DEVICE_WAIT 900	/* device grant: give up after, s,
					   when the IdP names no expires_in */
#define LIMIT_OAUTH2_CODE_WAIT	600	/* code grant: wait for the redirect
					   or the pasted URL this long, s */
#define LIMIT_OAUTH2_VERIFIER	64	/* PKCE code_verifier, characters
					   (RFC 7636: 43..128) */

/* file names (fspath.c: a longer one is an error, never cut) */
#define LIMIT_PATH		4096	/* a file name smtps builds, NUL
					   included */
#define LIMIT_PATH_QUOTED	64	/* bytes of a too long one quoted */

/* text made visible and quoted in messages, replies and listings (a
   longer text is cut there: what it quotes is bounded elsewhere) */
#define LIMIT_QUOTE_WORD	64	/* a code word (an IdP error) */
#define LIMIT_QUOTE_SHORT	128	/* a name, a reason (HELO argument,
					   Content-Type, a SCRAM error) */
#define LIMIT_QUOTE		256	/* a sentence (a reply text after a
					   recipient, an IdP description) */
#define LIMIT_QUOTE_LONG	1024	/* a certificate field (-S) */
#define LIMIT_SASL_LIST		192	/* "PLAIN LOGIN ..." lists of
					   mechanisms in messages */
#define LIMIT_BS_REPLY		1024	/* one -bs reply line */
#define LIMIT_BS_RESULT		700	/* the delivery result quoted in the
					   -bs reply to the dot */
#define LIMIT_BS_BUF		65536	/* -bs input read at once, bytes */
#define LIMIT_LOG_LINE		4096	/* one logfile/syslog line */
#define LIMIT_LOG_TIME		256	/* its time stamp
					   (logfile_time_format) */
#define LIMIT_DEAD_FROM		(LIMIT_ADDR + 88) /* the "From sender date"
					   line of a dead.letter entry */

/* messages */
#define LIMIT_ERR_MSG		1024	/* struct err message */
#define LIMIT_ERR_REPLY		1024	/* struct err server reply (made
					   visible) */
#define LIMIT_LOG_EXTRA		512	/* a log line: room for the words
					   around an error message */
#define LIMIT_ERR_KEPTPATH	512	/* struct err: where the message was
					   kept */
#define LIMIT_REPLY_QUOTED	900	/* bytes of a server reply quoted in an
					   error message (the rest: "...") */

/* --configure: the largest DNS answer read for an SRV query */
#define LIMIT_DNS_ANSWER	4096
#define LIMIT_SRV_RECORDS	8	/* SRV records kept per name */

#endif
