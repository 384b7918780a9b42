/* SPDX-License-Identifier: ISC */
/*
 * t_msg.c - tests of the message reader (src/msg.c): msg_header_block()
 * finds the header block the way msg_read() does (any line ends, the
 * mbox line, obsolete syntax), and msg_read() itself on files bigger
 * than one read: line ends split across reads, the header block spanning
 * reads, a NUL byte in the body refused with the line it is on; lines
 * over 998 octets (longline.h): 998 + CRLF is a line and 999 too long
 * across any cut between reads, a body re-encoded deep in a big file
 * (size, checksum, 7-bit, decodes back), a header line folded, a
 * multipart message refused whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "longline.h"
#include "msg.h"
#include "qp.h"
#include "sum.h"
#include "t.h"

/* ---- msg_header_block ------------------------------------------------ */

static void
test_header_block(void)
{
	static const struct { const char *in, *want; } c[] = {
		{ "Subject: a\nTo: b\n\nbody\n", "Subject: a\r\nTo: b\r\n" },
		{ "Subject: a\rTo: b\r\rbody\r", "Subject: a\r\nTo: b\r\n" },
		{ "Subject: a\r\nTo: b\r\n\r\nbody",
		    "Subject: a\r\nTo: b\r\n" },
		{ "Subject: a\r\n folded\rTo: b\n\rbody",
		    "Subject: a\r\n folded\r\n"
		  "To: b\r\n" },
		{ "From 123 Mon Sep 17 00:00:00 2001\rFrom: a@b\r\rx",
		  "From: a@b\r\n" },
		{ "From : a@b\n\n", "From : a@b\r\n" },
		{ "Subject: a\nnot a header\nTo: b\n", "Subject: a\r\n" },
		{ "body only\n", "" },
		{ " leading space\nTo: b\n", "" },
		{ "From lone mbox line", "" },
		{ "", "" },
		{ "Subject: no line end", "Subject: no line end" },
	};
	struct hdr_buf hb;
	size_t i, n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&hb, 0, sizeof(hb));
		n = msg_header_block(c[i].in, strlen(c[i].in), &hb);
		T_EQ_INT(n, hb.len);
		T_EQ_MEM(hb.p, hb.len, c[i].want, strlen(c[i].want));
		hdr_buf_free(&hb);
	}
}

/* ---- msg_read ---------------------------------------------------------- */

/* a file holding data[0..n), open for reading at offset 0 */
static int
infile(const char *data, size_t n)
{
	FILE *f = tmpfile();
	int fd;

	if (f == NULL || fwrite(data, 1, n, f) != n || fflush(f) != 0)
		abort();
	fd = dup(fileno(f));
	fclose(f);
	if (fd == -1 || lseek(fd, 0, SEEK_SET) == -1)
		abort();
	return fd;
}

static void
policy(struct hdr_policy *p, int t)
{
	memset(p, 0, sizeof(*p));
	p->read_rcpts = t;
	p->from = "me@example.org";
	p->msgid_domain = "host.example";
	p->unique = "u1";
	p->now = 1795829400;
}

/* run msg_read on data; returns its result, the spool in *out */
static int
read_msg(const char *data, size_t n, int t, char **out, size_t *outlen,
    struct addr_list *rcpts, struct err *e)
{
	struct hdr_policy pol;
	struct spool sp;
	FILE *f = tmpfile();
	int in = infile(data, n), rc;
	ssize_t r;

	memset(&sp, 0, sizeof(sp));
	if (f == NULL)
		abort();
	sp.fd = fileno(f);
	policy(&pol, t);
	err_clear(e);
	rc = msg_read(in, &pol, &sp, rcpts, e);
	*out = xmalloc((size_t)sp.size + 1);
	r = rc == 0 ? pread(sp.fd, *out, (size_t)sp.size, 0) : 0;
	*outlen = r > 0 ? (size_t)r : 0;
	close(in);
	fclose(f);
	return rc;
}

/*
 * A header block of many fields ending in CR and CRLF by turns, shifted
 * so that line ends fall on the 64 KiB read boundary in every position
 * (a CR at the end of one read, its LF at the start of the next): read
 * as one block, Bcc removed, -t recipients found, the body intact.
 */
