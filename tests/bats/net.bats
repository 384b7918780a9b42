#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Network keywords (drop-in extras): `socket` (unix domain socket), `source_ip`
# (bind before connect) and `proxy_host`/`proxy_port` (SOCKS5, the target
# resolved by the proxy), with the exit codes of their failures and what
# -v, -S and -P say about the connection.

load helper

setup_file() { common_setup_file; }

setup() {
	common_setup
	# sun_path holds ~107 bytes: a short directory for the sockets
	SOCKDIR=$(mktemp -d /tmp/smtps-net.XXXXXX)
	SOCK=$SOCKDIR/smtp.sock
	PROXY_PID=
	PX=$T/proxy
	FLUSHER=
}

# a test that queued a message stops the flusher it started, by the PID
# in flush.lock (checked against its command line), waiting for it 5 s
stop_flusher() {
	[ -n "$FLUSHER" ] || return 0
	local q=$HOME/queue pid i
	for i in $(seq 1 100); do
		pid=$(cat "$q/flush.lock" 2>/dev/null || true)
		if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
		    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--flush-daemon $q"; then
			kill "$pid" 2>/dev/null || true
			return 0
		fi
		sleep 0.05
	done
}

teardown() {
	stop_proxy
	stop_flusher
	common_teardown
	rm -rf "$SOCKDIR"
}

# start_proxy: tests/server/socks5.py with the script on stdin; sets
# PROXY_PORT and PROXY_PID
start_proxy() {
	cat > "$T/proxy.script"
	rm -rf "$PX"
	mkdir -p "$PX"
	"$PYTHON" "$REPO/tests/server/socks5.py" "$T/proxy.script" "$PX" \
	    >"$T/proxy.out" 2>&1 3>&- &
	local i
	for i in $(seq 1 200); do
		[ -s "$PX/port" ] && break
		kill -0 $! 2>/dev/null || break
		sleep 0.05
	done
	[ -s "$PX/port" ] || { cat "$T/proxy.out" >&2; return 1; }
	PROXY_PORT=$(cat "$PX/port")
	PROXY_PID=$(cat "$PX/pid")
}

stop_proxy() {
	[ -n "${PROXY_PID:-}" ] || return 0
	kill "$PROXY_PID" 2>/dev/null || true
	PROXY_PID=
}

# the proxy's log: the greeting and the CONNECT request, byte for byte
assert_proxy_log() {
	grep -Fxq -- "$1" "$PX/log" || fail "proxy log lacks '$1':" "$(cat "$PX/log")"
}

# hex of a SOCKS5 CONNECT to NAME PORT by domain name (ATYP 3)
connect_hex() {
	printf '05010003%02x%s%04x' "${#1}" "$(printf '%s' "$1" | od -An -tx1 | tr -d ' \n')" "$2"
}

# the account for a unix socket: write_config without host and port
socket_config() {
	write_config "$@"
	sed -i '/^host /d; /^port /d' "$CFG"
}

# ------------------------------------------------------------------ socket

@test "socket: delivered over a unix socket, no host needed, TLS off by default although STARTTLS is offered" {
	scenario <<EOF
$(sc_starttls)
require_auth off
unix $SOCK
EOF
	start_server
	socket_config plain "socket $SOCK"
	sed -i '/^tls off$/d' "$CFG"
	! grep -Eq '^(host|port|tls) ' "$CFG" || fail "config still has host/port/tls"
	std_message
	run_smtps -v bob@example.net
	assert_status 0
	assert_delivered
	assert_sequence 'C: EHLO client.example' 'C[:+] MAIL FROM:<alice@example.org>.*' \
	    'C[:+] RCPT TO:<bob@example.net>' '-- message 1: .*' 'C[:+] QUIT'
	refute_transcript 'C: STARTTLS'
	assert_stderr_match "connected to socket $SOCK\$"
	assert_stderr_match "account default: socket $SOCK, no TLS\$"
}

@test "socket: the socket does not exist -> exit 75 naming it; queue on -> queued" {
	socket_config plain "socket $SOCKDIR/nope.sock"
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_error_line "cannot connect to socket $SOCKDIR/nope\\.sock: No such file or directory"
	sed -i 's/^queue off$/queue on/' "$CFG"
	FLUSHER=1
	run_smtps bob@example.net
	assert_status 0
	assert_stderr_match "^smtps: queued [0-9a-f.]+: cannot connect to socket $SOCKDIR/nope\\.sock: No such file or directory; retrying in [0-9]+ s\$"
	find "$HOME/queue" -name '*.env' | grep -q . || fail "no queue entry"
}

@test "socket: nobody listening (a stale socket file) -> exit 75, connection refused" {
	"$PYTHON" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
	[ -S "$SOCK" ] || fail "no socket file"
	socket_config plain "socket $SOCK"
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_error_line "cannot connect to socket $SOCK: Connection refused"
}

