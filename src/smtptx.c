/* SPDX-License-Identifier: ISC */
/*
 * smtptx.c - the SMTP mail transaction (contract: smtp.h, smtp_deliver()
 * and smtp_verify()), read top to bottom in smtp_deliver() and
 * transaction().  The session it runs on (smtp_open() and the rest) is in
 * smtp.c; what both share is in smtp_int.h.
 *
 * The envelope (MAIL, every RCPT, DATA) is sent in one write when the
 * server offers PIPELINING.  When a transaction must be abandoned (a
 * refused RCPT), nothing is sent: RSET, or, when the server already said
 * 354 to the pipelined DATA, the connection is dropped before any message
 * byte (RFC 5321 says an unterminated DATA must not be delivered).  Partial
 * deliveries: a 452 "too many recipients" tail (the rest follow in a new
 * transaction) and, when the caller can queue the rest, temporary
 * refusals (those recipients are deferred).
 *
 * Every reply must answer its command (smtp_get_reply checks the code
 * against reply_allowed), and no byte may be waiting when no reply is
 * due: before the message, before the final dot, and after the last
 * reply (smtp_no_stray); the QUIT or RSET sent with the dot (proof_plan)
 * has its reply read here.
 * Before the dot, replies out of step end the session with EX_PROTOCOL
 * and nothing delivered; after it, the message may have been taken
 * (the 250 read may have answered something else): EX_TEMPFAIL with
 * after_dot set, so it is queued and the possible duplicate noted.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "dot.h"
#include "io.h"
#include "diag.h"
#include "queue.h"
#include "reply.h"
#include "smtp.h"
#include "smtp_int.h"

/* outcome of one RCPT in one transaction */
enum rc_state { RC_OK, RC_TOOMANY, RC_TEMP, RC_PERM };

/* the message's NOTIFY= and RET= values (its own, else the account's) */
static const char *
env_notify(const struct smtp *s, const struct envelope *env)
{
	return env->notify != NULL ? env->notify : s->a->dsn_notify;
}

static const char *
env_ret(const struct smtp *s, const struct envelope *env)
{
	return env->ret != NULL ? env->ret : s->a->dsn_return;
}

/* RET= and ENVID= (RFC 3461) when asked for and offered; else a -v note */
static void
dsn_params(struct smtp *s, const struct envelope *env, char *p, size_t sz)
{
	const unsigned char *c;
	char hex[4];

	if (!(s->caps.flags & CAP_DSN)) {
		if (env_ret(s, env) || env_notify(s, env) || env->envid)
			diag_info("server %s does not offer DSN: delivery "
			    "status notification requests (-N, -R, -V) dropped",
			    account_server(s->a));
		return;
	}
	if (env_ret(s, env) != NULL) {
		strlcat(p, " RET=", sz);
		strlcat(p, env_ret(s, env), sz);
	}
	if (env->envid == NULL)
		return;
	strlcat(p, " ENVID=", sz);
	for (c = (const unsigned char *)env->envid; *c != '\0'; c++) {
		if (*c < 33 || *c > 126 || *c == '+' || *c == '=')
			snprintf(hex, sizeof(hex), "+%02X", *c);
		else
			snprintf(hex, sizeof(hex), "%c", *c);
		strlcat(p, hex, sz);
	}
}

/* queue MAIL FROM with its parameters */
static int
mail_from(struct smtp *s, const struct envelope *env,
    const struct spool *sp, struct err *e)
{
	char params[96 + 3 * LIMIT_ENVID] = "";

	if (s->caps.flags & CAP_SIZE) {
		if (s->caps.size > 0 &&
		    (unsigned long long)sp->size > s->caps.size)
			return err_set(e, EX_DATAERR, "message is %lld bytes, "
			    "server %s accepts at most %llu", (long long)
			    sp->size, account_server(s->a), s->caps.size);
		snprintf(params, sizeof(params), " SIZE=%lld",
		    (long long)sp->size);
	}
	if (sp->eightbit && (s->caps.flags & CAP_8BITMIME))
		strlcat(params, " BODY=8BITMIME", sizeof(params));
	dsn_params(s, env, params, sizeof(params));
	if (s->mail_params != NULL)
		strlcat(params, s->mail_params, sizeof(params));
	return smtp_cmd(s, 0, e, "MAIL FROM:<%s>%s", env->from, params);
}

