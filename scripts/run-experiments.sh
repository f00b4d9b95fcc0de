#!/usr/bin/env bash
# The docs/EXPERIMENTS.md protocol: each named run is `audiogan train` with no flags but the
# dataset, the run folder, and the arch or seed under test, stopped by SIGTERM after a wall-clock
# budget (it checkpoints on the signal), then `audiogan evaluate --count 50`. Runs go one after
# another so each has both cores to itself.
# Usage: scripts/run-experiments.sh AUDIOGAN_BINARY RUNS_DIR SPEC...
#   SPEC is DATASET_NAME:ARCH:SEED[:VARIANT:FLAG...], with the dataset at data/DATASET_NAME, e.g.
#   digits:default:0, or digits:default:0:ms0:--mode-seeking=0 for a variant with extra flags
#   (run folder digits-default-s0-ms0).
# BUDGET_S (default 1500, 25 minutes) sets the training budget of each run.
set -euo pipefail
audiogan=${1:?usage: run-experiments.sh AUDIOGAN_BINARY RUNS_DIR SPEC...}
runs=${2:?runs folder}
shift 2
budget=${BUDGET_S:-1500}
mkdir -p "$runs"
for spec in "$@"; do
  IFS=: read -r -a fields <<<"$spec"
  dataset=${fields[0]} arch=${fields[1]} seed=${fields[2]} variant=${fields[3]:-}
  run="$runs/$dataset-$arch-s$seed${variant:+-$variant}"
  data="data/$dataset"
  [[ -d $data ]] || { echo "run-experiments: no dataset at $data" >&2; exit 1; }
  rm -rf "$run"
  flags=()
  [[ $arch == seed ]] && flags+=(--arch seed)
  [[ $seed != 0 ]] && flags+=(--seed "$seed")
  flags+=("${fields[@]:4}")
  echo "run-experiments: $run: training for ${budget}s ($(date -u +%H:%M:%S))"
  # timeout exits 124 when it had to send the signal: that is the expected way to stop.
  # --time-budget (the same, so the signal usually comes first) lifts the seeds' 200-epoch
  # default, which a fast recipe on a small dataset reaches inside 25 minutes.
  timeout -s TERM "$budget" "$audiogan" train --data "$data" --out "$run" \
    --time-budget "$budget" "${flags[@]}" \
    >"$run.train.log" 2>&1 || [[ $? -eq 124 ]]
  echo "run-experiments: $run: evaluating ($(date -u +%H:%M:%S))"
  "$audiogan" evaluate --checkpoint "$run/checkpoints/last.pt" --data "$data" --count 50 \
    --out "$run/eval" >"$run.eval.log" 2>&1
  echo "run-experiments: $run: done ($(date -u +%H:%M:%S))"
done
