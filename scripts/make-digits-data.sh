#!/usr/bin/env bash
# Builds a spoken-digit dataset ("zero".."nine") with espeak-ng: many voices, variants, speeds
# and pitches; split into train/ and test/ by voice so test voices are never heard in training.
# Deterministic: the same command always writes the same files.
#
# Usage: scripts/make-digits-data.sh [--variant a|b] [--val] OUT_DIR
#   --variant a  (default) the set docs/EXPERIMENTS.md measured: 8 English accents x 17 espeak-ng
#                variants (m1-m7, f1-f5, klatt*, croak, whisper) = 136 voices, each word at 2
#                speeds x 2 pitches; every fourth voice held out for test/. Without --val its
#                output is exactly what this script always wrote.
#   --variant b  a second set built differently (issue #20: check each recipe choice on it):
#                the same 8 accents with 24 other variants (adam, Alex, ..., Michael), each word 3
#                times at speeds 120-210 and pitches 25-85 rotated per voice; test/ holds whole
#                variants (6 of 24), so no test variant is heard in training in any accent.
#   --val        also carve a validation split out of the training voices into val/ (held out
#                of train/): for a, every eighth voice (17 voices); for b, 3 whole variants.
#                Choose settings on val/ (`audiogan evaluate --split val`), report on test/.
#                train/ and test/ are unchanged otherwise, so test/ is the same with or without
#                --val. audiogan train reads only train/ and ignores val/.
set -euo pipefail
usage="usage: make-digits-data.sh [--variant a|b] [--val] OUT_DIR"
set_variant=a
with_val=0
out=
while [ $# -gt 0 ]; do
  case $1 in
    --variant) set_variant=${2:?$usage}; shift 2 ;;
    --variant=*) set_variant=${1#--variant=}; shift ;;
    --val) with_val=1; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "make-digits-data: unknown option $1; $usage" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "make-digits-data: one OUT_DIR only; $usage" >&2; exit 2; }; out=$1; shift ;;
  esac
done
[ -n "$out" ] || { echo "$usage" >&2; exit 2; }
case $set_variant in
  a|b) ;;
  *) echo "make-digits-data: --variant must be a or b, got '$set_variant'" >&2; exit 2 ;;
esac
command -v espeak-ng >/dev/null || { echo "make-digits-data: espeak-ng is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

# The default build keeps its old stamp name so existing data/digits folders stay up to date;
# every other build names what it holds, so switching options rebuilds the folder.
if [ "$set_variant" = a ] && [ "$with_val" -eq 0 ]; then
  stamp="$out/.complete-v1"
else
  suffix=$set_variant
  if [ "$with_val" -eq 1 ]; then suffix=$suffix-val; fi
  stamp="$out/.complete-$suffix-v1"
fi
if [ -f "$stamp" ]; then echo "make-digits-data: $out is up to date"; exit 0; fi
rm -rf "$out"

words=(zero one two three four five six seven eight nine)
languages=(en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029 en-us-nyc)

if [ "$set_variant" = a ]; then
  variants=(m1 m2 m3 m4 m5 m6 m7 f1 f2 f3 f4 f5 klatt klatt2 klatt3 croak whisper)
  speeds=(140 180)
  pitches=(35 65)

  voice_index=0
  for language in "${languages[@]}"; do
    for variant in "${variants[@]}"; do
      voice="$language+$variant"
      # Every fourth voice is held out for the test split; with --val, every eighth (of the
      # others) for the validation split.
      if [ $((voice_index % 4)) -eq 3 ]; then split=test
      elif [ "$with_val" -eq 1 ] && [ $((voice_index % 8)) -eq 1 ]; then split=val
      else split=train; fi
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
else
  # None of these is in set a's variant list.
  variants=(adam Alex Andy anika aunty belinda benjamin boris caleb david edward grandma
            grandpa iven john linda m8 max michel norbert paul Lee Mike Michael)
  speeds=(120 150 175 210)
  pitches=(25 45 60 85)

  variant_index=0
  for variant in "${variants[@]}"; do
    # Whole variants are held out: every fourth for test, with --val every eighth (of the others)
    # for validation.
    if [ $((variant_index % 4)) -eq 3 ]; then split=test
    elif [ "$with_val" -eq 1 ] && [ $((variant_index % 8)) -eq 1 ]; then split=val
    else split=train; fi
    language_index=0
    for language in "${languages[@]}"; do
      voice="$language+$variant"
      for word in "${words[@]}"; do
        mkdir -p "$out/$split/$word"
        # 3 renditions per word, speed and pitch rotated by voice so every voice covers a
        # different part of the grid.
        for rendition in 0 1 2; do
          speed=${speeds[$(((variant_index + language_index + rendition) % 4))]}
          pitch=${pitches[$(((3 * variant_index + 2 * language_index + 3 * rendition) % 4))]}
          espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$out/$split/$word/${language}_${variant}_s${speed}_p${pitch}.wav" "$word"
        done
      done
      language_index=$((language_index + 1))
    done
    variant_index=$((variant_index + 1))
  done
fi
touch "$stamp"
for split in train val test; do
  [ -d "$out/$split" ] || continue
  echo "make-digits-data: $split: $(find "$out/$split" -name '*.wav' | wc -l) clips, $(ls "$out/$split" | wc -l) classes"
done