static void
test_line_ends_across_reads(void)
{
	size_t pad, n, len, i;
	char *buf, *out;
	struct addr_list l = { NULL, 0 };
	struct err e;

	for (pad = 0; pad < 26; pad++) {
		buf = xmalloc(200000);
		n = (size_t)snprintf(buf, 200000, "Bcc : hidden@example.org\r"
		    "X-Pad: %.*s\r", (int)pad, "xxxxxxxxxxxxxxxxxxxxxxxxxx");
		for (i = 0; n < 150000; i++)
			n += (size_t)snprintf(buf + n, 200000 - n,
			    "X-F%05zu: v%s", i, i % 2 ? "\r\n" : "\r");
		n += (size_t)snprintf(buf + n, 200000 - n,
		    "To: a@example.org\r\rbody\r");
		T_OK(read_msg(buf, n, 1, &out, &len, &l, &e) == 0,
		    "pad %zu: %s", pad, e.msg);
		out[len] = '\0';
		T_OK(strstr(out, "hidden") == NULL, "pad %zu: Bcc kept", pad);
		T_OK(strstr(out, "\r\n\r\nbody\r\n") != NULL &&
		    strstr(out, "\r\n\r\n") == strstr(out, "\r\n\r\nbody"),
		    "pad %zu: the header block ends before the body only", pad);
		T_EQ_INT(l.n, 2);
		free(out);
		free(buf);
		addr_list_free(&l);
	}
}

/* a NUL in the body: EX_DATAERR naming the input line, wherever it is */
static void
test_nul_line(void)
{
	static const struct { const char *head; long long line; } c[] = {
		{ "Subject: x\n\n", 3 },
		{ "From mbox\rSubject: x\r\r", 4 },
		{ "Subject: x\r\nnot a header\r\n", 3 },
		{ "", 1 },
	};
	size_t i, k, n, len;
	char *buf, *out, want[64];
	struct err e;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		/* the NUL on the first body line, then on line 1+k*7000 */
		for (k = 0; k < 3; k++) {
			buf = xmalloc(100000);
			n = (size_t)snprintf(buf, 100000, "%s", c[i].head);
			for (size_t j = 0; j < k * 7000; j++)
				n += (size_t)snprintf(buf + n, 100000 - n,
				    "line\n");
			memcpy(buf + n, "a\0b\nafter\n", 10);
			n += 10;
			T_EQ_INT(read_msg(buf, n, 0, &out, &len, NULL, &e), -1);
			T_EQ_INT(e.code, EX_DATAERR);
			snprintf(want, sizeof(want), "body, line %lld of",
			    c[i].line + (long long)k * 7000);
			T_OK(strstr(e.msg, want) != NULL, "case %zu/%zu: '%s', "
			    "expected '%s'", i, k, e.msg, want);
			free(out);
			free(buf);
		}
	}
}

/* msg_read into a spool; the whole spool file in *out, whatever rc */
static int
spool_msg(const char *data, size_t n, struct spool *sp, char **out,
    size_t *outlen, struct err *e)
{
	struct hdr_policy pol;
	struct addr_list l = { NULL, 0 };
	FILE *f = tmpfile();
	int in = infile(data, n), rc;
	off_t end;

	memset(sp, 0, sizeof(*sp));
	if (f == NULL)
		abort();
	sp->fd = dup(fileno(f));
	fclose(f);
	policy(&pol, 0);
	err_clear(e);
	rc = msg_read(in, &pol, sp, &l, e);
	end = lseek(sp->fd, 0, SEEK_END);
	*out = xmalloc((size_t)end + 1);
	*outlen = (size_t)pread(sp->fd, *out, (size_t)end, 0);
	(*out)[*outlen] = '\0';
	close(in);
	close(sp->fd);
	addr_list_free(&l);
	return rc;
}

/*
 * A long line deep in a body bigger than several reads, 8-bit text:
 * re-encoded quoted-printable; the file is exactly sp.size bytes, its
 * checksum is sp.sum, it is 7-bit, no line is longer than 76, and the
 * body decodes to the input's body (CRLF).  A header line of 2000
 * octets with spaces only: folded, the body and eightbit untouched.
 * A multipart one: refused (1), the spool the message as it came.
 */
