#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# logfile and syslog (drop-in extras): one key=value line per message attempt
# with the negotiated TLS version, the SASL mechanism, the Message-ID,
# the server's reply and the exit code; a line too for attempts that fail
# before a session exists; never a secret.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() {
	stop_flusher	# queue on: one may wait for a queued entry
	common_teardown
}

# the only line of $T/log, or fail
log_line() {
	[ "$(wc -l < "$T/log")" -eq 1 ] || fail "expected 1 log line: $(cat "$T/log")"
	cat "$T/log"
}

# log_matches ERE: the only log line matches (whole line)
log_matches() {
	local l
	l=$(log_line) || return 1
	printf '%s\n' "$l" | grep -Eq -- "^$1\$" || fail "log line: $l" "wanted: $1"
}

# no secret in the log: the password, its PLAIN and LOGIN forms
refute_secret() {
	! grep -Fq "$USER_PASS" "$1" || fail "password in $1"
	! grep -Fq "$(plain_b64)" "$1" || fail "AUTH PLAIN response in $1"
	! grep -Fq "$(b64 "$USER_PASS")" "$1" || fail "AUTH LOGIN password in $1"
}

@test "logfile: a delivery over TLS writes every field: tls version, auth mechanism, Message-ID, queue ID, reply" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "queue on" "logfile $T/log" \
	    "logfile_time_format %Y-%m-%dT%H:%M:%S"
	message <<'EOF'
Subject: no Message-ID: smtps adds one

body
EOF
	run_smtps bob@example.net carol@example.net
	assert_status 0
	local id tlsv
	id=$(grep -i '^Message-ID:' "$SRV/msg.1" | sed 's/^[^:]*: *//; s/\r$//')
	[ -n "$id" ] || fail "no Message-ID delivered"
	tlsv=$(cut -d' ' -f1 "$SRV/tls" | tr -d 'v')
	case $tlsv in TLS1.2|TLS1.3) ;; *) fail "server TLS: $tlsv" ;; esac
	# the size the server got, CRLF form (msg.1 is as delivered)
	log_matches "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8} account=(test|default) host=127\.0\.0\.1 port=$PORT tls=${tlsv/./\\.} auth=PLAIN user=alice from=alice@example\.org recipients=bob@example\.net,carol@example\.net mailsize=$(stat -c %s "$SRV/msg.1") msgid=$(printf '%s' "$id" | sed 's/[.]/\\./g') queueid=[0-9a-f.]+ outcome=delivered smtpstatus=250 smtpmsg='250 2\.0\.0 Ok: queued as 1' exitcode=EX_OK"
	refute_secret "$T/log"
}

@test "logfile: connection refused before any session: error and exit code, no tls/auth fields" {
	PORT=$(free_port)
	write_config tls+auth "logfile $T/log"
	std_message
	run_smtps bob@example.net
	assert_status 75
	log_matches "[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} account=(test|default) host=127\.0\.0\.1 port=$PORT from=alice@example\.org recipients=bob@example\.net mailsize=[0-9]+ msgid=<std\.1@example\.org> outcome=saved errormsg='[^']*[Cc]onnect[^']*dead\.letter' exitcode=EX_TEMPFAIL"
	refute_secret "$T/log"
}

@test "logfile: TLS verification failure: one line with the error, EX_UNAVAILABLE" {
	scenario <<EOF
$(sc_tls untrusted)
EOF
	start_server
	write_config tls+auth "logfile $T/log"
	std_message
	run_smtps bob@example.net
	assert_status 69
	log_matches ".* port=$PORT from=alice@example\.org recipients=bob@example\.net mailsize=[0-9]+ msgid=<std\.1@example\.org> outcome=saved errormsg='[^']*certificate[^']*' exitcode=EX_UNAVAILABLE"
	refute_secret "$T/log"
}

@test "logfile: message rejected locally (NUL in a header): one line, EX_DATAERR, nothing sent" {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
	write_config plain "logfile $T/log"
	message_bytes 'Subject: a\0b\n\nbody\n'
	run_smtps bob@example.net
	assert_status 65
	log_matches ".* account=(test|default) host=127\.0\.0\.1 port=$PORT from=alice@example\.org recipients=bob@example\.net outcome=failed errormsg='NUL byte in header \\\\'Subject\\\\'' exitcode=EX_DATAERR"
	[ ! -s "$SRV/transcript" ] || fail "connected: $(cat "$SRV/transcript")"
}

@test "logfile: authentication refused: the password never reaches the log (nor -v)" {
	scenario <<EOF
$(sc_tls)
on AUTH reply 535 5.7.8 bad credentials
EOF
	start_server
	write_config tls+auth "logfile $T/log"
	std_message
	run_smtps -v bob@example.net
	assert_status 77
	log_matches ".* outcome=saved smtpstatus=535 smtpmsg='535 5\.7\.8 bad credentials' errormsg=.* exitcode=EX_NOPERM"
	refute_secret "$T/log"
	refute_secret "$T/stderr"
}

