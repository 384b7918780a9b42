#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh - measure smtps against msmtp, side by side, and print one table
# (`make bench`).  Never fails a build: it always exits 0, and a
# figure it cannot get is shown as n/a with the reason.
#
# What it does, all on this machine:
#   - installs msmtp and the `time` package with apt when root and missing
#     (no hyperfine: tests/bench/timeit.c does the timing);
#   - makes the test CA (tests/certs.sh) and a bench server certificate
#     for 127.0.0.1 and 10.231.0.2;
#   - starts tests/bench/sink.c (fast C/GnuTLS SMTP sink that counts the
#     client's flights) in implicit-TLS and STARTTLS modes;
#   - runs smtps and msmtp with the SAME config file (msmtp syntax: tls on,
#     tls_starttls, tls_trust_file, auth on, user, password) and the same
#     messages, and prints medians, ratios smtps/msmtp, the performance
#     targets and MET / NOT MET.
#   - as root, builds a link with 20 ms round-trip time between two network
#     namespaces (veth + `tc netem delay 10ms` each way; where the kernel
#     has no sch_netem, two TUN devices joined by tests/bench/delay.c) and
#     counts round trips as latency / 20 ms.
#
# Environment:
#   SMTPS=path        binary under test (default ./smtps)
#   BENCH_QUICK=1     smoke run: few repetitions, 20 MB instead of 100 MB
#   BENCH_TICKETS=1   the sink issues TLS 1.3 session tickets
#   BENCH_TRANSCRIPT=1  the sinks also write exact transcripts with flight
#                     marks to tests/tmp/bench/*.transcript
#   BENCH_BIN=dir     where sink, pipe, timeit, delay are (default
#                     build/bench; built here when missing)
# Results: the table on stdout and in tests/tmp/bench/results.txt; the
# clients' stderr in tests/tmp/bench/clients.err; sink logs
# tests/tmp/bench/*.log (one line per connection, see sink.c).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
B=$top/tests/tmp/bench
BIN=${BENCH_BIN:-$top/build/bench}
SMTPS=${SMTPS:-$top/smtps}
CERTS=$top/tests/tmp/certs
RTT_MS=20

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	N_LAT=5 N_FL=3 N_NS=3 N_BIG=1 N_BURST=20 BIG=20000000 WARM=1
else
	N_LAT=31 N_FL=5 N_NS=7 N_BIG=3 N_BURST=200 BIG=100000000 WARM=2
fi
BIGNAME="$((BIG / 1000000)) MB"

say() { printf '%s\n' "$*" >&2; }

mkdir -p "$B" "$BIN" "$B/home" "$B/state"
rm -f "$B"/*.log "$B"/*.transcript "$B"/*.err "$B"/*.port "$B"/*.pid
export HOME="$B/home" XDG_STATE_HOME="$B/state"
unset XDG_CONFIG_HOME || true

# ---------------------------------------------------------------- tools
apt_install() { # apt_install PACKAGE...
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
	say "bench: installing $* with apt-get"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null 2>&1 &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; }
}
command -v msmtp >/dev/null 2>&1 || apt_install msmtp
[ -x /usr/bin/time ] || apt_install time
MSMTP=$(command -v msmtp 2>/dev/null || true)
[ -n "$MSMTP" ] || say "bench: msmtp not installed (run as root to install it): msmtp columns are n/a"
command -v valgrind >/dev/null 2>&1 || apt_install valgrind

for t in sink pipe timeit delay; do
	[ -x "$BIN/$t" ] && [ ! "$top/tests/bench/$t.c" -nt "$BIN/$t" ] && continue
	# shellcheck disable=SC2046
	${CC:-cc} -O2 -g -o "$BIN/$t" "$top/tests/bench/$t.c" \
	    $(pkg-config --cflags --libs gnutls) || {
		say "bench: cannot build $t"; exit 0; }
done
[ -x "$SMTPS" ] || { say "bench: no smtps binary at $SMTPS (run make)"; exit 0; }

# ---------------------------------------------------------------- certs
sh "$top/tests/certs.sh" "$CERTS" || { say "bench: cannot make certificates"; exit 0; }
if [ ! -f "$B/cert.pem" ] || [ "$CERTS/ca.pem" -nt "$B/cert.pem" ]; then
	cat > "$B/leaf.tmpl" <<EOF
cn = "smtps bench"
organization = "smtps tests"
serial = 4242
dns_name = "localhost"
ip_address = "127.0.0.1"
ip_address = "10.231.0.2"
expiration_days = 3650
tls_www_server
signing_key
encryption_key
EOF
	certtool --generate-privkey --key-type rsa --bits 2048 \
	    --outfile "$B/key.pem" >/dev/null 2>&1 &&
	certtool --generate-certificate --load-privkey "$B/key.pem" \
	    --load-ca-certificate "$CERTS/ca.pem" --load-ca-privkey "$CERTS/ca-key.pem" \
	    --template "$B/leaf.tmpl" --outfile "$B/cert.pem" >/dev/null 2>&1 ||
	{ say "bench: cannot make the bench certificate"; exit 0; }
fi

# ---------------------------------------------------------------- messages
# m1k.eml: exactly 1024 bytes; big.eml: BIG bytes of 76-column text in
# which every 40th line starts with a dot (dot-stuffing has work to do).
python3 - "$B" "$BIG" <<'EOF'
import os, sys
d, big = sys.argv[1], int(sys.argv[2])
hdr = ("From: bench@example.org\nTo: rcpt@example.org\nSubject: bench\n"
       "Date: Thu, 01 Jan 2025 00:00:00 +0000\n"
       "Message-ID: <bench.1@example.org>\n\n")
def lines(n):
    out = []
    for i in range(n):
        s = "line %06d of the benchmark message, text text text text text text" % i
        out.append(("." if i % 40 == 39 else "") + s[:76] + "\n")
    return "".join(out)
m = (hdr + lines(40))[:1023] + "\n"
open(os.path.join(d, "m1k.eml"), "w").write(m)
p = os.path.join(d, "big.eml")
if not (os.path.exists(p) and os.path.getsize(p) == big):
    block = lines(13000).encode()          # ~1 MB
    with open(p + ".tmp", "wb") as f:
        f.write(hdr.encode())
        left = big - len(hdr)
        while left > 0:
            chunk = block[:left]
            f.write(chunk)
            left -= len(chunk)
    os.rename(p + ".tmp", p)
EOF
[ -f "$B/big.eml" ] || { say "bench: cannot make the test messages"; exit 0; }

# ---------------------------------------------------------------- sinks
NSC="" NSS="" DELAYPID=""
cleanup() {
	for f in "$B"/*.pid; do		# the sinks, by their PID files
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null && rm -f "$f"
	done
	[ -n "$NSC" ] && ip netns del "$NSC" 2>/dev/null
	[ -n "$NSS" ] && ip netns del "$NSS" 2>/dev/null
	[ -n "$DELAYPID" ] && kill "$DELAYPID" 2>/dev/null
	rm -f "$B/state/smtps/queue"/*/* 2>/dev/null
}
trap cleanup EXIT
trap 'exit 0' INT TERM

