#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Password sources (secret.h): password, passwordeval (with its time limit
# when there is no terminal), the system keyring (a real gnome-keyring on
# a private D-Bus session bus), ~/.netrc and /etc/netrc, the prompt on the
# terminal (a real pseudo-terminal, tests/bats/pty_run.py); -v names the
# source and never shows the password.
#
# "No terminal" is made with setsid(1): smtps runs in a new session with
# no controlling terminal, as cron and the detached flusher run it, even
# when these tests are started from a terminal.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	DBUS_PID= KEYRING_PID=
	# smtps with no controlling terminal (the real binary, via setsid -w)
	REAL_SMTPS=$SMTPS
	printf '#!/bin/sh\nexec setsid -w "%s" "$@"\n' "$REAL_SMTPS" > "$T/notty"
	chmod +x "$T/notty"
}
teardown() {
	stop_flusher
	stop_keyring
	common_teardown
}

# the detached flusher of $HOME/queue, started by a queued message
stop_flusher() {
	local pid
	pid=$(cat "$HOME/queue/flush.lock" 2>/dev/null) || return 0
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
	    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- '--flush-daemon' ||
		return 0
	kill "$pid" 2>/dev/null || true
	wait_gone "$pid" || true
}

# run_notty ARGS: run_smtps with no controlling terminal
run_notty() {
	local save=$SMTPS
	SMTPS=$T/notty
	run_smtps "$@"
	SMTPS=$save
}

# run_tty ARGS: run_smtps on a pseudo-terminal (pty_run.py); when
# TTY_ANSWER is set (even empty) it is typed at the password prompt.
# The terminal's output and echo states land in $T/tty.
run_tty() {
	local -a ans=()
	[ -z "${TTY_ANSWER+x}" ] || ans=(--answer "$TTY_ANSWER")
	status=0
	"$PYTHON" "$BATS_TEST_DIRNAME/pty_run.py" "${ans[@]}" --log "$T/tty" \
	    --stdin "$INPUT" --stdout "$T/stdout" --stderr "$T/stderr" -- \
	    "$REAL_SMTPS" -C "$CFG" "$@" || status=$?
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
	server_idle 10 || true
}

# a config whose account has a user and no password source of its own
config_nopass() {
	write_config tls "user $USER_NAME" "$@"
}

# the scripted TLS server (AUTH with the test account), a config without a
# password source (extra lines: ARGS) and the standard message
tls_nopass() {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	config_nopass "$@"
	std_message
}

# netrc_for PASSWORD [MODE]: one entry for the test account at 127.0.0.1
# in ~/.netrc, mode MODE (default 600)
netrc_for() {
	printf 'machine 127.0.0.1 login %s password "%s"\n' "$USER_NAME" "$1" \
	    > "$HOME/.netrc"
	chmod "${2:-600}" "$HOME/.netrc"
}

