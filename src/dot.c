/*
 * dot.c - PURE streaming transforms of message bytes (contract: dot.h).
 *
 * Both transforms keep all their state in struct dot, so a stream may be
 * cut into chunks anywhere and the output is byte-for-byte the same as for
 * the whole stream in one call.  One struct dot per transform and stream.
 *
 * dot_crlf: CRLF stays, bare LF -> CRLF, bare CR -> CRLF.  A CR that ends
 * a chunk is held back (d->cr) until the next byte shows whether it was
 * part of CRLF; dot_crlf_end() writes it as CRLF at end of input.
 *
 * dot_stuff: a '.' at the start of a line is doubled.  The stream starts
 * at the beginning of a line.  Lines end with CRLF; as a safety net a bare
 * LF (which a correct caller never passes) also counts as a line end, so
 * no server that accepts bare LF can ever see an unstuffed "\n.\r\n".
 * dot_stuff_end: CRLF unless the data ended with CRLF (empty data counts
 * as ending with one), then ".\r\n"; the state is then back at the start.
 *
 * Both count bytes >= 0x80 (eightbit) and NUL bytes (nul) of their input.
 * No I/O, no globals.
 */
#include <string.h>

#include "dot.h"

void
dot_init(struct dot *d)
{
	memset(d, 0, sizeof(*d));
	d->bol = 1;
	d->lastnl = 1;
}

static void
count(struct dot *d, unsigned char c)
{
	if (c >= 0x80)
		d->eightbit++;
	else if (c == '\0')
		d->nul++;
}

size_t
dot_crlf(struct dot *d, const char *in, size_t inlen, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];

		count(d, c);
		if (d->cr) {
			/* the held CR ends a line, with this LF or alone */
			d->cr = 0;
			out[o++] = '\r';
			out[o++] = '\n';
			d->lastnl = 1;
			if (c == '\n')
				continue;
		}
		if (c == '\r') {
			d->cr = 1;
		} else if (c == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
			d->lastnl = 1;
		} else {
			out[o++] = (char)c;
			d->lastnl = 0;
		}
	}
	return o;
}

size_t
dot_crlf_end(struct dot *d, char *out)
{
	if (!d->cr)
		return 0;
	d->cr = 0;
	d->lastnl = 1;
	out[0] = '\r';
	out[1] = '\n';
	return 2;
}

size_t
dot_stuff(struct dot *d, const char *in, size_t inlen, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];

		count(d, c);
		if (d->bol && c == '.')
			out[o++] = '.';
		out[o++] = (char)c;
		d->lastnl = c == '\n' && d->cr;
		d->bol = c == '\n';
		d->cr = c == '\r';
	}
	return o;
}

size_t
dot_stuff_end(struct dot *d, char *out)
{
	size_t o = 0;

	if (!d->lastnl) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	memcpy(out + o, ".\r\n", 3);
	o += 3;
	d->bol = 1;
	d->cr = 0;
	d->lastnl = 1;
	return o;
}
