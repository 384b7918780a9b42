/* SPDX-License-Identifier: ISC */
/*
 * t_msg.c - tests of the message reader (src/msg.c): msg_header_block()
 * finds the header block the way msg_read() does (any line ends, the
 * mbox line, obsolete syntax), and msg_read() itself on files bigger
 * than one read: line ends split across reads, the header block spanning
 * reads, a NUL byte in the body refused with the line it is on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
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

int
main(void)
{
	test_header_block();
	test_line_ends_across_reads();
	test_nul_line();
	return t_done("t_msg");
}