start_sink() { # start_sink NAME MODE GRACE_MS ADDR [NETNS]
	rm -f "$B/$1.port" "$B/$1.pid"
	# shellcheck disable=SC2086
	${5:+ip netns exec $5} "$BIN/sink" -m "$2" -g "$3" -a "$4" \
	    -c "$B/cert.pem" -k "$B/key.pem" -P "$B/$1.port" -I "$B/$1.pid" \
	    -l "$B/$1.log" ${BENCH_TICKETS:+-r} \
	    ${BENCH_TRANSCRIPT:+-T "$B/$1.transcript"} >/dev/null 2>>"$B/sink.err" &
	i=0
	while [ ! -s "$B/$1.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$B/$1.port" ] || { say "bench: sink $1 did not start"; return 1; }
	touch "$B/$1.log"
	cat "$B/$1.port"
}

mkconf() { # mkconf FILE HOST PORT STARTTLS(on|off) -- msmtp syntax, for both
	cat > "$1" <<EOF
# read by smtps and by msmtp: the same settings for both
account bench
host $2
port $3
tls on
tls_starttls $4
tls_trust_file $CERTS/ca.pem
auth on
user benchuser
password benchpass
from bench@example.org

account default : bench
EOF
	chmod 600 "$1"
}

# ---------------------------------------------------------------- helpers
val() { # val "k=v k=v" KEY
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
setv() { eval "$1=\$2"; }		# setv NAME VALUE
get() { eval "printf '%s' \"\${$1-}\""; }	# get NAME
prog() { case $1 in smtps) echo "$SMTPS" ;; msmtp) echo "$MSMTP" ;; esac; }
have() { [ "$1" = smtps ] || [ -n "$MSMTP" ]; }

# tm CLIENT CONF N WARM INPUT NETNS [ARGS...]: one timeit line
tm() {
	c=$1 conf=$2 n=$3 w=$4 in=$5 ns=$6
	shift 6
	have "$c" || { echo "fail=n/a"; return; }
	# shellcheck disable=SC2086
	${ns:+ip netns exec $ns} "$BIN/timeit" -n "$n" -w "$w" -i "$in" \
	    -e "$B/clients.err" -- "$(prog "$c")" -C "$conf" "$@"
}