@test "syslog: the line without the time, LOG_MAIL, error priority on failure (test /dev/log in a private mount namespace)" {
	[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null ||
		skip "needs root and unshare for a private /dev/log"
	# --propagation unchanged: in a chroot "/" is no mount point and
	# unshare's own "make / private" fails; run.sh makes it private
	# (or /dev, the one it mounts on) before mounting anything
	unshare -m --propagation unchanged true 2>/dev/null ||
		skip "unshare -m not permitted"
	scenario <<EOF
$(sc_plain)
on RCPT:nobody@example.net reply 550 5.1.1 unknown
connections 2
EOF
	start_server
	write_config plain "syslog LOG_MAIL"
	std_message
	"$PYTHON" - "$T/log.sock" "$T/syslog" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
with open(sys.argv[2], "ab", buffering=0) as f:
    try:
        for _ in range(2):
            f.write(s.recv(65536) + b"\n")
    except socket.timeout:
        pass
PY
	local rpid=$! i
	for i in $(seq 1 100); do [ -S "$T/log.sock" ] && break; sleep 0.05; done
	mkdir -p "$T/up" "$T/wk"
	# a private mount namespace: /dev overlaid, /dev/log -> our socket
	cat > "$T/run.sh" <<EOF
{ mount --make-rprivate / 2>/dev/null || mount --make-rprivate /dev; } &&
mount -t overlay overlay -o lowerdir=/dev,upperdir=$T/up,workdir=$T/wk /dev &&
ln -s $T/log.sock /dev/log || exit 99
"$SMTPS" -C "$CFG" bob@example.net < "$INPUT" > "$T/stdout" 2> "$T/stderr"
echo \$? > "$T/rc1"
"$SMTPS" -C "$CFG" nobody@example.net < "$INPUT" >> "$T/stdout" 2>> "$T/stderr"
echo \$? > "$T/rc2"
EOF
	status=0
	timeout 30 unshare -m --propagation unchanged sh "$T/run.sh" || status=$?
	[ "$status" -ne 99 ] || skip "cannot overlay /dev here"
	wait "$rpid" || true
	[ "$(cat "$T/rc1")" = 0 ] && [ "$(cat "$T/rc2")" = 67 ] ||
		fail "exit codes $(cat "$T/rc1" "$T/rc2")"
	# <22> = LOG_MAIL|LOG_INFO, <19> = LOG_MAIL|LOG_ERR
	grep -Eq '^<22>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} smtps\[[0-9]+\]: account=(test|default) host=127\.0\.0\.1 port=[0-9]+ tls=off auth=off from=alice@example\.org recipients=bob@example\.net mailsize=[0-9]+ msgid=<std\.1@example\.org> outcome=delivered smtpstatus=250 .*exitcode=EX_OK$' "$T/syslog" ||
		fail "syslog: $(cat "$T/syslog")"
	grep -Eq '^<19>.* smtps\[[0-9]+\]: account=.* recipients=nobody@example\.net .*smtpstatus=550 .*exitcode=EX_NOUSER$' "$T/syslog" ||
		fail "syslog: $(cat "$T/syslog")"
}

@test "logfile: queued, then retried by -q: one line per attempt, same queue ID and Message-ID" {
	scenario <<EOF
$(sc_plain)
connections 2
on MAIL#1 reply 451 4.3.2 busy, try later
EOF
	start_server
	write_config plain "queue on" "queue_backoff_min 1h" \
	    "queue_backoff_max 2h" "logfile $T/log"
	std_message
	run_smtps bob@example.net
	assert_status 0
	run_smtps -q
	assert_status 0
	[ "$(wc -l < "$T/log")" -eq 2 ] || fail "log: $(cat "$T/log")"
	local q
	q=$(sed -n 's/.* queueid=\([0-9a-f.]*\) .*/\1/p' "$T/log" | sort -u)
	[ "$(echo "$q" | wc -l)" -eq 1 ] && [ -n "$q" ] || fail "queue IDs: $q"
	head -n 1 "$T/log" | grep -Eq " tls=off auth=off from=alice@example\.org recipients=bob@example\.net mailsize=[0-9]+ msgid=<std\.1@example\.org> queueid=$q outcome=queued smtpstatus=451 smtpmsg='451 4\.3\.2 busy, try later' errormsg='MAIL FROM: temporary failure \(451\) \[server said: 451 4\.3\.2 busy, try later\]' exitcode=EX_OK$" ||
		fail "line 1: $(head -n 1 "$T/log")"
	tail -n 1 "$T/log" | grep -Eq " tls=off auth=off from=alice@example\.org recipients=bob@example\.net mailsize=[0-9]+ msgid=<std\.1@example\.org> queueid=$q outcome=delivered smtpstatus=250 smtpmsg='250 2\.0\.0 Ok: queued as 1' exitcode=EX_OK$" ||
		fail "line 2: $(tail -n 1 "$T/log")"
}
