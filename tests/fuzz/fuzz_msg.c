/* SPDX-License-Identifier: ISC */
/*
 * fuzz_msg.c - libFuzzer target for the input path (src/msg.c): the
 * header block of raw input as msg_read() finds it (msg_header_block),
 * then the whole path from raw bytes to the spooled message (msg_read
 * from a memfd into a memfd spool; an odd-sized input also collects -t
 * recipients).
 *
 * Invariants checked: the header block is CRLF text (no bare CR or LF, no
 * blank line), a complete header block by hdr_split() (itself, its last
 * line ended, plus a blank line splits at its end), never longer than the
 * normalised input; hdr_rewrite() accepts it unless it holds a NUL byte.
 * msg_read() either fails (-1, or 1: refused whole) with EX_DATAERR and
 * a message (a NUL byte, a -t address field that does not parse, a line
 * longer than LIMIT_LINE that cannot be folded or re-encoded; the inputs
 * are far below the size limits) or spools CRLF
 * text (no bare CR or LF, no line longer than LIMIT_LINE) ending in CRLF,
 * whose length is sp->size, with
 * a header block (hdr_split) holding a From:, a Date: and a Message-ID:
 * field, and every collected -t recipient non-empty.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"

static int
memfd_with(const void *p, size_t n)
{
	int fd = memfd_create("fuzz_msg", 0);

	if (fd == -1 || (n > 0 && write(fd, p, n) != (ssize_t)n) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* field name at the start of a header line of the block h[0..n) */
static int
has_field(const char *h, size_t n, const char *name)
{
	size_t k = strlen(name), i;

	for (i = 0; i + k <= n; i++)
		if ((i == 0 || h[i - 1] == '\n') && strncasecmp(h + i, name,
		    k) == 0)
			return 1;
	return 0;
}

static void
check_spool(const struct spool *sp, int nul)
{
	char *buf;
	size_t n = (size_t)sp->size, i, off, st;
	long hl;

	buf = malloc(n + 1);
	if (buf == NULL || pread(sp->fd, buf, n + 1, 0) != (ssize_t)n)
		abort();
	buf[n] = '\0';
	if (n < 2 || memcmp(buf + n - 2, "\r\n", 2) != 0)
		abort();
	for (i = 0, st = 0; i < n; i++) {
		if ((buf[i] == '\r' && buf[i + 1] != '\n') ||
		    (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')))
			abort();
		if (buf[i] == '\n' && i - st - 1 > LIMIT_LINE)
			abort();	/* longline.h: none is sent */
		if (buf[i] == '\n')
			st = i + 1;
	}
	hl = hdr_split(buf, n, 1, &off);
	if (hl < 0 || (size_t)hl > n || (!nul &&
	    (!has_field(buf, (size_t)hl, "From:") ||
	    !has_field(buf, (size_t)hl, "Date:") ||
	    !has_field(buf, (size_t)hl, "Message-ID:"))))
		abort();
	free(buf);
}

/* raw bytes to the spool, as for `smtps rcpt < message` */
static void
read_path(const uint8_t *data, size_t size, const struct hdr_policy *pol)
{
	struct addr_list rcpts;
	struct spool sp;
	struct err e;
	int in = memfd_with(data, size), nul = memchr(data, 0, size) != NULL;
	size_t i;

	memset(&sp, 0, sizeof(sp));
	memset(&rcpts, 0, sizeof(rcpts));
	sp.fd = memfd_with(NULL, 0);
	err_clear(&e);
	if (msg_read(in, pol, &sp, &rcpts, &e) == 0)
		check_spool(&sp, nul);
	else if (e.code != EX_DATAERR || e.msg[0] == '\0')
		abort();
	for (i = 0; i < rcpts.n; i++)
		if (rcpts.v[i] == NULL || rcpts.v[i][0] == '\0')
			abort();
	addr_list_free(&rcpts);
	close(sp.fd);
	close(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr_buf hb = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	struct hdr_policy pol;
	struct err e;
	size_t n = msg_header_block((const char *)data, size, &hb), i, off;

	if (n != hb.len || n > 2 * size + 2)
		abort();
	for (i = 0; i < n; i++)
		if ((hb.p[i] == '\r' && (i + 1 >= n || hb.p[i + 1] != '\n')) ||
		    (hb.p[i] == '\n' && (i == 0 || hb.p[i - 1] != '\r')))
			abort();
	if (n >= 2 && memcmp(hb.p, "\r\n", 2) == 0)
		abort();
	if (strstr(hb.p, "\r\n\r\n") != NULL && memchr(hb.p, '\0', n) == NULL)
		abort();
	if (n > 0 && (n < 2 || memcmp(hb.p + n - 2, "\r\n", 2) != 0))
		hdr_buf_add(&hb, "\r\n", 2);	/* the last line had no end */
	i = hb.len;
	hdr_buf_add(&hb, "\r\n", 2);
	if (hdr_split(hb.p, hb.len, 1, &off) != (long)i || off != hb.len)
		abort();
	memset(&pol, 0, sizeof(pol));
	pol.from = "me@example.org";
	pol.msgid_domain = "host.example";
	pol.unique = "u1";
	err_clear(&e);
	if (hdr_rewrite(hb.p, n, &pol, &out, NULL, &e) == -1 &&
	    memchr(hb.p, '\0', n) == NULL)
		abort();
	hdr_buf_free(&out);
	hdr_buf_free(&hb);
	pol.read_rcpts = size & 1;
	read_path(data, size, &pol);
	return 0;
}
