/* SPDX-License-Identifier: ISC */
/*
 * submitd.h - smtps --submit-service: the system submission service.
 *
 * Runs in the foreground until SIGTERM, SIGINT or SIGHUP.  The listening
 * socket comes from systemd (LISTEN_PID is our pid and LISTEN_FDS is 1:
 * fd 3; both variables, and LISTEN_FDNAMES, are removed from the
 * environment either way), else the service binds --socket PATH, else
 * $SMTPS_SUBMIT_SOCKET, else SMTPS_SUBMIT_SOCKET (submit.h) itself:
 * mode 0666, its directory must exist, a stale socket there (nobody
 * answers) is replaced, a live one or another kind of file is an error
 * (EX_UNAVAILABLE / EX_CANTCREAT).  A socket it bound is removed when it
 * stops.  "listening on PATH" goes to stderr once it accepts.
 *
 * The policy is read once at start from the account account_load()
 * chooses for the service's opts (-C FILE, else the usual search):
 * submit_allow, submit_rate, submit_received (subpolicy.h); a broken
 * config stops the start (EX_CONFIG).
 *
 * The submit_rate counts are read at start from the state file in the
 * account's queue_dir and written after each change (substate.h).
 *
 * Each connection: the caller's uid, gid and pid from the kernel
 * (SO_PEERCRED), its user name and groups from the user database, then
 * a worker process (at most LIMIT_SUBMIT_WORKERS at once).  Not
 * allowed -> status EX_NOPERM; over the rate -> status EX_TEMPFAIL
 * (counted per uid, the attempt counts when it passes); each with one
 * line, sent by the worker instead of "ready": a submitting caller
 * sends nothing more, but the worker still takes a list request (a
 * refused caller may list its own entries) for LIMIT_SUBMIT_IO_TIMEOUT.
 * A list request ("smtps-list 1") is answered by sublist_serve(): root
 * and the service's own uid see every entry, any other uid the entries
 * it submitted; a listing is not a submission, so a count taken for its
 * connection is given back when its worker ends.  Else the worker says
 * "ready", reads the request
 * (subproto.h; LIMIT_SUBMIT_IO_TIMEOUT between bytes), checks the
 * arguments (subproto_args: EX_USAGE), keeps the message in a memfd and
 * runs the normal pipeline on it: /proc/self/exe with the argv of
 * subproto_child_argv() (--submitter "UID NAME", the service's -C), the
 * message on stdin, stdout on /dev/null; its stderr (at most
 * LIMIT_SUBMIT_REPLY bytes kept) and exit code are the status sent back
 * (killed by a signal: EX_TEMPFAIL).  One line per connection goes to
 * the service's stderr (uid, user, pid, outcome).
 *
 * On SIGTERM it stops accepting at once, lets the workers finish (each
 * sends its status) and returns 0.  Returns -1 with e set when it
 * cannot start.
 */
#ifndef SMTPS_SUBMITD_H
#define SMTPS_SUBMITD_H

#include "err.h"
#include "flags.h"

int	submitd_run(const struct opts *, struct err *);

#endif
