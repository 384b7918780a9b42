/* SPDX-License-Identifier: ISC */
/*
 * sink.c - a fast SMTP sink for the benchmarks (tests/bench/run.sh).
 *
 *   sink -m implicit|starttls -c CERT -k KEY [-a ADDR] [-p PORT]
 *        [-P PORTFILE] [-I PIDFILE] [-l FLIGHTLOG] [-T TRANSCRIPT]
 *        [-g GRACE_MS] [-n MAXCONN] [-r]
 *
 * Listens on ADDR (127.0.0.1) port PORT (0: any free port, written to
 * PORTFILE), serves connections one after another (a benchmark client runs
 * one at a time; no fork, so the counts below are exact), speaks just
 * enough ESMTP: EHLO with PIPELINING, SIZE, 8BITMIME, CHUNKING, AUTH PLAIN
 * LOGIN (any credentials accepted), STARTTLS (in starttls mode), MAIL, RCPT,
 * DATA, BDAT, RSET, NOOP, QUIT.  Message data is thrown away in large
 * blocks.  With TLS 1.3 the greeting leaves together with the server's
 * handshake flight (GNUTLS_ENABLE_EARLY_START, "0.5-RTT data"), so the
 * ideal client needs no round trip for the greeting.
 *
 * Output is corked: the replies to a pipelined group go out as ONE TLS
 * record, and all records (handshake included) collect in a buffer that is
 * written with ONE send() when the sink is about to block waiting for the
 * client, as a well-behaved server does.  So every client flight can be
 * counted:
 *
 *   flight   a burst of client bytes that arrived after the sink had sent
 *            something and found nothing more to read (the client waited
 *            for us: one round trip).  The TCP handshake counts as one
 *            (SYN); with STARTTLS the greeting waits for the client's ACK,
 *            so that counts as a second one; in implicit mode the
 *            ClientHello counts (it travels with the ACK).  Bytes after
 *            QUIT (close_notify, FIN) do not count.
 *   wait     every time the sink blocked for client bytes
 *   write    every send() of the sink
 *   frag     (with -g) client bytes that arrived within GRACE_MS after the
 *            sink found nothing to read: the client's flight came in pieces
 *            (separate small writes).  With -g the sink waits GRACE_MS
 *            before answering, so such pieces do not inflate the flight
 *            count; use -g only for counting, never for timing.
 *
 * One line per connection is appended to FLIGHTLOG:
 *   conn=N mode=M flights=F waits=W writes=S frags=G in=BYTES out=BYTES
 *   msgs=K data_bytes=D data_us=U conn_us=C
 * (data_us: from the DATA/first BDAT command to the end of the data, for
 * the wire throughput).  -T appends an exact transcript (plaintext side,
 * message data cut after 512 bytes) with flight marks, for debugging.
 * -r turns on TLS 1.3 session tickets (resumption).  -n stops after MAXCONN
 * connections.  SIGTERM stops the sink.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#define INBUF	(256 * 1024)	/* plaintext input */
#define OUTBUF	(64 * 1024)	/* corked output (ciphertext with TLS) */
#define MAXLINE	4096
#define IDLE_MS	60000		/* give up on a silent client */
#define TRCUT	512		/* message bytes kept in the transcript */

enum mode { M_IMPLICIT, M_STARTTLS };

struct conn {
	int		 fd;
	gnutls_session_t tls;		/* NULL while plaintext */
	char		 out[OUTBUF];
	size_t		 outlen;
	char		 in[INBUF];
	size_t		 ipos, ilen;
	char		 rep[OUTBUF];	/* plaintext replies not yet sent */
	size_t		 replen;
	int		 in_handshake;
	int		 eof, dead;
	/* counting */
	long		 flights, waits, writes, frags;
	long long	 bytes_in, bytes_out;
	int		 sent_since_block, blocked_after_send, first_data, done;
	long		 msgs;
	long long	 data_bytes, data_us, data_t0;
	size_t		 trdata;	/* message bytes written to transcript */
};

