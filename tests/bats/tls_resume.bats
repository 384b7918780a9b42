#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# TLS session resumption across invocations (tls_resume on; default off): the
# second send resumes the first one's session; tls_resume off never does
# and writes nothing; a change to what verification depends on is never
# resumed; the cache is private (0700/0600); a broken cache entry is a
# silent full handshake.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	CACHE=$XDG_STATE_HOME/smtps/tls-sessions
}
teardown() { common_teardown; }

# one server for N connections (default 2) sharing its TLS context, so the
# tickets of one connection are good for the next
resume_server() {
	scenario <<EOF
$(sc_tls)
tls_sessions on
connections ${1:-2}
EOF
	start_server
}

# send the standard message; -v so "TLS established" shows
send() {
	std_message
	run_smtps -v bob@example.net
}

# the Nth "-- TLS session" line of the transcript (new or reused)
session_n() {
	grep -E '^-- TLS session ' "$SRV/transcript" | sed -n "${1}p" |
	    sed 's/^-- TLS session //'
}

cache_files() {
	find "$CACHE" -type f 2>/dev/null | wc -l
}

@test "second send resumes the first one's session; -v says (resumed)" {
	resume_server 2
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	assert_stderr_match '^smtps: TLS established: TLS1\.[23] .*'
	refute_stderr_match 'TLS established: .*\(resumed\)'
	[ "$(cache_files)" -eq 1 ] || fail "expected one cache file"
	send
	assert_status 0
	assert_stderr_match 'TLS established: .*\(resumed\)'
	[ "$(session_n 1)" = new ] || fail "first session: $(session_n 1)"
	[ "$(session_n 2)" = reused ] || fail "second session not resumed: $(session_n 2)"
	assert_delivered 2
}

@test "default (tls_resume not given): never resumed, no cache written" {
	resume_server 2
	write_config tls+auth
	send
	assert_status 0
	send
	assert_status 0
	[ "$(session_n 2)" = new ] || fail "resumed by default: $(session_n 2)"
	refute_stderr_match 'TLS established: .*\(resumed\)'
	[ ! -e "$CACHE" ] || fail "the default wrote $CACHE"
	assert_delivered 2
}

@test "tls_resume off: never resumed, no cache written" {
	resume_server 2
	write_config tls+auth "tls_resume off"
	send
	assert_status 0
	send
	assert_status 0
	[ "$(session_n 1)" = new ] && [ "$(session_n 2)" = new ] ||
		fail "a session was resumed with tls_resume off"
	refute_stderr_match '\(resumed\)'
	[ ! -e "$CACHE" ] || fail "tls_resume off wrote $CACHE"
}

@test "a changed tls_fingerprint is not resumed (full handshake, checked again)" {
	resume_server 3
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	write_config tls+auth "tls_resume on" "tls_fingerprint $(cat "$CERTS/server.fp")"
	send
	assert_status 0
	[ "$(session_n 2)" = new ] || fail "resumed across a new tls_fingerprint"
	# and a wrong pin is refused, whatever is cached
	write_config tls+auth "tls_resume on" "tls_fingerprint $(cat "$CERTS/untrusted.fp")"
	send
	assert_status 69
	assert_error_line 'fingerprint does not match'
}

@test "a changed trust file is not resumed" {
	resume_server 3
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	# the same CA under another name: a different setting
	cp "$CERTS/ca.pem" "$T/ca-copy.pem"
	write_config tls+auth "tls_resume on" "tls_trust_file $T/ca-copy.pem"
	send
	assert_status 0
	[ "$(session_n 2)" = new ] || fail "resumed across a new tls_trust_file"
	# the same file name with other contents: not resumed either
	cat "$CERTS/ca2.pem" "$CERTS/ca.pem" > "$T/ca-copy.pem"
	send
	assert_status 0
	[ "$(session_n 3)" = new ] || fail "resumed across changed trust file contents"
}

