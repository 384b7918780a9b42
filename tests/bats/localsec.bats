#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# A local attacker gets nothing (DESIGN, "Security rules"): closed standard
# descriptors, the queue directory and its entries trusted only when they
# are ours, secrets not dumpable and no descriptor leaked into commands,
# signals mid-delivery never strand an entry.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	Q=$HOME/queue
}
teardown() {
	stop_flusher "$Q"
	common_teardown
}

@test "closed standard descriptors: nothing smtps opens takes fd 0-2, the message and the stream arrive intact" {
	scenario <<EOF
$(sc_plain)
connections 2
EOF
	start_server
	write_config plain "queue on"
	std_message
	status=0
	# stdout and stderr closed (cron, daemons); -v writes the dialogue to
	# fd 2, which must not be the spool file or the socket
	timeout -k 5 30 "$SMTPS" -v -C "$CFG" bob@example.net < "$INPUT" \
	    >&- 2>&- || status=$?
	server_idle 10 || true
	assert_status 0
	assert_delivered 1
	refute_transcript 'C[:+] .*(smtps|account test).*'
	# stdin closed too: an empty message, still not mixed with anything
	status=0
	timeout -k 5 30 "$SMTPS" -v -C "$CFG" bob@example.net <&- >&- 2>&- ||
	    status=$?
	server_idle 10 || true
	[ -e "$SRV/msg.2" ] || fail "the second message was not delivered (exit $status)"
	! grep -q 'smtps\|account test\|EHLO' "$SRV/msg.2" ||
		fail "a log line went into the message: $(cat "$SRV/msg.2")"
	refute_transcript 'C[:+] .*(smtps|account test).*'
}

# ---------------------------------------------------------------- the queue

need_root() {
	[ "$(id -u)" -eq 0 ] ||
		fail "this test changes file owners: run it as root (CI does)"
}

# a config whose passwordeval leaves $T/pwned: obeying it is the attack
evil_config() {
	cat > "$T/evil.rc" <<EOF
account test
host 127.0.0.1
port $(free_port)
tls off
auth on
allow_plaintext_auth on
user x
passwordeval "touch $T/pwned; echo pw"
from $FROM_ADDR
account default : test
EOF
	chmod 600 "$T/evil.rc"
}

# plant_entry ID [CONFIG]: an entry in $Q as another user would write it
plant_entry() {
	local id=$1 cfg=${2:-$T/evil.rc}
	mkdir -p "$Q"
	printf 'Subject: planted\n\nbody\n' > "$Q/$id.msg"
	cat > "$Q/$id.env" <<EOF
smtps-queue 1
created $(date +%s)
config $cfg
account test
from $FROM_ADDR
size $(wc -c < "$Q/$id.msg")
eightbit 0
attempts 0
next 0
error 
synced 1
sum 0
rcpt bob@example.net
EOF
}

ID1=0000000001.000001.00000001

@test "queue directory not ours (group/other-writable, another owner): refused with one line, never obeyed" {
	evil_config
	write_config plain "queue on" "queue_dir $Q"
	plant_entry "$ID1"
	chmod 777 "$Q"
	for args in -q -bp; do
		run_smtps $args
		assert_status 77
		assert_error_line "queue directory $Q is writable by group or others: refused"
		[ "$(grep -c . "$T/stderr")" -eq 1 ] || fail "not one line"
		[ ! -e "$T/pwned" ] || fail "$args obeyed a planted entry"
	done
	std_message
	run_smtps bob@example.net
	assert_status 77
	assert_error_line 'writable by group or others: refused'
	need_root
	chmod 700 "$Q"
	chown 65534 "$Q"
	run_smtps -q
	assert_status 77
	assert_error_line "queue directory $Q is owned by uid 65534, not by uid 0: refused"
	[ ! -e "$T/pwned" ] || fail "-q obeyed a planted entry"
	status=0
	timeout 30 "$SMTPS" --flush-daemon "$Q" 2> "$T/stderr" || status=$?
	[ "$status" -eq 77 ] || fail "the flusher ran in a foreign queue (exit $status)"
	[ ! -e "$T/pwned" ] || fail "the flusher obeyed a planted entry"
}

