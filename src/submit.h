/* SPDX-License-Identifier: ISC */
/*
 * submit.h - the caller's side of the system submission service.
 *
 * submit_route() decides whether a message goes to the service, and if
 * so does it.  It is for a message to send (MODE_SEND) without -C and
 * without the internal --submitter, by a user with no config file of
 * their own (account_has_user_conf() is 0):
 *   - the socket (submit_socket_path()) exists: unless the caller is
 *     the socket's owner (the service's own user: no loop), the
 *     message goes to the service, even when the system config is
 *     readable;
 *   - no socket and the system config readable: not for the service
 *     (SUBMIT_SKIP, the normal pipeline reads the system config);
 *   - no socket and no readable system config (missing, EACCES): the
 *     message is read and saved in the caller's dead.letter,
 *     EX_UNAVAILABLE "no configuration file and no submission service".
 * Before reading stdin the arguments are checked with subproto_args()
 * (EX_USAGE naming a flag the service does not take).  stdin is read
 * whole into memory (memfd; more than LIMIT_MESSAGE -> EX_DATAERR), then
 * sent.  The service's status line(s) are printed on stderr as they
 * came, and its code is returned (0 = delivered or in the system queue).
 * When the code is not 0 the caller keeps the message too: it is
 * appended to $HOME/dead.letter (dead.h; without HOME, dead.letter in
 * the home directory of the password database) and the last line says
 * so (or that it could not be saved).  A service that cannot be reached, that
 * closes the connection or times out (LIMIT_SUBMIT_IO_TIMEOUT for the
 * go-ahead and each write, LIMIT_SUBMIT_WAIT for the status) is a
 * failure of its own: EX_UNAVAILABLE (cannot connect) or EX_TEMPFAIL
 * (lost after the message was sent: it may be in the system queue),
 * the message in dead.letter.
 *
 * A --submitter that is not "UID NAME" (subproto_submitter_ok) is
 * EX_USAGE: it goes into the queue entry and the Received: field.
 * Returns SUBMIT_SKIP, or the exit code (>= 0, everything printed), or
 * -1 with e set (main prints it; the message is saved when it was read).
 *
 * submit_trace(): for the pipeline the service runs (--submitter given)
 * with submit_received on, the Received: field (subproto_received) in
 * buf; else NULL.
 * submit_connect(): a connected socket to the service at path, or -1
 * with EX_UNAVAILABLE "cannot reach the submission service at PATH: WHY".
 * submit_send() / submit_recv(): a whole buffer written, some bytes read
 * (0 at EOF), each waiting at most until the absolute deadline
 * (io_now_ms() scale); EX_TEMPFAIL "timed out" / EX_IOERR.
 */
#ifndef SMTPS_SUBMIT_H
#define SMTPS_SUBMIT_H

#include <sys/types.h>

#include "conf.h"
#include "flags.h"

#define SUBMIT_SKIP	(-2)

#ifndef SMTPS_SUBMIT_SOCKET
#define SMTPS_SUBMIT_SOCKET	"/run/smtps/submit.sock"
#endif

const char *submit_socket_path(void);	/* $SMTPS_SUBMIT_SOCKET or the
					   default */
int	submit_route(const struct opts *, int argc, char **argv,
	    struct err *);
const char *submit_trace(const struct opts *, const struct account *,
	    char *buf, size_t sz);
int	submit_connect(const char *path, struct err *);
int	submit_send(int fd, const char *buf, size_t n, long long deadline,
	    struct err *);
ssize_t	submit_recv(int fd, char *buf, size_t sz, long long deadline,
	    struct err *);

#endif