# tm2 CONF N WARM INPUT NETNS [ARGS...]: smtps and msmtp in alternation
# (smtps, msmtp, smtps, ...: a change in machine load hits both alike);
# sets T_smtps and T_msmtp to their timeit lines
tm2() {
	conf=$1 n=$2 w=$3 in=$4 ns=$5
	shift 5
	# shellcheck disable=SC2086
	if [ -n "$MSMTP" ]; then
		out=$(${ns:+ip netns exec $ns} "$BIN/timeit" -n "$n" -w "$w" \
		    -i "$in" -e "$B/clients.err" -- "$SMTPS" -C "$conf" "$@" \
		    ::: "$MSMTP" -C "$conf" "$@")
	else
		out=$(${ns:+ip netns exec $ns} "$BIN/timeit" -n "$n" -w "$w" \
		    -i "$in" -e "$B/clients.err" -- "$SMTPS" -C "$conf" "$@")
	fi
	T_smtps=$(printf '%s\n' "$out" | sed -n 's/^cmd=1 //p')
	T_msmtp=$(printf '%s\n' "$out" | sed -n 's/^cmd=2 //p')
	[ -n "$T_smtps" ] || T_smtps=fail=n/a
	[ -n "$T_msmtp" ] || T_msmtp=fail=n/a
}
NCLI=1
[ -n "$MSMTP" ] && NCLI=2

# tmx NETNS N WARM INPUT CMD... [::: CMD...]: timeit, commands alternated
tmx() {
	ns=$1 n=$2 w=$3 in=$4
	shift 4
	# shellcheck disable=SC2086
	${ns:+ip netns exec $ns} "$BIN/timeit" -n "$n" -w "$w" -i "$in" \
	    -e "$B/clients.err" -- "$@"
}
pick() { # pick TIMEIT_OUTPUT K -> the K-th command's line
	l=$(printf '%s\n' "$1" | sed -n "s/^cmd=$2 //p")
	echo "${l:-fail=n/a}"
}

lines() { wc -l < "$1" | tr -d ' '; }

# sinkstat LOG SKIP EXPECT [STRIDE PHASE]: medians over the log lines
# after SKIP (of those, every STRIDE-th from PHASE: alternated clients)
sinkstat() {
	i=0
	while [ "$(lines "$1")" -lt $(($2 + $3)) ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1)); done
	tail -n "+$(($2 + 1))" "$1" | awk -v st="${4:-1}" -v ph="${5:-0}" '
	(NR - 1) % st != ph { next }
	function med(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{	n++
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "flights") f[n] = kv[2]
			if (kv[1] == "writes") w[n] = kv[2]
			if (kv[1] == "frags") g[n] = kv[2]
			if (kv[1] == "data_bytes") db[n] = kv[2]
			if (kv[1] == "data_us") du[n] = kv[2] > 0 ? kv[2] : 1
		}
		rate[n] = db[n] / du[n]
	}
	END {	if (n == 0) { print "n=0"; exit }
		printf "n=%d flights=%s writes=%s frags=%s wire_mbps=%.1f\n",
		    n, med(f, n), med(w, n), med(g, n), med(rate, n) }'
}

fmt() { awk -v x="$1" -v p="${2:-1}" 'BEGIN { if (x == "" || x == "n/a") print "n/a"; else printf "%.*f\n", p, x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
# cmp VALUE OP LIMIT -> MET / NOT MET / n/a
verdict() { awk -v x="$1" -v op="$2" -v l="$3" 'BEGIN {
	if (x == "" || x == "n/a" || l == "" || l == "n/a") { print "n/a"; exit }
	ok = op == "<=" ? x <= l + 0 : op == "<" ? x < l + 0 : x >= l + 0
	print ok ? "MET" : "NOT MET" }'; }
both() { # both V1 V2 -> MET when both are MET
	if [ "$1" = MET ] && [ "$2" = MET ]; then echo MET
	elif [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a
	else echo "NOT MET"; fi
}

# tik_sink NAME ADDR [NETNS]: an implicit-TLS sink that issues session
# tickets (run in $(...), so BENCH_TICKETS is set for it alone)
tik_sink() {
	BENCH_TICKETS=1
	start_sink "$1" implicit 0 "$2" ${3:+"$3"}
}
# resume_conf FILE HOST PORT [PRIORITIES]: FILE (tls_resume on) and
# FILE.off (tls_resume off, the default), smtps only
resume_conf() {
	mkconf "$1" "$2" "$3" off
	[ -z "${4:-}" ] || sed -i "s/^tls_trust_file .*/&\ntls_priorities $4/" "$1"
	sed 's/^from .*/&\ntls_resume off/' "$1" > "$1.off"
	sed -i 's/^from .*/&\ntls_resume on/' "$1"
	chmod 600 "$1.off"
}
per_s() { # per_s N TOTAL_S -> N / TOTAL_S, one decimal
	awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "n/a" }'
}
pays() { # pays RATIO OP LIMIT -> pays / no gain / n/a
	awk -v r="$1" -v op="$2" -v l="$3" 'BEGIN { if (r == "" || r == "n/a") print "n/a"
		else print (op == "<" ? r < l + 0 : r > l + 0) ? "pays" : "no gain" }'
}
# resume_row METRIC NETNS CONF N WARM: CONF and CONF.off alternated, one
# row (on / off medians); sets RS_on and RS_off to the timeit lines
resume_row() {
	# shellcheck disable=SC2086
	out=$(tmx "$2" "$4" "$5" "$M1" "$SMTPS" -C "$3" $RCPT \
	    ::: "$SMTPS" -C "$3.off" $RCPT)
	RS_on=$(pick "$out" 1) RS_off=$(pick "$out" 2)
	a=$(val "$RS_on" median_ms) b=$(val "$RS_off" median_ms)
	r=$(ratio "$a" "$b")
	row "$1" "$(fmt "$a" 1)" "$(fmt "$b" 1)" "$r" "(on/off, info)" "$(pays "$r" '<' 0.9)"
}

