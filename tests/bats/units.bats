#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The systemd units and the cron.d fallback as `make install-systemd`
# installs them (dist/systemd/, dist/cron/smtps): systemd-analyze verify
# finds nothing to say about any unit (an unknown key is only a warning
# to it, so its output must be empty too, not just its status 0), the
# units run the contract's commands, and the cron lines run the queue
# only where systemd is not PID 1.  BINDIR is the tested binary's
# directory, so the ExecStart= paths exist.

load helper

setup_file() {
	command -v systemd-analyze >/dev/null ||
		skip "systemd-analyze not installed (package systemd)"
	ROOT=$BATS_FILE_TMPDIR/root
	export ROOT
	make -s -C "$REPO" install-systemd DESTDIR="$ROOT" \
	    BINDIR="$(dirname "$SMTPS")" SYSCONFDIR=/etc \
	    SYSTEMDUNITDIR=/system USERUNITDIR=/user \
	    > "$BATS_FILE_TMPDIR/install.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/install.log" >&2
		return 1
	}
}
setup() {
	common_setup
	command -v systemd-analyze >/dev/null ||
		skip "systemd-analyze not installed (package systemd)"
}

# verify [--user] FILE...: status 0 and not a word of output
verify() {
	local rt
	rt=$(mktemp -d "$T/rt.XXXXXX")
	run env XDG_RUNTIME_DIR="$rt" systemd-analyze "$@"
	[ "$status" -eq 0 ] && [ -z "$output" ] ||
		fail "systemd-analyze $*: status $status: $output"
}

@test "every system unit passes systemd-analyze verify, silently" {
	n=$(ls "$ROOT/system" | wc -l)
	[ "$n" -eq 4 ] || fail "expected 4 system units, got: $(ls "$ROOT/system")"
	verify verify --man=no "$ROOT"/system/*
}

@test "every user unit passes systemd-analyze --user verify, silently" {
	n=$(ls "$ROOT/user" | wc -l)
	[ "$n" -eq 2 ] || fail "expected 2 user units, got: $(ls "$ROOT/user")"
	verify --user verify --man=no "$ROOT"/user/*
}

@test "the check is live: a unit with an unknown key is reported" {
	mkdir -p "$T/bad"
	sed 's/^OnBootSec=/OnBoootSec=/' "$ROOT/system/smtps-queue.timer" \
	    > "$T/bad/smtps-queue.timer"
	cp "$ROOT/system/smtps-queue.service" "$T/bad/"
	run systemd-analyze verify --man=no "$T/bad/smtps-queue.timer"
	[[ $output == *"Unknown key 'OnBoootSec'"* ]] || fail "not reported: $output"
}

@test "the units run the contract's commands as user smtps" {
	bin=$(dirname "$SMTPS")
	grep -qx "ExecStart=$bin/smtps --submit-service -C /etc/smtps/mailrc" \
	    "$ROOT/system/smtps.service" || fail "smtps.service ExecStart"
	grep -qx "ExecStart=$bin/smtps -C /etc/smtps/mailrc -q" \
	    "$ROOT/system/smtps-queue.service" || fail "smtps-queue.service ExecStart"
	grep -qx "ExecStart=$bin/smtps -q" "$ROOT/user/smtps-queue.service" ||
		fail "user smtps-queue.service ExecStart"
	for u in smtps.service smtps-queue.service; do
		grep -qx "User=smtps" "$ROOT/system/$u" || fail "$u: not User=smtps"
	done
	grep -qx "ListenStream=/run/smtps/submit.sock" "$ROOT/system/smtps.socket"
	grep -qx "SocketMode=0666" "$ROOT/system/smtps.socket"
}

@test "the queue timer fires a minute after boot, then every 10 minutes" {
	timer=$ROOT/system/smtps-queue.timer
	grep -qx "OnBootSec=1min" "$timer"
	grep -qx "OnUnitActiveSec=10min" "$timer"
	grep -qx "WantedBy=timers.target" "$timer"
}

# the cron.d lines' commands with /run/systemd/system, the binary and the
# boot delay replaced by test stand-ins; each is run under sh as cron does
cron_commands() {
	set -f
	grep -v '^#' "$ROOT/etc/cron.d/smtps" | grep . |
	while read -r line; do
		case $line in
		@*) set -- $line; user=$2; cmd=${line#"$1 $2 "} ;;
		*) set -- $line; user=$6; cmd=${line#"$1 $2 $3 $4 $5 $6 "} ;;
		esac
		[ "$user" = smtps ] || { echo "BADUSER $user"; continue; }
		printf '%s\n' "$cmd" | sed -e "s|/run/systemd/system|$T/sd|g" \
		    -e "s|$(dirname "$SMTPS")/smtps|$T/stub|g" -e 's|sleep 60|true|'
	done
}

@test "cron.d runs the queue as smtps only when systemd is not PID 1" {
	printf '#!/bin/sh\necho "$*" >> %s/ran\n' "$T" > "$T/stub"
	chmod +x "$T/stub"
	cron_commands > "$T/cmds"
	[ "$(wc -l < "$T/cmds")" -eq 2 ] || fail "expected 2 lines: $(cat "$T/cmds")"
	! grep -q BADUSER "$T/cmds" || fail "$(cat "$T/cmds")"
	mkdir "$T/sd"
	while read -r c; do sh -c "$c" || true; done < "$T/cmds"
	[ ! -e "$T/ran" ] || fail "ran with systemd: $(cat "$T/ran")"
	rmdir "$T/sd"
	while read -r c; do sh -c "$c"; done < "$T/cmds"
	[ "$(cat "$T/ran")" = "-C /etc/smtps/mailrc -q
-C /etc/smtps/mailrc -q" ] || fail "ran: $(cat "$T/ran")"
}
