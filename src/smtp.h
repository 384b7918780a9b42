/* SPDX-License-Identifier: ISC */
/*
 * smtp.h - SMTP submission sessions, top to bottom.
 *
 * smtp_open(): connect (net), implicit TLS or plain then STARTTLS (tls),
 * greeting, EHLO, AUTH.  Returns the session or NULL (e filled).  Refuses
 * (EX_CONFIG) to authenticate without TLS unless allow_plaintext_auth.
 *
 * smtp_deliver(): one message on an open session: MAIL FROM (SIZE=,
 * BODY=8BITMIME; RET= from the account's dsn_return and ENVID= from
 * env->envid when the server offers DSN; SMTPUTF8 and REQUIRETLS as
 * sp->intl and the addresses ask, decided before MAIL by smtpintl.c: a
 * non-ASCII domain becomes A-labels for a server without SMTPUTF8, a
 * message that needs SMTPUTF8 or REQUIRETLS the server lacks is
 * EX_UNAVAILABLE, REQUIRETLS without TLS EX_CONFIG, an invalid
 * internationalised domain EX_DATAERR, nothing sent for any of them),
 * RCPT TO (NOTIFY= from dsn_notify when DSN is offered; without DSN
 * these requests are dropped with a -v note, unlike msmtp, which fails)
 * each recipient whose st[i] is SMTP_PENDING, DATA (pipelined when
 * offered), the dot-stuffed body streamed from the spool.
 * st[] (one per recipient) is updated: SMTP_DONE when the server took the
 * message for it, SMTP_DEFERRED when it was refused temporarily and
 * `partial` allowed delivering to the others.  Recipient rules:
 *  - any 5xx RCPT: RSET (or drop the connection before any message byte
 *    when a pipelined DATA was already accepted), nobody in that
 *    transaction gets the message, every refused recipient is named,
 *    EX_NOUSER;
 *  - 452 "too many recipients" for a tail of the list: the accepted ones
 *    get the message, the rest follow in a new transaction;
 *  - other 4xx: with `partial`, the accepted ones get the message and the
 *    refused ones are SMTP_DEFERRED; without it, RSET and nobody gets it.
 * Returns 0 when every recipient is SMTP_DONE, else -1 with e describing
 * the failure (EX_TEMPFAIL for deferred recipients); st[] still says who
 * got it.  err->after_dot is set when the connection failed after the
 * final dot (the server may have taken the message: a retry may
 * duplicate it).  Each read has a deadline.
 *
 * LMTP (account `protocol lmtp`, RFC 2033): LHLO instead of EHLO (also
 * after STARTTLS), never BDAT, and after the final dot one reply per
 * accepted recipient, in RCPT order: 2xx SMTP_DONE, 4xx SMTP_DEFERRED,
 * 5xx SMTP_REFUSED (the others already have the message).  Then -1 with
 * e: EX_NOUSER naming the refused ones when there are any, else
 * EX_TEMPFAIL naming the deferred ones.  When the connection fails among
 * these replies, the recipients answered so far keep their state and the
 * rest stay SMTP_PENDING (e->after_dot set).
 *
 * smtp_tls_version(), smtp_auth_mech(): for the log line: the TLS version
 * ("TLS1.3"; "" without TLS) into out, the SASL mechanism used ("PLAIN";
 * NULL when the session did not authenticate).  smtp_last_reply(): the
 * last reply read ("250 2.0.0 Ok: queued as X", made visible; "" before
 * any), for the log line after a delivery.
 *
 * smtp_serverinfo(): -S/--serverinfo: connect, TLS as the account says
 * (verified as always), EHLO, then QUIT; never AUTH, never mail.  Returns
 * text the caller frees: server, TLS version and cipher, the certificate
 * chain (tls_peer, serverinfo_tls), and the EHLO capabilities (AUTH mechanisms
 * among them), all made visible; NULL with e filled on failure.
 *
 * smtp_keep_open(s, 1): more messages will follow on this session (0: the
 * next transaction is the last; the default).  Without
 * it, QUIT is sent together with the final dot of the last transaction
 * (one round trip fewer) and the session then carries no more messages;
 * its 221 is read before smtp_deliver() returns.  With it, RSET goes with
 * the dot and its 250 is read instead: either proves the reply taken for
 * the dot was the dot's (a late one is read for them and cannot pass).
 * AUTH is never pipelined: no mail command leaves before the server said
 * 235.
 *
 * Replies out of step (a code the command cannot get, RFC 5321 4.3.2;
 * bytes waiting when no reply is due; a QUIT sent with the dot answered
 * by anything but 221): EX_PROTOCOL and nothing delivered when found
 * before the final dot; after it, EX_TEMPFAIL with err->after_dot set
 * (the message may have been taken: queued, a duplicate noted).
 *
 * --doctor walks a session step by step: smtp_open_look() connects, TLS as
 * the account says (verified as always), greeting, EHLO, STARTTLS and
 * EHLO again, never AUTH; *stage says how far it got, also on failure
 * (NULL returned, e filled).  On the open session: smtp_peer() fills p
 * with what tls_peer() gives (0: no TLS, p untouched; 1: p filled, the
 * caller frees it with serverinfo_peer_free), smtp_caps_text() the EHLO
 * capabilities as "A, B, C" made visible, smtp_auth_choice() the
 * mechanisms offered (into offered, "" when AUTH is not offered) and
 * the one smtp_open() would pick (its AUTH_* bit; 0: none offered or the
 * account signs in with no user; -1 with e: none fits), smtp_sign_in()
 * the AUTH exchange with credentials c as smtp_open() does it; then
 * smtp_verify() (below) is the dry run: MAIL, RCPT, RSET.
 *
 * smtp_usable(): the session can carry another message.
 * smtp_close(): QUIT when usable, close, free.  NULL is allowed.
 */