/*
 * Read the RCPT replies for the recipients idx[0..n) into rc[].  Returns
 * the number accepted; refusals are described in e (all, one line).
 */
static long
rcpt_replies(struct smtp *s, const struct envelope *env, const size_t *idx,
    size_t n, enum rc_state *rc, struct err *e)
{
	char what[LIMIT_ADDR + 16], list[LIMIT_ERR_MSG] = "",
	    vis[LIMIT_QUOTE];
	size_t k;
	long ok = 0;

	for (k = 0; k < n; k++) {
		const char *to = env->rcpts[idx[k]];
		int code;

		snprintf(what, sizeof(what), "RCPT TO:<%s>", to);
		if (smtp_get_reply(s, REPLY_TO_RCPT, s->timeout_ms, what,
		    e) == -1)
			return -1;
		code = s->r.code;
		if (code / 100 == 2) {
			rc[k] = RC_OK;
			ok++;
			continue;
		}
		rc[k] = code == 452 ? RC_TOOMANY : code / 100 == 4 ? RC_TEMP :
		    RC_PERM;
		err_visible(vis, sizeof(vis), s->r.text, s->r.len);
		snprintf(what, sizeof(what), "%s<%s> (%d %s)",
		    list[0] ? "; " : "", to, code, vis);
		strlcat(list, what, sizeof(list));
		if (e->code == 0 || e->code == EX_TEMPFAIL)
			err_from_reply(e, PH_RCPT, code, s->r.text, s->r.len,
			    "recipient");
	}
	if (list[0] != '\0') {
		int code = e->code;

		err_set(e, code, "recipient%s refused: %s",
		    strchr(list, ';') ? "s" : "", list);
	}
	return ok;
}

/*
 * Go on with the accepted recipients?  No (-1) when one is refused
 * permanently, none is accepted, or one is refused temporarily and
 * `partial` is off.  A 452 that is not part of the tail counts as an
 * ordinary temporary refusal.
 */
static int
rcpt_verdict(enum rc_state *rc, size_t n, long ok, int partial)
{
	size_t k, tail = n;

	while (tail > 0 && rc[tail - 1] == RC_TOOMANY)
		tail--;
	for (k = 0; k < n; k++) {
		if (rc[k] == RC_PERM)
			return -1;
		if (rc[k] == RC_TOOMANY && k < tail)
			rc[k] = RC_TEMP;
		if (rc[k] == RC_TEMP && !partial)
			return -1;
	}
	return ok > 0 ? 0 : -1;
}

/* dot-stuff one block of the spool straight into io's write buffer */
static int
stuff_out(struct io *io, struct dot *d, const char *p, size_t n,
    struct err *e)
{
	size_t room, used;
	char *w;

	while (n > 0) {
		if ((w = io_wspace(io, 2, &room, e)) == NULL)
			return -1;
		io_wcommit(io, dot_stuff_room(d, p, n, w, room, &used));
		p += used;
		n -= used;
	}
	return 0;
}

/*
 * The spool from where it stands, read in LIMIT_IO_BUF blocks into io:
 * dot-stuffed through d, or as it is when d is NULL (BDAT).
 */
static int
spool_out(struct smtp *s, struct spool *sp, struct dot *d, struct err *e)
{
	char *in = xmalloc(LIMIT_IO_BUF);
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = read(sp->fd, in, LIMIT_IO_BUF)) != 0) {
		if (n == -1)
			rc = err_set(e, EX_IOERR, "cannot read the spool file");
		else if (d != NULL)
			rc = stuff_out(s->io, d, in, (size_t)n, e);
		else
			rc = io_write(s->io, in, (size_t)n, e);
	}
	free(in);
	return rc;
}