static enum mode mode = M_IMPLICIT;
static int grace_ms;
static FILE *flog, *trlog;
static gnutls_certificate_credentials_t xcred;
static gnutls_priority_t prio;
static gnutls_datum_t ticket_key;
static int tickets;
static volatile sig_atomic_t stop;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sink: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void
tr(const char *who, const void *p, size_t n)
{
	if (trlog == NULL || n == 0)
		return;
	fprintf(trlog, "%s", who);
	fwrite(p, 1, n, trlog);
	if (((const char *)p)[n - 1] != '\n')
		fputc('\n', trlog);
	fflush(trlog);
}

/* --- raw socket level: corked output, counted waits --- */

static int
readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r == -1 && errno == EINTR);
	return r > 0;
}

static int
raw_flush(struct conn *c)
{
	size_t off = 0;
	ssize_t n;

	while (off < c->outlen) {
		n = send(c->fd, c->out + off, c->outlen - off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->dead = 1;
			c->outlen = 0;
			errno = EPIPE;	/* never EAGAIN: GnuTLS would retry */
			return -1;
		}
		c->writes++;
		c->bytes_out += n;
		off += (size_t)n;
	}
	if (c->outlen > 0)
		c->sent_since_block = 1;
	c->outlen = 0;
	return 0;
}

