/* SPDX-License-Identifier: ISC */
/*
 * t_io.c - the buffered reader/writer against a fake in-memory transport:
 * line splitting (also across every chunk boundary), CR handling, the line
 * length limit and a flooding server, EOF, deadlines (transport that times
 * out, trickling server, deadline already past), write batching and sizes,
 * write timeouts and errors, pending bytes.
 */
#include <stdlib.h>
#include <time.h>

#include "t.h"
#include "io.h"

#define MAXCHUNK 64
#define MAXW 16

enum { AT_END_EOF, AT_END_STALL, AT_END_FLOOD, AT_END_DRIP, AT_END_RESET };

struct fake {
	const char	*chunk[MAXCHUNK];	/* returned by successive
						   reads */
	size_t		 clen[MAXCHUNK];
	int		 n, next;
	int		 at_end;
	int		 reads;
	int		 read_ms[256];		/* timeout given to each read */
	size_t		 pending;
	char		*wdata;			/* all bytes written */
	size_t		 wlen;
	size_t		 wsize[MAXW];		/* size of each write */
	int		 writes;
	int		 write_ms;
	int		 write_fail;
};

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static ssize_t
f_read(void *ctx, void *buf, size_t len, int timeout_ms, struct err *e)
{
	struct fake *f = ctx;

	if (f->reads < 256)
		f->read_ms[f->reads] = timeout_ms;
	f->reads++;
	if (f->next < f->n) {
		size_t n = f->clen[f->next];

		if (n > len)	/* never happens in these tests */
			return err_set(e, EX_SOFTWARE, "fake: chunk too big");
		memcpy(buf, f->chunk[f->next++], n);
		return (ssize_t)n;
	}
	switch (f->at_end) {
	case AT_END_STALL:
		sleep_ms(timeout_ms);
		return err_set(e, EX_TEMPFAIL, "timed out waiting for the "
		    "server");
	case AT_END_FLOOD:
		memset(buf, 'x', len);
		return (ssize_t)len;
	case AT_END_DRIP:
		if (timeout_ms <= 20) {
			sleep_ms(timeout_ms);
			return err_set(e, EX_TEMPFAIL, "timed out waiting "
			    "for the server");
		}
		sleep_ms(20);
		memset(buf, 'x', 1);
		return 1;
	case AT_END_RESET:
		return err_set(e, EX_TEMPFAIL, "connection reset by server");
	default:
		return 0;
	}
}

static int
f_write(void *ctx, const void *buf, size_t len, int timeout_ms,
    struct err *e)
{
	struct fake *f = ctx;

	f->write_ms = timeout_ms;
	if (f->write_fail)
		return err_set(e, EX_TEMPFAIL, "connection reset by server");
	if (f->writes < MAXW)
		f->wsize[f->writes] = len;
	f->writes++;
	f->wdata = realloc(f->wdata, f->wlen + len);
	memcpy(f->wdata + f->wlen, buf, len);
	f->wlen += len;
	return 0;
}

static size_t
f_pending(void *ctx)
{
	return ((struct fake *)ctx)->pending;
}

static struct transport
fake_transport(struct fake *f)
{
	struct transport t = { f_read, f_write, f_pending, f };

	return t;
}

static struct io *
new_io(struct fake *f)
{
	struct io *io = malloc(sizeof(*io));

	io_init(io, fake_transport(f));
	return io;
}

static void
add(struct fake *f, const char *s, size_t len)
{
	f->chunk[f->n] = s;
	f->clen[f->n++] = len;
}
#define ADD(f, s) add(f, s, sizeof(s) - 1)

/* read all lines into "line|line|..." until the first error */
static int
read_all(struct io *io, char *out, size_t outsz, struct err *e)
{
	const char *l;
	size_t len;

	size_t o = 0;

	out[0] = '\0';
	while (io_readline(io, &l, &len, e) == 0) {
		if (o + len + 2 > outsz)
			return -2;
		memcpy(out + o, l, len);
		o += len;
		out[o++] = '|';
		out[o] = '\0';
	}
	return e->code;
}

static void
test_lines(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	char out[256];

	err_clear(&e);
	ADD(&f, "220 a\r\n250-b\r\n250 c\r\n");
	ADD(&f, "bare\nlf\r\n\r\nmid\rcr\r\n");
	ADD(&f, "split");
	ADD(&f, " line\r");
	ADD(&f, "\n");
	T_EQ_INT(read_all(io, out, sizeof(out), &e), EX_TEMPFAIL);
	T_EQ_STR(out, "220 a|250-b|250 c|bare|lf||mid\rcr|split line|");
	T_EQ_STR(e.msg, "connection closed by server");
	T_EQ_INT(io->bytes_in, 52);
	free(io);
}

