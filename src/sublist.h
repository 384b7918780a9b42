/* SPDX-License-Identifier: ISC */
/*
 * sublist.h - mailq through the system submission service: the caller's
 * side of the list request (subproto.h), for those who cannot read the
 * system queue themselves.
 *
 * sublist_route() is for the listing (-bp, mailq, mailq --json) without
 * -C and without --submitter.  The system queue is asked for when
 *   - the caller has no config file of its own (account_has_user_conf()
 *     is 0) and the socket (submit_socket_path()) exists and is not the
 *     caller's: the same decision as submit_route() for a message; or
 *   - the caller is root without a config file of its own and the queue
 *     directory of the system config (SMTPS_SYSTEM_CONF) exists and is
 *     not root's: root's mailq on a packaged system (/var/spool/smtps
 *     belongs to the smtps user, and queue_dir_check() refuses a queue
 *     that is not ours).
 * Otherwise it returns SUBMIT_SKIP (the caller's own queue is listed).
 * For the service: the go-ahead or a refusal status is read first (a
 * refused caller may still list its own entries: the refusal is not
 * shown), the list request sent, and the listing (at most
 * LIMIT_LIST_REPLY bytes, see mailq.h for what is cut) written to `out`
 * whole; the return is the service's code (0).  An error status from
 * the service: its text on stderr, its code returned.  No service
 * (nothing listens on the socket, or, in the root case, no socket) is -1
 * with EX_UNAVAILABLE and one line naming the socket; a service that
 * closes the connection, sends garbage or stays silent (LIMIT_SUBMIT_WAIT
 * for the listing) is -1 with EX_TEMPFAIL or EX_PROTOCOL.  Nothing is
 * written to `out` unless the whole listing arrived.
 *
 * sublist_serve(): the service's side, in its worker: the listing of the
 * system queue DIR (mailq_list with the system view: entries of
 * submitter uid only, or every entry when uid is -1; at most
 * LIMIT_LIST_REPLY bytes in all) sent on fd as "list 0 LEN"; when DIR
 * cannot be read, a status with the code and "smtps: WHY" instead.
 * Returns the code (0 listed).  Who may see what is the caller's
 * decision (submitd: root and the service's own uid every entry).
 */
#ifndef SMTPS_SUBLIST_H
#define SMTPS_SUBLIST_H

#include <stdio.h>

#include "flags.h"

int	sublist_route(const struct opts *, FILE *out, struct err *);
int	sublist_serve(int fd, const char *dir, long long uid, int json);

#endif