ROWS="$B/rows"
: > "$ROWS"
row() { # row METRIC SMTPS MSMTP RATIO TARGET VERDICT
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >> "$ROWS"
}
note() { printf '#\t%s\n' "$*" >> "$ROWS"; }

# ================================================================ loopback
P_IMP=$(start_sink imp implicit 0 127.0.0.1) || exit 0
P_STL=$(start_sink stl starttls 0 127.0.0.1) || exit 0
P_IMPG=$(start_sink impg implicit 10 127.0.0.1) || exit 0
P_STLG=$(start_sink stlg starttls 10 127.0.0.1) || exit 0
mkconf "$B/imp.rc" 127.0.0.1 "$P_IMP" off
mkconf "$B/stl.rc" 127.0.0.1 "$P_STL" on
mkconf "$B/impg.rc" 127.0.0.1 "$P_IMPG" off
mkconf "$B/stlg.rc" 127.0.0.1 "$P_STLG" on
M1=$B/m1k.eml
RCPT=rcpt@example.org

LOAD0=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)
say "bench: smtps $("$SMTPS" --version 2>/dev/null | head -n 1)"
[ -n "$MSMTP" ] && say "bench: $("$MSMTP" --version | head -n 1)"

# --- latency, 1 KB
say "bench: latency, 1 KB, implicit TLS ($N_LAT runs each, alternating)"
tm2 "$B/imp.rc" $N_LAT $WARM "$M1" '' $RCPT
LAT_IMP_smtps=$T_smtps LAT_IMP_msmtp=$T_msmtp
say "bench: latency, 1 KB, STARTTLS ($N_LAT runs each, alternating)"
tm2 "$B/stl.rc" $N_LAT $WARM "$M1" '' $RCPT
LAT_STL_smtps=$T_smtps LAT_STL_msmtp=$T_msmtp
# shellcheck disable=SC2154
{
a=$(val "$LAT_IMP_smtps" median_ms) b=$(val "$LAT_IMP_msmtp" median_ms)
r=$(ratio "$a" "$b")
row "latency 1 KB, implicit TLS (median ms)" "$(fmt "$a" 1)" "$(fmt "$b" 1)" "$r" "<= 0.25x msmtp" "$(verdict "$r" '<=' 0.25)"
a=$(val "$LAT_IMP_smtps" min_ms) b=$(val "$LAT_IMP_msmtp" min_ms)
note "  fastest run: smtps $(fmt "$a" 1) ms, msmtp $(fmt "$b" 1) ms (ratio $(ratio "$a" "$b")); smtps's time is CPU, msmtp's mostly fixed 40 ms delayed-ACK timers, so load on the machine raises the ratio"
a=$(val "$LAT_STL_smtps" median_ms) b=$(val "$LAT_STL_msmtp" median_ms)
row "latency 1 KB, STARTTLS (median ms)" "$(fmt "$a" 1)" "$(fmt "$b" 1)" "$(ratio "$a" "$b")" "(info)" "-"
ca=$(val "$LAT_IMP_smtps" cpu_ms) cb=$(val "$LAT_IMP_msmtp" cpu_ms)
row "client CPU user+sys, 1 KB implicit (ms)" "$(fmt "$ca" 1)" "$(fmt "$cb" 1)" "$(ratio "$ca" "$cb")" "(info)" "-"
}

# --- round trips by the sink's flight count (grace 10 ms: pieces of one
# flight that arrive close together are not counted twice)
for m in imp stl; do
	for c in smtps msmtp; do
		have $c || { setv FL_${m}_$c n=0; continue; }
		say "bench: flights, $m, $c ($N_FL runs)"
		skip=$(lines "$B/${m}g.log")
		tm $c "$B/${m}g.rc" "$N_FL" 0 "$M1" '' $RCPT >/dev/null
		setv FL_${m}_$c "$(sinkstat "$B/${m}g.log" $skip $N_FL)"
	done