static void
test_nul(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	const char *l;
	size_t len;

	err_clear(&e);
	ADD(&f, "25\0 x\r\n");
	T_EQ_INT(io_readline(io, &l, &len, &e), 0);
	T_EQ_MEM(l, len, "25\0 x", 5);
	T_EQ_INT(l[len], '\0');
	free(io);
}

/* one stream cut at every position gives the same lines */
static void
test_split_everywhere(void)
{
	static const char s[] = "220-a\r\n220 b\n\r\n\rx\r\n250 end\r\n";
	size_t n = sizeof(s) - 1, i;
	char want[256], got[256];
	int bad = 0;

	for (i = 0; i <= n; i++) {
		struct fake f = { 0 };
		struct io *io = new_io(&f);
		struct err e;

		err_clear(&e);
		if (i > 0)	/* a 0-byte read would be EOF */
			add(&f, s, i);
		if (i < n)
			add(&f, s + i, n - i);
		read_all(io, got, sizeof(got), &e);
		if (i == 0)
			strlcpy(want, got, sizeof(want));
		bad += strcmp(want, got) != 0 || e.code != EX_TEMPFAIL;
		free(io);
	}
	T_EQ_STR(want, "220-a|220 b||\rx|250 end|");
	T_EQ_INT(bad, 0);
}

static void
test_eof(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	const char *l;
	size_t len;

	err_clear(&e);
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_TEMPFAIL);
	T_EQ_STR(e.msg, "connection closed by server");
	/* EOF in the middle of a line: the partial line is not returned */
	io_init(io, fake_transport(&f));
	f.n = f.next = 0;
	err_clear(&e);
	ADD(&f, "250 ok");
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_STR(e.msg, "connection closed by server");
	/* transport errors come through unchanged */
	io_init(io, fake_transport(&f));
	f.n = f.next = 0;
	f.at_end = AT_END_RESET;
	err_clear(&e);
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_TEMPFAIL);
	T_EQ_STR(e.msg, "connection reset by server");
	free(io);
}

static void
test_long_lines(void)
{
	char *buf = malloc(LIMIT_REPLY_LINE + 3);
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	const char *l;
	size_t len;

	memset(buf, 'y', LIMIT_REPLY_LINE);
	memcpy(buf + LIMIT_REPLY_LINE, "\r\n", 2);
	/* exactly the limit: fine, also when CR and LF arrive apart */
	err_clear(&e);
	add(&f, buf, LIMIT_REPLY_LINE + 1);
	add(&f, buf + LIMIT_REPLY_LINE + 1, 1);
	T_EQ_INT(io_readline(io, &l, &len, &e), 0);
	T_EQ_INT(len, LIMIT_REPLY_LINE);
	/* one more byte: refused, whole or in pieces */
	buf[LIMIT_REPLY_LINE] = 'y';
	memcpy(buf + LIMIT_REPLY_LINE + 1, "\r\n", 2);
	add(&f, buf, LIMIT_REPLY_LINE + 3);
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	io_init(io, fake_transport(&f));
	f.n = f.next = 0;
	err_clear(&e);
	f.reads = 0;
	add(&f, buf, LIMIT_REPLY_LINE + 1);	/* no CR at the end: certain */
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_EQ_INT(f.reads, 1);
	/* with LF only */
	io_init(io, fake_transport(&f));
	f.n = f.next = 0;
	err_clear(&e);
	buf[LIMIT_REPLY_LINE + 1] = '\n';
	add(&f, buf, LIMIT_REPLY_LINE + 2);
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	free(buf);
	free(io);
}

/* a server sending bytes without end and without a newline */
static void
test_flood(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	const char *l;
	size_t len;

	err_clear(&e);
	f.at_end = AT_END_FLOOD;
	ADD(&f, "250-ok\r\n");
	T_EQ_INT(io_readline(io, &l, &len, &e), 0);
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_PROTOCOL);
	T_OK(f.reads <= 2, "%d reads before giving up", f.reads);
	T_OK(io->bytes_in <= 8 + LIMIT_IO_BUF, "read %lld bytes",
	    io->bytes_in);
	free(io);
}

static long long
elapsed(long long t0)
{
	return io_now_ms() - t0;
}

