/*
 * sasl.h - SASL mechanisms for AUTH (PLAIN, LOGIN).
 *
 * sasl_pick(): choose the mechanism: `wanted` is the account's `auth`
 * ("on" = strongest both sides offer, in the order PLAIN, LOGIN; or a
 * mechanism name).  Returns an AUTH_* bit, or -1 with EX_UNAVAILABLE
 * "server offers no usable AUTH mechanism (offered: ...)".
 *
 * sasl_initial(): the AUTH command line for the mechanism, without CRLF:
 * "AUTH PLAIN <base64(\0user\0pass)>" or "AUTH LOGIN".
 * sasl_step(): the response (base64, no CRLF) to server challenge number
 * step (0-based) for LOGIN: step 0 -> user, step 1 -> password.
 * Output buffers are the caller's; wipe them with secret_wipe after use.
 */
#ifndef SMTPS_SASL_H
#define SMTPS_SASL_H

#include <stddef.h>
#include "err.h"

int	sasl_pick(unsigned offered, const char *wanted, struct err *);
const char *sasl_name(int mech);
int	sasl_initial(int mech, const char *user, const char *pass,
	    char *out, size_t outsz, struct err *);
int	sasl_step(int mech, int step, const char *user, const char *pass,
	    char *out, size_t outsz, struct err *);
/* base64 encode; returns output length, or -1 if outsz is too small */
long	sasl_b64(const unsigned char *in, size_t inlen, char *out, size_t outsz);

#endif
