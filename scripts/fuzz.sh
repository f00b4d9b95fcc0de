#!/usr/bin/env bash
# Fuzzes audiogan's input readers with libFuzzer under AddressSanitizer and UBSan: audio
# decoding, .npy, the TOML config, checkpoint framing, the cache index and the server's generate
# request. Builds the harnesses with clang in build-fuzz/ (AUDIOGAN_FUZZ=ON, minutes: only the
# readers are instrumented), runs each for SECONDS starting from fuzz/corpus/<harness>, prints
# the executions per harness and their total, and exits 1 if any harness crashed, leaked or
# tripped a sanitizer (the input is kept under WORK_DIR/<harness>/crashes/).
#
# usage: scripts/fuzz.sh SECONDS [WORK_DIR]   (WORK_DIR default: build-fuzz/work)
# env:   FUZZ_JOBS (harnesses at once; default: the core count), FUZZ_BUILD_DIR (build-fuzz),
#        FUZZ_HARNESSES (a space-separated subset; default: all six)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ || "$1" -lt 1 ]]; then
  echo "usage: scripts/fuzz.sh SECONDS [WORK_DIR]" >&2
  exit 2
fi
seconds=$1
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
work=${2:-$build_dir/work}
jobs=${FUZZ_JOBS:-$(nproc)}
all_harnesses="audio npy config checkpoint cache_index generate_request"
read -r -a harnesses <<<"${FUZZ_HARNESSES:-$all_harnesses}"
for name in "${harnesses[@]}"; do
  if [[ " $all_harnesses " != *" $name "* ]]; then
    echo "fuzz.sh: unknown harness '$name' in FUZZ_HARNESSES (expected some of: $all_harnesses)" >&2
    exit 2
  fi
done

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found; run scripts/install-deps.sh (it installs clang)" >&2
  exit 1
fi
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DAUDIOGAN_FUZZ=ON -DAUDIOGAN_BUILD_TESTS=OFF -DAUDIOGAN_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)" --target audiogan_fuzzers >/dev/null

# One harness: a working corpus seeded from the repo's (the repo's stays unchanged), the final
# statistics kept in its log.
fuzz_one() {
  local name=$1 dir="$work/$1"
  mkdir -p "$dir/corpus" "$dir/crashes"
  "$build_dir/fuzz/fuzz_$name" "$dir/corpus" "fuzz/corpus/$name" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$dir/crashes/" >"$dir/log" 2>&1
}
export -f fuzz_one
export build_dir work seconds
# Leaks inside system libraries (libvorbis) are listed there, each with its reason.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"

echo "fuzz.sh: ${#harnesses[@]} harnesses x ${seconds} s, $jobs at a time, in $work"
status=0
printf '%s\n' "${harnesses[@]}" | xargs -P "$jobs" -I{} bash -c 'fuzz_one {}' || status=1

total=0
for name in "${harnesses[@]}"; do
  log="$work/$name/log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(find "$work/$name/crashes" -type f | wc -l)
  printf '  %-17s %12s executions  %s findings\n' "$name" "${runs:-?}" "$crashes"
  total=$((total + ${runs:-0}))
  if [[ -z "$runs" || "$crashes" -gt 0 ]]; then
    status=1
    grep -m1 -E 'ERROR|runtime error|property violated|terminate called' "$log" >&2 || true
  fi
done
echo "fuzz.sh: $total executions in total; $([[ $status -eq 0 ]] && echo "no findings" || echo "FINDINGS: see $work/*/crashes and logs")"
exit "$status"
