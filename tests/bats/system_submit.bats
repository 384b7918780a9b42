#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The system submission service (smtps --submit-service) and its
# callers: a user with no config of their own hands the message over a
# UNIX socket; the service runs the pipeline with its own config, adds
# "Received: from uid ...", records the submitter in the queue entry,
# applies submit_allow and submit_rate; the caller's exit code tells the
# truth and a refused or unreachable service leaves the message in the
# caller's dead.letter.  mailq (-bp, --json) of such callers, and of
# root, lists the system queue through the service (each caller sees
# what it may); the submit_rate counts survive a restart.
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
	stop_flusher "$D/queue"
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

# ---------------------------------------------------------------- mailq
# The system queue listed through the service (smtps-list 1): root and
# the service's uid see every entry, anyone else only their own.  The
# socket is given to "bin" as smtps.socket gives it to smtps: neither
# root nor the callers are then the service's own user.

# as_user USER ARG...: smtps ARG... as USER (its own group), HOME=$CH
as_user() {
	local u=$1
	shift
	status=0
	timeout -k 5 30 setpriv --reuid="$u" --regid="$(id -g "$u")" \
	    --clear-groups env -i HOME="$CH" PATH="$PATH" \
	    SMTPS_SUBMIT_SOCKET="$SMTPS_SUBMIT_SOCKET" "$SMTPS" "$@" \
	    < "$INPUT" > "$T/stdout" 2> "$T/stderr" || status=$?
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
}

# queued_service [CONFIG LINE...]: the server down, the service up with
# queueing, its socket bin's
queued_service() {
	PORT=$(free_port)
	write_config plain "queue on" "$@"
	start_service
	chown bin "$SMTPS_SUBMIT_SOCKET"
}

# queue_as USER SUBJECT: a message queued by USER through the service
queue_as() {
	msg_tok "$2"
	as_user "$1" bob@example.net
	[ "$status" = 0 ] || fail "$1 $2: exit $status: $stderr"
}

# entries_of TEXT: the number of entry lines (an ID first) in a listing
entries_of() {
	printf '%s\n' "$1" | grep -cE '^[0-9a-f]{8,}\.[0-9a-f.]+  ' || true
}

@test "mailq as root through the service: both users' entries with their submitter" {
	queued_service
	queue_as nobody sysq-a1
	queue_as nobody sysq-a2
	queue_as daemon sysq-b1
	# invoked as mailq (the link the package installs)
	ln -s "$SMTPS" "$T/mailq"
	status=0
	"$T/mailq" > "$T/stdout" 2> "$T/stderr" || status=$?
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
	assert_status 0
	[ "$(printf '%s\n' "$output" | head -n 1)" = "System queue ($HOME/queue):" ] ||
		fail "first line: $output"
	[ "$(entries_of "$output")" = 3 ] || fail "not 3 entries: $output"
	[ "$(printf '%s\n' "$output" | grep -c '^    submitted by nobody (uid 65534)$')" = 2 ] ||
		fail "nobody's two: $output"
	[ "$(printf '%s\n' "$output" | grep -c "^    submitted by daemon (uid $(id -u daemon))\$")" = 1 ] ||
		fail "daemon's one: $output"
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "3 messages in $HOME/queue" ] ||
		fail "last line: $output"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	wait_for "$T/svc.err" "uid 0 (root) pid [0-9]*: listed the queue, exit 0"
	# -bp is the same request
	run_smtps_nocfg -bp
	assert_status 0
	[ "$(entries_of "$output")" = 3 ] || fail "-bp: $output"
}

@test "mailq as a user through the service: only that user's entries" {
	queued_service
	queue_as nobody sysq-own1
	queue_as daemon sysq-other
	as_user nobody -bp
	assert_status 0
	[ "$(printf '%s\n' "$output" | head -n 1)" = "System queue ($HOME/queue), messages submitted by uid 65534:" ] ||
		fail "first line: $output"
	[ "$(entries_of "$output")" = 1 ] || fail "not 1 entry: $output"
	printf '%s\n' "$output" | grep -qx '    submitted by nobody (uid 65534)' ||
		fail "not nobody's: $output"
	! printf '%s\n' "$output" | grep -q daemon || fail "daemon's shown: $output"
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "1 message in $HOME/queue" ] ||
		fail "last line: $output"
	# another user with nothing queued sees an empty queue
	as_user bin -bp
	assert_status 0
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "Mail queue is empty" ] ||
		fail "bin: $output"
}

@test "mailq --json through the service: JSON lines with the submitter and system_queue" {
	queued_service
	queue_as nobody sysq-j1
	queue_as daemon sysq-j2
	run_smtps_nocfg -bp --json
	assert_status 0
	printf '%s\n' "$output" > "$T/q.json"
	"$PYTHON" - "$T/q.json" "$HOME/queue" "$(id -u daemon)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(rows) == 2, rows
subs = sorted((r["submitter"]["uid"], r["submitter"]["name"]) for r in rows)
assert subs == sorted([(65534, "nobody"), (int(sys.argv[3]), "daemon")]), subs
for r in rows:
    assert r["system_queue"] == sys.argv[2], r
    assert r["recipients"][0]["address"] == "bob@example.net", r
PY
	as_user nobody -bp --json
	assert_status 0
	printf '%s\n' "$output" | "$PYTHON" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
assert [r["submitter"]["name"] for r in rows] == ["nobody"], rows' ||
		fail "nobody's JSON: $output"
}

