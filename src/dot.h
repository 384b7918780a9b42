/* SPDX-License-Identifier: ISC */
/*
 * dot.h - PURE streaming transforms of message bytes.
 *
 * dot_crlf: normalise line endings.  CRLF stays, CR CR LF (a CRLF that
 * some tool converted twice) is ONE line end, as in Postfix and sendmail,
 * in the header block and the body alike; bare LF and bare CR each
 * become CRLF.  Streaming: CRs at the end of one chunk are remembered and
 * resolved by the next chunk or by dot_crlf_end.  Output needs room for
 * 2 * inlen + 4 bytes; dot_crlf_end writes at most 4.
 *
 * dot_stuff: SMTP transparency (RFC 5321 4.5.2) on CRLF input: a '.' at
 * the start of a line is doubled.  Output needs room for 2 * inlen bytes.
 * dot_stuff_end writes the terminator: CRLF first if the data did not end
 * with CRLF, then ".\r\n".  Output needs room for 5 bytes.
 *
 * Both count 8-bit bytes (>= 0x80) seen, for BODY=8BITMIME.
 *
 * dot_stuff_room: dot_stuff into a buffer of outsz bytes, such as what is
 * left of a write buffer: stuffs as much of in as fits, sets *used to the
 * input bytes consumed and returns the bytes written (<= outsz).  It
 * always makes progress when outsz >= 2 (a doubled dot is written whole).
 * Any mix of dot_stuff and dot_stuff_room calls on one struct dot gives
 * the same bytes as one dot_stuff call.  It counts nothing (the sender
 * knows the spool's counts already).
 */
#ifndef SMTPS_DOT_H
#define SMTPS_DOT_H

#include <stddef.h>

struct dot {
	int	 bol;		/* at beginning of line (dot_stuff) */
	int	 cr;		/* pending CR (dot_crlf) / last byte was CR */
	int	 lastnl;	/* last byte written ends a CRLF */
	unsigned long long eightbit;	/* bytes >= 0x80 seen */
	unsigned long long nul;		/* NUL bytes seen */
};

void	dot_init(struct dot *);
size_t	dot_crlf(struct dot *, const char *in, size_t inlen, char *out);
size_t	dot_crlf_end(struct dot *, char *out);	/* flush pending CR */
size_t	dot_stuff(struct dot *, const char *in, size_t inlen, char *out);
size_t	dot_stuff_room(struct dot *, const char *in, size_t inlen, char *out,
	    size_t outsz, size_t *used);
size_t	dot_stuff_end(struct dot *, char *out);

#endif
