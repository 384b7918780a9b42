#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The system submission service (smtps --submit-service) and its
# callers: a user with no config of their own hands the message over a
# UNIX socket; the service runs the pipeline with its own config, adds
# "Received: from uid ...", records the submitter in the queue entry,
# applies submit_allow and submit_rate; the caller's exit code tells the
# truth and a refused or unreachable service leaves the message in the
# caller's dead.letter.
#
# The service runs as root (this suite needs root: it runs the callers
# as nobody with setpriv); the socket lives in a directory of its own
# under /tmp ($SMTPS_SUBMIT_SOCKET), the caller's HOME next to it.

load helper

setup_file() {
	common_setup_file
	[ "$(id -u)" = 0 ] ||
		skip "needs root: callers run as nobody (setpriv)"
}

setup() {
	common_setup
	D=$(mktemp -d /tmp/smtps-submit.XXXXXX)
	chmod 755 "$D"
	export SMTPS_SUBMIT_SOCKET=$D/submit.sock
	CH=$D/caller
	mkdir "$CH"
	chown nobody:nogroup "$CH"
	SVC_PID=
}

teardown() {
	stop_service
	stop_flusher
	common_teardown
	if [ -n "${MNT:-}" ]; then umount "$MNT" 2>/dev/null || true; fi
	if [ -n "${TUSER:-}" ]; then userdel "$TUSER" 2>/dev/null || true; fi
	rm -rf "$D"
}

# plain scripted server that takes everything, config with queueing on
server_and_qconfig() {
	scenario <<EOF
$(sc_plain)
connections 10
EOF
	start_server
	write_config plain "queue on" "$@"
}

# wait_for FILE PATTERN: until FILE holds PATTERN (10 s)
wait_for() {
	local i
	for i in $(seq 1 200); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no '$2' in $1: $(cat "$1" 2>/dev/null)"
}

# start_service [ARG...]: smtps --submit-service -C $CFG as root
start_service() {
	"$SMTPS" --submit-service -C "$CFG" "$@" > "$T/svc.out" \
	    2> "$T/svc.err" 3>&- &
	SVC_PID=$!
	wait_for "$T/svc.err" "listening on"
}

stop_service() {
	[ -n "${SVC_PID:-}" ] || return 0
	kill "$SVC_PID" 2>/dev/null || true
	local i
	for i in $(seq 1 100); do
		kill -0 "$SVC_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$SVC_PID" 2>/dev/null || true
	SVC_PID=
}

# as_nobody ARG...: smtps ARG... as nobody:nogroup, HOME=$CH, < $INPUT
as_nobody() {
	status=0
	timeout -k 5 30 setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups env -i HOME="$CH" PATH="$PATH" \
	    SMTPS_SUBMIT_SOCKET="$SMTPS_SUBMIT_SOCKET" "$SMTPS" "$@" \
	    < "$INPUT" > "$T/stdout" 2> "$T/stderr" || status=$?
	echo "$status" > "$T/rc"
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
	server_idle 10 || true
}

msg_tok() {
	printf 'Subject: %s\nTo: bob@example.net\n\nbody of %s\n' "$1" "$1" \
	    > "$INPUT"
}

caller_dead_letter() {
	local dl=$CH/dead.letter
	[ -s "$dl" ] || fail "no dead.letter at $dl"
	grep -q "^Subject: $1\$" "$dl" || fail "dead.letter lacks $1"
	[ "$(stat -c %U "$dl")" = nobody ] || fail "dead.letter not nobody's"
}

@test "a caller without config: delivered with the Received: uid line" {
	server_and_qconfig
	start_service
	msg_tok hello1
	as_nobody bob@example.net
	assert_status 0
	[ -s "$SRV/msg.1" ] || fail "nothing delivered"
	head -n 1 "$SRV/msg.1" | grep -q '^Received: from uid 65534 (nobody)' ||
		fail "first line: $(head -n 1 "$SRV/msg.1")"
	sed -n 2p "$SRV/msg.1" | grep -q '(smtps submission service);' ||
		fail "second line: $(sed -n 2p "$SRV/msg.1")"
	grep -q '^Subject: hello1' "$SRV/msg.1" || fail "not the message"
	grep -q 'MAIL FROM:<alice@example.org>' "$SRV/transcript" ||
		fail "not the service's account"
	wait_for "$T/svc.err" "uid 65534 (nobody) pid [0-9]*: exit 0"
	[ ! -e "$CH/dead.letter" ] || fail "dead.letter written on success"
}