@test "mailq with a socket nobody answers on: exit 69, one line" {
	"$PYTHON" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
	    "$SMTPS_SUBMIT_SOCKET"
	chmod 666 "$SMTPS_SUBMIT_SOCKET"
	as_user nobody -bp
	assert_status 69
	[ "$stderr" = "smtps: cannot reach the submission service at $SMTPS_SUBMIT_SOCKET: Connection refused" ] ||
		fail "stderr: $stderr"
	[ -z "$output" ] || fail "stdout: $output"
}

@test "a caller refused by submit_allow still lists its own entries" {
	queued_service "submit_rate 1/1h"
	queue_as nobody sysq-before
	stop_service
	write_config plain "queue on" "submit_allow root"
	start_service
	chown bin "$SMTPS_SUBMIT_SOCKET"
	as_user nobody -bp
	assert_status 0
	[ "$(entries_of "$output")" = 1 ] || fail "own entry not listed: $output"
	[ -z "$stderr" ] || fail "the refusal was shown: $stderr"
}

# fake_entries N: N copies of the one queued entry under new IDs
fake_entries() {
	"$PYTHON" - "$HOME/queue" "$1" <<'PY'
import glob, os, shutil, sys
q, n = sys.argv[1], int(sys.argv[2])
env = glob.glob(q + "/*.env")[0]
base = env[:-4]
for i in range(n):
    new = "%s/%08x.%06x.%08x" % (q, 0x60000000 + i, 1, i)
    shutil.copy(base + ".msg", new + ".msg")
    shutil.copy(env, new + ".env")
PY
}

@test "the listing is limited: entries past LIMIT_LIST_REPLY are counted, not shown" {
	queued_service
	queue_as nobody sysq-many
	fake_entries 1800
	run_smtps_nocfg -bp
	assert_status 0
	local shown last
	shown=$(entries_of "$output")
	last=$(printf '%s\n' "$output" | tail -n 1)
	[[ $last =~ ^1801\ messages\ in\ $HOME/queue,\ ([0-9]+)\ of\ them\ not\ shown:\ the\ listing\ is\ limited\ to\ 261632\ bytes$ ]] ||
		fail "last line: $last"
	[ "$((shown + BASH_REMATCH[1]))" = 1801 ] ||
		fail "$shown shown + ${BASH_REMATCH[1]} not shown != 1801"
	[ "$shown" -gt 100 ] || fail "only $shown shown"
	[ "$(wc -c < "$T/stdout")" -le 262144 ] || fail "longer than the limit"
	# every entry shown is whole: its attempts line is there
	[ "$(grep -c '^    attempts ' "$T/stdout")" = "$shown" ] ||
		fail "an entry was cut"
	run_smtps_nocfg -bp --json
	assert_status 0
	printf '%s\n' "$output" | tail -n 1 | "$PYTHON" -c '
import json, sys
t = json.load(sys.stdin)
assert t["truncated"] is True and t["limit"] == 261632 and t["not_shown"] > 0, t' ||
		fail "JSON end: $(printf '%s\n' "$output" | tail -n 1)"
}

@test "rate counts survive a restart of the service; listing does not count" {
	server_and_qconfig "submit_rate 2/1h"
	start_service
	chown bin "$SMTPS_SUBMIT_SOCKET"
	as_user nobody -bp
	assert_status 0
	as_user nobody -bp
	assert_status 0
	local i
	for i in 1 2; do
		queue_as nobody persist$i
	done
	grep -qE '^65534 [0-9]+ 2$' "$HOME/queue/submit-rate" ||
		fail "state: $(cat "$HOME/queue/submit-rate")"
	[ "$(stat -c %a "$HOME/queue/submit-rate")" = 600 ] || fail "mode"
	stop_service
	start_service
	chown bin "$SMTPS_SUBMIT_SOCKET"
	msg_tok persist3
	as_user nobody bob@example.net
	assert_status 75
	assert_stderr_match 'reached its limit of 2 messages per 3600 s \(submit_rate\)'
	[ -s "$SRV/msg.2" ] && [ ! -e "$SRV/msg.3" ] ||
		fail "expected exactly 2 deliveries"
}