/*
 * The body after DATA: the spool is read in LIMIT_IO_BUF blocks and
 * dot-stuffed straight into io's write buffer, which leaves in
 * LIMIT_IO_BUF writes (full TLS records): one copy of the body in this
 * process; dot_stuff_room copies the spans between line-start dots whole.
 */
static int
send_body(struct smtp *s, struct spool *sp, struct err *e)
{
	char end[8];
	struct dot d;

	dot_init(&d);
	if (lseek(sp->fd, 0, SEEK_SET) == -1)
		return err_set(e, EX_IOERR, "cannot rewind the spool file");
	if (smtp_no_stray(s, "the 354 to DATA, before the message", e) == -1 ||
	    spool_out(s, sp, &d, e) == -1 ||
	    smtp_no_stray(s, "the 354 to DATA, before the final dot", e) == -1)
		return -1;
	queue_dot_mark(sp);	/* a kill from here on: a possible duplicate */
	if (io_write(s->io, end, dot_stuff_end(&d, end), e) == -1)
		return -1;
	diag_proto(1, "<message body>", 14, 0);
	s->due++;		/* the reply to the dot */
	return 0;
}

/* leave a transaction that will not be completed */
static void
abandon(struct smtp *s, int in_data)
{
	struct err ignore;

	err_clear(&ignore);
	if (in_data || s->broken)
		return;		/* caller drops the connection: no dot sent */
	if (smtp_cmd(s, 0, &ignore, "RSET") == 0)
		(void)smtp_get_reply(s, REPLY_TO_RSET, s->timeout_ms, "RSET",
		    &ignore);
}

/* MAIL, RCPTs, DATA; replies into rc[]; 0: go on with the body */
static int
envelope_out(struct smtp *s, const struct envelope *env, const size_t *idx,
    size_t n, struct spool *sp, int partial, enum rc_state *rc,
    struct err *e)
{
	int pipe = (s->caps.flags & CAP_PIPELINING) != 0, go;
	struct err de;
	size_t k;
	long ok = 0;
	const char *notify = (s->caps.flags & CAP_DSN) ? env_notify(s, env) :
	    NULL;

	if (mail_from(s, env, sp, e) == -1 ||
	    (!pipe && smtp_expect(s, REPLY_TO_MAIL, 2, PH_MAIL, s->timeout_ms,
	    "MAIL FROM", e) == -1))
		return -1;
	for (k = 0; k < n; k++) {
		long r;

		if (smtp_cmd(s, 0, e, "RCPT TO:<%s>%s%s", env->rcpts[idx[k]],
		    notify ? " NOTIFY=" : "", notify ? notify : "") == -1)
			return -1;
		if (!pipe && (r = rcpt_replies(s, env, idx + k, 1, rc + k,
		    e)) == -1)
			return -1;
		if (!pipe)
			ok += r;
	}
	if (pipe && (smtp_cmd(s, 0, e, "DATA") == -1 || smtp_expect(s,
	    REPLY_TO_MAIL, 2, PH_MAIL, s->timeout_ms, "MAIL FROM", e) == -1 ||
	    (ok = rcpt_replies(s, env, idx, n, rc, e)) == -1))
		return -1;
	go = rcpt_verdict(rc, n, ok, partial) == 0;
	if (!pipe && !go) {
		abandon(s, 0);
		return -1;
	}
	if (!pipe && smtp_cmd(s, 0, e, "DATA") == -1)
		return -1;
	err_clear(&de);
	if (smtp_expect(s, REPLY_TO_DATA, 3, PH_DATA, s->timeout_ms, "DATA",
	    &de) == 0 && go)
		return 0;
	if (go || s->desync)
		*e = de;		/* DATA refused, or out of step */
	else if (de.code == 0) {	/* 354 to a pipelined DATA: drop */
		s->broken = 1;
		return -1;
	} else
		abandon(s, 0);
	return -1;
}

