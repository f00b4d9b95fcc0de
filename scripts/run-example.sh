#!/usr/bin/env bash
# The main job of `make run`: a real training run on the example drums, 25 minutes by default
# (AUDIOGAN_TIME_BUDGET in seconds sets another budget).
# Usage: scripts/run-example.sh AUDIOGAN_BINARY DATA_DIR RUN_DIR
set -euo pipefail
audiogan=${1:?audiogan binary}
data=${2:?dataset root}
run=${3:?run directory}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$audiogan" prepare --data "$data" --config "$repo/configs/example-drums.toml"
if [ -f "$run/checkpoints/last.pt" ]; then
  echo "run-example: $run exists; continuing it (delete it to start over)"
  "$audiogan" train --resume "$run" --time-budget "${AUDIOGAN_TIME_BUDGET:-1500}"
else
  "$audiogan" train --data "$data" --out "$run" --config "$repo/configs/example-drums.toml" \
    --time-budget "${AUDIOGAN_TIME_BUDGET:-1500}"
fi
cat <<MSG

Done. The run directory is $run:
  $run/plots/       generated spectrograms per epoch (PNG)
  $run/audio/       generated clips per class and epoch (WAV)
  $run/metrics.jsonl, $run/loss.png
  $run/checkpoints/last.pt
Listen in a browser:   $audiogan serve --runs $(dirname "$run")   (then open http://127.0.0.1:8080)
Generate more:         $audiogan generate --checkpoint $run/checkpoints/last.pt --class kick --count 4 --out out/kick
Evaluate:              $audiogan evaluate --checkpoint $run/checkpoints/last.pt --data $data
Train longer:          $audiogan train --resume $run --time-budget 1500
MSG