done
# shellcheck disable=SC2154
{
a=$(val "$FL_imp_smtps" flights) b=$(val "$FL_imp_msmtp" flights)
row "round trips, implicit TLS (sink flights)" "$a" "${b:-n/a}" "$(ratio "$a" "$b")" "5 (BDAT; 6 with DATA)" "$(verdict "$a" '<=' 5)"
note "  flights counted by the sink incl. TCP; writes by the client that reached the sink in pieces (frags): smtps $(val "$FL_imp_smtps" frags), msmtp $(val "$FL_imp_msmtp" frags); sink writes: smtps $(val "$FL_imp_smtps" writes), msmtp $(val "$FL_imp_msmtp" writes)"
a=$(val "$FL_stl_smtps" flights) b=$(val "$FL_stl_msmtp" flights)
row "round trips, STARTTLS (sink flights)" "$a" "${b:-n/a}" "$(ratio "$a" "$b")" "8 (BDAT; 9 with DATA)" "$(verdict "$a" '<=' 8)"
}

# ================================================================ 20 ms link
ns_setup() {
	[ "$(id -u)" = 0 ] || { NSWHY="not root"; return 1; }
	command -v ip >/dev/null 2>&1 || { NSWHY="no ip(8)"; return 1; }
	NSC=smtpsbench-c$$ NSS=smtpsbench-s$$
	la=sbc$$ lb=sbs$$
	ip netns add "$NSC" && ip netns add "$NSS" || { NSWHY="ip netns add failed"; return 1; }
	ip -n "$NSC" link set lo up; ip -n "$NSS" link set lo up
	LINK=""
	if ip link add "$la" type veth peer name "$lb" 2>/dev/null; then
		ip link set "$la" netns "$NSC"; ip link set "$lb" netns "$NSS"
		if ip netns exec "$NSC" tc qdisc add dev "$la" root netem delay $((RTT_MS / 2))ms 2>/dev/null &&
		   ip netns exec "$NSS" tc qdisc add dev "$lb" root netem delay $((RTT_MS / 2))ms 2>/dev/null; then
			LINK="veth + tc netem delay $((RTT_MS / 2))ms each way"
		else
			ip -n "$NSC" link del "$la" 2>/dev/null
		fi
	fi
	if [ -z "$LINK" ]; then
		rm -f "$B/delay.pid"
		"$BIN/delay" -d $((RTT_MS / 2)) -a "$la" -b "$lb" -I "$B/delay.pid" 2>>"$B/sink.err" &
		DELAYPID=$!
		i=0
		while [ ! -s "$B/delay.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		ip link set "$la" netns "$NSC" && ip link set "$lb" netns "$NSS" ||
		    { NSWHY="no netem and no TUN devices"; return 1; }
		LINK="TUN pair + tests/bench/delay.c, $((RTT_MS / 2)) ms each way (this kernel has no sch_netem)"
	fi
	ip -n "$NSC" addr add 10.231.0.1 peer 10.231.0.2 dev "$la" &&
	ip -n "$NSS" addr add 10.231.0.2 peer 10.231.0.1 dev "$lb" &&
	ip -n "$NSC" link set "$la" up && ip -n "$NSS" link set "$lb" up ||
	    { NSWHY="cannot configure the link"; return 1; }
	return 0
}

NSWHY=""
if ns_setup; then
	say "bench: 20 ms link: $LINK"
	# over the link: sinks in the server namespace; for reference, the same
	# clients against loopback sinks inside the client namespace, in the
	# same alternation, so local work (start-up, CPU, fsync, load) cancels:
	#   round trips = (latency over the link - latency on loopback) / RTT
	# A wait on a delayed ACK costs one RTT more over the link than on
	# loopback, so it counts as a round trip, as it should.
	N_IMP=$(start_sink nimp implicit 0 10.231.0.2 "$NSS")
	N_STL=$(start_sink nstl starttls 0 10.231.0.2 "$NSS")
	L_IMP=$(start_sink limp implicit 0 127.0.0.1 "$NSC")
	L_STL=$(start_sink lstl starttls 0 127.0.0.1 "$NSC")
	mkconf "$B/nimp.rc" 10.231.0.2 "$N_IMP" off
	mkconf "$B/nstl.rc" 10.231.0.2 "$N_STL" on
	mkconf "$B/limp.rc" 127.0.0.1 "$L_IMP" off
	mkconf "$B/lstl.rc" 127.0.0.1 "$L_STL" on
	for m in imp stl; do
		say "bench: 20 ms link, $m ($N_NS runs each, alternating with loopback)"
		skip=$(lines "$B/n$m.log")
		if [ -n "$MSMTP" ]; then
			out=$(tmx "$NSC" "$N_NS" 1 "$M1" \
			    "$SMTPS" -C "$B/n$m.rc" $RCPT ::: "$MSMTP" -C "$B/n$m.rc" $RCPT ::: \
			    "$SMTPS" -C "$B/l$m.rc" $RCPT ::: "$MSMTP" -C "$B/l$m.rc" $RCPT)
			setv NSB_${m}_msmtp "$(pick "$out" 2)"
			setv NSL_${m}_msmtp "$(pick "$out" 4)"
			setv NSF_${m}_msmtp "$(sinkstat "$B/n$m.log" $((skip + 2)) $((N_NS * 2)) 2 1)"
			setv NSF_${m}_smtps "$(sinkstat "$B/n$m.log" $((skip + 2)) $((N_NS * 2)) 2 0)"
			setv NSL_${m}_smtps "$(pick "$out" 3)"
		else
			out=$(tmx "$NSC" "$N_NS" 1 "$M1" \
			    "$SMTPS" -C "$B/n$m.rc" $RCPT ::: "$SMTPS" -C "$B/l$m.rc" $RCPT)
			setv NSB_${m}_msmtp "fail=n/a"
			setv NSL_${m}_msmtp "fail=n/a"
			setv NSF_${m}_msmtp "n=0"
			setv NSF_${m}_smtps "$(sinkstat "$B/n$m.log" $((skip + 1)) "$N_NS")"
			setv NSL_${m}_smtps "$(pick "$out" 2)"
		fi
		setv NSB_${m}_smtps "$(pick "$out" 1)"
	done
	rt() { # rt LINKLINE LOOPLINE
		awk -v l="$(val "$1" median_ms)" -v z="$(val "$2" median_ms)" -v r=$RTT_MS \
		    'BEGIN { if (l == "" || z == "") print "n/a"; else printf "%.1f\n", (l - z) / r }'
	}
	for m in imp stl; do
		sa=$(get NSB_${m}_smtps) sb=$(get NSB_${m}_msmtp)
		la=$(get NSL_${m}_smtps) lb=$(get NSL_${m}_msmtp)
		fa=$(get NSF_${m}_smtps) fb=$(get NSF_${m}_msmtp)
		a=$(rt "$sa" "$la") b=$(rt "$sb" "$lb")
		if [ $m = imp ]; then name="implicit TLS" lim=5; else name="STARTTLS" lim=8; fi
		row "round trips, $name, ${RTT_MS} ms link" "$a" "$b" "$(ratio "$a" "$b")" "$lim (BDAT; $((lim + 1)) with DATA)" "$(verdict "$a" '<=' "$lim.5")"
		note "  median latency link/loopback: smtps $(fmt "$(val "$sa" median_ms)")/$(fmt "$(val "$la" median_ms)") ms, msmtp $(fmt "$(val "$sb" median_ms)")/$(fmt "$(val "$lb" median_ms)") ms; sink flights on the link: smtps $(val "$fa" flights), msmtp $(val "$fb" flights)"
	done
	# resumption over the link: TLS 1.3 (same round trips, resumed or
	# not) and TLS 1.2 (a resumption saves one)
	if N_TIK=$(tik_sink ntik 10.231.0.2 "$NSS"); then
		resume_conf "$B/ntik.rc" 10.231.0.2 "$N_TIK"
		resume_conf "$B/ntik12.rc" 10.231.0.2 "$N_TIK" NORMAL:-VERS-TLS1.3
		say "bench: 20 ms link, TLS resumption on vs off ($N_NS runs each)"
		resume_row "smtps resumed / full, TLS 1.3, link (ms)" "$NSC" "$B/ntik.rc" "$N_NS" 1
		x=$(awk -v a="$(val "$RS_on" median_ms)" -v b="$(val "$RS_off" median_ms)" -v r=$RTT_MS 'BEGIN { printf "%.1f", (b - a) / r }')
		resume_row "smtps resumed / full, TLS 1.2, link (ms)" "$NSC" "$B/ntik12.rc" "$N_NS" 1
		y=$(awk -v a="$(val "$RS_on" median_ms)" -v b="$(val "$RS_off" median_ms)" -v r=$RTT_MS 'BEGIN { printf "%.1f", (b - a) / r }')
		note "  round trips saved by resumption over the link: TLS 1.3 $x, TLS 1.2 $y"
	fi
	note "  link: $LINK"
else
	row "round trips over a ${RTT_MS} ms link" "skipped" "" "" "" "n/a"
	note "  ${RTT_MS} ms link skipped: $NSWHY"
fi

# ================================================================ throughput
# smtps, msmtp and the bare TLS pipe (tests/bench/pipe.c: BDAT from memory,
# no file, no SMTP dialogue) in alternation, through the same sink
say "bench: throughput, $BIGNAME ($N_BIG runs each, alternating)"
skip=$(lines "$B/imp.log")
if [ -n "$MSMTP" ]; then
	out=$(tmx "" "$N_BIG" 0 "$B/big.eml" "$SMTPS" -C "$B/imp.rc" $RCPT ::: \
	    "$MSMTP" -C "$B/imp.rc" $RCPT ::: "$BIN/pipe" 127.0.0.1 "$P_IMP" "$CERTS/ca.pem" "$BIG")
	TT_smtps=$(pick "$out" 1) TT_msmtp=$(pick "$out" 2) TT_pipe=$(pick "$out" 3) ncmd=3
else
	out=$(tmx "" "$N_BIG" 0 "$B/big.eml" "$SMTPS" -C "$B/imp.rc" $RCPT ::: \
	    "$BIN/pipe" 127.0.0.1 "$P_IMP" "$CERTS/ca.pem" "$BIG")
	TT_smtps=$(pick "$out" 1) TT_msmtp="fail=n/a" TT_pipe=$(pick "$out" 2) ncmd=2
fi
k=0
for c in smtps msmtp pipe; do
	[ $c = msmtp ] && [ -z "$MSMTP" ] && { setv TW_$c n=0; continue; }
	setv TW_$c "$(sinkstat "$B/imp.log" "$skip" $((N_BIG * ncmd)) $ncmd $k)"
	k=$((k + 1))
done
mbps() { awk -v m="$(val "$1" median_ms)" -v b="$BIG" \
    'BEGIN { if (m != "") printf "%.1f", b / 1e6 / (m / 1e3); else print "n/a" }'; }
TP_smtps=$(mbps "$TT_smtps") TP_msmtp=$(mbps "$TT_msmtp") PIPE=$(mbps "$TT_pipe")
# shellcheck disable=SC2154
{
r=$(ratio "$TP_smtps" "$TP_msmtp")
row "throughput $BIGNAME end to end (MB/s)" "$TP_smtps" "$TP_msmtp" "$r" ">= 10x msmtp" "$(verdict "$r" '>=' 10)"
sa=$(ratio "$TP_smtps" "$PIPE") sb=$(ratio "$TP_msmtp" "$PIPE")
row "  share of a bare TLS pipe ($(fmt "$PIPE" 0) MB/s)" "$sa" "$sb" "" ">= 0.50" "$(verdict "$sa" '>=' 0.5)"
wa=$(val "$TW_smtps" wire_mbps) wb=$(val "$TW_msmtp" wire_mbps) wp=$(val "$TW_pipe" wire_mbps)
row "  wire rate seen by the sink (MB/s)" "$wa" "${wb:-n/a}" "$(ratio "$wa" "$wb")" "(info; pipe $(fmt "$wp" 0))" "-"
note "  end to end = process start to exit (spooling included), median of $N_BIG; pipe = tests/bench/pipe.c, same sink, same way"
}

# ================================================================ peak RSS
rss() { # rss CLIENT INPUT [ARGS] -> KiB
	have "$1" || { echo n/a; return; }
	c=$1 in=$2
	shift 2
	/usr/bin/time -f %M -o "$B/rss.out" "$(prog "$c")" -C "$B/imp.rc" "$@" \
	    < "$in" > /dev/null 2>> "$B/clients.err" || { echo n/a; return; }
	tail -n 1 "$B/rss.out"
}
if [ -x /usr/bin/time ]; then
	say "bench: peak RSS"
	for c in smtps msmtp; do
		setv R1_$c "$(rss $c "$M1" $RCPT)"
		setv R1T_$c "$(rss $c "$M1" -t)"
		setv RB_$c "$(rss $c "$B/big.eml" $RCPT)"
		setv RBT_$c "$(rss $c "$B/big.eml" -t)"
	done
	plus1m() { awk -v x="$1" 'BEGIN { if (x == "n/a") print x; else print x + 1024 }'; }
	for k in "R1:1 KB" "R1T:1 KB, -t" "RB:$BIGNAME" "RBT:$BIGNAME, -t"; do
		v=${k%%:*} label=${k#*:}
		a=$(get ${v}_smtps) b=$(get ${v}_msmtp)
		vd=$(verdict "$a" '<=' "$b") tg="<= msmtp"
		case $v in
		RB) vd=$(both "$vd" "$(verdict "$a" '<=' "$(plus1m "$(get R1_smtps)")")")
		    tg="<= msmtp, ~1 KB figure" ;;
		RBT) vd=$(both "$vd" "$(verdict "$a" '<=' "$(plus1m "$(get R1T_smtps)")")")
		    tg="<= msmtp, ~1 KB figure" ;;
		esac
		row "peak RSS, $label (KiB)" "$a" "$b" "$(ratio "$a" "$b")" "$tg" "$vd"
	done
