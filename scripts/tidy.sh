#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy's checks) over src/ with the build's compile database. The
# database is copied without CMake's precompiled-header flags: clang cannot read GCC's .gch, and
# parsing each file on its own also checks that it includes what it uses.
#
# usage: scripts/tidy.sh [BUILD_DIR] [FILE_REGEX]   (defaults: build, 'src/')
# env:   TIDY_JOBS (files at once; default: the core count)
# Exits 1 when clang-tidy reports a warning or an error.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
files=${2:-src/}
if [[ ! -f "$build_dir/compile_commands.json" ]]; then
  echo "tidy.sh: $build_dir/compile_commands.json not found; configure with cmake first" >&2
  exit 2
fi
db=$build_dir/tidy
mkdir -p "$db"
python3 - "$build_dir/compile_commands.json" "$db/compile_commands.json" <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
for e in entries:
    e["command"] = re.sub(r" -Winvalid-pch| -include \S*cmake_pch\.hxx", "", e["command"])
json.dump(entries, open(sys.argv[2], "w"), indent=1)
PY
log=$db/tidy.log
run-clang-tidy -quiet -p "$db" -j "${TIDY_JOBS:-$(nproc)}" "$PWD/$files" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >"$log" || true
warnings=$(grep -cE '^/.*: (warning|error):' "$log" || true)
grep -E '^/.*: (warning|error):' "$log" | sort -u || true
echo "tidy.sh: $warnings findings in $(grep -c '^clang-tidy' "$log" || true) files checked; log: $log"
[[ "$warnings" -eq 0 ]]