static void
test_deadlines(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	const char *l;
	size_t len;
	long long t0;
	int i, ok;

	/* a transport that waits its whole timeout */
	err_clear(&e);
	f.at_end = AT_END_STALL;
	io_deadline(io, 150);
	t0 = io_now_ms();
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_TEMPFAIL);
	T_EQ_STR(e.msg, "timed out waiting for the server");
	T_OK(f.read_ms[0] > 100 && f.read_ms[0] <= 150, "read got %d ms",
	    f.read_ms[0]);
	T_OK(elapsed(t0) >= 140 && elapsed(t0) < 400, "took %lld ms",
	    elapsed(t0));
	/* a trickling server: each read gets what is left, not a fresh wait */
	io_init(io, fake_transport(&f));
	memset(&f, 0, sizeof(f));
	err_clear(&e);
	f.at_end = AT_END_DRIP;
	io_deadline(io, 150);
	t0 = io_now_ms();
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(e.code, EX_TEMPFAIL);
	T_OK(elapsed(t0) >= 140 && elapsed(t0) < 400, "took %lld ms",
	    elapsed(t0));
	T_OK(f.reads >= 3, "%d reads", f.reads);
	for (i = 1, ok = 1; i < f.reads && i < 256; i++)
		ok &= f.read_ms[i] < f.read_ms[i - 1];
	T_OK(ok, "timeouts given to reads do not shrink");
	/* deadline already past: no read at all, but buffered lines come */
	io_init(io, fake_transport(&f));
	memset(&f, 0, sizeof(f));
	err_clear(&e);
	ADD(&f, "250-a\r\n250 b\r\n");
	io_deadline(io, 1000);
	T_EQ_INT(io_readline(io, &l, &len, &e), 0);
	io_deadline(io, 0);
	T_EQ_INT(io_readline(io, &l, &len, &e), 0);
	T_EQ_MEM(l, len, "250 b", 5);
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_STR(e.msg, "timed out waiting for the server");
	T_EQ_INT(f.reads, 1);
	io_deadline(io, -5);
	T_EQ_INT(io_readline(io, &l, &len, &e), -1);
	T_EQ_INT(f.reads, 1);
	free(io);
}

static void
test_writes(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	char *big;
	size_t total = 3 * (size_t)LIMIT_IO_BUF + 10, i;

	err_clear(&e);
	/* several small writes leave in one transport write */
	T_EQ_INT(io_write(io, "MAIL FROM:<a@b>\r\n", 17, &e), 0);
	T_EQ_INT(io_printf(io, &e, "RCPT TO:<%s>\r\n", "c@d"), 0);
	T_EQ_INT(io_write(io, "DATA\r\n", 6, &e), 0);
	T_EQ_INT(f.writes, 0);
	io->timeout_ms = 1234;
	T_EQ_INT(io_flush(io, &e), 0);
	T_EQ_INT(f.writes, 1);
	T_EQ_INT(f.write_ms, 1234);
	T_EQ_MEM(f.wdata, f.wlen, "MAIL FROM:<a@b>\r\nRCPT "
	    "TO:<c@d>\r\nDATA\r\n",
	    38);
	T_EQ_INT(io->bytes_out, 38);
	T_EQ_INT(io_flush(io, &e), 0);
	T_EQ_INT(f.writes, 1);
	/* large data: one write per LIMIT_IO_BUF */
	free(f.wdata);
	memset(&f, 0, sizeof(f));
	big = malloc(total);
	for (i = 0; i < total; i++)
		big[i] = (char)('a' + i % 23);
	T_EQ_INT(io_write(io, big, 100, &e), 0);
	T_EQ_INT(io_write(io, big + 100, total - 100, &e), 0);
	T_EQ_INT(io_flush(io, &e), 0);
	T_EQ_INT(f.writes, 4);
	T_EQ_INT(f.wsize[0], LIMIT_IO_BUF);
	T_EQ_INT(f.wsize[3], 10);
	T_OK(f.wlen == total && memcmp(f.wdata, big, total) == 0,
	    "large data differs");
	free(f.wdata);
	free(big);
	free(io);
}

static void
test_printf(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;
	size_t n = LIMIT_IO_BUF + 5000, fill = LIMIT_IO_BUF - 5;
	char *big = malloc(n + 1), *want = malloc(fill + n + 2);

	err_clear(&e);
	memset(big, 'z', n);
	big[n] = '\0';
	/* a line longer than the whole buffer */
	T_EQ_INT(io_printf(io, &e, "%s\r\n", big), 0);
	T_EQ_INT(io_flush(io, &e), 0);
	T_EQ_INT(f.writes, 2);
	T_OK(f.wlen == n + 2 && memcmp(f.wdata, big, n) == 0 &&
	    memcmp(f.wdata + n, "\r\n", 2) == 0, "long printf differs");
	/* a line that does not fit in what is left of the buffer */
	free(f.wdata);
	memset(&f, 0, sizeof(f));
	memset(want, 'q', fill);
	T_EQ_INT(io_write(io, want, fill, &e), 0);
	T_EQ_INT(io_printf(io, &e, "AUTH PLAIN %s\r\n", "c2VjcmV0"), 0);
	T_EQ_INT(io_flush(io, &e), 0);
	memcpy(want + fill, "AUTH PLAIN c2VjcmV0\r\n", 21);
	T_EQ_INT(f.writes, 2);
	T_EQ_INT(f.wsize[0], LIMIT_IO_BUF);
	T_EQ_MEM(f.wdata, f.wlen, want, fill + 21);
	free(f.wdata);
	free(big);
	free(want);
	free(io);
}

