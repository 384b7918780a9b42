/* SPDX-License-Identifier: ISC */
/*
 * tls_probe.c - a small driver for the wire modules (net, io, reply, tls)
 * against a real server, used by tests/unit/tls_probe.sh.
 *
 *   tls_probe [-k] [-s] [-e] [-t TRUSTFILE] [-n NAME] [-f HEXFP]
 *             [-p PRIORITIES] [-T TIMEOUT_MS] [-w] HOST PORT
 *
 * Connects, optionally does SMTP STARTTLS (-s: greeting, EHLO, STARTTLS,
 * the "no bytes after 220" check), then the TLS handshake and
 * verification.  -e: write "PING probe\r\n" and expect it echoed back
 * (gnutls-serv --echo).  -w: wait for a line that never comes (timeout
 * test).  -k: tls_certcheck off.  Prints "ok: DESCRIPTION" and exits 0,
 * or "error CODE: MESSAGE" and exits with the sysexits code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "net.h"
#include "reply.h"
#include "tls.h"

static int
hexpin(const char *s, unsigned char *out)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0' && n < 32) {
		if (*s == ':') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return n == 32 && *s == '\0' ? 0 : -1;
}

static int
get_reply(struct io *io, struct reply *r, struct err *e)
{
	const char *l;
	size_t len;
	int rc;

	reply_init(r);
	io_deadline(io, io->timeout_ms);
	do {
		if (io_readline(io, &l, &len, e) == -1)
			return -1;
	} while ((rc = reply_feed(r, l, len, e)) == 0);
	return rc == 1 ? 0 : -1;
}

static int
starttls(struct io *io, struct err *e)
{
	struct reply r;
	struct caps c;

	if (get_reply(io, &r, e) == -1)
		return -1;
	if (io_printf(io, e, "EHLO probe\r\n") == -1 || io_flush(io, e) == -1
	    || get_reply(io, &r, e) == -1)
		return -1;
	reply_caps(&r, &c);
	if (!(c.flags & CAP_STARTTLS))
		return err_set(e, EX_UNAVAILABLE, "STARTTLS not offered");
	if (io_printf(io, e, "STARTTLS\r\n") == -1 || io_flush(io, e) == -1 ||
	    get_reply(io, &r, e) == -1)
		return -1;
	if (r.code != 220)
		return err_set(e, EX_UNAVAILABLE, "STARTTLS refused: %d",
		    r.code);
	if (io_pending(io) != 0)
		return err_set(e, EX_PROTOCOL, "%zu bytes after STARTTLS",
		    io_pending(io));
	return 0;
}

static int
after(struct io *io, int echo, int wait, struct err *e)
{
	const char *l;
	size_t len;

	if (echo) {
		if (io_printf(io, e, "PING probe\r\n") == -1 ||
		    io_flush(io, e) == -1)
			return -1;
		io_deadline(io, io->timeout_ms);
		if (io_readline(io, &l, &len, e) == -1)
			return -1;
		if (len != 10 || memcmp(l, "PING probe", 10) != 0)
			return err_set(e, EX_PROTOCOL, "bad echo");
	}
	if (wait) {
		io_deadline(io, io->timeout_ms);
		if (io_readline(io, &l, &len, e) == -1)
			return -1;
	}
	return 0;
}

static int
usage(const char *why)
{
	fprintf(stderr, "tls_probe: %s\nusage: tls_probe [-kesw] [-t trust] "
	    "[-n name] [-f hexfp] [-p prio] [-T ms] host port\n", why);
	return 64;
}

int
main(int argc, char **argv)
{
	struct tls_conf tc = { NULL, NULL, NULL, 1, NULL };
	unsigned char pin[32];
	struct err e;
	struct io *io;
	struct tls *t = NULL;
	int c, fd, port, st = 0, echo = 0, wait = 0, timeout = 5000, rc = 0;

	while ((c = getopt(argc, argv, "kset:n:f:p:T:w")) != -1) {
		switch (c) {
		case 'k': tc.certcheck = 0; break;
		case 's': st = 1; break;
		case 'e': echo = 1; break;
		case 'w': wait = 1; break;
		case 't': tc.trust_file = optarg; break;
		case 'n': tc.verify_name = optarg; break;
		case 'p': tc.priorities = optarg; break;
		case 'T':
			timeout = (int)strtonum(optarg, 1, 3600000, NULL);
			break;
		case 'f':
			if (hexpin(optarg, pin) == -1)
				return usage("bad fingerprint");
			tc.fingerprint = pin;
			break;
		default:
			return usage("bad option");
		}
	}
	if (argc - optind != 2)
		return usage("need HOST PORT");
	port = (int)strtonum(argv[optind + 1], 1, 65535, NULL);
	if (tc.verify_name == NULL)
		tc.verify_name = argv[optind];
	err_clear(&e);
	io = xcalloc(1, sizeof(*io));
	if (tls_global_init(&e) == -1 ||
	    (fd = net_connect(argv[optind], port, timeout,
	    &e)) == -1)
		goto fail;
	io_init(io, net_transport(&fd));
	io->timeout_ms = timeout;
	if (st && starttls(io, &e) == -1)
		goto fail;
	if ((t = tls_start(fd, &tc, timeout, &e)) == NULL)
		goto fail;
	io_set_transport(io, tls_transport(t));
	if (after(io, echo, wait, &e) == -1)
		goto fail;
	printf("ok: %s\n", tls_describe(t));
	goto out;
fail:
	printf("error %d: %s%s%s\n", e.code, e.msg, e.reply[0] ? " | " : "",
	    e.reply);
	rc = e.code;
out:
	tls_close(t, 1000);
	free(io);
	tls_global_deinit();
	return rc;
}
