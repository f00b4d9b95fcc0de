#!/usr/bin/env bash
# Builds a spoken-digit dataset ("zero".."nine") with espeak-ng: many voices, variants, speeds
# and pitches; split into train/ and test/ by voice so test voices are never heard in training.
# Deterministic: the same command always writes the same files.
# Usage: scripts/make-digits-data.sh OUT_DIR
set -euo pipefail
out=${1:?usage: make-digits-data.sh OUT_DIR}
command -v espeak-ng >/dev/null || { echo "make-digits-data: espeak-ng is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

stamp="$out/.complete-v1"
if [ -f "$stamp" ]; then echo "make-digits-data: $out is up to date"; exit 0; fi
rm -rf "$out"

words=(zero one two three four five six seven eight nine)
languages=(en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029 en-us-nyc)
variants=(m1 m2 m3 m4 m5 m6 m7 f1 f2 f3 f4 f5 klatt klatt2 klatt3 croak whisper)
speeds=(140 180)
pitches=(35 65)

voice_index=0
for language in "${languages[@]}"; do
  for variant in "${variants[@]}"; do
    voice="$language+$variant"
    # Every fourth voice is held out for the test split.
    if [ $((voice_index % 4)) -eq 3 ]; then split=test; else split=train; fi
    voice_index=$((voice_index + 1))
    for word in "${words[@]}"; do
      mkdir -p "$out/$split/$word"
      for speed in "${speeds[@]}"; do
        for pitch in "${pitches[@]}"; do
          espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$out/$split/$word/${language}_${variant}_s${speed}_p${pitch}.wav" "$word"
        done
      done
    done
  done
done
touch "$stamp"
for split in train test; do
  echo "make-digits-data: $split: $(find "$out/$split" -name '*.wav' | wc -l) clips, $(ls "$out/$split" | wc -l) classes"
done