/*
 * CHUNKING (RFC 3030) for one recipient: MAIL, RCPT, "BDAT size LAST" and
 * the message (as spooled: CRLF, no dot-stuffing) leave in one flight.
 * All-or-nothing still holds with a single recipient: when its RCPT is
 * refused the transaction has no recipient and the server refuses the
 * chunk.  Larger messages wait for the replies (DATA), so a refusal
 * does not cost the whole upload.
 */
static int
use_bdat(const struct smtp *s, size_t n, const struct spool *sp)
{
	return n == 1 && !s->lmtp && (s->caps.flags & CAP_CHUNKING) &&
	    (s->caps.flags & CAP_PIPELINING) && sp->size >= 0 &&
	    sp->size <= LIMIT_BDAT_PIPELINED;
}

static int
send_chunk(struct smtp *s, struct spool *sp, struct err *e)
{
	struct stat sb;

	if (fstat(sp->fd, &sb) == -1 || lseek(sp->fd, 0, SEEK_SET) == -1)
		return err_set(e, EX_IOERR, "cannot read the spool file");
	queue_dot_mark(sp);	/* the whole message in one LAST chunk */
	if (smtp_cmd(s, 0, e, "BDAT %lld LAST", (long long)sb.st_size) == -1)
		return -1;
	if (spool_out(s, sp, NULL, e) == -1)
		return -1;
	diag_proto(1, "<message body>", 14, 0);
	return 0;
}

/*
 * After the dot (or BDAT LAST) the replies were out of step: the 250 or
 * the refusal read may have answered something else, so the message may
 * or may not have been taken.  Queue it (EX_TEMPFAIL), noting that a
 * retry may duplicate it.
 */
static int
possibly_delivered(struct smtp *s, struct err *e)
{
	s->broken = 1;
	e->after_dot = ERR_DOT_DESYNC;
	if (e->code == EX_PROTOCOL)
		e->code = EX_TEMPFAIL;
	return -1;
}

/*
 * The command whose reply proves that the reply taken for the final dot
 * was the dot's own: QUIT when the session ends with this transaction,
 * RSET when more follow on it (due entries, recipients past the server's
 * limit).  A late stray reply (an extra 250 before the dot's real 451)
 * is then read as the RSET's or the QUIT's and cannot pass for it.
 * With PIPELINING it leaves with the dot (no round trip); without, once
 * the dot's reply is read (in_step).
 */
static void
proof_plan(struct smtp *s, int last, struct err *e)
{
	enum after_dot cmd = last && !s->keep_open ? AFTER_DOT_QUIT :
	    AFTER_DOT_RSET;

	s->check_after = AFTER_DOT_NONE;
	if (!(s->caps.flags & CAP_PIPELINING))
		s->check_after = cmd;
	else if (smtp_cmd(s, 0, e, cmd == AFTER_DOT_QUIT ? "QUIT" :
	    "RSET") == 0)
		*(cmd == AFTER_DOT_QUIT ? &s->quit_sent : &s->rset_sent) = 1;
}

/* the proof's reply, the proof sent first when it has not left yet */
static int
proof_reply(struct smtp *s, struct err *e)
{
	enum after_dot cmd = s->check_after;
	int rc;

	s->check_after = AFTER_DOT_NONE;
	if (cmd != AFTER_DOT_NONE && smtp_cmd(s, 0, e, cmd ==
	    AFTER_DOT_QUIT ? "QUIT" : "RSET") == -1)
		return -1;	/* a stray before it, or it was not sent */
	s->quit_sent |= cmd == AFTER_DOT_QUIT;
	s->rset_sent |= cmd == AFTER_DOT_RSET;
	if (s->quit_sent)
		return smtp_get_reply(s, REPLY_TO_QUIT, LIMIT_TIMEOUT_QUIT,
		    "QUIT", e);
	if (!s->rset_sent)
		return smtp_no_stray(s, "the reply to the final dot", e);
	s->rset_sent = 0;
	rc = smtp_expect(s, REPLY_TO_RSET, 2, PH_RSET, s->timeout_ms,
	    "RSET", e);
	if (rc == 0)
		rc = smtp_no_stray(s, "the reply to RSET", e);
	if (rc == -1 && !s->desync)
		s->broken = 1;	/* a refused RSET: no more on this session */
	return rc;
}