else
	row "peak RSS" "n/a" "n/a" "" "" "n/a"
	note "  /usr/bin/time missing (apt-get install time)"
fi

# ================================================================ CPU
ir() { # ir CLIENT -> instructions (callgrind) for one 1 KB message
	have "$1" || { echo n/a; return; }
	rm -f "$B/callgrind.$1.out"
	valgrind --tool=callgrind --callgrind-out-file="$B/callgrind.$1.out" \
	    "$(prog "$1")" -C "$B/imp.rc" $RCPT < "$M1" > /dev/null 2> "$B/callgrind.$1.err" ||
	    { echo n/a; return; }
	sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$B/callgrind.$1.err" | tail -n 1
}
if command -v valgrind >/dev/null 2>&1; then
	say "bench: callgrind"
	a=$(ir smtps) b=$(ir msmtp)
	r=$(ratio "$a" "$b")
	row "CPU 1 KB (callgrind instructions, M)" "$(awk -v x="$a" 'BEGIN { printf "%.1f", x / 1e6 }')" \
	    "$(awk -v x="$b" 'BEGIN { if (x == "n/a") print x; else printf "%.1f", x / 1e6 }')" "$r" "< msmtp" "$(verdict "$r" '<' 1)"
else
	row "CPU 1 KB (callgrind)" "n/a" "n/a" "" "< msmtp" "n/a"
