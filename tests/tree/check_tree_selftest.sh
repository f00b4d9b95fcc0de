#!/bin/bash
# scripts/check-tree.py must fail on a tree that breaks either rule, and pass on one that keeps
# both: otherwise the ctest tree.rules would pass whatever src/ holds.
set -u
checker="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/src/dsp" "$dir/src/train"
printf '#pragma once\n#include <torch/torch.h>\ninline torch::Tensor f();\n' > "$dir/src/dsp/ok.h"
printf '#pragma once\n' > "$dir/src/train/step.h"
python3 "$checker" "$dir/src" || { echo "FAIL: a clean tree was refused"; exit 1; }

printf '#include "train/step.h"\n' > "$dir/src/dsp/upward.cpp"
out=$(python3 "$checker" "$dir/src") && { echo "FAIL: dsp/ including train/ passed"; exit 1; }
grep -q "dsp/ may not include train/" <<<"$out" || { echo "FAIL: wrong message: $out"; exit 1; }
rm "$dir/src/dsp/upward.cpp"

printf '#pragma once\n// torch:: in a comment is no use\ninline at::Tensor g();\n' > "$dir/src/dsp/bare.h"
out=$(python3 "$checker" "$dir/src") && { echo "FAIL: a header using at:: without an include passed"; exit 1; }
grep -q "bare.h: uses LibTorch but includes no LibTorch header" <<<"$out" || { echo "FAIL: $out"; exit 1; }
rm "$dir/src/dsp/bare.h"

printf '#pragma once\n#include <ATen/Parallel.h>\ninline torch::Tensor h();\n' > "$dir/src/dsp/aten.h"
out=$(python3 "$checker" "$dir/src") && { echo "FAIL: torch:: with only an ATen include passed"; exit 1; }
grep -q "aten.h: uses torch:: but includes no <torch/...> header" <<<"$out" || { echo "FAIL: $out"; exit 1; }
echo "check-tree.py refuses every breach and passes a clean tree"