static void
test_long_lines(void)
{
	size_t n = 0, len, i, st = 0, longest;
	char *in = xmalloc(400000), *out, *dec, hex[SUM_HEX], *body, *want;
	struct spool sp;
	struct sum s;
	struct err e;
	long dn;

	n += (size_t)snprintf(in, 400000, "Subject: long\n\n");
	for (i = 0; i < 20000; i++)
		n += (size_t)snprintf(in + n, 400000 - n, "line %zu =\n", i);
	for (i = 0; i < 3000; i++)
		n += (size_t)snprintf(in + n, 400000 - n, "caf\xc3\xa9 ");
	n += (size_t)snprintf(in + n, 400000 - n, "\nend \n");
	T_EQ_INT(spool_msg(in, n, &sp, &out, &len, &e), 0);
	T_EQ_INT(sp.size, len);
	T_EQ_INT(sp.eightbit, 0);
	sum_init(&s);
	sum_add(&s, out, len);
	sum_hex(&s, hex);
	T_EQ_STR(sp.sum, hex);
	for (i = 0, longest = 0; i < len; i++)
		if (out[i] == '\n') {
			longest = i - st - 1 > longest ? i - st - 1 : longest;
			st = i + 1;
		}
	T_OK(longest <= LIMIT_QP_LINE, "a line of %zu octets", longest);
	T_OK(strstr(out, "\r\nContent-Transfer-Encoding: quoted-printable"
	    "\r\n\r\n") != NULL, "no CTE field");
	T_OK(strstr(out, "charset=utf-8") != NULL, "charset");
	body = strstr(out, "\r\n\r\n") + 4;
	dec = xmalloc(len);
	dn = qp_decode(body, len - (size_t)(body - out), dec);
	/* the input body with CRLF line ends */
	want = xmalloc(2 * n);
	for (i = strlen("Subject: long\n\n"), st = 0; i < n; i++) {
		if (in[i] == '\n')
			want[st++] = '\r';
		want[st++] = in[i];
	}
	T_OK(dn == (long)st && memcmp(dec, want, st) == 0, "decoded body "
	    "differs (%ld octets, want %zu)", dn, st);
	free(want);
	free(dec);
	free(out);
	/* header fold only: eightbit and the body as they were */
	n = (size_t)snprintf(in, 400000, "Subject: caf\xc3\xa9");
	for (i = 0; i < 300; i++)
		n += (size_t)snprintf(in + n, 400000 - n, " word%zu", i);
	n += (size_t)snprintf(in + n, 400000 - n, "\n\nbody\n");
	T_EQ_INT(spool_msg(in, n, &sp, &out, &len, &e), 0);
	T_EQ_INT(sp.size, len);
	T_EQ_INT(sp.eightbit, 1);
	T_OK(strstr(out, " word0 word1") != NULL && strstr(out,
	    "\r\n word") != NULL, "not folded");
	T_OK(len > 8 && strcmp(out + len - 8, "\r\nbody\r\n") == 0, "body");
	T_OK(strstr(out, "Content-Transfer") == NULL, "re-encoded");
	free(out);
	/* multipart: refused, the spool holds the input whole */
	n = (size_t)snprintf(in, 400000, "Content-Type: multipart/mixed; "
	    "boundary=b\n\n--b\n\n");
	memset(in + n, 'x', 2000);
	n += 2000;
	n += (size_t)snprintf(in + n, 400000 - n, "\n--b--\n");
	T_EQ_INT(spool_msg(in, n, &sp, &out, &len, &e), 1);
	T_EQ_INT(e.code, EX_DATAERR);
	T_OK(strstr(e.msg, "line 5 of the message is longer than 998 octets "
	    "(2000) and is in part 1 (text/plain)") != NULL, "%s", e.msg);
	T_EQ_INT(sp.size, len);
	T_OK(strstr(out, "\r\n--b\r\n\r\nxxx") != NULL, "not as it came");
	free(out);
	free(in);
}

/* longline_scan: 998 octets + CRLF is a line, 999 is too long, whatever
   the cuts between calls; the index and length of the first one */
static void
test_scan_limit(void)
{
	char b[3000];
	struct longline ll;
	size_t cut;

	memset(b, 'x', sizeof(b));
	memcpy(b + LIMIT_LINE, "\r\n", 2);		/* line 0: 998 */
	memcpy(b + LIMIT_LINE + 2 + 5, "\r\n", 2);	/* line 1: 5 */
	memcpy(b + LIMIT_LINE + 9 + 999, "\r\n", 2);	/* line 2: 999 */
	for (cut = 0; cut <= 2008; cut += 7) {
		longline_init(&ll);
		longline_scan(&ll, b, cut);
		longline_scan(&ll, b + cut, 2008 - cut);
		T_EQ_INT(ll.lines, 3);
		T_EQ_INT(ll.first, 2);
		T_EQ_INT(ll.firstlen, 999);
	}
	longline_init(&ll);
	longline_scan(&ll, b, LIMIT_LINE + 9);
	T_EQ_INT(ll.first, -1);
}

int
main(void)
{
	test_header_block();
	test_line_ends_across_reads();
	test_nul_line();
	test_scan_limit();
	test_long_lines();
	return t_done("t_msg");
}