assert_no_connection() {
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

# the password, and its AUTH PLAIN form, never on stderr (-v included)
assert_no_secret_shown() {
	refute_stderr_fixed "$USER_PASS"
	refute_stderr_fixed "$(plain_b64)"
}

# a process that still runs (a zombie left to PID 1 does not count)
alive() {
	[ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"
}

wait_gone() {
	local i
	for i in $(seq 1 100); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------ keyring

# start_keyring: a private D-Bus session bus and a real gnome-keyring
# (Secret Service) on it, unlocked; sets DBUS_SESSION_BUS_ADDRESS
start_keyring() {
	local i
	command -v gnome-keyring-daemon >/dev/null && command -v secret-tool \
	    >/dev/null && command -v dbus-daemon >/dev/null ||
		fail "gnome-keyring, libsecret-tools or dbus-daemon missing (tests/setup-deps.sh test)"
	mkdir -p "$T/run"
	chmod 700 "$T/run"
	dbus-daemon --session --nofork --nopidfile \
	    --address="unix:path=$T/run/bus" > "$T/dbus.log" 2>&1 3>&- &
	DBUS_PID=$!
	for i in $(seq 1 100); do [ -S "$T/run/bus" ] && break; sleep 0.05; done
	export DBUS_SESSION_BUS_ADDRESS=unix:path=$T/run/bus
	printf 'unlock-pw' | XDG_RUNTIME_DIR=$T/run gnome-keyring-daemon \
	    --foreground --unlock --components=secrets > "$T/keyring.log" 2>&1 3>&- &
	KEYRING_PID=$!
	for i in $(seq 1 200); do
		dbus-send --session --dest=org.freedesktop.DBus --print-reply \
		    /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		    string:org.freedesktop.secrets 2>/dev/null |
		    grep -q 'boolean true' && return 0
		sleep 0.05
	done
	fail "gnome-keyring did not come up: $(cat "$T/keyring.log" "$T/dbus.log")"
}

stop_keyring() {
	local p
	for p in $KEYRING_PID $DBUS_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	KEYRING_PID= DBUS_PID=
	unset DBUS_SESSION_BUS_ADDRESS
}

# store a password the way msmtp's manual says
keyring_store() {
	printf '%s' "$3" | secret-tool store --label=msmtp host "$1" \
	    service smtp user "$2"
}

# ================================================== passwordeval limit

@test "passwordeval without a terminal: stopped at passwordeval_timeout with its process group, exit 75, nothing sent" {
	tls_nopass "passwordeval_timeout 1" \
	    "passwordeval \"sleep 300 & echo \$! > $T/child; wait\""
	run_notty bob@example.net
	assert_status 75
	assert_error_line '^smtps: passwordeval timed out after 1 s \(no terminal to answer a prompt on; the command was stopped; passwordeval_timeout sets the limit\); message saved in .*/dead\.letter$'
	assert_dead_letter
	[ "$(grep -c . "$T/stderr")" -eq 1 ] || fail "more than one line"
	assert_no_connection
	[ -s "$T/child" ] || fail "the command did not start"
	wait_gone "$(cat "$T/child")" || fail "the command's child still runs"
}

@test "passwordeval with a terminal: no time limit (a passphrase may be typed)" {
	tls_nopass "passwordeval_timeout 1" \
	    "passwordeval \"sleep 2; echo '$USER_PASS'\""
	run_tty bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_delivered 1
}

@test "passwordeval_timeout: a bad value is a config error naming the line" {
	config_nopass "passwordeval_timeout soon" "passwordeval \"echo x\""
	std_message
	run_notty bob@example.net
	assert_status 78
	assert_error_line "mailrc:[0-9]+: invalid duration 'soon' for 'passwordeval_timeout'"
}

@test "first attempt from cron: a passwordeval that hangs does not lose the message: queued (exit 0), sent by the next run" {
	Q=$HOME/queue
	tls_nopass "queue on" "queue_backoff_min 1h" "queue_backoff_max 2h" \
	    "passwordeval_timeout 1" \
	    "passwordeval \"[ -e $T/hang ] && sleep 300; echo '$USER_PASS'\""
	touch "$T/hang"
	run_notty bob@example.net
	assert_status 0
	assert_error_line '^smtps: queued [0-9a-f.]+: passwordeval timed out after 1 s .*; retrying in [0-9]+ s$'
	assert_no_connection
	[ "$(ls "$Q"/*.env | wc -l)" -eq 1 ] || fail "no queue entry"
	stop_flusher
	rm -f "$T/hang"
	run_notty -q
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	grep -q '^Subject: ' "$SRV"/msg.1 || fail "message not delivered"
	[ "$(ls "$Q"/*.env 2>/dev/null | wc -l)" -eq 0 ] || fail "still queued"
}

@test "detached flusher: a passwordeval that hangs is stopped, the entry deferred with the reason" {
	PORT=$(free_port)
	Q=$HOME/queue
	write_config tls "queue on" "queue_backoff_min 1" "queue_backoff_max 2" \
	    "user $USER_NAME" "passwordeval_timeout 1" \
	    "passwordeval \"[ -e $T/hang ] && sleep 300; echo pw\""
	std_message
	run_smtps bob@example.net	# server down: queued, flusher started
	assert_status 0
	touch "$T/hang"
	local i
	for i in $(seq 1 200); do
		grep -q 'deferred (attempt [0-9]*): passwordeval timed out after 1 s' \
		    "$Q/log" 2>/dev/null && break
		sleep 0.1
	done
	stop_flusher
	grep -q 'passwordeval timed out after 1 s' "$Q/log" ||
		fail "no deferral in the queue log: $(cat "$Q/log" 2>/dev/null)"
	[ "$(ls "$Q"/*.env | wc -l)" -eq 1 ] || fail "entry gone"
}

# ============================================================== netrc

@test "~/.netrc supplies the password; -v names the source, never the value" {
	tls_nopass
	printf 'machine other.example login %s password wrong\nmachine 127.0.0.1\n  login %s\n  password "%s"\n' \
	    "$USER_NAME" "$USER_NAME" "$USER_PASS" > "$HOME/.netrc"
	chmod 600 "$HOME/.netrc"
	run_notty -v bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_stderr_match '^smtps: password for user alice from ~/\.netrc$'
	assert_no_secret_shown
	assert_delivered 1
}

@test "~/.netrc: the default entry counts when its login is the user" {
	tls_nopass
	printf 'machine other.example login %s password wrong\ndefault login %s password "%s"\n' \
	    "$USER_NAME" "$USER_NAME" "$USER_PASS" > "$HOME/.netrc"
	chmod 600 "$HOME/.netrc"
	run_notty bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
}

@test "~/.netrc holding the password but readable by group: exit 78, nothing sent" {
	tls_nopass
	netrc_for "$USER_PASS" 640
	run_notty bob@example.net
	assert_status 78
	assert_error_line "^smtps: $HOME/\\.netrc: holds the password for user alice at 127\\.0\\.0\\.1 but is readable by group or others \\(chmod 600 $HOME/\\.netrc\\); message saved in .*/dead\\.letter\$"
	assert_dead_letter
	assert_no_secret_shown
	assert_no_connection
}

@test "~/.netrc readable by others but without this account's entry: ignored, no error" {
	config_nopass
	printf 'machine ftp.example login anonymous password guest\n' > "$HOME/.netrc"
	chmod 644 "$HOME/.netrc"
	std_message
	run_notty bob@example.net
	assert_status 78
	assert_error_line '^smtps: no password for user alice at 127\.0\.0\.1 \(set password, passwordeval, a keyring entry or ~/\.netrc\); message saved in .*/dead\.letter$'
	assert_dead_letter
}

# /etc/netrc: a mount namespace shows $T/etc/netrc there (needs root)
etc_netrc_ok() {
	mkdir -p "$T/probe"
	[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null &&
	    unshare -m sh -c 'mount --make-rprivate / &&
	    mount -t overlay overlay -o "lowerdir=$1:/etc" /etc' sh \
	    "$T/probe" 2>/dev/null
}
with_etc_netrc() {
	mkdir -p "$T/etc"
	cat > "$T/etc/netrc"
	chmod 640 "$T/etc/netrc"
	printf '#!/bin/sh\nexec unshare -m sh -c '\''mount --make-rprivate / && mount -t overlay overlay -o lowerdir=%s:/etc /etc && exec setsid -w "$0" "$@"'\'' "%s" "$@"\n' \
	    "$T/etc" "$REAL_SMTPS" > "$T/notty"
}

@test "/etc/netrc is read when ~/.netrc has no entry; ~/.netrc wins when it has one" {
	etc_netrc_ok || skip "needs root and mount namespaces to show a test /etc/netrc"
	scenario <<EOF
$(sc_tls)
connections 2
EOF
	start_server
	config_nopass
	printf 'machine 127.0.0.1 login %s password "%s"\n' "$USER_NAME" \
	    "$USER_PASS" | with_etc_netrc
	printf 'machine 127.0.0.1 login someone-else password x\n' > "$HOME/.netrc"
	chmod 600 "$HOME/.netrc"
	std_message
	run_notty -v bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: password for user alice from /etc/netrc$'
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	printf 'machine 127.0.0.1 login %s password "%s"\n' "$USER_NAME" \
	    "$USER_PASS" > "$HOME/.netrc"
	printf 'machine 127.0.0.1 login %s password wrong\n' "$USER_NAME" |
	    with_etc_netrc
	run_notty -v bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: password for user alice from ~/\.netrc$'
}

# ============================================================ keyring

@test "keyring: an entry stored as msmtp documents (secret-tool store) is used" {
	start_keyring
	keyring_store 127.0.0.1 "$USER_NAME" "$USER_PASS"
	keyring_store 127.0.0.1 someone-else wrong
	tls_nopass
	netrc_for wrong		# the keyring comes before ~/.netrc
	run_notty -v bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_stderr_match '^smtps: password for user alice from the keyring \(secret-tool\)$'
	assert_no_secret_shown
}

@test "keyring: an entry of the old GNOME Keyring scheme (user, protocol, server) is found too" {
	start_keyring
	printf '%s' "$USER_PASS" | secret-tool store --label=old \
	    user "$USER_NAME" protocol smtp server 127.0.0.1
	tls_nopass
	run_notty -v bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_stderr_match '^smtps: no keyring entry host 127\.0\.0\.1 service smtp user alice \(keyring lookup \(secret-tool\) failed: command exited with status 1\)$'
	assert_stderr_match '^smtps: password for user alice from the keyring \(secret-tool\)$'
	assert_no_secret_shown
}

@test "keyring without an entry: the next source (~/.netrc), silently" {
	start_keyring
	keyring_store other.example "$USER_NAME" wrong
	tls_nopass
	netrc_for "$USER_PASS"
	run_notty bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	[ ! -s "$T/stderr" ] || fail "stderr not empty: $stderr"
}

@test "keyring: no session bus -> secret-tool is not run" {
	# a stand-in secret-tool that would leave a mark (and a password)
	mkdir -p "$T/bin"
	printf '#!/bin/sh\ntouch %s/ran; printf wrong\n' "$T" > "$T/bin/secret-tool"
	chmod +x "$T/bin/secret-tool"
	config_nopass
	std_message
	PATH=$T/bin:$PATH run_notty bob@example.net
	assert_status 78
	[ ! -e "$T/ran" ] || fail "secret-tool ran without a session bus"
}

@test "keyring lookup that hangs without a terminal (stand-in secret-tool): exit 75 naming it" {
	# a real Secret Service answers or refuses at once; a locked keyring
	# waiting for a GUI unlock prompt is what this stand-in plays
	mkdir -p "$T/bin" "$T/run"
	printf '#!/bin/sh\nexec sleep 300\n' > "$T/bin/secret-tool"
	chmod +x "$T/bin/secret-tool"
	config_nopass "passwordeval_timeout 1"
	std_message
	DBUS_SESSION_BUS_ADDRESS=unix:path=$T/run/none PATH=$T/bin:$PATH \
	    run_notty bob@example.net
	assert_status 75
	assert_error_line '^smtps: keyring lookup \(secret-tool\) timed out after 1 s'
}

# ============================================================= prompt

@test "no source and no terminal: exit 78 naming every source, nothing sent" {
	tls_nopass
	run_notty bob@example.net
	assert_status 78
	assert_error_line '^smtps: no password for user alice at 127\.0\.0\.1 \(set password, passwordeval, a keyring entry or ~/\.netrc\); message saved in .*/dead\.letter$'
	assert_dead_letter
	assert_no_connection
}

@test "no source, a terminal: prompt with echo off, the answer is used, echo back on" {
	tls_nopass
	TTY_ANSWER=$USER_PASS run_tty -v bob@example.net
	assert_status 0
	grep -q '^terminal: password for alice at 127\.0\.0\.1: ' "$T/tty" ||
		fail "no prompt: $(cat "$T/tty")"
	grep -qx 'echo-at-prompt: off' "$T/tty" || fail "echo on at the prompt"
	grep -qx 'echo-after: on' "$T/tty" || fail "echo not restored"
	! grep -Fq "$USER_PASS" "$T/tty" || fail "the answer was echoed"
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_stderr_match '^smtps: password for user alice from the terminal$'
	assert_no_secret_shown
	assert_delivered 1
}

@test "prompt: an empty answer is exit 78, nothing sent" {
	tls_nopass
	TTY_ANSWER= run_tty bob@example.net
	assert_status 78
	assert_error_line '^smtps: no password entered for user alice at 127\.0\.0\.1; message saved in .*/dead\.letter$'
	assert_dead_letter
	grep -qx 'echo-after: on' "$T/tty" || fail "echo not restored"
	assert_no_connection
}

@test "auth off and a user: no lookup, no prompt, even on a terminal" {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
	write_config plain "user $USER_NAME" "auth off" \
	    "passwordeval \"touch $T/ran; echo x\""
	std_message
	run_tty bob@example.net
	assert_status 0
	! grep -q 'password for' "$T/tty" || fail "prompted: $(cat "$T/tty")"
	[ ! -e "$T/ran" ] || fail "passwordeval ran with auth off"
	refute_transcript 'C: AUTH.*'
	assert_delivered 1
}

@test "password typed at the prompt, message queued: the flusher (no terminal) keeps it; smtps -q on a terminal sends it" {
	PORT=$(free_port)
	Q=$HOME/queue
	write_config tls "queue on" "queue_backoff_min 1" "queue_backoff_max 2" \
	    "user $USER_NAME"
	std_message
	TTY_ANSWER=$USER_PASS run_tty bob@example.net	# server down: queued
	assert_status 0
	local i
	for i in $(seq 1 200); do
		grep -q 'deferred (attempt [0-9]*): no password for user alice at 127\.0\.0\.1' \
		    "$Q/log" 2>/dev/null && break
		sleep 0.1
	done
	stop_flusher
	grep -q 'no password for user alice' "$Q/log" ||
		fail "the flusher did not defer: $(cat "$Q/log" 2>/dev/null)"
	{ sc_tls; echo "port $PORT"; } > "$T/scenario"
	start_server
	TTY_ANSWER=$USER_PASS run_tty -q
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_delivered 1
	[ "$(ls "$Q"/*.env 2>/dev/null | wc -l)" -eq 0 ] || fail "entry left"
}
