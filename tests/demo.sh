#!/bin/sh
# SPDX-License-Identifier: ISC
# demo.sh - `make demo`: send a sample message through ./smtps over implicit
# TLS and over STARTTLS to the bundled loopback test server, with a
# throw-away CA, and show the protocol transcript and the delivered message.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
SMTPS=${SMTPS:-$repo/smtps}
work=$repo/tests/tmp/demo
certs=$repo/tests/tmp/certs
if [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; else py=python3; fi

[ -x "$SMTPS" ] || { echo "demo: $SMTPS not built (run make)" >&2; exit 1; }
sh "$repo/tests/certs.sh" "$certs"
rm -rf "$work"
mkdir -p "$work"

pid=
stop() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
	fi
	pid=
}
trap stop EXIT INT TERM

# start_server NAME MODE: the scripted server in $work/NAME, sets port, pid
start_server() {
	dir=$work/$1
	mkdir -p "$dir"
	cat > "$dir/scenario" <<EOF
mode $2
cert $certs/server.pem
key $certs/server-key.pem
user alice
password s3cret pass
EOF
	"$py" "$repo/tests/server/smtpserver.py" "$dir/scenario" "$dir/out" \
	    > "$dir/server.log" 2>&1 &
	pid=$!
	i=0
	while [ ! -s "$dir/out/port" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "demo: the test server did not start:" >&2
			cat "$dir/server.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	port=$(cat "$dir/out/port")
}

# wait for the server to finish its one connection
wait_server() {
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	stop
}

cat > "$work/message" <<'EOF'
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: Hello from smtps

Hi Bob,

this message went through smtps to a loopback test server.
.
A line with a single dot above, and some UTF-8: grüße, 日本.
EOF

run() { # run NAME MODE STARTTLS
	start_server "$1" "$2"
	cfg=$work/$1/mailrc
	cat > "$cfg" <<EOF
# $1: the scripted server on 127.0.0.1 port $port
account demo
host 127.0.0.1
port $port
tls on
tls_starttls $3
tls_trust_file $certs/ca.pem
tls_host_override localhost
auth on
user alice
password "s3cret pass"
from alice@example.org
domain demo.example
timeout 10
queue_dir $work/queue
dead_letter $work/dead.letter
EOF
	chmod 600 "$cfg"
	echo
	echo "=================================================================="
	echo "== $1: smtps -v -C $cfg bob@example.net"
	echo "=================================================================="
	echo
	echo "-- config:"
	sed 's/^password .*/password "********"/' "$cfg"
	echo
	echo "-- smtps -v (stderr):"
	rc=0
	"$SMTPS" -v -C "$cfg" bob@example.net < "$work/message" || rc=$?
	wait_server
	echo
	echo "-- smtps exit status: $rc"
	echo
	echo "-- transcript recorded by the server (C: client, S: server,"
	echo "   C+ = arrived in the same packet as the line before):"
	cat "$work/$1/out/transcript"
	echo
	echo "-- delivered message (as the server stored it):"
	if [ -f "$work/$1/out/msg.1" ]; then
		tr -d '\r' < "$work/$1/out/msg.1"
	else
		echo "(none)"
	fi
	[ "$rc" -eq 0 ] || { echo "demo: smtps failed ($rc)" >&2; exit 1; }
}

run implicit-tls tls off
run starttls plain on

echo
echo "demo: both messages delivered; files are in $work"