@test "cache directory 0700, files 0600" {
	resume_server 1
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	[ "$(stat -c %a "$CACHE")" = 700 ] || fail "cache dir mode $(stat -c %a "$CACHE")"
	[ "$(cache_files)" -eq 1 ] || fail "expected one cache file"
	f=$(find "$CACHE" -type f)
	[ "$(stat -c %a "$f")" = 600 ] || fail "cache file mode $(stat -c %a "$f")"
	case $(basename "$f") in
	????????????????????????????????????????????????????????????????) ;;
	*) fail "cache file name is not a 64-digit key: $f" ;;
	esac
}

@test "corrupted cache file: full handshake, delivered, no error output" {
	resume_server 3
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	f=$(find "$CACHE" -type f)
	head -c 40 "$f" > "$T/head"
	{ cat "$T/head"; head -c 300 /dev/urandom; } > "$f"
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty with a corrupted cache"
	[ "$(session_n 2)" = new ] || fail "resumed from a corrupted cache"
	assert_delivered 2
	# garbage in the session bytes behind a valid header: same
	printf 'smtps-tls-session 1 %s\n' $(( $(date +%s) + 600 )) > "$f"
	head -c 300 /dev/urandom >> "$f"
	run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty with a corrupted cache"
	[ "$(session_n 3)" = new ] || fail "resumed from a corrupted cache"
}

@test "a cache readable by others is ignored (full handshake, no error)" {
	resume_server 2
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	chmod 644 "$(find "$CACHE" -type f)"
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty"
	[ "$(session_n 2)" = new ] || fail "resumed from a group/other-readable cache file"
}

@test "an expired cache entry is not offered" {
	resume_server 2
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	f=$(find "$CACHE" -type f)
	"$PYTHON" - "$f" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
head, rest = b.split(b"\n", 1)
open(p, "wb").write(b"smtps-tls-session 1 1000000000\n" + rest)
PY
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty"
	[ "$(session_n 2)" = new ] || fail "an expired entry was resumed"
}

@test "TLS 1.2 sessions resume too" {
	scenario <<EOF
$(sc_tls)
tls_sessions on
tls_max 1.2
connections 2
EOF
	start_server
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	send
	assert_status 0
	assert_stderr_match 'TLS established: TLS1\.2 .*\(resumed\)'
	[ "$(session_n 2)" = reused ] || fail "TLS 1.2 session not resumed"
}

@test "a resumed session whose certificate expired since: dropped, 75, the retry verifies afresh (69)" {
	# a certificate of the test CA that expires in a few seconds
	{
		echo 'cn = "localhost"'
		echo 'dns_name = "localhost"'
		echo 'ip_address = "127.0.0.1"'
		echo "activation_date = \"$(date -u -d '-1 hour' '+%Y-%m-%d %H:%M:%S')\""
		echo "expiration_date = \"$(date -u -d '+4 seconds' '+%Y-%m-%d %H:%M:%S')\""
		echo 'tls_www_server'
		echo 'signing_key'
		echo 'encryption_key'
	} > "$T/short.tmpl"
	certtool --generate-certificate --load-privkey "$CERTS/server-key.pem" \
	    --load-ca-certificate "$CERTS/ca.pem" \
	    --load-ca-privkey "$CERTS/ca-key.pem" --template "$T/short.tmpl" \
	    --outfile "$T/short.pem" >/dev/null 2>&1 || fail "certtool failed"
	scenario <<EOF
mode tls
cert $T/short.pem
key $CERTS/server-key.pem
user $USER_NAME
password $USER_PASS
tls_sessions on
connections 3
EOF
	start_server
	write_config tls+auth "tls_resume on"
	send
	assert_status 0
	[ "$(cache_files)" -eq 1 ] || fail "no cache file"
	sleep 5
	send
	assert_status 75
	assert_error_line '^smtps: resumed TLS session dropped, the next attempt makes a new one: TLS certificate verification failed for 127\.0\.0\.1: certificate has expired'
	[ "$(session_n 2)" = reused ] || fail "second session not resumed"
	[ "$(cache_files)" -eq 0 ] || fail "the failed session is still cached"
	send
	assert_status 69
	assert_error_line 'certificate has expired'
	[ "$(session_n 3)" = new ] || fail "third session not a full handshake"
}