/*
 * Every reply of the transaction has been read: the proof's reply
 * (proof_plan) must now be a 221 to QUIT or a 250 to RSET.  0 when in
 * step (a reply lost to a closed connection or a timeout is not a sign of
 * anything; s->r is then the dot's reply again, for the log line), else
 * - a reply out of step, or a malformed one - possibly_delivered() with
 * e replaced, -1.
 */
static int
in_step(struct smtp *s, struct err *e)
{
	struct reply dot = s->r;	/* the last reply stays the dot's */
	struct err qe;
	int rc;

	err_clear(&qe);
	rc = proof_reply(s, &qe);
	/* garbage where a 221 or 250 was due is as telling as a stray
	   reply: the one we took for the dot's may not have been */
	if (rc == 0 || (!s->desync && qe.code != EX_PROTOCOL)) {
		s->r = dot;
		return 0;
	}
	*e = qe;
	return possibly_delivered(s, e);
}

static int
bdat_transaction(struct smtp *s, const struct envelope *env,
    const size_t *idx, struct spool *sp, enum smtp_rcpt *st, struct err *e)
{
	enum rc_state rc = RC_PERM;
	const char *notify = (s->caps.flags & CAP_DSN) ? env_notify(s, env) :
	    NULL;
	struct err re, be;
	long ok;

	err_clear(&re);
	err_clear(&be);
	if (mail_from(s, env, sp, e) == -1 ||
	    smtp_cmd(s, 0, e, "RCPT TO:<%s>%s%s", env->rcpts[idx[0]],
	    notify ? " NOTIFY=" : "", notify ? notify : "") == -1 ||
	    send_chunk(s, sp, e) == -1)
		return -1;
	proof_plan(s, 1, e);
	if (smtp_expect(s, REPLY_TO_MAIL, 2, PH_MAIL, s->timeout_ms,
	    "MAIL FROM", e) == -1 ||
	    (ok = rcpt_replies(s, env, idx, 1, &rc, &re)) == -1) {
		s->broken = 1;		/* replies behind it are not read */
		if (re.code != 0 && e->code == 0)
			*e = re;
		return -1;
	}
	if (smtp_expect(s, REPLY_TO_BDAT, 2, PH_DATA_END, s->data_ms,
	    "BDAT LAST", &be) == -1 || ok == 0) {
		*e = ok == 0 ? re : be;
		/* lost after the whole chunk went out: it may have arrived */
		e->after_dot = ok != 0 && s->broken;
		if (ok != 0 && s->desync)
			return possibly_delivered(s, e);
		if (ok != 0 && !s->broken)
			(void)in_step(s, e);	/* a refusal, if in step */
		return -1;
	}
	if (in_step(s, e) == -1)
		return -1;
	st[idx[0]] = SMTP_DONE;
	return 0;
}

/* SMTP: one reply to the final dot for all accepted recipients */
static int
end_reply(struct smtp *s, const size_t *idx, size_t n,
    const enum rc_state *rc, enum smtp_rcpt *st, struct err *e)
{
	size_t k;

	if (smtp_expect(s, REPLY_TO_DOT, 2, PH_DATA_END, s->data_ms,
	    "end of message", e) == -1) {
		/* a reply, even a refusal, means the server decided */
		e->after_dot = s->broken;
		if (s->desync)
			return possibly_delivered(s, e);
		if (!s->broken)
			(void)in_step(s, e);	/* a refusal, if in step */
		return -1;
	}
	e->after_dot = 0;
	if (in_step(s, e) == -1)
		return -1;
	for (k = 0; k < n; k++)
		if (rc[k] == RC_OK || rc[k] == RC_TEMP)
			st[idx[k]] = rc[k] == RC_OK ? SMTP_DONE : SMTP_DEFERRED;
	return 0;
}