@test "socket: the connect is bounded by timeout (listener with a full backlog)" {
	# a listener that never accepts, its backlog (0) filled by one client
	"$PYTHON" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(0)
c = [socket.socket(socket.AF_UNIX) for _ in range(3)]
for x in c:
    x.setblocking(False)
    try: x.connect(sys.argv[1])
    except OSError: pass
open(sys.argv[2], "w").write("ready\n")
time.sleep(30)' "$SOCK" "$T/ready" 3>&- &
	local hog=$! i
	for i in $(seq 1 100); do [ -s "$T/ready" ] && break; sleep 0.05; done
	socket_config plain "socket $SOCK" "timeout 2"
	std_message
	run_smtps bob@example.net
	kill "$hog" 2>/dev/null || true
	assert_status 75
	assert_error_line "cannot connect to socket $SOCK: timed out"
	[ "$ELAPSED" -le 5 ] || fail "took $ELAPSED s (timeout 2)"
}

@test "socket + tls on: the certificate is checked against tls_host_override" {
	scenario <<EOF
$(sc_tls)
require_auth off
unix $SOCK
EOF
	start_server
	socket_config tls "socket $SOCK" "tls_host_override localhost"
	std_message
	run_smtps -v bob@example.net
	assert_status 0
	assert_delivered
	assert_transcript '-- TLS'
	assert_stderr_match "connected to socket $SOCK \\(implicit TLS\\)\$"
}

@test "socket + tls on: a certificate for another name -> exit 69, nothing sent" {
	scenario <<EOF
$(sc_tls wrongname)
unix $SOCK
EOF
	start_server
	socket_config tls "socket $SOCK" "tls_host_override localhost"
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'localhost'
	assert_no_message
}

@test "socket + tls on without host or tls_host_override -> exit 78 before any connection" {
	socket_config tls "socket $SOCK"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "TLS over socket $SOCK needs the name to check the certificate against \\(set tls_host_override or host\\)"
}

@test "socket without TLS: the password is refused unless allow_plaintext_auth (as on loopback)" {
	scenario <<EOF
$(sc_plain)
user $USER_NAME
password $USER_PASS
unix $SOCK
EOF
	start_server
	socket_config plain+auth "socket $SOCK"
	sed -i '/^allow_plaintext_auth /d' "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "refusing to send the password over a connection without TLS"
	[ "$(cat "$SRV/accepted" 2>/dev/null || echo 0)" = 0 ] || fail "smtps connected"
	echo "allow_plaintext_auth on" >> "$CFG"
	# the `account default : test` line must stay last
	sed -i '/^account default/d' "$CFG"
	echo "account default : test" >> "$CFG"
	run_smtps bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_delivered
}

@test "socket: -S and -P say the connection is the socket" {
	scenario <<EOF
$(sc_plain)
unix $SOCK
EOF
	start_server
	socket_config plain "socket $SOCK"
	run_smtps -S
	assert_status 0
	echo "$output" | grep -Fxq "SMTP server:    socket $SOCK (no TLS)" ||
		fail "no server line: $output"
	run_smtps -P bob@example.net
	assert_status 0
	echo "$output" | grep -Eq "^connect to +socket $SOCK\$" || fail "-P: $output"
}

# --------------------------------------------------------------- source_ip

@test "source_ip 127.0.0.2: the server sees the connection come from it" {
	scenario <<EOF
$(sc_plain)
record_peer on
EOF
	start_server
	write_config plain "source_ip 127.0.0.2"
	std_message
	run_smtps -v bob@example.net
	assert_status 0
	assert_delivered
	assert_transcript '-- peer 127\.0\.0\.2'
	assert_stderr_match "connected to 127\\.0\\.0\\.1 port $PORT from 127\\.0\\.0\\.2\$"
}

@test "without source_ip the server sees 127.0.0.1 (the peer record works)" {
	scenario <<EOF
$(sc_plain)
record_peer on
EOF
	start_server
	write_config plain
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript '-- peer 127\.0\.0\.1'
}

@test "source_ip of the other family than every address of the host -> exit 68, nothing tried" {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
	write_config plain "source_ip ::1"
	std_message
	run_smtps bob@example.net
	assert_status 68
	assert_error_line '127\.0\.0\.1 has no IPv6 address, and source_ip ::1 is one'
	[ "$(cat "$SRV/accepted" 2>/dev/null || echo 0)" = 0 ] || fail "smtps connected"
}

@test "source_ip that is not an address of this machine -> exit 78" {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
	write_config plain "source_ip 192.0.2.77"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line 'source_ip 192\.0\.2\.77 is not an address of this machine'
	assert_no_message
}

# ------------------------------------------------------------------- SOCKS5

