/* SPDX-License-Identifier: ISC */
/*
 * fuzz_smtp.c - libFuzzer target for the SMTP client state machine
 * (src/smtp.c, smtpauth.c, smtptx.c): the input is the server's whole
 * reply stream, served by an in-memory transport (struct transport,
 * io.h) in chunks whose size the input chooses; what the client writes
 * is discarded.
 *
 * Input: byte 0 = options (bit 0 LMTP, bit 1 partial, bit 2 keep the
 * session open for a second message, bit 3 sign in (auth on: the
 * mechanism offered in the stream is picked, SCRAM included), bit 6 the
 * secret is an OAuth2 token (auth xoauth2), bit 7 -bv (smtp_verify)
 * instead of a delivery, bits 4-5 one to four recipients); byte 1 = the
 * read chunk size (0 = all there is); the rest is the stream.  The
 * session is driven as smtp_open() does after connecting without TLS:
 * greeting, EHLO/LHLO, AUTH, then smtp_deliver() and smtp_close().
 *
 * Invariants checked: a failure carries a sysexits code and a message;
 * smtp_deliver() returns 0 only when every recipient is SMTP_DONE; no
 * crash, leak, out-of-bounds access or undefined behaviour (ASan, UBSan)
 * whatever the stream, read in any chunk size.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "io.h"
#include "queue.h"
#include "secret.h"
#include "smtp_int.h"

struct stream {
	const uint8_t	*p;
	size_t		 left, chunk;
};

static ssize_t
s_read(void *ctx, void *buf, size_t len, int ms, struct err *e)
{
	struct stream *st = ctx;
	size_t n = len;

	(void)ms;
	(void)e;
	if (st->chunk > 0 && n > st->chunk)
		n = st->chunk;
	if (n > st->left)
		n = st->left;
	memcpy(buf, st->p, n);
	st->p += n;
	st->left -= n;
	return (ssize_t)n;
}

static int
s_write(void *ctx, const void *buf, size_t len, int ms, struct err *e)
{
	(void)ctx;
	(void)buf;
	(void)len;
	(void)ms;
	(void)e;
	return 0;
}

static size_t
s_pending(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
check_err(int rc, const struct err *e)
{
	if (rc == -1 && (e->code == 0 || e->msg[0] == '\0'))
		abort();
}

/* a small spool: headers, blank line, a body with a line to stuff */
static void
spool_make(struct spool *sp)
{
	static const char msg[] = "From: a@example.org\r\nSubject: x\r\n\r\n"
	    "body\r\n.dot\r\n";

	memset(sp, 0, sizeof(*sp));
	sp->fd = memfd_create("fuzz_smtp", 0);
	if (sp->fd == -1 || write(sp->fd, msg, sizeof(msg) - 1) !=
	    (ssize_t)(sizeof(msg) - 1) || lseek(sp->fd, 0, SEEK_SET) != 0)
		abort();
	sp->size = sizeof(msg) - 1;
}

static void
deliver(struct smtp *s, const struct envelope *env, int partial)
{
	enum smtp_rcpt st[4];
	struct spool sp;
	struct err e;
	size_t i;
	int rc;

	memset(st, 0, sizeof(st));
	spool_make(&sp);
	err_clear(&e);
	rc = smtp_deliver(s, env, &sp, partial, st, &e);
	check_err(rc, &e);
	if (rc == 0) {
		for (i = 0; i < env->nrcpts; i++)
			if (st[i] != SMTP_DONE)
				abort();
	}
	close(sp.fd);
}

static void
verify(struct smtp *s, const struct envelope *env)
{
	int codes[4];
	char *texts[4] = { NULL, NULL, NULL, NULL };
	struct err e;
	size_t i;

	err_clear(&e);
	check_err(smtp_verify(s, env, codes, texts, &e), &e);
	for (i = 0; i < env->nrcpts; i++)
		free(texts[i]);
}

/* greeting, EHLO/LHLO, AUTH: connect_and_greet() without the socket */
static int
greet(struct smtp *s, struct err *e)
{
	if (smtp_expect(s, REPLY_TO_GREETING, 2, PH_GREETING, s->timeout_ms,
	    "greeting", e) == -1 ||
	    smtp_cmd(s, 0, e, "%s %s", s->lmtp ? "LHLO" : "EHLO",
	    s->name) == -1 ||
	    smtp_expect(s, REPLY_TO_EHLO, 2, PH_EHLO, s->timeout_ms, "EHLO",
	    e) == -1)
		return -1;
	reply_caps(&s->r, &s->caps);
	if (s->a->user != NULL && smtp_auth(s, e) == -1)
		return -1;
	return 0;
}

/* the account and credential option bits ask for */
static void
account_make(uint8_t opt, struct account *a, struct cred *c)
{
	static char name[] = "fuzz", host[] = "mail.example", user[] = "alice",
	    on[] = "on", xo[] = "xoauth2", lmtp[] = "lmtp";

	memset(a, 0, sizeof(*a));
	a->name = name;
	a->host = host;
	a->port = 587;
	a->allow_plaintext_auth = 1;
	a->protocol = (opt & 1) ? lmtp : NULL;
	a->user = (opt & 8) ? user : NULL;
	a->auth = (opt & 64) ? xo : on;
	memset(c, 0, sizeof(*c));
	c->secret = xstrdup((opt & 64) ? "tok" : "secret");
	c->oauth = (opt & 64) != 0;
}

/* a session as connect_and_greet() leaves it, reading from st */
static struct smtp *
session_make(uint8_t opt, const struct account *a, struct cred *c,
    struct stream *st)
{
	struct smtp *s = xcalloc(1, sizeof(*s));

	s->a = a;
	s->cred = c;
	s->fd = -1;
	s->timeout_ms = s->data_ms = 1000;
	s->lmtp = (opt & 1) != 0;
	strlcpy(s->name, "client.example", sizeof(s->name));
	s->io = xcalloc(1, sizeof(*s->io));
	io_init(s->io, (struct transport){ s_read, s_write, s_pending, st });
	s->io->timeout_ms = s->timeout_ms;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char r0[] = "bob@example.org", r1[] = "carol@example.org",
	    r2[] = "dave@example.org", r3[] = "eve@example.org";
	char *rcpts[4] = { r0, r1, r2, r3 };
	struct envelope env = { "alice@example.org", rcpts, 1, NULL, NULL,
	    NULL };
	struct stream st;
	struct account a;
	struct cred c;
	struct smtp *s;
	struct err e;
	uint8_t opt;

	if (size < 2)
		return 0;
	opt = data[0];
	st = (struct stream){ data + 2, size - 2, data[1] };
	env.nrcpts = 1 + ((opt >> 4) & 3);
	account_make(opt, &a, &c);
	s = session_make(opt, &a, &c, &st);
	err_clear(&e);
	if (greet(s, &e) == -1) {
		check_err(-1, &e);
		s->broken = 1;
	} else if (opt & 128)
		verify(s, &env);
	else {
		if (opt & 4)
			smtp_keep_open(s, 1);
		deliver(s, &env, (opt & 2) != 0);
		if ((opt & 4) && smtp_usable(s))
			deliver(s, &env, (opt & 2) != 0);
	}
	smtp_close(s);
	secret_free(c.secret);
	return 0;
}
