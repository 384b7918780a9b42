# SPDX-License-Identifier: ISC
# helper.bash - shared set-up for the smtps Bats suites.
#
# Each test gets its own directory ($T = $BATS_TEST_TMPDIR) with:
#   $T/home           HOME (and XDG dirs) for smtps: dead.letter lands here
#   $T/scenario       the scripted server's scenario (see tests/server/README)
#   $T/srv/           the server's output: transcript, msg.N, msg.N.raw, ...
#   $T/mailrc         the config given to smtps with -C (mode 0600)
#   $T/input          smtps's stdin
#   $T/stdout, $T/stderr   what smtps printed
#
# Typical test:
#   scenario <<EOF            # server side
#   mode tls
#   EOF
#   start_server
#   write_config tls+auth     # client side
#   message <<EOF             # stdin
#   Subject: hi
#   EOF
#   run_smtps bob@example.net
#   assert_status 0

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
SMTPS=${SMTPS:-$REPO/smtps}
case $SMTPS in /*) ;; *) SMTPS=$REPO/$SMTPS ;; esac
CERTS=$REPO/tests/tmp/certs
SERVER=$REPO/tests/server/smtpserver.py
# Debian's python3 (tests/setup-deps.sh installs it); a python3 found
# earlier in PATH may be a slow wrapper (pyenv shims take a second)
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
# the test account's credentials (password with a space on purpose)
USER_NAME=alice
USER_PASS='s3cret pass'
FROM_ADDR=alice@example.org

# run once per .bats file from setup_file: make the certificates (cached)
common_setup_file() {
	sh "$REPO/tests/certs.sh" "$CERTS" >&2
}

common_setup() {
	T=$BATS_TEST_TMPDIR
	export HOME=$T/home
	export XDG_CONFIG_HOME=$HOME/.config XDG_STATE_HOME=$HOME/.local/state
	# no keyring of the user's session (secret.h's keyring source); the
	# suites that want one start their own (secret.bats)
	unset DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR
	mkdir -p "$HOME"
	SRV=$T/srv
	CFG=$T/mailrc
	INPUT=$T/input
	SERVER_PID=
	PORT=
	: > "$INPUT"
	[ -x "$SMTPS" ] || {
		echo "smtps binary not found: $SMTPS (run make)" >&2
		return 1
	}
}

# start_plain_server: start a plain server that accepts everything
start_plain_server() {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
}
# plain_server_setup: setup() of a suite whose tests all talk to such a
# server, with write_config plain
plain_server_setup() {
	common_setup
	start_plain_server
	write_config plain
}

common_teardown() {
	stop_server
}

# ------------------------------------------------------------------ server

# scenario: the scenario file from stdin (heredoc).  $CERTS may be used.
scenario() {
	cat > "$T/scenario"
}

# server_and_config MODE [LINE...]: the scenario from stdin (heredoc),
# start_server, then write_config MODE LINE... for it.  The arguments are
# expanded before the server runs: $PORT is not known in them yet.
server_and_config() {
	scenario
	start_server
	write_config "$@"
}

# start_server: start the scripted server with $T/scenario; sets PORT and
# SERVER_PID.  Fails the test if it does not come up within 10 s.
start_server() {
	rm -rf "$SRV"
	mkdir -p "$SRV"
	# fds 3+ closed: bats must not wait for the server to finish
	"$PYTHON" "$SERVER" "$T/scenario" "$SRV" >"$T/server.out" 2>&1 3>&- &
	local i
	for i in $(seq 1 200); do
		[ -s "$SRV/port" ] && break
		if [ -s "$SRV/log" ] || ! kill -0 $! 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	if [ ! -s "$SRV/port" ]; then
		echo "scripted server did not start:" >&2
		cat "$T/server.out" "$SRV/log" >&2 2>/dev/null
		return 1
	fi
	PORT=$(cat "$SRV/port")
	SERVER_PID=$(cat "$SRV/pid")
}

# server_done [SECONDS]: wait (default 10 s) until the server has exited,
# so that its transcript is complete.  Returns 1 if it is still running.
server_done() {
	local n=$(( ${1:-10} * 20 )) i
	[ -n "$SERVER_PID" ] || return 0
	for i in $(seq 1 "$n"); do
		kill -0 "$SERVER_PID" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# server_idle [SECONDS]: wait until every connection the server accepted
# is finished (or it exited), so the transcript is complete.
server_idle() {
	local n=$(( ${1:-10} * 20 )) i a s
	[ -n "$SERVER_PID" ] || return 0
	for i in $(seq 1 "$n"); do
		kill -0 "$SERVER_PID" 2>/dev/null || return 0
		a=$(cat "$SRV/accepted" 2>/dev/null || echo 0)
		s=$(cat "$SRV/served" 2>/dev/null || echo 0)
		[ "$a" = "$s" ] && return 0
		sleep 0.05
	done
	return 1
}

stop_server() {
	[ -n "${SERVER_PID:-}" ] || return 0
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		kill "$SERVER_PID" 2>/dev/null || true
		server_done 5 || kill -9 "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=
}

# a TCP port on 127.0.0.1 where nothing listens (connection refused)
free_port() {
	"$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ------------------------------------------------------------------ client

# write_config MODE [LINE...]: write $CFG (mode 0600) for the scripted
# server.  MODE: tls (implicit), starttls, plain; suffix +auth adds user
# and password (and allow_plaintext_auth for plain).  Each LINE is appended
# to the account as is (later keywords override earlier ones).
write_config() {
	local mode=${1:?mode}
	shift
	{
		echo "# written by helper.bash"
		echo "defaults"
		echo "timeout 5"
		echo "domain client.example"
		echo "queue_dir $HOME/queue"
		echo "dead_letter $HOME/dead.letter"
		# these suites test one synchronous attempt (exit 75 and
		# dead.letter on a temporary failure); queue.bats turns the
		# retry queue (the default) back on
		echo "queue off"
		echo
		echo "account test"
		echo "host 127.0.0.1"
		echo "port ${PORT:-25}"
		echo "from $FROM_ADDR"
		case $mode in
		tls*)	echo "tls on"
			echo "tls_starttls off"
			echo "tls_trust_file $CERTS/ca.pem" ;;
		starttls*)
			echo "tls on"
			echo "tls_starttls on"
			echo "tls_trust_file $CERTS/ca.pem" ;;
		plain*)	echo "tls off" ;;
		*)	echo "write_config: bad mode $mode" >&2; return 1 ;;
		esac
		case $mode in
		*+auth)	echo "auth on"
			echo "user $USER_NAME"
			echo "password \"$USER_PASS\""
			case $mode in plain*) echo "allow_plaintext_auth on" ;; esac ;;
		esac
		local l
		for l in "$@"; do printf '%s\n' "$l"; done
		echo "account default : test"
	} > "$CFG"
	chmod 600 "$CFG"
}

# message: smtps's stdin from stdin (heredoc, LF line ends); message_bytes
# FORMAT: from printf (for CR, missing final newline, 8-bit bytes).
message() {
	cat > "$INPUT"
}
message_bytes() {
	# shellcheck disable=SC2059
	printf "$1" > "$INPUT"
}

# run_smtps ARGS...: run $SMTPS -C $CFG ARGS < $INPUT under `timeout 30`
# (a hang is a failure: status 124).  Sets status, output (stdout), stderr.
# Then waits for the server to finish its transcript.
# run_smtps_nocfg ARGS...: the same without -C.
run_smtps() {
	_run_smtps -C "$CFG" "$@"
}
run_smtps_nocfg() {
	_run_smtps "$@"
}
_run_smtps() {
	local t0 t1
	t0=$(date +%s)
	status=0
	timeout -k 5 30 "$SMTPS" "$@" < "$INPUT" > "$T/stdout" 2> "$T/stderr" ||
		status=$?
	t1=$(date +%s)
	ELAPSED=$((t1 - t0))
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
	server_idle 10 || true
}

# ------------------------------------------------------------- assertions

fail() {
	printf '%s\n' "$@" >&2
	show_context
	return 1
}

# print what happened, for failing tests
show_context() {
	{
		echo "--- smtps exit status: ${status:-?}"
		echo "--- smtps stderr:"
		cat "$T/stderr" 2>/dev/null | head -c 4000
		echo "--- server transcript:"
		cut -c1-300 "$SRV/transcript" 2>/dev/null | head -n 80
		[ -s "$SRV/log" ] && { echo "--- server log:"; cat "$SRV/log"; }
		true
	} >&2
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "expected exit status $1, got $status"
}

# stderr is exactly one line (the error line) matching the regex
assert_error_line() {
	local n
	n=$(grep -c '^smtps: ' "$T/stderr" || true)
	[ "$n" -ge 1 ] || fail "no 'smtps: ' error line on stderr"
	grep -Eq -- "$1" "$T/stderr" || fail "stderr does not match /$1/"
}

assert_stderr_match() {
	grep -Eq -- "$1" "$T/stderr" || fail "stderr does not match /$1/"
}
refute_stderr_match() {
	! grep -Eq -- "$1" "$T/stderr" || fail "stderr matches /$1/ but must not"
}
refute_stderr_fixed() {
	! grep -Fq -- "$1" "$T/stderr" || fail "stderr contains '$1' but must not"
}

# transcript assertions (regex on whole lines, ERE)
assert_transcript() {
	grep -Eq -- "^($1)\$" "$SRV/transcript" ||
		fail "transcript has no line matching /^$1\$/"
}
refute_transcript() {
	! grep -Eq -- "^($1)\$" "$SRV/transcript" ||
		fail "transcript has a line matching /^$1\$/ but must not"
}

# transcript_norm: the transcript with "C+" turned into "C:"
transcript_norm() {
	sed 's/^C+ /C: /' "$SRV/transcript"
}

# assert_transcript_order_is: the transcript must equal stdin, but C+
# counts as C: (the order of the lines, not the flights); for the whole
# conversation with its flights see assert_transcript_exact
assert_transcript_order_is() {
	local want=$T/transcript.want
	sed 's/^C+ /C: /' > "$want"
	transcript_norm | diff -u "$want" - >&2 ||
		fail "transcript differs from the expected one (diff above)"
}

# assert_transcript_exact: the transcript must equal stdin (a heredoc)
# line for line, in order, client and server; C+ (the line came in the
# same recv() as the client's previous one: pipelined) and C: are told
# apart, so the heredoc states the flights too.  AUTH exchanges are
# compared decoded, with only what is random by design masked (SCRAM
# nonces, proofs, signatures, channel binding data; the CRAM-MD5 challenge
# and HMAC): see tests/bats/transcript_view.py.  On a mismatch a unified
# diff, expected (-) against recorded (+), goes to stderr.
assert_transcript_exact() {
	local want=$T/transcript.want got=$T/transcript.view
	cat > "$want"
	[ -e "$SRV/transcript" ] || fail "the server recorded no transcript"
	"$PYTHON" "$BATS_TEST_DIRNAME/transcript_view.py" "$SRV/transcript" \
	    > "$got" || fail "transcript_view.py failed"
	diff -u --label expected --label recorded "$want" "$got" >&2 ||
		fail "transcript differs from the expected one (diff above)"
}

# ------------------------------------------- expected transcript fragments
# For assert_transcript_exact heredocs: $(ehlo_reply ...), $(tx_mail ...).

# ehlo_reply CAP...: "C: EHLO client.example" and the server's reply,
# "S: 250-localhost" then one line per capability, the last "S: 250 CAP"
ehlo_reply() {
	local c
	echo "C: EHLO client.example"
	echo "S: 250-localhost"
	for c in "${@:1:$#-1}"; do echo "S: 250-$c"; done
	echo "S: 250 ${!#}"
}

# tx_mail RCPT...: the rest of a session that sends $INPUT (as is: it has
# Date and Message-ID, like std_message) to the recipients: MAIL, each
# RCPT, DATA, the message, the dot and QUIT, every command accepted.
# Flights: with PIPELINING (TX_FLIGHT=C+, the default) the RCPTs and DATA
# go in MAIL's write and QUIT in the dot's; TX_FLIGHT=C: each command
# waits for the reply before it.  TX_QUIT overrides QUIT's alone.
# TX_N: the server's message number (default 1); TX_DOT: the reply to the
# dot (default "250 2.0.0 Ok: queued as TX_N"); TX_SIZE=1: MAIL has SIZE=.
tx_mail() {
	local r n=${TX_N:-1} f=${TX_FLIGHT:-C+} size
	size=$(crlf_size)
	echo "C: MAIL FROM:<$FROM_ADDR>${TX_SIZE:+ SIZE=$size}"
	echo "S: 250 2.1.0 Ok"
	for r in "$@"; do
		echo "$f RCPT TO:<$r>"
		echo "S: 250 2.1.5 Ok"
	done
	echo "$f DATA"
	echo "S: 354 End data with <CR><LF>.<CR><LF>"
	echo "-- message $n: $size bytes"
	echo "C: ."
	echo "S: ${TX_DOT:-250 2.0.0 Ok: queued as $n}"
	echo "${TX_QUIT:-$f} QUIT"
	echo "S: 221 2.0.0 Bye"
	echo "-- EOF"
}

# assert_sequence RE...: transcript lines matching each RE (ERE, whole
# line) appear in this order (other lines may come between)
assert_sequence() {
	local line re n=0
	local -a want=("$@")
	while IFS= read -r line; do
		[ "$n" -lt "${#want[@]}" ] || break
		re=${want[$n]}
		if [[ $line =~ ^($re)$ ]]; then n=$((n + 1)); fi
	done < "$SRV/transcript"
	[ "$n" -eq "${#want[@]}" ] ||
		fail "transcript lacks /${want[$n]}/ after /${want[$((n - 1))]:-start}/ (in order: $*)"
}

# no AUTH and no message reached the server
assert_no_auth_no_mail() {
	refute_transcript 'C[:+] AUTH.*'
	refute_transcript 'C[:+] MAIL.*'
	[ ! -e "$SRV/msg.1" ] || fail "a message was delivered but must not be"
}

assert_no_message() {
	[ ! -e "$SRV/msg.1" ] || fail "a message was delivered but must not be"
	refute_transcript '-- message .*'
}

# line number of the first transcript line matching the regex (0 = none)
tline() {
	grep -En -- "^($1)\$" "$SRV/transcript" | head -n 1 | cut -d: -f1 | grep . || echo 0
}

# assert_before RE1 RE2: a line matching RE1 comes before one matching RE2
assert_before() {
	local a b
	a=$(tline "$1")
	b=$(tline "$2")
	[ "$a" -gt 0 ] || fail "transcript has no /$1/"
	[ "$b" -gt 0 ] || fail "transcript has no /$2/"
	[ "$a" -lt "$b" ] || fail "/$1/ (line $a) is not before /$2/ (line $b)"
}

# msgcheck: the delivered message N must be the input plus the added
# headers (see msgcheck.py for the rules).  Extra args go to msgcheck.py.
assert_delivered() {
	local n=${1:-1}
	shift || true
	[ -e "$SRV/msg.$n" ] || fail "message $n was not delivered"
	"$PYTHON" "$BATS_TEST_DIRNAME/msgcheck.py" "$INPUT" "$SRV/msg.$n" \
	    "$SRV/msg.$n.raw" "$@" >&2 || fail "delivered message $n is wrong"
}

# envelope of message N, one line per command, sorted RCPTs
envelope() {
	cat "$SRV/msg.${1:-1}.env"
}
rcpts_sorted() {
	grep '^RCPT' "$SRV/msg.${1:-1}.env" | sort
}

b64() {
	printf '%s' "$1" | base64 -w0
}

# ------------------------------------------------------ scenario snippets
# Use inside a scenario heredoc:  scenario <<EOF
#                                 $(sc_tls)
#                                 on RCPT reply 550 no
#                                 EOF

# implicit TLS with certificate NAME (default: the good one) and the account
sc_tls() {
	local c=${1:-server}
	printf 'mode tls\ncert %s\nkey %s\nuser %s\npassword %s\n' \
	    "$CERTS/$c.pem" "$CERTS/$c-key.pem" "$USER_NAME" "$USER_PASS"
}
# plain with STARTTLS offered
sc_starttls() {
	local c=${1:-server}
	printf 'mode plain\nstarttls on\ncert %s\nkey %s\nuser %s\npassword %s\n' \
	    "$CERTS/$c.pem" "$CERTS/$c-key.pem" "$USER_NAME" "$USER_PASS"
}
# plain, no TLS, no AUTH required
sc_plain() {
	printf 'mode plain\nstarttls off\n'
}

# a message that already has Date, Message-ID and From: delivered as is
std_message() {
	cat > "$INPUT" <<'MSG'
Date: Tue, 01 Oct 2024 10:00:00 +0000
Message-ID: <std.1@example.org>
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: test message

Hello Bob,
this is the body.
MSG
}

# send_std [ARG...]: run_smtps ARG... (default: bob@example.net) with the
# std_message on stdin
send_std() {
	std_message
	if [ $# -eq 0 ]; then set -- bob@example.net; fi
	run_smtps "$@"
}

# size of $INPUT once LF became CRLF (for LF-only input ending in LF)
crlf_size() {
	echo $(( $(wc -c < "${1:-$INPUT}") + $(wc -l < "${1:-$INPUT}") ))
}

# the dead.letter must hold the message (mbox: From line, LF ends)
assert_dead_letter() {
	local dl=$HOME/dead.letter
	[ -s "$dl" ] || fail "no dead.letter at $dl"
	head -n 1 "$dl" | grep -Eq '^From [^ ]+ .+' ||
		fail "dead.letter does not start with an mbox From line"
	! grep -q $'\r' "$dl" || fail "dead.letter has CR bytes (mbox uses LF)"
	grep -q "${1:-^Subject: }" "$dl" || fail "dead.letter lacks /${1:-^Subject: }/"
	assert_stderr_match 'dead\.letter'
}

# base64 of the AUTH PLAIN response for the test account (NULs inside)
plain_b64() {
	printf '\0%s\0%s' "${1:-$USER_NAME}" "${2:-$USER_PASS}" | base64 -w0
}

# strace_setup: for suites that run smtps under strace (fault injection,
# kill points): strace must be there, and LeakSanitizer cannot run under
# ptrace (make check-sanitize), so leak checks are off for them
strace_setup() {
	command -v strace > /dev/null ||
		fail "strace is not installed (tests/setup-deps.sh test)"
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# stop_flusher [DIR]: stop the detached flusher of queue DIR (default
# $HOME/queue) that a test with queueing on may have left, by its PID
stop_flusher() {
	local q=${1:-$HOME/queue} pid
	pid=$(cat "$q/flush.lock" 2>/dev/null) || return 0
	if [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" |
	    grep -q -- "--flush-daemon $q"; then
		kill "$pid" 2>/dev/null || true
	fi
}