/* add "<to> (code text)" to the list in e->msg under `head` */
static void
name_rcpt(struct err *e, int code, const char *head, const char *to,
    const struct reply *r)
{
	char vis[LIMIT_QUOTE], msg[LIMIT_ERR_MSG];

	err_visible(vis, sizeof(vis), r->text, r->len);
	if (e->code == 0) {
		err_from_reply(e, PH_DATA_END, r->code, r->text, r->len, head);
		e->code = code;
		err_fmt(msg, sizeof(msg), "%s: <%s> (%d %s)", head, to,
		    r->code, vis);
	} else
		err_fmt(msg, sizeof(msg), "%s; <%s> (%d %s)", e->msg, to,
		    r->code, vis);
	strlcpy(e->msg, msg, sizeof(e->msg));
}

/*
 * LMTP, RFC 2033 4.2: after the final dot, one reply per recipient whose
 * RCPT was accepted, in RCPT order (contract: smtp.h).  Refusals are
 * collected: temporary ones in *def (with the RCPT-time ones), permanent
 * ones in s->refused.  Returns 0 when every reply was read.
 */
static int
lmtp_replies(struct smtp *s, const struct envelope *env, const size_t *idx,
    size_t n, const enum rc_state *rc, enum smtp_rcpt *st, struct err *def,
    struct err *e)
{
	char what[LIMIT_ADDR + 32];
	size_t k;

	for (k = 0; k < n; k++)		/* one reply per accepted RCPT */
		s->due += rc[k] == RC_OK;
	s->due--;			/* send_body counted one */
	for (k = 0; k < n; k++) {
		const char *to = env->rcpts[idx[k]];

		if (rc[k] == RC_TEMP)
			st[idx[k]] = SMTP_DEFERRED;
		if (rc[k] != RC_OK)
			continue;
		snprintf(what, sizeof(what), "end of message for <%s>", to);
		if (smtp_get_reply(s, REPLY_TO_DOT, s->data_ms, what, e) ==
		    -1) {
			e->after_dot = s->broken;
			return s->desync ? possibly_delivered(s, e) : -1;
		}
		if (s->r.code / 100 == 2)
			st[idx[k]] = SMTP_DONE;
		else if (s->r.code / 100 == 4) {
			st[idx[k]] = SMTP_DEFERRED;
			name_rcpt(def, EX_TEMPFAIL, "recipient refused for now "
			    "after the message", to, &s->r);
		} else if (s->r.code / 100 == 5) {
			st[idx[k]] = SMTP_REFUSED;
			name_rcpt(&s->refused, EX_NOUSER, "recipient refused "
			    "after the message", to, &s->r);
		} else {
			s->broken = 1;
			return err_from_reply(e, PH_DATA_END, s->r.code,
			    s->r.text, s->r.len, what);
		}
	}
	e->after_dot = 0;
	return in_step(s, e);
}

/*
 * One transaction for the recipients idx[0..n).  On success marks the
 * accepted ones SMTP_DONE and the temporarily refused ones SMTP_DEFERRED
 * (their refusal goes to *def) and returns 0; else -1.
 */
static int
transaction(struct smtp *s, const struct envelope *env, const size_t *idx,
    size_t n, struct spool *sp, int partial, enum smtp_rcpt *st,
    struct err *def, struct err *e)
{
	enum rc_state *rc = xcalloc(n, sizeof(*rc));
	struct err re;
	size_t k;
	int ret = -1;

	err_clear(&re);
	if (use_bdat(s, n, sp)) {
		free(rc);
		return bdat_transaction(s, env, idx, sp, st, e);
	}
	if (envelope_out(s, env, idx, n, sp, partial, rc, &re) == -1) {
		*e = re;
		goto done;
	}
	if (send_body(s, sp, e) == -1)
		goto done;
	/* the last transaction of the session: QUIT leaves with the dot */
	for (k = 0; k < n && rc[k] != RC_TOOMANY; k++)
		;
	proof_plan(s, k == n, e);
	for (k = 0; k < n; k++)
		if (rc[k] == RC_TEMP)
			*def = re;	/* temporary RCPT refusals */
	e->after_dot = ERR_DOT_LOST;
	ret = s->lmtp ? lmtp_replies(s, env, idx, n, rc, st, def, e) :
	    end_reply(s, idx, n, rc, st, e);
done:
	free(rc);
	return ret;
}