@test "a corrupt rate state is ignored with one line; the service starts" {
	server_and_qconfig "submit_rate 1/1h"
	mkdir -p "$HOME/queue"
	chmod 700 "$HOME/queue"
	printf 'smtps-rate 1\n65534 1 x\n' > "$HOME/queue/submit-rate"
	chmod 600 "$HOME/queue/submit-rate"
	start_service
	[ "$(grep -c 'ignored' "$T/svc.err")" = 1 ] ||
		fail "log: $(cat "$T/svc.err")"
	grep -qx "smtps: $HOME/queue/submit-rate: rate state: line 2 is not \"UID START COUNT\"; ignored" "$T/svc.err" ||
		fail "log: $(cat "$T/svc.err")"
	queue_as nobody corrupt1
	# a symbolic link is not followed
	stop_service
	rm "$HOME/queue/submit-rate"
	ln -s /etc/passwd "$HOME/queue/submit-rate"
	start_service
	grep -qx "smtps: $HOME/queue/submit-rate: a symbolic link: refused; ignored" "$T/svc.err" ||
		fail "log: $(cat "$T/svc.err")"
	# longer than LIMIT_SUBMIT_STATE; then another user's file
	stop_service
	rm "$HOME/queue/submit-rate"
	{ printf 'smtps-rate 1\n'; head -c 70000 /dev/zero | tr '\0' 1; } \
	    > "$HOME/queue/submit-rate"
	start_service
	grep -qx "smtps: $HOME/queue/submit-rate: rate state: too long; ignored" "$T/svc.err" ||
		fail "log: $(cat "$T/svc.err")"
	stop_service
	printf 'smtps-rate 1\n65534 1 1\n' > "$HOME/queue/submit-rate"
	chown nobody "$HOME/queue/submit-rate"
	start_service
	[ "$(grep -c 'ignored' "$T/svc.err")" = 1 ] ||
		fail "log: $(cat "$T/svc.err")"
	grep -qx "smtps: $HOME/queue/submit-rate is owned by uid 65534, not by uid 0: skipped; ignored" "$T/svc.err" ||
		fail "log: $(cat "$T/svc.err")"
	# the next count replaces it with the service's own file
	queue_as nobody corrupt2
	[ "$(stat -c %U "$HOME/queue/submit-rate")" = root ] ||
		fail "not replaced: $(ls -l "$HOME/queue/submit-rate")"
}

@test "mailq: a system queue the service cannot read is its one error line and code" {
	queued_service
	queue_as nobody sysq-err
	chown nobody "$HOME/queue"
	run_smtps_nocfg -bp
	chown root "$HOME/queue"
	assert_status 77
	[ -z "$output" ] || fail "a listing was printed: $output"
	[ "$stderr" = "smtps: queue directory $HOME/queue is owned by uid 65534, not by uid 0: refused" ] ||
		fail "stderr: $stderr"
	wait_for "$T/svc.err" "uid 0 (root) pid [0-9]*: listed the queue, exit 77"
}

# as_root_sys ARG...: smtps ARG... as root without a config of its own,
# with $T/ov/smtps/mailrc as /etc/smtps/mailrc (an overlay in a mount
# namespace of its own: the host's /etc is not touched)
as_root_sys() {
	mkdir -p "$T/ov/work"
	unshare -m --propagation private true 2>/dev/null ||
		skip "no mount namespaces here"
	status=0
	unshare -m --propagation private sh -c '
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc ||
			exit 99
		shift 2
		exec "$@"' sh "$T/ov/up" "$T/ov/work" "$SMTPS" "$@" \
	    > "$T/stdout" 2> "$T/stderr" || status=$?
	[ "$status" != 99 ] || skip "cannot mount an overlay on /etc"
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
}

@test "root's mailq when the system queue is another user's: through the service, 69 without it" {
	PORT=$(free_port)
	write_config plain "queue on"
	# the system queue and the service belong to bin (as to smtps)
	chown bin "$D"
	mkdir -m 700 "$D/queue"
	chown bin "$D/queue"
	sed "s|^queue_dir .*|queue_dir $D/queue|" "$CFG" > "$D/svc.rc"
	chown bin "$D/svc.rc"
	chmod 600 "$D/svc.rc"
	mkdir -p "$T/ov/up/smtps"
	cp "$D/svc.rc" "$T/ov/up/smtps/mailrc"	# root's copy, 0600
	# no service: one line, 69
	as_root_sys -bp
	assert_status 69
	[ "$stderr" = "smtps: the system queue $D/queue is not root's and no submission service listens on $SMTPS_SUBMIT_SOCKET" ] ||
		fail "stderr: $stderr"
	[ -z "$output" ] || fail "stdout: $output"
	# the service as bin; its socket root's, so only the queue's owner
	# sends root to it
	setpriv --reuid=bin --regid="$(id -g bin)" --clear-groups \
	    "$SMTPS" --submit-service -C "$D/svc.rc" > "$T/svc.out" \
	    2> "$T/svc.err" 3>&- &
	SVC_PID=$!
	wait_for "$T/svc.err" "listening on"
	queue_as nobody sysq-sys
	chown root "$SMTPS_SUBMIT_SOCKET"
	as_root_sys -bp
	stop_flusher "$D/queue"
	assert_status 0
	[ "$(printf '%s\n' "$output" | head -n 1)" = "System queue ($D/queue):" ] ||
		fail "first line: $output"
	[ "$(entries_of "$output")" = 1 ] || fail "not 1 entry: $output"
	printf '%s\n' "$output" | grep -qx '    submitted by nobody (uid 65534)' ||
		fail "no submitter: $output"
}
