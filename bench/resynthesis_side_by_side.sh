#!/usr/bin/env bash
# Two log-mel -> audio paths side by side on the same held-out clips: each clip's log-mel
# (`audiogan mel`) goes through `A` and `B` (each an audiogan binary followed by vocode flags),
# and both results are scored against the original waveform on the front end's linear STFT
# (spectral convergence and log-spectral distance, as audiogan's evaluator computes them).
#
#   bench/resynthesis_side_by_side.sh SPLIT N OUT "A" "B"
#   bench/resynthesis_side_by_side.sh data/digits-b/test 40 /tmp/gl \
#       "build/audiogan --phase-start random" "build/audiogan"
#
# Clips: the first N of SPLIT/<class>/* in a fixed shuffle (seed 0). Needs /usr/bin/python3
# with torchaudio (Debian's python3-torchaudio).
set -euo pipefail
if [[ $# -ne 5 ]]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
split=$1 count=$2 out=$3 a=$4 b=$5
mkdir -p "$out"
/usr/bin/python3 - "$split" "$count" > "$out/files.txt" <<'PY'
import glob, os, random, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "*", "*.*")))
random.Random(0).shuffle(files)
print("\n".join(files[:int(sys.argv[2])]))
PY
read -r -a path_a <<< "$a"
read -r -a path_b <<< "$b"
i=0
while read -r file; do
  "${path_a[0]}" mel "$file" --out "$out/$i.npy" --frames 0 >/dev/null
  "${path_a[0]}" vocode "$out/$i.npy" --out "$out/$i-a.wav" --float "${path_a[@]:1}" >/dev/null
  "${path_b[0]}" vocode "$out/$i.npy" --out "$out/$i-b.wav" --float "${path_b[@]:1}" >/dev/null
  i=$((i + 1))
done < "$out/files.txt"
/usr/bin/python3 - "$out" <<'PY'
import math, sys
import torch, torchaudio
SR, N_FFT, HOP = 22050, 1024, 256
WINDOW = torch.hann_window(N_FFT)
def power(w):
    return torch.stft(w, N_FFT, HOP, N_FFT, WINDOW, center=True, pad_mode="reflect",
                      return_complex=True).abs().double()
def measures(reference, estimate):
    n = min(len(reference), len(estimate))
    r, e = power(reference[:n]), power(estimate[:n])
    sc = 20 * math.log10(((r - e).norm() / r.norm()).item())
    floor = (r.max() ** 2) * 1e-8
    d = 10 * torch.log10((r ** 2).clamp_min(floor)) - 10 * torch.log10((e ** 2).clamp_min(floor))
    return sc, d.pow(2).mean(0).sqrt().mean().item()
out = sys.argv[1]
files = open(f"{out}/files.txt").read().split("\n")
rows = {"a": [], "b": []}
for i, path in enumerate(f for f in files if f):
    wave, rate = torchaudio.load(path)
    wave = wave.mean(0)
    if rate != SR:
        wave = torchaudio.functional.resample(wave, rate, SR)
    for k in rows:
        estimate, _ = torchaudio.load(f"{out}/{i}-{k}.wav")
        rows[k].append(measures(wave, estimate[0]))
for k, v in rows.items():
    sc = sum(x[0] for x in v) / len(v)
    lsd = sum(x[1] for x in v) / len(v)
    print(f"{k}: SC {sc:7.2f} dB  LSD {lsd:5.2f} dB  ({len(v)} clips)")
PY
