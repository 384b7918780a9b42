/* SPDX-License-Identifier: ISC */
/*
 * doctor.h - smtps --doctor [-a ACCOUNT]: walk everything a send needs,
 * one line per step on stdout, and say for the first failure what it
 * means and how to fix it (diagnose.h).
 *
 * Steps, in order: config (the account, acctready_load), dns (the host's
 * addresses; not for socket or proxy_host), tcp (connected; on a
 * STARTTLS or plain account the port's first bytes are looked at
 * first: a port that speaks TLS at once is named as such), tls (the
 * handshake, verified as always: version, the server certificate's
 * subject and end date; an implicit-TLS port that fails and greets in
 * plaintext is named as such), greeting, ehlo (the capabilities), auth
 * (the mechanisms offered and the one smtps would use), sign-in (the
 * real AUTH exchange with the account's credentials), send (MAIL FROM
 * and RCPT TO with the account's from address, then RSET: no message is
 * sent), queue (entries, the oldest one's age, the last error).
 *
 *   ok   STEP: DETAIL
 *   FAIL STEP: WHAT [server said: REPLY] - FIX
 *
 * The walk stops at the first failing step of the session (later steps
 * need it); the queue step always runs.  Secrets are never printed.
 * Returns 0 when every step passed, else -1 with e: the sysexits code of
 * the first failing step (the code a send would exit with; a TLS mode
 * that does not match the port: EX_CONFIG) and "--doctor: STEP failed".
 */
#ifndef SMTPS_DOCTOR_H
#define SMTPS_DOCTOR_H

#include "err.h"
#include "flags.h"

int	doctor_run(const struct opts *, struct err *);

#endif