@test "an entry not ours (another owner, a link, a bad value) is skipped with one line, never obeyed" {
	need_root
	evil_config
	write_config plain "queue on" "queue_dir $Q"
	plant_entry "$ID1"
	chown 65534 "$Q/$ID1.env"
	run_smtps -q
	assert_status 77
	grep -Eq "^$ID1: .*$ID1\.env is owned by uid 65534, not by uid 0: skipped\$" "$T/stdout" ||
		fail "no skipped line: $(cat "$T/stdout")"
	[ ! -e "$T/pwned" ] || fail "-q obeyed another user's entry"
	run_smtps -bp
	grep -q "$ID1.*owned by uid 65534" "$T/stdout" || fail "-bp: $(cat "$T/stdout")"
	# the flusher skips it, logs why, and does not stay for it
	status=0
	timeout 30 "$SMTPS" --flush-daemon "$Q" 2> "$T/stderr" || status=$?
	[ "$status" -eq 0 ] || fail "flusher exit $status (a hang is 124)"
	[ ! -e "$T/pwned" ] || fail "the flusher obeyed another user's entry"
	grep -q "$ID1: skipped: .*owned by uid 65534" "$Q/log" || fail "log: $(cat "$Q/log")"
	# an entry that is a symbolic link to a file of ours
	rm -f "$Q/$ID1.env"
	plant_entry 0000000002.000001.00000001
	mv "$Q/0000000002.000001.00000001.env" "$T/real.env"
	ln -s "$T/real.env" "$Q/0000000002.000001.00000001.env"
	run_smtps -q
	assert_status 77
	grep -q 'symbolic link: skipped' "$T/stdout" || fail "link: $(cat "$T/stdout")"
	[ ! -e "$T/pwned" ] || fail "-q followed a link to an entry"
	# values read back are checked: a relative config path, a control
	# character in a recipient
	rm -f "$Q"/*.env
	plant_entry 0000000003.000001.00000001 evil.rc
	run_smtps -q
	assert_status 65
	grep -q "bad value for 'config': skipped" "$T/stdout" || fail "config: $(cat "$T/stdout")"
}

@test "queue files are created without following links: a planted link at the log, flush.lock or tmp/ID.env overwrites nothing" {
	PORT=$(free_port)
	write_config plain "queue on" "queue_backoff_min 3600" "queue_backoff_max 3600"
	mkdir -p "$Q/tmp"
	chmod 700 "$Q" "$Q/tmp"
	for f in log flush.lock; do
		echo precious > "$T/victim.$f"
		ln -s "$T/victim.$f" "$Q/$f"
	done
	std_message
	run_smtps bob@example.net
	id=$(basename "$(ls "$Q"/*.env)" .env)
	[ -n "$id" ] || fail "no entry queued (exit $status)"
	# flush.lock is a link: no flusher, and smtps says so
	assert_stderr_match "^smtps: no flusher started for $Q \\($Q/flush\\.lock: a symbolic link: refused\\)"
	echo precious > "$T/victim.env"
	ln -s "$T/victim.env" "$Q/tmp/$id.env"
	run_smtps -q
	assert_status 75
	for f in log flush.lock env; do
		[ "$(cat "$T/victim.$f")" = precious ] ||
			fail "$f: written through a link: $(cat "$T/victim.$f")"
	done
	grep -q '^attempts 2$' "$Q/$id.env" || fail "entry not updated: $(cat "$Q/$id.env")"
	rm -f "$Q/flush.lock"
}

@test "as root, a config file of another user or writable by others is refused before anything in it runs" {
	need_root
	evil_config
	std_message
	chown 65534 "$T/evil.rc"
	_run_smtps -C "$T/evil.rc" bob@example.net
	assert_status 78
	assert_error_line "evil\.rc: owned by uid 65534, not by root: refused as root"
	[ ! -e "$T/pwned" ] || fail "the config's passwordeval ran"
	chown 0 "$T/evil.rc"
	chmod 622 "$T/evil.rc"
	_run_smtps -C "$T/evil.rc" bob@example.net
	assert_status 78
	assert_error_line 'writable by group or others: refused as root'
	[ ! -e "$T/pwned" ] || fail "the config's passwordeval ran"
}

# ------------------------------------------------------ secrets in memory

@test "secret commands inherit no descriptor but 0-2, and smtps holding the password is not dumpable (core limit 0, /proc unreadable to its own user)" {
	need_root
	# the command checks smtps and answers with the password only when
	# nothing leaks
	local d
	d=$(mktemp -d /tmp/smtps-localsec.XXXXXX)
	chmod 755 "$d"
	cat > "$d/check.sh" <<'EOF'
#!/usr/bin/python3
# fds inherited from smtps (through its sh -c), smtps's core limit and
# whether its user can read its memory-backed /proc files
import os, sys
fds = []
for fd in range(3, 1024):
    try:
        os.fstat(fd)
        fds.append(str(fd))
    except OSError:
        pass
pid = os.getppid()
if open("/proc/%d/comm" % pid).read().strip() in ("sh", "dash", "bash"):
    pid = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1])
core = [l.split()[4] for l in open("/proc/%d/limits" % pid)
        if l.startswith("Max core file size")][0]
try:
    open("/proc/%d/environ" % pid).read()
    env = "readable"
except OSError:
    env = "denied"
seen = "fds=%s core=%s environ=%s" % (",".join(fds), core, env)
open(sys.argv[1], "w").write(seen + "\n")
if seen == "fds= core=0 environ=denied":
    print("s3cret pass")
EOF
	chmod 755 "$d/check.sh"
	install -d -o 65534 -m 700 "$d/home"
	scenario <<EOF
$(sc_plain)
user $USER_NAME
password $USER_PASS
EOF
	start_server
	write_config plain+auth "passwordeval \"$d/check.sh $d/home/seen\"" \
	    "queue off" "dead_letter off" "queue_dir $d/home/queue"
	sed -i '/^password /d' "$CFG"
	cp "$CFG" "$d/mailrc"
	chown 65534 "$d/mailrc"
	std_message
	status=0
	# as an ordinary user (root may read anyone's /proc), with an fd 7
	# open that must not reach the command
	# (a core limit above 0 when the hard limit allows, so that smtps must
	# lower it itself)
	HOME=$d/home timeout -k 5 30 sh -c 'ulimit -c 1024 2>/dev/null; exec "$@"' \
	    sh setpriv --reuid=65534 --regid=65534 \
	    --clear-groups "$SMTPS" -C "$d/mailrc" bob@example.net \
	    < "$INPUT" > "$T/stdout" 2> "$T/stderr" 7< "$d/check.sh" ||
	    status=$?
	server_idle 10 || true
	seen=$(cat "$d/home/seen" 2>/dev/null || true)
	rm -rf "$d"
	[ "$seen" = "fds= core=0 environ=denied" ] || fail "the command saw: $seen"
	assert_status 0
	assert_delivered 1
}

# ------------------------------------------------------------------ signals

# wait_line SECONDS RE: poll the transcript for a line matching RE
wait_line() {
	local n=$(( $1 * 20 ))
	while [ "$n" -gt 0 ]; do
		grep -Eq -- "^($2)\$" "$SRV/transcript" 2>/dev/null && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

flusher_running() {
	local pid
	pid=$(cat "$Q/flush.lock" 2>/dev/null) && [ -n "$pid" ] &&
	    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--flush-daemon $Q"
}

# signal_at SIG WHEN RE: a server silent at WHEN; SIG to smtps once the
# transcript shows RE; sets status
signal_at() {
	scenario <<EOF
$(sc_plain)
on $2 silent
idle_timeout 60
EOF
	start_server
	write_config plain "queue on" "queue_backoff_min 3600" \
	    "queue_backoff_max 3600" "timeout 60"
	std_message
	# the signal at its default disposition even when this run inherited
	# it ignored (a CI job started under nohup ignores SIGHUP)
	env --default-signal="$1" "$SMTPS" -C "$CFG" bob@example.net \
	    < "$INPUT" > "$T/stdout" 2> "$T/stderr" &
	local pid=$!
	wait_line 20 "$3" || { kill -9 "$pid"; fail "no /$3/ in the transcript"; }
	kill -"$1" "$pid"
	status=0
	wait "$pid" || status=$?
	stop_server
}

@test "SIGTERM before the dot: the entry stays queued, a flusher will retry, exit 75 with one line" {
	signal_at TERM RCPT 'C[:+] RCPT TO:<bob@example.net>'
	assert_status 75
	assert_error_line "^smtps: stopped by SIGTERM before the message was accepted; the message stays queued as [0-9a-f.]+, retrying in [0-9]+ s\$"
	[ "$(grep -c . "$T/stderr")" -eq 1 ] || fail "not one line"
	[ "$(ls "$Q"/*.env | wc -l)" -eq 1 ] || fail "no entry kept"
	grep -q '^attempts 1$' "$Q"/*.env || fail "entry not updated: $(cat "$Q"/*.env)"
	grep -q '^synced 1$' "$Q"/*.env || fail "message not synced"
	flusher_running || fail "no flusher will retry it"
}

@test "SIGHUP after the final dot: queued, marked possibly delivered, a flusher will retry, exit 75" {
	signal_at HUP DOT 'C: \.'
	assert_status 75
	assert_error_line '^smtps: stopped by SIGHUP after the final dot \(the server may have accepted it, a duplicate is possible\); the message stays queued as [0-9a-f.]+, retrying in [0-9]+ s$'
	[ "$(ls "$Q"/*.env | wc -l)" -eq 1 ] || fail "no entry kept"
	grep -q 'duplicate is possible' "$Q/log" || fail "log: $(cat "$Q/log")"
	flusher_running || fail "no flusher will retry it"
}

# ---------------------------------------------------- undefined behaviour

@test "a lifetime bounce whose config is gone: the line names the error and the dead.letter it went to, once" {
	write_config plain "queue on" "queue_dir $Q"
	plant_entry "$ID1" /nonexistent/smtps.rc
	sed -i "s/^created .*/created $(( $(date +%s) - 6 * 86400 ))/" "$Q/$ID1.env"
	run_smtps -q
	grep -Eq "^$ID1: failed: gave up after [0-9]+ s in the queue \(queue_lifetime 432000 s\): .*/nonexistent/smtps\.rc.*; message saved in $HOME/dead\.letter\$" "$T/stdout" ||
		fail "-q said: $(cat "$T/stdout")"
	[ "$(grep -o 'message saved in' "$T/stdout" | wc -l)" -eq 1 ] || fail "repeated: $(cat "$T/stdout")"
	grep -q '^Subject: planted' "$HOME/dead.letter" || fail "not in dead.letter"
	[ ! -e "$Q/$ID1.env" ] || fail "entry left"
}

@test "SIGTERM to -q after the final dot: the entry is kept (a duplicate noted), exit 75, a flusher will retry" {
	PORT=$(free_port)
	write_config plain "queue on" "queue_backoff_min 3600" \
	    "queue_backoff_max 3600" "timeout 60"
	std_message
	run_smtps bob@example.net
	stop_flusher "$Q"
	scenario <<EOF
$(sc_plain)
port $PORT
on DOT silent
idle_timeout 60
EOF
	start_server
	"$SMTPS" -C "$CFG" -q > "$T/stdout" 2> "$T/stderr" &
	local pid=$!
	wait_line 20 'C: \.' || { kill -9 "$pid"; fail "no final dot"; }
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	assert_status 75
	grep -Eq '^[0-9a-f.]+: deferred: .*; retrying in [0-9]+ s$' "$T/stdout" || fail "-q: $(cat "$T/stdout")"
	assert_error_line '^smtps: stopped by SIGTERM; the messages not delivered stay queued$'
	grep -q '^attempts 2$' "$Q"/*.env || fail "entry not updated: $(cat "$Q"/*.env)"
	grep -q 'duplicate is possible' "$Q/log" || fail "log: $(cat "$Q/log")"
	flusher_running || fail "no flusher will retry it"
}
