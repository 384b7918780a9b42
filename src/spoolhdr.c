/* SPDX-License-Identifier: ISC */
/*
 * spoolhdr.c - facts read back from a message's header block: the
 * Message-ID of the spooled message, the --read-envelope-from sender
 * (contract: spoolhdr.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "hdr.h"
#include "limit.h"
#include "msg.h"
#include "spoolhdr.h"

void
spoolhdr_msgid(int fd, char *out, size_t outsz)
{
	char *hb = xmalloc(LIMIT_HEADER_BLOCK), *val, *lt, *gt;
	ssize_t n = pread(fd, hb, LIMIT_HEADER_BLOCK, 0);
	const char *v, *p;
	size_t o = 0, vlen, off;
	long hlen;

	/* the spool is CRLF with the header block rewritten (msg.h) */
	hlen = n > 0 ? hdr_split(hb, (size_t)n, 1, &off) : -1;
	if (hlen > 0 && hdr_get(hb, (size_t)hlen, "Message-ID", &v, &vlen)) {
		/* the <id> when there is one, else the value without blanks */
		p = val = xstrndup(v, vlen);
		if ((lt = strchr(val, '<')) != NULL &&
		    (gt = strchr(lt, '>')) != NULL) {
			gt[1] = '\0';
			p = lt;
		}
		for (; *p != '\0'; p++)
			if (strchr(" \t\r\n", *p) == NULL && o + 1 < outsz)
				out[o++] = *p;
		free(val);
	}
	out[o] = '\0';
	free(hb);
}

/*
 * the value of the sender field (hdr_get_sender: From, or a Resent-From
 * before it) of the raw message start, found as msg.c does
 */
static char *
header_from(const char *raw, size_t n)
{
	struct hdr_buf hb = { NULL, 0, 0 };
	const char *v;
	size_t vlen;
	char *val = NULL;

	if (hdr_get_sender(hb.p, msg_header_block(raw, n, &hb), &v, &vlen))
		val = xstrndup(v, vlen);
	hdr_buf_free(&hb);
	return val;
}

int
spoolhdr_envelope_from(int *fd, char *from, size_t fromsz, const char *what,
    struct err *e)
{
	static char buf[LIMIT_HEADER_BLOCK];
	struct addr_list l = { NULL, 0 };
	FILE *tmp;
	size_t n, hlen = 0;
	char *val = NULL;
	int rc;

	if ((tmp = tmpfile()) == NULL)
		return err_set(e, EX_CANTCREAT, "%s: cannot create a "
		    "temporary file: %s", what, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (fwrite(buf, 1, n, tmp) != n)
			break;
		if (hlen == 0)
			hlen = n;
	}
	if (ferror(stdin) || ferror(tmp) || fflush(tmp) == EOF ||
	    fseek(tmp, 0, SEEK_SET) == -1) {
		fclose(tmp);
		return err_set(e, EX_IOERR, "%s: reading the message: %s",
		    what, strerror(errno));
	}
	/* the header block is at the start of the first chunk read */
	if (fread(buf, 1, hlen, tmp) != hlen || fseek(tmp, 0, SEEK_SET) == -1 ||
	    (val = header_from(buf, hlen)) == NULL) {
		fclose(tmp);
		return err_set(e, EX_USAGE, "%s: no envelope sender found: "
		    "the message has no From: header (nor a Resent-From: "
		    "before it)", what);
	}
	rc = addr_list_parse(val, strlen(val), &l, e);
	free(val);
	if (rc == 0 && (l.n == 0 || strlcpy(from, l.v[0], fromsz) >= fromsz))
		rc = err_set(e, EX_DATAERR, "no usable address in the From: "
		    "header");
	addr_list_free(&l);
	if (rc == -1) {
		fclose(tmp);
		return err_prefix(e, "%s", what);
	}
	*fd = dup(fileno(tmp));
	fclose(tmp);		/* may move the shared offset: rewind after */
	if (*fd == -1 || lseek(*fd, 0, SEEK_SET) == -1)
		return err_set(e, EX_OSERR, "%s: %s", what, strerror(errno));
	return 0;
}