@test "-t -i and -f/-F reach the pipeline; submit_received off drops the line" {
	server_and_qconfig "submit_received off"
	start_service
	msg_tok tflag
	as_nobody -t -i -oi -F "Web App" -f alice@example.org
	assert_status 0
	grep -q 'RCPT TO:<bob@example.net>' "$SRV/transcript" ||
		fail "-t recipient not used"
	! grep -q '^Received: from uid' "$SRV/msg.1" ||
		fail "Received: added with submit_received off"
}

@test "-O smtputf8 reaches the pipeline: refused by a server without SMTPUTF8 (69, the caller's dead.letter)" {
	server_and_qconfig
	start_service
	msg_tok eai1
	as_nobody -O smtputf8 bob@example.net
	assert_status 69
	assert_error_line '^smtps: -O smtputf8: server 127\.0\.0\.1 does not offer SMTPUTF8; not sent'
	! grep -q 'C[:+] MAIL' "$SRV/transcript" || fail "MAIL sent"
	caller_dead_letter eai1
}

@test "server down: queued in the system queue with the submitter" {
	PORT=$(free_port)
	write_config plain "queue on"
	start_service
	msg_tok queued1
	as_nobody bob@example.net
	assert_status 0
	assert_stderr_match 'queued'
	local env
	env=$(ls "$HOME"/queue/*.env) || fail "no queue entry"
	grep -qx 'submitter 65534 nobody' $env ||
		fail "no submitter line: $(cat $env)"
	grep -q '^Received: from uid 65534 (nobody)' "$HOME"/queue/*.msg ||
		fail "queued message lacks the Received: line"
}

@test "a refused uid: exit 77, one line, the message in dead.letter" {
	server_and_qconfig "submit_allow root, @adm"
	start_service
	msg_tok refused1
	as_nobody bob@example.net
	assert_status 77
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ] ||
		fail "more than one line: $stderr"
	assert_stderr_match 'submission refused: uid 65534 \(nobody\) may not submit'
	assert_stderr_match "saved in $CH/dead.letter"
	caller_dead_letter refused1
	[ ! -e "$SRV/msg.1" ] || fail "delivered anyway"
}

@test "submit_allow by @group lets the caller in" {
	server_and_qconfig "submit_allow root @nogroup"
	start_service
	msg_tok group1
	as_nobody bob@example.net
	assert_status 0
	[ -s "$SRV/msg.1" ] || fail "nothing delivered"
}

@test "rate limit: exit 75 past submit_rate, nothing lost" {
	server_and_qconfig "submit_rate 2/1h"
	start_service
	local i
	for i in 1 2; do
		msg_tok rate$i
		as_nobody bob@example.net
		assert_status 0
	done
	msg_tok rate3
	as_nobody bob@example.net
	assert_status 75
	assert_stderr_match 'reached its limit of 2 messages per 3600 s \(submit_rate\); try again in [0-9]+ s'
	caller_dead_letter rate3
	[ -s "$SRV/msg.2" ] && [ ! -e "$SRV/msg.3" ] ||
		fail "expected exactly 2 deliveries"
}

@test "no service and no config: exit 69 and dead.letter" {
	msg_tok nosvc
	as_nobody bob@example.net
	assert_status 69
	assert_stderr_match "no configuration file and no submission service \\($SMTPS_SUBMIT_SOCKET\\)"
	assert_stderr_match "saved in $CH/dead.letter"
	caller_dead_letter nosvc
}

@test "a failure of the pipeline is relayed: its code, its line, dead.letter" {
	scenario <<EOF
$(sc_plain)
on RCPT reply 550 5.1.1 no such user
EOF
	start_server
	write_config plain "queue on"
	start_service
	msg_tok fail550
	as_nobody nobody@example.net
	assert_status 67
	assert_stderr_match '550 5.1.1 no such user'
	assert_stderr_match "saved in $CH/dead.letter"
	caller_dead_letter fail550
}

@test "the caller cannot choose the config, account or keywords" {
	server_and_qconfig
	start_service
	msg_tok unsafe
	as_nobody -a test bob@example.net
	assert_status 64
	assert_stderr_match 'does not take -a/--account'
	as_nobody --host=evil.example bob@example.net
	assert_status 64
	assert_stderr_match 'does not take a keyword option'
	# -C is the caller's own config: not the service, and not readable
	as_nobody -C "$CFG" bob@example.net
	assert_status 78
	[ ! -e "$SRV/msg.1" ] || fail "something was delivered"
}

# raw_request ARG...: speak the protocol as nobody, print the status
raw_request() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$PYTHON" - "$SMTPS_SUBMIT_SOCKET" "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
assert f.readline() == b"ready\n"
msg = b"Subject: raw\n\nraw body\n"
head = b"smtps-submit 1\nsize %d\n" % len(msg)
for a in sys.argv[2:]:
    head += b"arg " + a.encode() + b"\n"
s.sendall(head + b"\n" + msg)
line = f.readline().decode()
code, n = line.split()[1:]
print(code, f.read(int(n)).decode().strip())
PY
}

@test "the service refuses unsafe flags in a request it did not expect" {
	server_and_qconfig
	start_service
	run raw_request -C /tmp/evil.rc bob@example.net
	[ "$status" = 0 ] || fail "raw client: $output"
	[[ $output == "64 smtps: the submission service does not take -C/--file" ]] ||
		fail "got: $output"
	run raw_request --submitter "0 root" bob@example.net
	[[ $output == "64 smtps: "*"--submitter"* ]] || fail "got: $output"
	run raw_request -q
	[[ $output == "64 smtps: "* ]] || fail "got: $output"
	run raw_request bob@example.net
	[[ $output == "0"* ]] || fail "got: $output"
	head -n 1 "$SRV/msg.1" | grep -q '^Received: from uid 65534 (nobody)' ||
		fail "the uid is not the kernel's"
	[ ! -e "$SRV/msg.2" ] || fail "an unsafe request was delivered"
}

@test "the service's own user does not submit to itself" {
	# root owns the socket here: root's smtps reads config as before
	server_and_qconfig
	start_service
	msg_tok self
	HOME=$CH run_smtps_nocfg bob@example.net
	assert_status 78
	assert_stderr_match 'no configuration file'
	[ ! -e "$SRV/msg.1" ] || fail "went through the service"
}

@test "SIGTERM: the service stops, removes its socket, exits 0" {
	write_config plain
	start_service
	[ -S "$SMTPS_SUBMIT_SOCKET" ] || fail "no socket"
	[ "$(stat -c %a "$SMTPS_SUBMIT_SOCKET")" = 666 ] || fail "mode"
	kill -TERM "$SVC_PID"
	local rc=0
	wait "$SVC_PID" || rc=$?
	SVC_PID=
	[ "$rc" = 0 ] || fail "exit $rc"
	[ ! -e "$SMTPS_SUBMIT_SOCKET" ] || fail "socket left behind"
}

@test "a stale socket is replaced; a live one or a file is refused" {
	write_config plain
	"$PYTHON" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
	    "$SMTPS_SUBMIT_SOCKET"
	start_service
	run "$SMTPS" --submit-service -C "$CFG"
	[ "$status" = 69 ] || fail "second service: $status $output"
	[[ $output == *"another submission service listens on"* ]] ||
		fail "$output"
	run "$SMTPS" --submit-service -C "$CFG" --socket "$D/caller"
	[ "$status" = 73 ] || fail "a directory: $status $output"
	run "$SMTPS" --submit-service -C "$CFG" --socket "$D/no/such.sock"
	[ "$status" = 73 ] || fail "no directory: $status $output"
	[[ $output == *"its directory must exist"* ]] || fail "$output"
}

@test "socket activation: systemd-socket-activate -l PATH smtps --submit-service" {
	command -v systemd-socket-activate > /dev/null ||
		skip "systemd-socket-activate is not installed (package systemd)"
	# the pipeline's config records its environment: no LISTEN_*
	server_and_qconfig "eval env > $T/env.seen; echo timeout 5"
	(exec systemd-socket-activate -l "$SMTPS_SUBMIT_SOCKET" \
	    "$SMTPS" --submit-service -C "$CFG" > "$T/svc.out" \
	    2> "$T/svc.err" 3>&-) &
	SVC_PID=$!
	wait_for "$T/svc.err" "Listening on $SMTPS_SUBMIT_SOCKET as 3"
	# what the .socket unit's SocketMode=0666 does
	chmod 666 "$SMTPS_SUBMIT_SOCKET"
	msg_tok activated
	as_nobody bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1" | grep -q '^Received: from uid 65534 (nobody)' ||
		fail "first line: $(head -n 1 "$SRV/msg.1")"
	grep -q 'listening on the socket from systemd' "$T/svc.err" ||
		fail "not activated: $(cat "$T/svc.err")"
	[ -e "$T/env.seen" ] || fail "the config's eval did not run"
	! grep -q '^LISTEN_' "$T/env.seen" ||
		fail "LISTEN_* reached the pipeline: $(grep LISTEN_ "$T/env.seen")"
}

@test "submit_allow and submit_rate are checked when the config is read" {
	write_config plain "submit_rate 10"
	run "$SMTPS" --submit-service -C "$CFG"
	[ "$status" = 78 ] || fail "$status $output"
	[[ $output == *"submit_rate: expected N/DURATION"* ]] || fail "$output"
	write_config plain "submit_allow bob,@x y!"
	run "$SMTPS" --submit-service -C "$CFG"
	[ "$status" = 78 ] || fail "$status $output"
	[[ $output == *"'y!' is not a user name"* ]] || fail "$output"
}

@test "a 4 MB message crosses the socket whole" {
	server_and_qconfig
	start_service
	{ printf 'Subject: big\nTo: bob@example.net\n\n'
	  head -c 3000000 /dev/urandom | base64; } > "$INPUT"
	as_nobody bob@example.net
	assert_status 0
	sed '1,/^$/d' "$INPUT" > "$T/body.in"
	sed '1,/^\r$/d' "$SRV/msg.1" | tr -d '\r' > "$T/body.out"
	cmp -s "$T/body.in" "$T/body.out" || fail "the body changed on the way"
}

@test "the system spool is full: exit 75, the caller keeps the message" {
	MNT=$D/full
	mkdir -p "$MNT"
	mount -t tmpfs -o size=128k tmpfs "$MNT" 2>/dev/null ||
		{ MNT=; skip "cannot mount a tmpfs"; }
	PORT=$(free_port)
	write_config plain "queue on" "queue_dir $MNT/queue"
	start_service
	{ printf 'Subject: bigfull\nTo: bob@example.net\n\n'
	  head -c 400000 /dev/urandom | base64; } > "$INPUT"
	as_nobody bob@example.net
	assert_status 75
	assert_stderr_match 'No space left on device'
	caller_dead_letter bigfull
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ] ||
		fail "more than one line: $stderr"
}

@test "SIGTERM with a message in progress: no new caller, the caller gets its status" {
	scenario <<EOF
$(sc_plain)
on DOT silent
EOF
	start_server
	write_config plain "queue on"
	start_service
	msg_tok slow
	as_nobody bob@example.net &
	local caller=$! i rc=0
	for i in $(seq 1 200); do
		grep -q -- '-- message 1' "$SRV/transcript" 2>/dev/null && break
		sleep 0.05
	done
	grep -q -- '-- message 1' "$SRV/transcript" ||
		fail "the message did not reach the server"
	kill -TERM "$SVC_PID"
	for i in $(seq 1 200); do
		[ -e "$SMTPS_SUBMIT_SOCKET" ] || break
		sleep 0.05
	done
	[ ! -e "$SMTPS_SUBMIT_SOCKET" ] || fail "still accepting"
	wait "$caller" || fail "the caller's shell failed"
	wait "$SVC_PID" || rc=$?
	SVC_PID=
	[ "$rc" = 0 ] || fail "service exit $rc"
	[ "$(cat "$T/rc")" = 0 ] || fail "caller exit $(cat "$T/rc")"
	grep -q 'queued' "$T/stderr" || fail "caller: $(cat "$T/stderr")"
}

@test "--submitter must be UID NAME (it goes into the queue entry)" {
	write_config plain
	message <<MSG
Subject: x

y
MSG
	run_smtps --submitter $'1 x\nrcpt evil@example.net' bob@example.net
	assert_status 64
	assert_error_line '--submitter: expected "UID NAME"'
	run_smtps --submitter "1 x" -q
	assert_status 64
	assert_stderr_match 'internal to the submission service'
}

@test "a caller without HOME: dead.letter in its home from the user database" {
	TUSER=smtpst$$
	useradd -M -d "$CH" -s /usr/sbin/nologin "$TUSER" ||
		fail "useradd $TUSER failed"
	chown "$TUSER" "$CH"
	msg_tok nohome
	status=0
	timeout -k 5 30 setpriv --reuid="$TUSER" --regid=nogroup \
	    --clear-groups env -i PATH="$PATH" \
	    SMTPS_SUBMIT_SOCKET="$SMTPS_SUBMIT_SOCKET" "$SMTPS" bob@example.net \
	    < "$INPUT" > "$T/stdout" 2> "$T/stderr" || status=$?
	userdel "$TUSER" || true
	TUSER=
	assert_status 69
	assert_stderr_match "saved in $CH/dead.letter"
	grep -q '^Subject: nohome$' "$CH/dead.letter" ||
		fail "not in $CH/dead.letter"
}

@test "a socket nobody answers on: exit 69 and dead.letter" {
	"$PYTHON" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
	    "$SMTPS_SUBMIT_SOCKET"
	chmod 666 "$SMTPS_SUBMIT_SOCKET"
	msg_tok stale
	as_nobody bob@example.net
	assert_status 69
	assert_stderr_match "cannot reach the submission service at $SMTPS_SUBMIT_SOCKET: Connection refused"
	caller_dead_letter stale
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ] ||
		fail "more than one line: $stderr"
}