static ssize_t
raw_send(struct conn *c, const void *p, size_t n)
{
	if (c->dead) {
		errno = EPIPE;
		return -1;
	}
	if (c->outlen + n > sizeof(c->out) && raw_flush(c) == -1)
		return -1;
	if (n > sizeof(c->out)) {	/* never for replies; be safe */
		memcpy(c->out, p, sizeof(c->out));
		c->outlen = sizeof(c->out);
		if (raw_flush(c) == -1)
			return -1;
		return (ssize_t)sizeof(c->out);
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
	return (ssize_t)n;
}

/*
 * Wait until the client's bytes are readable: first without blocking; then
 * (with -g) for the grace period with the output still corked; then flush
 * the output and block.  0: readable, -1: timed out.
 */
static int
wait_input(struct conn *c, int ms)
{
	if (readable(c->fd, 0))
		return 0;
	/* with TLS after the handshake, fill() has had its grace already */
	if (grace_ms > 0 && c->outlen > 0 && (c->tls == NULL ||
	    c->in_handshake) && readable(c->fd, grace_ms)) {
		c->frags++;
		if (trlog)
			fprintf(trlog, "-- (fragment: more client bytes within "
			    "%d ms)\n", grace_ms);
		return 0;
	}
	if (raw_flush(c) == -1)
		return -1;
	c->waits++;
	if (c->sent_since_block)
		c->blocked_after_send = 1;
	c->sent_since_block = 0;
	return readable(c->fd, ms) ? 0 : -1;
}

static ssize_t
raw_recv(struct conn *c, void *buf, size_t len)
{
	ssize_t n;

	if (wait_input(c, IDLE_MS) == -1) {
		errno = ETIMEDOUT;
		return -1;
	}
	do
		n = recv(c->fd, buf, len, 0);
	while (n == -1 && errno == EINTR);
	if (n > 0) {
		c->bytes_in += n;
		if (!c->done && (c->blocked_after_send || c->first_data)) {
			c->flights++;
			if (trlog)
				fprintf(trlog, "-- client flight %ld\n",
				    c->flights);
		}
		c->blocked_after_send = c->first_data = 0;
	}
	return n;
}

/* GnuTLS transport callbacks */
static ssize_t
pull_cb(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	return raw_recv(p, buf, len);
}

static int
pull_timeout_cb(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct conn *c = p;

	if (ms == GNUTLS_INDEFINITE_TIMEOUT)
		ms = IDLE_MS;
	return wait_input(c, (int)ms) == 0 ? 1 : 0;
}

static ssize_t
push_cb(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	return raw_send(p, buf, len);
}

static ssize_t
vec_push_cb(gnutls_transport_ptr_t p, const giovec_t *iov, int n)
{
	ssize_t total = 0, r;
	int i;

	for (i = 0; i < n; i++) {
		if ((r = raw_send(p, iov[i].iov_base, iov[i].iov_len)) < 0)
			return total > 0 ? total : -1;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return total;
}

/* --- plaintext level --- */

/* the replies collected so far leave as ONE TLS record (or raw bytes) */
static void
emit(struct conn *c)
{
	ssize_t r;

	if (c->replen == 0)
		return;
	if (c->tls == NULL)
		raw_send(c, c->rep, c->replen);
	else {
		do
			r = gnutls_record_send(c->tls, c->rep, c->replen);
		while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
		if (r < 0)
			c->dead = 1;
	}
	c->replen = 0;
}

static void
say(struct conn *c, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	memcpy(line + n, "\r\n", 2);
	n += 2;
	tr("S: ", line, (size_t)n);
	if (c->replen + (size_t)n > sizeof(c->rep))
		emit(c);
	memcpy(c->rep + c->replen, line, (size_t)n);
	c->replen += (size_t)n;
}

/* read more plaintext into c->in; -1 on EOF or error */
static int
fill(struct conn *c)
{
	ssize_t n;

	if (c->ipos > 0) {
		memmove(c->in, c->in + c->ipos, c->ilen - c->ipos);
		c->ilen -= c->ipos;
		c->ipos = 0;
	}
	if (c->ilen == sizeof(c->in))
		return -1;
	if (c->replen > 0 && c->tls != NULL &&
	    gnutls_record_check_pending(c->tls) == 0 && !readable(c->fd, 0)) {
		if (grace_ms > 0 && readable(c->fd, grace_ms)) {
			c->frags++;
			if (trlog)
				fprintf(trlog, "-- (fragment: more client "
				    "bytes within %d ms)\n", grace_ms);
		} else
			emit(c);
	} else if (c->replen > 0 && c->tls == NULL)
		emit(c);
	if (c->tls == NULL)
		n = raw_recv(c, c->in + c->ilen, sizeof(c->in) - c->ilen);
	else {
		do
			n = gnutls_record_recv(c->tls, c->in + c->ilen,
			    sizeof(c->in) - c->ilen);
		while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	}
	if (n <= 0) {
		c->eof = 1;
		return -1;
	}
	c->ilen += (size_t)n;
	return 0;
}

/* next command line (CRLF stripped, NUL-terminated in place), or NULL */
static char *
getline_c(struct conn *c)
{
	char *nl, *line;

	for (;;) {
		nl = memchr(c->in + c->ipos, '\n', c->ilen - c->ipos);
		if (nl != NULL)
			break;
		if (c->ilen - c->ipos > MAXLINE || fill(c) == -1)
			return NULL;
	}
	line = c->in + c->ipos;
	c->ipos = (size_t)(nl - c->in) + 1;
	tr("C: ", line, (size_t)(nl - line) + 1);
	if (nl > line && nl[-1] == '\r')
		nl--;
	*nl = '\0';
	return line;
}

static void
tr_data(struct conn *c, const char *p, size_t n)
{
	size_t k;

	if (trlog == NULL || c->trdata >= TRCUT)
		return;
	k = n < TRCUT - c->trdata ? n : TRCUT - c->trdata;
	c->trdata += k;
	while (k > 0) {		/* one "D: " line per data line */
		const char *nl = memchr(p, '\n', k);
		size_t len = nl ? (size_t)(nl - p) + 1 : k;

		tr("D: ", p, len);
		p += len;
		k -= len;
	}
	if (c->trdata >= TRCUT)
		fprintf(trlog, "-- (rest of the message data not shown)\n");
}

/* discard dot-terminated data; 0 at the final dot, -1 on EOF */
static int
eat_data(struct conn *c)
{
	static const char end[] = "\r\n.\r\n";
	char carry[4 + 4], *p, *hit;
	size_t clen = 2, n, w, k;

	memcpy(carry, "\r\n", 2);	/* the DATA line's CRLF */
	c->trdata = 0;
	for (;;) {
		p = c->in + c->ipos;
		n = c->ilen - c->ipos;
		if (n == 0) {
			c->ipos = c->ilen = 0;
			if (fill(c) == -1)
				return -1;
			continue;
		}
		/* a terminator that starts in the carried bytes */
		w = n < 4 ? n : 4;
		memcpy(carry + clen, p, w);
		hit = memmem(carry, clen + w, end, 5);
		if (hit != NULL)
			k = (size_t)(hit - carry) + 5 - clen;
		else if ((hit = memmem(p, n, end, 5)) != NULL)
			k = (size_t)(hit - p) + 5;
		else
			k = 0;
		tr_data(c, p, k ? k : n);
		if (k) {
			c->data_bytes += (long long)k;
			c->ipos += k;
			return 0;
		}
		c->data_bytes += (long long)n;
		/* keep the last (up to) 4 bytes of carry+p */
		if (n >= 4) {
			memcpy(carry, p + n - 4, 4);
			clen = 4;
		} else {
			size_t all = clen + n, drop = all > 4 ? all - 4 : 0;

			memmove(carry, carry + drop, all - drop);
			clen = all - drop;
		}
		c->ipos = c->ilen = 0;
	}
}

/* discard exactly n bytes of BDAT data; -1 on EOF */
static int
eat_bytes(struct conn *c, unsigned long long n)
{
	size_t have, k;

	c->trdata = 0;
	while (n > 0) {
		have = c->ilen - c->ipos;
		if (have == 0) {
			c->ipos = c->ilen = 0;
			if (fill(c) == -1)
				return -1;
			continue;
		}
		k = have < n ? have : (size_t)n;
		tr_data(c, c->in + c->ipos, k);
		c->ipos += k;
		n -= k;
		c->data_bytes += (long long)k;
	}
	return 0;
}

static void
ehlo_reply(struct conn *c)
{
	say(c, "250-sink.test greets you");
	say(c, "250-PIPELINING");
	say(c, "250-SIZE 1073741824");
	say(c, "250-8BITMIME");
	say(c, "250-CHUNKING");
	if (mode == M_STARTTLS && c->tls == NULL)
		say(c, "250-STARTTLS");
	say(c, "250-ENHANCEDSTATUSCODES");
	say(c, "250 AUTH PLAIN LOGIN");
}

static int
tls_begin(struct conn *c)
{
	int r;

	gnutls_init(&c->tls, GNUTLS_SERVER | GNUTLS_ENABLE_EARLY_START |
	    (tickets ? 0 : GNUTLS_NO_TICKETS));
	gnutls_priority_set(c->tls, prio);
	gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, xcred);
	if (tickets)
		gnutls_session_ticket_enable_server(c->tls, &ticket_key);
	gnutls_transport_set_ptr(c->tls, c);
	gnutls_transport_set_pull_function(c->tls, pull_cb);
	gnutls_transport_set_pull_timeout_function(c->tls, pull_timeout_cb);
	gnutls_transport_set_push_function(c->tls, push_cb);
	gnutls_transport_set_vec_push_function(c->tls, vec_push_cb);
	c->in_handshake = 1;
	do
		r = gnutls_handshake(c->tls);
	while (r < 0 && !gnutls_error_is_fatal(r));
	c->in_handshake = 0;
	if (r < 0) {
		if (trlog)
			fprintf(trlog, "-- handshake failed: %s\n",
			    gnutls_strerror(r));
		raw_flush(c);
		return -1;
	}
	return 0;
}

/* AUTH: accept anything, follow LOGIN/PLAIN continuations */
static int
do_auth(struct conn *c, const char *arg)
{
	char mech[32];
	int steps, ir;

	if (sscanf(arg, "%31s", mech) != 1) {
		say(c, "501 5.5.4 syntax: AUTH mechanism");
		return 0;
	}
	ir = strchr(arg, ' ') != NULL;
	if (strcasecmp(mech, "PLAIN") == 0)
		steps = ir ? 0 : 1;
	else if (strcasecmp(mech, "LOGIN") == 0)
		steps = ir ? 1 : 2;
	else {
		say(c, "504 5.5.4 mechanism not supported");
		return 0;
	}
	while (steps-- > 0) {
		say(c, strcasecmp(mech, "PLAIN") == 0 ? "334 " :
		    steps == 1 ? "334 VXNlcm5hbWU6" : "334 UGFzc3dvcmQ6");
		if (getline_c(c) == NULL)
			return -1;
	}
	say(c, "235 2.7.0 authenticated");
	return 0;
}

static void
data_start(struct conn *c)
{
	if (c->data_t0 == 0)
		c->data_t0 = now_us();
}

static void
data_end(struct conn *c)
{
	c->data_us += now_us() - c->data_t0;
	c->data_t0 = 0;
	c->msgs++;
}

static void
session(struct conn *c)
{
	unsigned long long n;
	char *l, *arg, last[8];

	if (mode == M_IMPLICIT && tls_begin(c) == -1)
		return;
	say(c, "220 sink.test ESMTP ready");
	while (!c->dead && (l = getline_c(c)) != NULL) {
		arg = strchr(l, ' ');
		arg = arg ? arg + 1 : l + strlen(l);
		if (!strncasecmp(l, "EHLO", 4))
			ehlo_reply(c);
		else if (!strncasecmp(l, "HELO", 4))
			say(c, "250 sink.test");
		else if (!strncasecmp(l, "STARTTLS", 8) && mode ==
		    M_STARTTLS && c->tls == NULL) {
			say(c, "220 2.0.0 go ahead");
			emit(c);
			c->ipos = c->ilen = 0;	/* nothing pipelined survives */
			if (tls_begin(c) == -1)
				return;
		} else if (!strncasecmp(l, "AUTH", 4)) {
			if (do_auth(c, arg) == -1)
				return;
		} else if (!strncasecmp(l, "MAIL", 4))
			say(c, "250 2.1.0 sender ok");
		else if (!strncasecmp(l, "RCPT", 4))
			say(c, "250 2.1.5 recipient ok");
		else if (!strncasecmp(l, "DATA", 4)) {
			data_start(c);
			say(c, "354 end data with <CR><LF>.<CR><LF>");
			if (eat_data(c) == -1)
				return;
			data_end(c);
			say(c, "250 2.0.0 queued as sink");
		} else if (!strncasecmp(l, "BDAT", 4)) {
			last[0] = '\0';
			if (sscanf(arg, "%llu %7s", &n, last) < 1) {
				say(c, "501 5.5.4 syntax: BDAT size [LAST]");
				continue;
			}
			data_start(c);
			if (eat_bytes(c, n) == -1)
				return;
			if (strcasecmp(last, "LAST") == 0) {
				data_end(c);
				say(c, "250 2.0.0 %llu octets, queued as sink",
				    n);
			} else
				say(c, "250 2.0.0 %llu octets received", n);
		} else if (!strncasecmp(l, "RSET", 4) ||
		    !strncasecmp(l, "NOOP", 4))
			say(c, "250 2.0.0 ok");
		else if (!strncasecmp(l, "QUIT", 4)) {
			c->done = 1;
			say(c, "221 2.0.0 bye");
			break;
		} else
			say(c, "502 5.5.2 command not recognized");
	}
	emit(c);
	if (trlog && c->tls != NULL) {
		char *d = gnutls_session_get_desc(c->tls);

		fprintf(trlog, "-- TLS was %s\n", d ? d : "?");
		gnutls_free(d);
	}
	if (c->done && c->tls != NULL)
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
	raw_flush(c);
	if (c->done) {		/* drain until the client closes */
		char junk[4096];

		while (readable(c->fd, 2000) &&
		    recv(c->fd, junk, sizeof(junk), 0) > 0)
			;
	}
}

static void
serve(int lfd, long connno)
{
	struct conn *c = calloc(1, sizeof(*c));
	long long t0;
	int one = 1;

	if (c == NULL)
		die("out of memory");
	c->fd = accept(lfd, NULL, NULL);
	if (c->fd == -1) {
		free(c);
		return;
	}
	t0 = now_us();
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* the SYN; with STARTTLS the greeting also waited for the ACK */
	c->flights = mode == M_STARTTLS ? 2 : 1;
	c->first_data = mode == M_IMPLICIT;
	if (trlog)
		fprintf(trlog, "== connection %ld (%s)\n-- client flight %ld "
		    "(TCP)\n", connno, mode == M_IMPLICIT ? "implicit" :
		    "starttls", c->flights);
	session(c);
	if (flog) {
		fprintf(flog, "conn=%ld mode=%s flights=%ld waits=%ld "
		    "writes=%ld frags=%ld in=%lld out=%lld msgs=%ld "
		    "data_bytes=%lld data_us=%lld conn_us=%lld\n", connno,
		    mode == M_IMPLICIT ? "implicit" : "starttls", c->flights,
		    c->waits, c->writes, c->frags, c->bytes_in, c->bytes_out,
		    c->msgs, c->data_bytes, c->data_us, now_us() - t0);
		fflush(flog);
	}
	if (c->tls)
		gnutls_deinit(c->tls);
	close(c->fd);
	free(c);
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
writefile(const char *path, long v)
{
	FILE *f;
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		die("cannot write %s", tmp);
	fprintf(f, "%ld\n", v);
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		die("cannot write %s", path);
}

int
main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *cert = NULL, *key = NULL;
	const char *portfile = NULL, *pidfile = NULL;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct sigaction sa;
	long maxconn = 0, n = 0;
	int ch, lfd, port = 0, one = 1;

	while ((ch = getopt(argc, argv, "a:c:g:I:k:l:m:n:p:P:rT:")) != -1) {
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'g': grace_ms = atoi(optarg); break;
		case 'I': pidfile = optarg; break;
		case 'n': maxconn = atol(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'P': portfile = optarg; break;
		case 'r': tickets = 1; break;
		case 'l':
			if ((flog = fopen(optarg, "a")) == NULL)
				die("cannot open %s", optarg);
			break;
		case 'T':
			if ((trlog = fopen(optarg, "a")) == NULL)
				die("cannot open %s", optarg);
			break;
		case 'm':
			if (strcmp(optarg, "implicit") == 0)
				mode = M_IMPLICIT;
			else if (strcmp(optarg, "starttls") == 0)
				mode = M_STARTTLS;
			else
				die("mode is implicit or starttls");
			break;
		default:
			fprintf(stderr, "usage: sink -m implicit|starttls -c "
			    "CERT -k KEY [-a ADDR] [-p PORT] [-P PORTFILE] "
			    "[-I PIDFILE] [-l FLIGHTLOG] [-T TRANSCRIPT] "
			    "[-g GRACE_MS] [-n MAXCONN] [-r]\n");
			return 2;
		}
	}
	if (cert == NULL || key == NULL)
		die("-c CERT and -k KEY are required");
	if (gnutls_global_init() < 0 ||
	    gnutls_certificate_allocate_credentials(&xcred) < 0 ||
	    gnutls_certificate_set_x509_key_file(xcred, cert, key,
	    GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_priority_init(&prio, "NORMAL", NULL) < 0)
		die("cannot load %s / %s", cert, key);
	if (tickets && gnutls_session_ticket_key_generate(&ticket_key) < 0)
		die("cannot make a ticket key");

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		die("bad address %s", addr);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 128) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) == -1)
		die("cannot listen on %s:%d: %s", addr, port, strerror(errno));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: accept returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pidfile)
		writefile(pidfile, (long)getpid());
	if (portfile)
		writefile(portfile, ntohs(sin.sin_port));
	while (!stop && (maxconn == 0 || n < maxconn))
		serve(lfd, ++n);
	close(lfd);
	return 0;
}