fi

# ================================================================ burst
say "bench: burst, $N_BURST invocations each (alternating)"
tm2 "$B/imp.rc" "$N_BURST" 0 "$M1" '' $RCPT
for c in smtps msmtp; do
	t=$(get T_$c)
	setv BU_$c "$(awk -v s="$(val "$t" total_s)" -v n=$N_BURST \
	    'BEGIN { if (s != "") printf "%.1f", n / s; else print "n/a" }')"
	[ "$(val "$t" fail)" = 0 ] || [ "$(val "$t" fail)" = n/a ] || note "  burst: $c had $(val "$t" fail) failed runs (see $B/clients.err)"
done
# shellcheck disable=SC2154
{
r=$(ratio "$BU_smtps" "$BU_msmtp")
row "burst, $N_BURST back to back (msgs/s)" "$BU_smtps" "${BU_msmtp:-n/a}" "$r" ">= 3x msmtp" "$(verdict "$r" '>=' 3)"
}

# ================================================================ resumption
# smtps with tls_resume on and off (the default), alternated, against a
# sink that issues TLS 1.3 session tickets (-r): does resuming pay?
say "bench: TLS resumption on vs off: latency ($N_LAT runs each), burst ($N_BURST each)"
if P_TIK=$(tik_sink tik 127.0.0.1); then
	resume_conf "$B/tik.rc" 127.0.0.1 "$P_TIK"
	resume_row "smtps latency, resumed / full TLS (ms)" '' "$B/tik.rc" "$N_LAT" "$WARM"
	c=$(val "$RS_on" cpu_ms) d=$(val "$RS_off" cpu_ms)
	out=$(tmx '' "$N_BURST" 1 "$M1" "$SMTPS" -C "$B/tik.rc" $RCPT \
	    ::: "$SMTPS" -C "$B/tik.rc.off" $RCPT)
	a=$(per_s "$N_BURST" "$(val "$(pick "$out" 1)" total_s)")
	b=$(per_s "$N_BURST" "$(val "$(pick "$out" 2)" total_s)")
	r=$(ratio "$a" "$b")
	row "smtps burst, resumed / full TLS (msgs/s)" "$a" "$b" "$r" "(on/off, info)" "$(pays "$r" '>' 1.1)"
	note "  resumption rows: smtps column = tls_resume on (resumed), msmtp column = tls_resume off (full handshake); client CPU $(fmt "$c" 1) vs $(fmt "$d" 1) ms (ratio $(ratio "$c" "$d")); the sink issues TLS 1.3 tickets"
