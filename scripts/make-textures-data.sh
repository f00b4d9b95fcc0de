#!/usr/bin/env bash
# Builds a dataset of long, stationary textures for issue #20's target 5 (variable-length
# spectrograms: sounds far longer than a fixed frame count): 5 classes of 3-6 s clips synthesised
# with sox, 50 per class in train/ and 10 in test/.
#   rain     pink noise (a different stretch of it per clip), band-passed and high-passed, with
#            fast shallow flutter
#   wind     brown noise, low-passed, with slow deep amplitude swells (0.15-0.6 Hz)
#   engine   a sawtooth hum at 30-75 Hz with its harmonics, some rumble, low-passed, with a
#            firing-rate tremolo
#   organ    a sustained note of four sine partials, slow attack and release, light vibrato, reverb
#   strings  a sustained note of two detuned sawtooths, low-passed, with vibrato and reverb
# Every parameter is a fixed function of the clip's index and sox runs in repeatable mode (-R),
# so the same command always writes the same files. Every sixth clip of a class goes to test/.
# Usage: scripts/make-textures-data.sh OUT_DIR
set -euo pipefail
out=${1:?usage: make-textures-data.sh OUT_DIR}
command -v sox >/dev/null || { echo "make-textures-data: sox is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
command -v awk >/dev/null || { echo "make-textures-data: awk is missing" >&2; exit 1; }

stamp="$out/.complete-v1"
if [ -f "$stamp" ]; then echo "make-textures-data: $out is up to date"; exit 0; fi
rm -rf "$out"

rate=22050
per_class=60

# value INDEX SALT LO HI [DIGITS]: a number in [LO, HI) that differs from clip to clip, spread
# evenly (a golden-ratio sequence, shifted per parameter by SALT) rather than random.
value() {
  awk -v i="$1" -v s="$2" -v lo="$3" -v hi="$4" -v d="${5:-3}" 'BEGIN {
    x = (i + 1) * 0.6180339887 + s * 0.7548776662; x -= int(x);
    printf "%.*f", d, lo + (hi - lo) * x }'
}

# A note frequency: semitone N above A2 (110 Hz).
note() { awk -v n="$1" 'BEGIN { printf "%.3f", 110 * 2 ^ (n / 12) }'; }

make_clip() {
  local class=$1 i=$2 file=$3
  local seconds gain
  seconds=$(value "$i" 0 3 6 2)
  gain=$(value "$i" 1 -12 -2 1)
  case $class in
    rain)
      # A different stretch of the same repeatable noise per clip: skip a few seconds into it.
      local skip low high flutter
      skip=$(value "$i" 2 0 20 2)
      low=$(value "$i" 3 600 2500 0)
      high=$(value "$i" 4 5000 9500 0)
      flutter=$(value "$i" 5 6 14 1)
      sox -R -n -r "$rate" -b 16 "$file" synth "$(awk -v a="$skip" -v b="$seconds" 'BEGIN{print a+b}')" pinknoise \
        trim "$skip" "$seconds" gain -6 highpass "$low" lowpass "$high" tremolo "$flutter" 15 \
        fade q 0.2 "$seconds" 0.3 gain -n "$gain"
      ;;
    wind)
      local skip cutoff swell depth
      skip=$(value "$i" 2 0 20 2)
      cutoff=$(value "$i" 3 250 900 0)
      swell=$(value "$i" 4 0.15 0.6 2)
      depth=$(value "$i" 5 40 80 0)
      sox -R -n -r "$rate" -b 16 "$file" synth "$(awk -v a="$skip" -v b="$seconds" 'BEGIN{print a+b}')" brownnoise \
        trim "$skip" "$seconds" gain -6 lowpass "$cutoff" lowpass "$cutoff" tremolo "$swell" "$depth" \
        fade q 0.5 "$seconds" 0.5 gain -n "$gain"
      ;;
    engine)
      local hum firing cutoff
      hum=$(value "$i" 2 30 75 1)
      firing=$(value "$i" 3 8 25 1)
      cutoff=$(value "$i" 4 700 2500 0)
      sox -R -n -r "$rate" -b 16 "$file" synth "$seconds" sawtooth "$hum" \
        sawtooth "$(awk -v f="$hum" 'BEGIN{print 2 * f}')" brownnoise \
        remix 1v0.6,2v0.3,3v0.25 gain -6 lowpass "$cutoff" tremolo "$firing" 30 \
        fade q 0.3 "$seconds" 0.3 gain -n "$gain"
      ;;
    organ)
      local f vibrato
      f=$(note "$(value "$i" 2 0 24 0)")
      vibrato=$(value "$i" 3 4 6.5 2)
      sox -R -n -r "$rate" -b 16 "$file" synth "$seconds" sine "$f" \
        sine "$(awk -v f="$f" 'BEGIN{print 2 * f}')" sine "$(awk -v f="$f" 'BEGIN{print 3 * f}')" \
        sine "$(awk -v f="$f" 'BEGIN{print 4 * f}')" remix 1v0.5,2v0.3,3v0.2,4v0.12 gain -6 \
        tremolo "$vibrato" 8 reverb 40 fade q 0.15 "$seconds" 0.4 gain -n "$gain"
      ;;
    strings)
      local f cutoff vibrato
      f=$(note "$(value "$i" 2 3 27 0)")
      cutoff=$(value "$i" 3 1500 4000 0)
      vibrato=$(value "$i" 4 4.5 6.5 2)
      sox -R -n -r "$rate" -b 16 "$file" synth "$seconds" sawtooth "$f" \
        sawtooth "$(awk -v f="$f" 'BEGIN{print 1.004 * f}')" remix 1v0.5,2v0.5 gain -6 \
        lowpass "$cutoff" tremolo "$vibrato" 12 reverb 50 fade q 0.4 "$seconds" 0.6 gain -n "$gain"
      ;;
  esac
}

for class in rain wind engine organ strings; do
  mkdir -p "$out/train/$class" "$out/test/$class"
  for ((i = 0; i < per_class; i++)); do
    if [ $((i % 6)) -eq 5 ]; then split=test; else split=train; fi
    make_clip "$class" "$i" "$out/$split/$class/${class}_$(printf %03d "$i").wav"
  done
done
touch "$stamp"
for split in train test; do
  echo "make-textures-data: $split: $(find "$out/$split" -name '*.wav' | wc -l) clips, $(ls "$out/$split" | wc -l) classes"
done