@test "proxy: implicit TLS through SOCKS5, the name goes to the proxy (ATYP 3), TLS checks the real host" {
	# other.example exists nowhere: only the proxy can "resolve" it, and
	# the wrongname certificate is valid for other.example only
	scenario <<EOF
$(sc_tls wrongname)
EOF
	start_server
	start_proxy < /dev/null
	write_config tls+auth "host other.example" "proxy_host 127.0.0.1" \
	    "proxy_port $PROXY_PORT"
	std_message
	run_smtps -v bob@example.net
	assert_status 0
	assert_delivered
	assert_transcript '-- TLS'
	assert_proxy_log "greeting 050100"
	assert_proxy_log "connect $(connect_hex other.example "$PORT")"
	assert_proxy_log "relay 127.0.0.1:$PORT"
	assert_stderr_match "connected to other\\.example port $PORT via SOCKS5 proxy 127\\.0\\.0\\.1 port $PROXY_PORT \\(implicit TLS\\)\$"
}

@test "proxy: STARTTLS through SOCKS5 with AUTH, exact CONNECT request" {
	scenario <<EOF
$(sc_starttls)
EOF
	start_server
	start_proxy < /dev/null
	write_config starttls+auth "host localhost" "proxy_host 127.0.0.1" \
	    "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered
	assert_sequence 'C: STARTTLS' '-- TLS' 'C: EHLO client.example' 'C: AUTH PLAIN .*'
	# 05 01 00 03, length 9, "localhost", the port in network order
	assert_proxy_log "connect $(printf '0501000309%s%04x' 6c6f63616c686f7374 "$PORT")"
}

@test "proxy: -S goes through the proxy and says so" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	start_proxy < /dev/null
	write_config tls "host localhost" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	run_smtps -S
	assert_status 0
	echo "$output" | grep -Fxq "SMTP server:    localhost port $PORT via SOCKS5 proxy 127.0.0.1 port $PROXY_PORT (implicit TLS)" ||
		fail "no server line: $output"
	assert_proxy_log "connect $(connect_hex localhost "$PORT")"
}

@test "proxy down -> exit 75 naming the proxy" {
	local p
	p=$(free_port)
	write_config tls "host localhost" "proxy_host 127.0.0.1" "proxy_port $p"
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_error_line "SOCKS5 proxy: cannot connect to 127\\.0\\.0\\.1 port $p: Connection refused"
}

@test "proxy replies 'connection refused' (5) -> exit 75 with the SOCKS reason" {
	start_proxy <<EOF
reply_code 5
EOF
	write_config tls "host mx.example" "port 465" "proxy_host 127.0.0.1" \
	    "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_error_line "cannot connect to mx\\.example port 465 via SOCKS5 proxy 127\\.0\\.0\\.1 port $PROXY_PORT: connection refused \\(SOCKS reply 5\\)"
	assert_proxy_log "connect $(connect_hex mx.example 465)"
}

@test "proxy replies 'host unreachable' (4) -> exit 75; 'not allowed by ruleset' (2) -> 69" {
	start_proxy <<EOF
reply_code 4
EOF
	write_config tls "host mx.example" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_error_line 'host unreachable \(SOCKS reply 4\)'
	stop_proxy
	start_proxy <<EOF
reply_code 2
EOF
	write_config tls "host mx.example" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'connection not allowed by ruleset \(SOCKS reply 2\)'
}

@test "proxy wants authentication -> exit 69, no CONNECT sent" {
	start_proxy <<EOF
method 05ff
EOF
	write_config tls "host mx.example" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'the proxy demands authentication \(it chose none of the offered methods, method 0xff\)'
	assert_proxy_log "greeting 050100"
	! grep -q '^connect ' "$PX/log" || fail "a CONNECT was sent"
}

@test "proxy sends garbage (an HTTP answer) -> exit 76" {
	start_proxy <<EOF
reply_raw 485454502f312e3020343030204261640d0a
EOF
	write_config tls "host mx.example" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 76
	assert_error_line 'malformed SOCKS5 reply \(version byte 0x48\)'
}

@test "proxy cuts its reply short -> exit 76" {
	start_proxy <<EOF
reply_raw 0500000103
EOF
	write_config tls "host mx.example" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 76
	assert_error_line 'the proxy closed the connection in the middle of its reply \(after 5 bytes\)'
}

@test "proxy closes the connection without answering -> exit 75" {
	start_proxy <<EOF
close_after_greeting on
EOF
	write_config tls "host mx.example" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_error_line "cannot connect to mx\\.example port 25 via SOCKS5 proxy 127\\.0\\.0\\.1 port $PROXY_PORT: the proxy closed the connection; message saved"
}

@test "socket overrides proxy_host (msmtp): the proxy is not used" {
	scenario <<EOF
$(sc_plain)
unix $SOCK
EOF
	start_server
	start_proxy < /dev/null
	socket_config plain "socket $SOCK" "proxy_host 127.0.0.1" "proxy_port $PROXY_PORT"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered
	[ ! -s "$PX/log" ] || fail "the proxy was used: $(cat "$PX/log")"
}
