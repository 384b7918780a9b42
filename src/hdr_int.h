/* SPDX-License-Identifier: ISC */
/*
 * hdr_int.h - private to the hdr module (hdr.c: the scanner, the rewrite
 * and the added fields; hdrlocal.c: the fields of local mail).
 */
#ifndef SMTPS_HDR_INT_H
#define SMTPS_HDR_INT_H

#include "hdr.h"

/* RFC 5322 2.1.1: lines SHOULD be no longer than 78 characters */
#define HDR_LINE_SOFT	78

void	hdr_buf_str(struct hdr_buf *, const char *);
int	hdr_put_from(struct hdr_buf *, const char *addr, const char *name,
	    size_t namelen, struct err *);
/*
 * hdrlocal.c.  The value v[0..vlen) of an address field (To, Cc, Bcc and
 * their Resent- forms: hdr_local_rcpts; From: hdr_local_from); when a bare
 * name is in it, the whole field (name[0..namelen), the colon, the new
 * value, CRLF) is appended to out and *done set; else nothing is written.
 */
int	hdr_local_rcpts(const char *name, size_t namelen, const char *v,
	    size_t vlen, const struct alias_local *, struct hdr_buf *out,
	    int *done, struct err *);
int	hdr_local_from(const char *v, size_t vlen, const char *from,
	    struct hdr_buf *out, int *done, struct err *);

#endif
