#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The hostile-server fuzzer (tests/hostile/hostile.py): its oracles fire
# on a client that breaks them (so a clean run means something), and a
# short deterministic run of the real smtps is clean.  The long runs are
# `make hostile` (CI: `make fuzz-ci`).

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

HOSTILE=$REPO/tests/hostile/hostile.py

# a stand-in for smtps: the shell script given on stdin
fake() {
	{ echo '#!/bin/sh'; cat; } > "$T/fake"
	chmod +x "$T/fake"
}

hostile() {
	mkdir -p "$T/work"
	run "$PYTHON" "$HOSTILE" --workdir "$T/work" --timeout 1 --margin 2 "$@"
}

@test "hostile oracle: exit 0 without a positive reply to the final dot is FALSE-OK" {
	fake <<'EOF'
cat > /dev/null
exit 0
EOF
	hostile --smtps "$T/fake" --seed 1 --cases 3
	[ "$status" -eq 1 ] || fail "status $status: $output"
	[ "$(grep -c -- '-> FALSE-OK' <<< "$output")" -eq 3 ] || fail "$output"
	[[ $output == *"replay: python3 tests/hostile/hostile.py"*"--seed 1 --case 0 -v"* ]] ||
		fail "no replay line: $output"
}

@test "hostile oracle: a signal is CRASH, a sanitizer report is CRASH" {
	fake <<'EOF'
kill -SEGV $$
EOF
	hostile --smtps "$T/fake" --seed 1 --cases 1
	[ "$status" -eq 1 ] && [[ $output == *"-> CRASH"* ]] || fail "$output"
	fake <<'EOF'
echo "==1==ERROR: AddressSanitizer: heap-use-after-free" >&2
exit 75
EOF
	hostile --smtps "$T/fake" --seed 1 --cases 1
	[ "$status" -eq 1 ] && [[ $output == *"-> CRASH"* ]] || fail "$output"
}

@test "hostile oracle: running past the timeouts is HANG (killed), a non-sysexits status is EXIT" {
	fake <<'EOF'
exec sleep 60
EOF
	hostile --smtps "$T/fake" --seed 1 --cases 1
	[ "$status" -eq 1 ] && [[ $output == *"-> HANG"* ]] || fail "$output"
	fake <<'EOF'
exit 1
EOF
	hostile --smtps "$T/fake" --seed 1 --cases 1
	[ "$status" -eq 1 ] && [[ $output == *"-> EXIT"* ]] || fail "$output"
}

@test "hostile oracle: memory over --rss-mb is MEMORY (killed while it grows)" {
	fake <<'EOF'
exec python3 -c 'import time; x = bytearray(80 << 20); time.sleep(30)'
EOF
	hostile --smtps "$T/fake" --seed 1 --cases 1 --rss-mb 40
	[ "$status" -eq 1 ] && [[ $output == *"-> MEMORY"* ]] || fail "$output"
}

@test "hostile oracle: a case replays exactly from its seed" {
	fake <<'EOF'
exit 75
EOF
	hostile --smtps "$T/fake" --seed 7 --case 3
	a=$(sed 's/elapsed=[^ ]* rss=[^ ]* //' <<< "$output")
	hostile --smtps "$T/fake" --seed 7 --case 3
	b=$(sed 's/elapsed=[^ ]* rss=[^ ]* //' <<< "$output")
	[ "$status" -eq 0 ] && [ "$a" = "$b" ] && [[ $a == "case 7:3 "* ]] ||
		fail "$a / $b"
}

# seed 1 case 1 is a stray 250 sent right after the 354 that arrives
# after smtp_no_stray()'s checks: once taken as the dot's answer (exit
# 0), now caught by the QUIT sent right after the dot's reply
@test "hostile fuzzer: 40 cases of seed 1 against smtps: no crash, hang, memory blow-up or false success" {
	hostile --smtps "$SMTPS" --seed 1 --cases 40
	[ "$status" -eq 0 ] || fail "$output"
	[[ $output == *"hostile: 40 cases:"* ]] || fail "$output"
}
