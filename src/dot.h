/*
 * dot.h - PURE streaming transforms of message bytes.
 *
 * dot_crlf: normalise line endings.  CRLF stays, bare LF and bare CR each
 * become CRLF.  Streaming: a CR at the end of one chunk is remembered and
 * resolved by the next chunk or by dot_crlf_end.  Output needs room for
 * 2 * inlen + 2 bytes.
 *
 * dot_stuff: SMTP transparency (RFC 5321 4.5.2) on CRLF input: a '.' at
 * the start of a line is doubled.  Output needs room for 2 * inlen bytes.
 * dot_stuff_end writes the terminator: CRLF first if the data did not end
 * with CRLF, then ".\r\n".  Output needs room for 5 bytes.
 *
 * Both count 8-bit bytes (>= 0x80) seen, for BODY=8BITMIME.
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
size_t	dot_stuff_end(struct dot *, char *out);

#endif
