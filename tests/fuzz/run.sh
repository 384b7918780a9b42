#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh SECONDS [TARGET,...] - run each libFuzzer target ($FUZZ_DIR/fuzz_*,
# default build-fuzz/; built by `make fuzz`) for SECONDS under ASan+UBSan,
# starting from its committed seeds (tests/fuzz/seed/<name>/) plus seeds
# generated from the unit tests' golden files (tests/unit/data).  The
# growing corpus is kept in tests/tmp/fuzz/corpus/<name> (a later run
# continues from it); a crash,
# leak or timeout is written to tests/tmp/fuzz/crash/<name>-... and the run
# fails, naming the file and how to replay it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:?usage: run.sh SECONDS [TARGET,...]}
want=${2:-}
bins=${FUZZ_DIR:-$root/build-fuzz}
work=$root/tests/tmp/fuzz
mkdir -p "$work/crash"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# seeds from the golden files: the config parser's (first byte: the home);
# the address and header parsers' inputs as they are
gen_seeds() {
	mkdir -p "$work/gen/conf"
	for f in "$root"/tests/unit/data/conf/*.rc; do
		[ -f "$f" ] || continue
		{ printf '\000'; cat "$f"; } > "$work/gen/conf/$(basename "$f")"
	done
	for d in addr hdr; do
		mkdir -p "$work/gen/$d"
		for f in "$root/tests/unit/data/$d"/*.in; do
			[ -f "$f" ] || continue
			cp "$f" "$work/gen/$d/"
		done
	done
}

gen_seeds
failed=""
for bin in "$bins"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	if [ -n "$want" ]; then
		case ",$want," in *",$name,"*) ;; *) continue ;; esac
	fi
	corpus=$work/corpus/$name
	mkdir -p "$corpus"
	seeds=""
	[ -d "$here/seed/$name" ] && seeds="$here/seed/$name"
	[ -d "$work/gen/$name" ] && seeds="$seeds $work/gen/$name"
	echo "fuzz: $name for ${secs}s"
	# -timeout: one input taking longer is a hang; -rss_limit_mb: memory
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	    -max_len=8192 -print_final_stats=1 \
	    -artifact_prefix="$work/crash/$name-" "$corpus" $seeds \
	    > "$work/$name.log" 2>&1
	rc=$?
	tail -n 12 "$work/$name.log" | grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)' | tr '\n' ' '
	echo
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $name FAILED (exit $rc); log: $work/$name.log" >&2
		grep -E 'ERROR|SUMMARY|Test unit written' "$work/$name.log" >&2
		echo "fuzz: replay with: $bin <the file above>" >&2
		failed="$failed $name"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failures:$failed" >&2
	exit 1
fi
echo "fuzz: every target ran ${secs}s clean"
