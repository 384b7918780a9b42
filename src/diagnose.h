/* SPDX-License-Identifier: ISC */
/*
 * diagnose.h - PURE what a failure of one --doctor step means, in one
 * plain-language line with the fix, and what the first bytes a port sent
 * say about it.
 *
 * diagnose_fix(): the fix for a failed step, from the error text smtps
 * made (msg) and the server's reply (reply, made visible; "" or NULL
 * when there was none).  A table of known meanings (src/diagnose.c)
 * is searched in order, the first row whose step matches (or any) and
 * whose needles are all found (case-insensitive) wins: provider codes
 * first (Microsoft 365's 5.7.139, 5.7.30, 5.7.57, 5.7.60; Gmail's
 * 534-5.7.9 and 535-5.7.8), then the enhanced status codes of RFC 3463
 * and the errors of tls.c and net.c, then a generic fix per step.
 * Never NULL; the text is static and names the configuration keyword to
 * change (smtps-mailrc(5)) or the provider page to read.
 *
 * diagnose_first_bytes(): what speaks on a port, from the first bytes it
 * sent unasked: three digits and a space or hyphen (an SMTP greeting,
 * plaintext), 0x15 or 0x16 then 0x03 (a TLS record: alert or
 * handshake), none (n == 0: silent), or anything else.
 *
 * diagnose_step_name(): "config", "dns", "tcp", ... as --doctor prints it.
 */
#ifndef SMTPS_DIAGNOSE_H
#define SMTPS_DIAGNOSE_H

#include <stddef.h>

enum diagnose_step {
	DG_CONFIG, DG_DNS, DG_TCP, DG_TLS, DG_GREETING, DG_EHLO, DG_AUTH,
	DG_SIGNIN, DG_SEND, DG_QUEUE, DG_NSTEPS
};

enum diagnose_bytes {
	DG_BYTES_NONE, DG_BYTES_SMTP, DG_BYTES_TLS, DG_BYTES_OTHER
};

const char	*diagnose_fix(enum diagnose_step, const char *msg,
		    const char *reply);
enum diagnose_bytes diagnose_first_bytes(const unsigned char *, size_t n);
const char	*diagnose_step_name(enum diagnose_step);

#endif