/* smtp_deliver() on the envelope smtp_intl_prepare() made */
static int
deliver_intl(struct smtp *s, const struct envelope *env, struct spool *sp,
    int partial, enum smtp_rcpt *st, struct err *e)
{
	size_t *idx = xcalloc(env->nrcpts, sizeof(*idx)), n, i, done = 0;
	struct err def;
	int rc = 0;

	err_clear(&def);
	err_clear(&s->refused);
	for (;;) {
		for (n = 0, i = 0; i < env->nrcpts; i++)
			if (st[i] == SMTP_PENDING)
				idx[n++] = i;
		if (n == 0)
			break;
		if (!smtp_usable(s)) {
			rc = err_set(e, EX_TEMPFAIL, "connection to %s lost",
			    account_server(s->a));
			break;
		}
		if ((rc = transaction(s, env, idx, n, sp, partial, st, &def,
		    e)) == -1)
			break;
	}
	for (n = 0, i = 0; i < env->nrcpts; i++) {
		done += st[i] == SMTP_DONE;
		n += st[i] == SMTP_DEFERRED;
	}
	if (rc == 0 && s->refused.code != 0) {
		*e = s->refused;
		if (n > 0)
			err_fmt(e->msg, sizeof(e->msg), "%s; %s",
			    s->refused.msg, def.msg);
		rc = -1;
	} else if (rc == 0 && n > 0) {
		*e = def;
		rc = -1;
	}
	if (rc == -1 && done > 0)
		err_prefix(e, "delivered to %zu of %zu recipients, then", done,
		    env->nrcpts);
	free(idx);
	return rc;
}

int
smtp_deliver(struct smtp *s, const struct envelope *env, struct spool *sp,
    int partial, enum smtp_rcpt *st, struct err *e)
{
	struct smtp_intl x;
	int rc;

	if (smtp_intl_prepare(s, env, &sp->intl, &x, e) == -1)
		return -1;
	s->mail_params = x.params;
	rc = deliver_intl(s, &x.env, sp, partial, st, e);
	s->mail_params = NULL;
	smtp_intl_free(&x);
	return rc;
}

static int
verify_intl(struct smtp *s, const struct envelope *env, int *codes,
    char **texts, struct err *e)
{
	char what[LIMIT_ADDR + 16], vis[LIMIT_ERR_REPLY];
	size_t i;

	if (smtp_cmd(s, 0, e, "MAIL FROM:<%s>%s", env->from,
	    s->mail_params) == -1 ||
	    smtp_expect(s, REPLY_TO_MAIL, 2, PH_MAIL, s->timeout_ms,
	    "MAIL FROM", e) == -1)
		return -1;
	for (i = 0; i < env->nrcpts; i++) {
		snprintf(what, sizeof(what), "RCPT TO:<%s>", env->rcpts[i]);
		if (smtp_cmd(s, 0, e, "%s", what) == -1 ||
		    smtp_get_reply(s, REPLY_TO_RCPT, s->timeout_ms, what,
		    e) == -1)
			return -1;
		codes[i] = s->r.code;
		err_visible(vis, sizeof(vis), s->r.text, s->r.len);
		texts[i] = xstrdup(vis);
	}
	return smtp_cmd(s, 0, e, "RSET") == -1 ? -1 :
	    smtp_expect(s, REPLY_TO_RSET, 2, PH_RSET, s->timeout_ms, "RSET",
	    e);
}

int
smtp_verify(struct smtp *s, const struct envelope *env, int *codes,
    char **texts, struct err *e)
{
	struct spool_intl none;
	struct smtp_intl x;
	int rc;

	memset(&none, 0, sizeof(none));
	if (smtp_intl_prepare(s, env, &none, &x, e) == -1)
		return -1;
	s->mail_params = x.params;
	rc = verify_intl(s, &x.env, codes, texts, e);
	s->mail_params = NULL;
	smtp_intl_free(&x);
	return rc;
}
