#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/deb/run.sh - the Debian package, installed and used for real
# (make deb-test; root; needs `sh tests/setup-deps.sh deb`).
#
# Builds the package (make deb: dpkg-buildpackage, then lintian, which
# must be silent), installs it with dpkg into a debootstrap'ed bookworm
# minbase chroot (plus php-cli), and there, against the scripted SMTP
# server on the host's loopback (the chroot shares the network):
#   - what the package set up: the smtps user, the config's mode
#     0640 root:smtps (kept over a reinstall), the spool 0700, the links,
#     the units enabled, mail-transport-agent provided
#   - an unprivileged user cannot read /etc/smtps/mailrc
#   - root's `echo x | sendmail root` arrives; mailq and newaliases
#   - a reinstall keeps the admin's edit of the config and its mode
#   - a "reboot": 5 messages queued with the server down (root's plain
#     `mailq` lists them through the submission service, which is how
#     root sees the smtps user's /var/spool/smtps), every process
#     stopped, only what boot runs (the command of smtps-queue.service,
#     read from the installed unit, as its User=) run with the server up:
#     all 5 delivered exactly once
#   - the submission service (only once `smtps --help` knows
#     --submit-service; before that these cases print SKIP and count as
#     skipped): under systemd-socket-activate, www-data's PHP mail(), an
#     unprivileged `sendmail -t` and root's cron-style mail arrive, each
#     with the caller's uid in the Received: line
#   - purge removes the queue, log, home and override, not the user
# Ends with "deb test: P passed, F failed, S skipped (N s)"; exit 1 if
# anything failed.
#
# Caches (build/debootstrap/, survive `make deb`): the downloaded
# packages (debootstrap --make-tarball) and the bootstrapped root as a
# tar, so a rerun unpacks in seconds.  DEB_TEST_NOBUILD=1 uses the .deb
# already in build/deb/.  DEB_MIRROR picks the Debian mirror.
set -eu

