#!/bin/sh
# SPDX-License-Identifier: ISC
# valgrind.sh ARGS... - run $SMTPS_REAL (the smtps binary) under valgrind's
# memcheck: every error and every definite leak is written to
# $VALGRIND_LOGS/vg.PID and makes the exit status 99, so the Bats
# assertion on the exit status fails too.  `make valgrind` points SMTPS at
# this script for the delivery suites and fails when a log holds an error.
# Called through a link with another name (mailq, sendmail, newaliases),
# smtps gets that name too.  Children smtps runs (passwordeval, the queue
# flusher) are not traced.  valgrind 3.19 lacks pidfd_open (it warns and
# the call fails with ENOSYS): secret.c then waits with waitpid alone.
: "${SMTPS_REAL:?SMTPS_REAL: the smtps binary}"
: "${VALGRIND_LOGS:?VALGRIND_LOGS: a directory for the logs}"
bin=$SMTPS_REAL
name=${0##*/}
if [ "$name" != valgrind.sh ]; then
	mkdir -p "$VALGRIND_LOGS/bin"
	ln -sf "$SMTPS_REAL" "$VALGRIND_LOGS/bin/$name"
	bin=$VALGRIND_LOGS/bin/$name
fi
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --log-file="$VALGRIND_LOGS/vg.%p" "$bin" "$@"