#ifndef SMTPS_SMTP_H
#define SMTPS_SMTP_H

#include "conf.h"
#include "queue.h"

struct envelope {
	const char	 *from;		/* "" = null sender */
	char		**rcpts;
	size_t		  nrcpts;
	const char	 *envid;	/* -V: DSN ENVID= (xtext-encoded here),
					   or NULL */
	const char	 *notify;	/* NOTIFY= (a queued message's); NULL:
					   the account's dsn_notify */
	const char	 *ret;		/* RET=, the same; NULL: dsn_return */
};

/* how far smtp_open_look() got: the last step done */
enum smtp_stage {
	SMTP_ST_NONE = 0,	/* not connected */
	SMTP_ST_CONNECTED,	/* TCP (or socket, proxy) up */
	SMTP_ST_TLS,		/* implicit TLS established */
	SMTP_ST_GREETED,	/* 220 greeting read */
	SMTP_ST_EHLO,		/* EHLO answered */
	SMTP_ST_STARTTLS,	/* STARTTLS done, TLS established */
	SMTP_ST_READY		/* all done: AUTH would be next */
};

/* SMTP_REFUSED: refused permanently after the data (LMTP only) */
enum smtp_rcpt { SMTP_PENDING = 0, SMTP_DONE, SMTP_DEFERRED, SMTP_REFUSED };

struct smtp;
struct cred;

/* c (cred.h) must outlive the session; its secret may be renewed */
struct smtp	*smtp_open(const struct account *, struct cred *c,
		    struct err *);
int	smtp_deliver(struct smtp *, const struct envelope *, struct spool *,
	    int partial, enum smtp_rcpt *st, struct err *);
int	smtp_usable(const struct smtp *);
void	smtp_keep_open(struct smtp *, int);
void	smtp_tls_version(const struct smtp *, char *out, size_t outsz);
const char *smtp_auth_mech(const struct smtp *);
void	smtp_last_reply(const struct smtp *, char *out, size_t outsz);
char	*smtp_serverinfo(const struct account *, struct err *);
/*
 * -bv: MAIL FROM, one RCPT per recipient (not pipelined), then RSET; no
 * message is sent (addresses as smtp_deliver() would send them: SMTPUTF8
 * or A-labels).  codes[i] gets the reply code of recipient i and
 * texts[i] its text made visible (malloc'ed, caller frees).  Returns -1
 * (e filled) when MAIL or the connection fails.
 */
int	smtp_verify(struct smtp *, const struct envelope *, int *codes,
	    char **texts, struct err *);
void	smtp_close(struct smtp *);

struct serverinfo_peer;
struct smtp	*smtp_open_look(const struct account *, enum smtp_stage *,
		    struct err *);
int	smtp_peer(struct smtp *, struct serverinfo_peer *p);
void	smtp_caps_text(const struct smtp *, char *out, size_t outsz);
int	smtp_auth_choice(struct smtp *, char *offered, size_t offeredsz,
	    struct err *);
int	smtp_sign_in(struct smtp *, struct cred *c, struct err *);

/*
 * The name smtps gives itself (EHLO, fallback Message-ID domain): the
 * host's fully qualified name when it has one, else "localhost".
 */
void	smtp_local_name(char *out, size_t outsz);

#endif