else
	row "smtps latency, resumed / full TLS (ms)" n/a n/a "" "(on/off, info)" "n/a"
fi

# ================================================================ table
[ -s "$B/clients.err" ] && note "  the clients wrote to stderr (failures?), last line: $(tail -n 1 "$B/clients.err")"
{
	echo
	echo "smtps vs msmtp, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPU"
	echo "smtps: $("$SMTPS" --version 2>/dev/null | head -n 1)   msmtp: ${MSMTP:+$("$MSMTP" --version | head -n 1)}   GnuTLS $(pkg-config --modversion gnutls)"
	echo "load average at start: $LOAD0, at end: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null) (figures from a busy machine are noisy; ratios less so)"
	[ "${BENCH_QUICK:-0}" = 1 ] && echo "QUICK RUN (BENCH_QUICK=1): few repetitions, $BIGNAME message"
	echo
	awk -F '\t' '
	BEGIN { printf "%-44s %10s %10s %8s  %-24s %s\n", "metric", "smtps", "msmtp",
		"s/m", "target", "verdict"
		printf "%-44s %10s %10s %8s  %-24s %s\n", "------", "-----", "-----",
		"---", "------", "-------" }
	$1 == "#" { printf "%s\n", $2; next }
	{ printf "%-44s %10s %10s %8s  %-24s %s\n", $1, $2, $3, $4, $5, $6 }' "$ROWS"
	echo
	echo "latency: median of $N_LAT runs, process start to exit, loopback, TLS verified, AUTH PLAIN."
	echo "round trips: the TCP handshake counts as one; ideal is 5 implicit / 8 STARTTLS with"
	echo "BDAT (6 / 9 with DATA): AUTH is a round trip of its own, no mail command leaves"
	echo "before its 235.  The sink sends its greeting as TLS 1.3 0.5-RTT data."
} | tee "$B/results.txt"
exit 0