REPO=$(cd "$(dirname "$0")/../.." && pwd)
MIRROR=${DEB_MIRROR:-http://deb.debian.org/debian}
CACHE=$REPO/build/debootstrap
WORK=$REPO/build/deb-test
CH=$WORK/root
SRV=$WORK/srv
EXTRA=adduser,libbsd0,libgnutls30,libjson-c5,php-cli
PYTHON=/usr/bin/python3
T0=$(date +%s)
pass=0 fail=0 skip=0
SERVER_PID='' SERVICE_PID='' MOUNTED=''

say() { printf '%s\n' "$*"; }
ok() { pass=$((pass + 1)); say "ok: $*"; }
bad() { fail=$((fail + 1)); say "FAIL: $*"; }
skipped() { skip=$((skip + 1)); say "SKIP: $*"; }
# check NAME CMD...: ok when CMD succeeds
check() {
	n=$1; shift
	if "$@" > "$WORK/out" 2>&1; then ok "$n"; else
		bad "$n"; sed 's/^/    /' "$WORK/out"; fi
}

[ "$(id -u)" -eq 0 ] || { say "deb test: needs root (chroot, dpkg)" >&2; exit 1; }

# ------------------------------------------------------------ clean-up

# every process whose root is the chroot (flushers smtps detached,
# the service), by PID
chroot_pids() {
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[ "$r" = "$CH" ] && echo "${p#/proc/}"
	done
	return 0
}
stop_chroot_procs() {
	for pid in $(chroot_pids); do kill "$pid" 2>/dev/null || true; done
	i=0
	while [ -n "$(chroot_pids)" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	for pid in $(chroot_pids); do kill -9 "$pid" 2>/dev/null || true; done
}
stop_server() {
	if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
	SERVER_PID=
}
cleanup() {
	stop_server
	if [ -n "$SERVICE_PID" ]; then kill "$SERVICE_PID" 2>/dev/null || true; fi
	[ -d "$CH" ] && stop_chroot_procs
	for m in $MOUNTED; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ package

mkdir -p "$WORK" "$CACHE"
if [ "${DEB_TEST_NOBUILD:-0}" = 1 ] && ls "$REPO"/build/deb/smtps_*.deb >/dev/null 2>&1; then
	say "using the existing package (DEB_TEST_NOBUILD=1)"
else
	# make deb fails on any lintian error or warning
	if make -s -C "$REPO" deb > "$WORK/deb.log" 2>&1; then
		ok "make deb: package built, lintian: no error, no warning"
	else
		tail -n 40 "$WORK/deb.log"; bad "make deb (log: $WORK/deb.log)"
		exit 1
	fi
fi
DEB=$(ls "$REPO"/build/deb/smtps_*_"$(dpkg --print-architecture)".deb)

# ------------------------------------------------------------ chroot

key=$(printf '%s %s' "$EXTRA" "$MIRROR" | md5sum | cut -c1-8)
ROOTTAR=$CACHE/bookworm-root-$key.tar
DEBTAR=$CACHE/bookworm-debs-$key.tgz
if [ -d "$CH" ]; then
	# a previous run's root (mounts were undone by its trap)
	for m in proc dev/pts dev; do
		mountpoint -q "$CH/$m" 2>/dev/null && umount -l "$CH/$m"
	done
	rm -rf --one-file-system "$CH"
fi
mkdir -p "$CH"
if [ -s "$ROOTTAR" ]; then
	tar -C "$CH" -xf "$ROOTTAR"
else
	if [ ! -s "$DEBTAR" ]; then
		debootstrap --variant=minbase --include="$EXTRA" \
		    --make-tarball="$DEBTAR.tmp" bookworm "$WORK/dl" "$MIRROR" \
		    > "$WORK/debootstrap.log" 2>&1 ||
			{ tail "$WORK/debootstrap.log"; exit 1; }
		mv "$DEBTAR.tmp" "$DEBTAR"
	fi
	debootstrap --variant=minbase --include="$EXTRA" \
	    --unpack-tarball="$DEBTAR" bookworm "$CH" "$MIRROR" \
	    >> "$WORK/debootstrap.log" 2>&1 ||
		{ tail "$WORK/debootstrap.log"; exit 1; }
	apt_clean=$CH/var/cache/apt/archives
	rm -f "$apt_clean"/*.deb
	tar -C "$CH" -cf "$ROOTTAR.tmp" . && mv "$ROOTTAR.tmp" "$ROOTTAR"
fi
say "chroot ready ($(($(date +%s) - T0)) s)"

mount -t proc proc "$CH/proc" && MOUNTED="$CH/proc $MOUNTED"
mount --bind /dev "$CH/dev" && MOUNTED="$CH/dev $MOUNTED"

# in the chroot: as root, or as USER (with its groups), clean environment
in_ch() {
	chroot "$CH" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"
}
as() {
	u=$1; shift
	h=$(chroot "$CH" getent passwd "$u" | cut -d: -f6)
	g=$(chroot "$CH" id -Gn "$u" | tr ' ' ,)
	chroot --userspec="$u:$(chroot "$CH" id -gn "$u")" --groups="$g" "$CH" \
	    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$h" USER="$u" \
	    LOGNAME="$u" "$@"
}

cp "$DEB" "$CH/tmp/smtps.deb"
if in_ch dpkg -i /tmp/smtps.deb > "$WORK/dpkg.log" 2>&1; then
	ok "dpkg -i in a bookworm minbase chroot"
else
	cat "$WORK/dpkg.log"; bad "dpkg -i"; exit 1
fi

perm() { in_ch stat -c '%a %U:%G' "$1"; }
eq() { [ "$1" = "$2" ] || { say "got '$1', want '$2'"; return 1; }; }
check "system user smtps (no login shell)" \
    sh -c "chroot '$CH' getent passwd smtps | grep -q ':/usr/sbin/nologin$'"
check "/etc/smtps/mailrc is 0640 root:smtps" eq "$(perm /etc/smtps/mailrc)" "640 root:smtps"
check "/etc/smtps/mailrc is a conffile" \
    sh -c "chroot '$CH' dpkg-query -W -f='\${Conffiles}' smtps | grep -q /etc/smtps/mailrc"
check "/var/spool/smtps is 0700 smtps:smtps" eq "$(perm /var/spool/smtps)" "700 smtps:smtps"
check "sendmail, /usr/lib/sendmail, mailq, newaliases are smtps" sh -c "
	for l in /usr/sbin/sendmail /usr/lib/sendmail /usr/bin/mailq /usr/bin/newaliases; do
		[ \"\$(chroot '$CH' readlink -f \$l)\" = /usr/bin/smtps ] || { echo \$l; exit 1; }
	done"
check "man pages sendmail(8), mailq(1), newaliases(8)" sh -c "
	for m in man8/sendmail.8.gz man1/mailq.1.gz man8/newaliases.8.gz; do
		[ -e '$CH/usr/share/man/'\$m ] || { echo \$m; exit 1; }
	done"
check "smtps.socket and smtps-queue.timer enabled" sh -c "
	[ -L '$CH/etc/systemd/system/sockets.target.wants/smtps.socket' ] &&
	[ -L '$CH/etc/systemd/system/timers.target.wants/smtps-queue.timer' ]"
check "provides mail-transport-agent" \
    sh -c "chroot '$CH' dpkg-query -W -f='\${Provides}' smtps | grep -qw mail-transport-agent"

# ------------------------------------------------------------ server

PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_server() {
	rm -rf "$SRV"; mkdir -p "$SRV"
	printf 'mode plain\nstarttls off\nport %s\nconnections 200\nmax_time 900\nuser relay\npassword s3cret-relay\n' \
	    "$PORT" > "$WORK/scenario"
	"$PYTHON" "$REPO/tests/server/smtpserver.py" "$WORK/scenario" "$SRV" \
	    > "$WORK/server.out" 2>&1 &
	i=0
	while [ ! -s "$SRV/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$SRV/port" ] || { cat "$WORK/server.out"; exit 1; }
	SERVER_PID=$(cat "$SRV/pid")
}
# arrived SUBJECT: the messages received with that Subject (count)
arrived() {
	n=0
	for f in "$SRV"/msg.[0-9]*; do
		case $f in *.raw|*.env) continue ;; esac
		[ -e "$f" ] || continue
		if tr -d '\r' < "$f" | grep -qx "Subject: $1"; then n=$((n + 1)); fi
	done
	echo "$n"
}
# wait_arrived SUBJECT: poll (bounded, 20 s) until it has arrived once
wait_arrived() {
	i=0
	while [ "$(arrived "$1")" -lt 1 ] && [ $i -lt 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	eq "$(arrived "$1")" 1
}
# the config: root's account and the service's (written over the
# packaged one, which keeps its mode and owner)
cat > "$CH/etc/smtps/mailrc" <<EOF
defaults
queue_dir /var/spool/smtps
logfile /var/log/smtps/smtps.log
queue_backoff_min 1h
queue_backoff_max 2h

account relay
host 127.0.0.1
port $PORT
tls off
from relay@example.org
# the admin writes the password into the packaged 0640 root:smtps file
# (plaintext AUTH only because this test server is loopback without TLS)
auth plain
user relay
password s3cret-relay
allow_plaintext_auth on

account default : relay
EOF
check "mailrc still 0640 root:smtps after the admin's edit" \
    eq "$(perm /etc/smtps/mailrc)" "640 root:smtps"
if in_ch dpkg -i /tmp/smtps.deb > "$WORK/dpkg2.log" 2>&1; then
	ok "dpkg -i again (reinstall over an edited config)"
else
	cat "$WORK/dpkg2.log"; bad "dpkg -i again"
fi
check "  ... keeps the edit and 0640 root:smtps" sh -c "
	grep -qx 'port $PORT' '$CH/etc/smtps/mailrc' &&
	[ \"\$(chroot '$CH' stat -c '%a %U:%G' /etc/smtps/mailrc)\" = '640 root:smtps' ]"
in_ch useradd -m -s /bin/sh ann
check "an unprivileged user cannot read /etc/smtps/mailrc" \
    sh -c "! chroot --userspec=ann:ann '$CH' cat /etc/smtps/mailrc"
check "neither can www-data" \
    sh -c "! chroot --userspec=www-data:www-data '$CH' cat /etc/smtps/mailrc"

start_server
msg() { printf 'To: %s\nSubject: %s\n\n%s\n' "$1" "$2" "${3:-x}"; }
check "as root: newaliases exits 0" in_ch newaliases
check "as smtps: mailq exits 0" as smtps mailq -C /etc/smtps/mailrc

# ------------------------------------------------------------ reboot

# start_service: the installed smtps.service's command under
# systemd-socket-activate, as the units run it: the socket unit's path
# and mode, the service unit's User= and ExecStart=; LISTEN_PID stays
# right through the execs (sh, chroot, env: one process).  Its log is
# appended to $WORK/service.log.
start_service() {
	mkdir -p "$CH/run/smtps"
	rm -f "$CH/run/smtps/submit.sock"
	svc=$(sed -n 's/^ExecStart=//p' "$CH/lib/systemd/system/smtps.service")
	# shellcheck disable=SC2016,SC2086
	systemd-socket-activate -l "$CH/run/smtps/submit.sock" sh -c \
	    'exec chroot --userspec=smtps:smtps "$0" env -i \
	    LISTEN_PID="$LISTEN_PID" LISTEN_FDS="$LISTEN_FDS" \
	    LISTEN_FDNAMES="$LISTEN_FDNAMES" PATH=/usr/sbin:/usr/bin:/bin \
	    HOME=/var/lib/smtps "$@"' "$CH" $svc \
	    >> "$WORK/service.log" 2>&1 &
	SERVICE_PID=$!
	i=0
	while [ ! -S "$CH/run/smtps/submit.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	chmod 0666 "$CH/run/smtps/submit.sock"
	# as smtps.socket makes it (SocketUser=smtps): root is then a caller
	chown "$(chroot "$CH" id -u smtps):$(chroot "$CH" id -g smtps)" \
	    "$CH/run/smtps/submit.sock"
}

# entries in the system queue (one ID.env each)
queued() {
	n=0
	for f in "$CH"/var/spool/smtps/*.env; do [ -e "$f" ] && n=$((n + 1)); done
	echo "$n"
}

stop_server
for k in 1 2 3 4 5; do
	msg to@example.net "reboot-$k" | as smtps smtps -C /etc/smtps/mailrc \
	    to@example.net >> "$WORK/reboot.log" 2>&1 || true
done
check "5 messages queued with the server down" \
    eq "$(queued)" 5
# root's plain mailq: no config of its own, the spool is smtps's, so the
# listing comes from the submission service (as smtps.socket runs it)
: > "$WORK/service.log"
start_service
in_ch mailq > "$WORK/mailq.out" 2>&1 || true
check "root's mailq lists them (through the service)" sh -c "
	grep -qx 'System queue (/var/spool/smtps):' '$WORK/mailq.out' &&
	[ \"\$(grep -cE '^[0-9a-fA-F.]{20,}' '$WORK/mailq.out')\" = 5 ] &&
	grep -qx '5 messages in /var/spool/smtps' '$WORK/mailq.out' ||
	{ cat '$WORK/mailq.out'; exit 1; }"
# "reboot": nothing of smtps keeps running (the service neither), then
# only what boot starts
kill "$SERVICE_PID" 2>/dev/null || true
SERVICE_PID=
stop_chroot_procs
unit=$CH/lib/systemd/system/smtps-queue.service
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
start_server
# shellcheck disable=SC2086
as "$user" $cmd > "$WORK/boot.out" 2>&1 && rc=0 || rc=$?
check "boot's queue run ($user: $cmd) exits 0" eq "$rc" 0
for k in 1 2 3 4 5; do
	check "  reboot-$k delivered exactly once" eq "$(arrived "reboot-$k")" 1
done
check "  the queue is empty" eq "$(queued)" 0

# ------------------------------------------------------------ service

# the uid in a Received: field of message SUBJECT (headers unfolded)
received_uid() {
	for f in "$SRV"/msg.[0-9]*; do
		case $f in *.raw|*.env) continue ;; esac
		tr -d '\r' < "$f" | grep -qx "Subject: $1" || continue
		tr -d '\r' < "$f" | sed '/^$/q' | sed ':a;N;$!ba;s/\n[ \t]/ /g' |
		    grep -i '^Received:' | grep -Eq "uid[= ]$2([^0-9]|$)" && return 0
		tr -d '\r' < "$f" | grep -i -A2 '^Received:'
	done
	return 1
}
service_case() {
	name=$1 subj=$2 uid=$3
	if wait_arrived "$subj" > "$WORK/out" 2>&1 && received_uid "$subj" "$uid" >> "$WORK/out" 2>&1; then
		ok "$name"
	else
		bad "$name"; sed 's/^/    /' "$WORK/out"
	fi
}
if ! in_ch smtps --help 2>&1 | grep -q -- --submit-service; then
	for c in "PHP mail() as www-data" "sendmail -t as an unprivileged user" \
	    "root's cron mail"; do
		skipped "service not built yet: $c"
	done
else
	start_service
	check "as root: echo x | sendmail root (through the service) arrives" sh -c "
		printf 'Subject: root-direct\n\nx\n' |
		chroot '$CH' env -i PATH=/usr/sbin:/usr/bin:/bin HOME=/root sendmail root"
	check "  ... and the server got it" wait_arrived root-direct
	wuid=$(chroot "$CH" id -u www-data); auid=$(chroot "$CH" id -u ann)
	as www-data php -r \
	    'mail("ann@example.net", "php-www-data", "x", "From: www@example.org");' \
	    > "$WORK/php.out" 2>&1 || cat "$WORK/php.out"
	service_case "PHP mail() as www-data arrives, uid in Received:" php-www-data "$wuid"
	msg bob@example.net ann-t | as ann sendmail -t > "$WORK/ann.out" 2>&1 ||
		cat "$WORK/ann.out"
	service_case "sendmail -t as an unprivileged user arrives, uid in Received:" ann-t "$auid"
	# what cron (3.0pl1, Debian) runs for a job's output
	printf 'From: root (Cron Daemon)\nTo: root\nSubject: cron-root\n\nout\n' |
	    in_ch /usr/sbin/sendmail -FCronDaemon -i -B8BITMIME -oem root \
	    > "$WORK/cron.out" 2>&1 || cat "$WORK/cron.out"
	service_case "root's cron mail arrives, uid in Received:" cron-root 0
	[ "$fail" -eq 0 ] || { say "service log:"; sed 's/^/    /' "$WORK/service.log"; }
fi

# ------------------------------------------------------------ purge

stop_chroot_procs
if in_ch dpkg --purge smtps > "$WORK/purge.log" 2>&1; then
	ok "dpkg --purge smtps"
else
	cat "$WORK/purge.log"; bad "dpkg --purge smtps"
fi
check "  ... removes the queue, log, home, config, links and override" sh -c "
	for p in /var/spool/smtps /var/log/smtps /var/lib/smtps /etc/smtps \
	    /usr/sbin/sendmail /usr/bin/mailq; do
		[ ! -e '$CH'\$p ] && [ ! -L '$CH'\$p ] || { echo \$p left; exit 1; }
	done
	! chroot '$CH' dpkg-statoverride --list /etc/smtps/mailrc"
check "  ... and keeps the smtps user (policy)" in_ch getent passwd smtps

say "deb test: $pass passed, $fail failed, $skip skipped ($(($(date +%s) - T0)) s)"
[ "$fail" -eq 0 ]