static void
test_write_error(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	struct err e;

	err_clear(&e);
	f.write_fail = 1;
	T_EQ_INT(io_write(io, "QUIT\r\n", 6, &e), 0);
	T_EQ_INT(io_flush(io, &e), -1);
	T_EQ_INT(e.code, EX_TEMPFAIL);
	T_EQ_STR(e.msg, "connection reset by server");
	T_EQ_INT(io->bytes_out, 0);
	/* the failed bytes are gone, not sent again later */
	f.write_fail = 0;
	T_EQ_INT(io_write(io, "X\r\n", 3, &e), 0);
	T_EQ_INT(io_flush(io, &e), 0);
	T_EQ_MEM(f.wdata, f.wlen, "X\r\n", 3);
	free(f.wdata);
	free(io);
}

static void
test_pending(void)
{
	struct fake f = { 0 }, g = { 0 };
	struct io *io = new_io(&f);
	struct transport t = fake_transport(&g);
	struct err e;
	const char *l;
	size_t len;

	err_clear(&e);
	T_EQ_INT(io_pending(io), 0);
	ADD(&f, "220 go ahead\r\nXYZ");
	T_EQ_INT(io_readline(io, &l, &len, &e), 0);
	T_EQ_MEM(l, len, "220 go ahead", 12);
	T_EQ_INT(io_pending(io), 3);
	f.pending = 5;
	T_EQ_INT(io_pending(io), 8);
	/* a new transport starts with nothing buffered */
	io_set_transport(io, t);
	T_EQ_INT(io_pending(io), 0);
	g.pending = 2;
	T_EQ_INT(io_pending(io), 2);
	ADD(&g, "250 tls\r\n");
	T_EQ_INT(io_readline(io, &l, &len, &e), 0);
	T_EQ_MEM(l, len, "250 tls", 7);
	/* a transport without a pending() */
	t.pending = NULL;
	io_set_transport(io, t);
	T_EQ_INT(io_pending(io), 0);
	free(io);
}

/* io_wspace/io_wcommit: in place, after buffered bytes; flush when short */
static void
test_wspace(void)
{
	struct fake f = { 0 };
	struct io *io = new_io(&f);
	size_t room, k;
	struct err e;
	char *w;

	err_clear(&e);
	T_EQ_INT(io_write(io, "DATA\r\n", 6, &e), 0);
	w = io_wspace(io, 2, &room, &e);
	T_OK(w != NULL, "wspace");
	T_EQ_INT(room, LIMIT_IO_BUF - 6);
	memcpy(w, "abc", 3);
	io_wcommit(io, 3);
	T_EQ_INT(f.writes, 0);
	/* fill it but for one byte: asking for two flushes first */
	w = io_wspace(io, 1, &room, &e);
	for (k = 0; k < room - 1; k++)
		w[k] = 'x';
	io_wcommit(io, room - 1);
	w = io_wspace(io, 2, &room, &e);
	T_EQ_INT(f.writes, 1);
	T_EQ_INT(f.wsize[0], LIMIT_IO_BUF - 1);
	T_EQ_MEM(f.wdata, 9, "DATA\r\nabc", 9);
	T_EQ_INT(room, LIMIT_IO_BUF);
	memcpy(w, ".\r\n", 3);
	io_wcommit(io, 3);
	T_EQ_INT(io_flush(io, &e), 0);
	T_EQ_INT(f.writes, 2);
	T_EQ_MEM(f.wdata + f.wlen - 3, 3, ".\r\n", 3);
	T_EQ_INT(io->bytes_out, LIMIT_IO_BUF + 2);
	/* a flush that fails: NULL, error filled */
	f.write_fail = 1;
	w = io_wspace(io, 1, &room, &e);
	io_wcommit(io, room);
	T_OK(io_wspace(io, 1, &room, &e) == NULL, "failed flush");
	T_EQ_INT(e.code, EX_TEMPFAIL);
	free(f.wdata);
	free(io);
}

int
main(void)
{
	test_lines();
	test_nul();
	test_split_everywhere();
	test_eof();
	test_long_lines();
	test_flood();
	test_deadlines();
	test_writes();
	test_printf();
	test_write_error();
	test_wspace();
	test_pending();
	return t_done("t_io");
}
