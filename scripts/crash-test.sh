#!/usr/bin/env bash
# Crash at any moment (docs/reliability.md): SIGKILLs `audiogan train` (and `audiogan prepare`)
# COUNT times, at random moments and at aimed ones (while a checkpoint is being written, while
# the spectrogram cache is being built), and after every kill resumes the run and checks that
#   - the resume starts from an intact checkpoint (header, size and FNV-1a checksum verified
#     here, then read by `train --resume` without an error),
#   - at a step >= that of the last checkpoint seen completed before the kill, and
#     >= the last step the trainer had reached minus --checkpoint-every (nothing lost beyond
#     the checkpoint interval),
#   - no temp file of the killed writer outlives the resume's first checkpoint, and
#   - the cache is never left half-written: its index validates (the data file it names holds
#     exactly its rows) after the kill and after the rebuild, and training proceeds on it. Cache
#     kills hit `train --resume` or `prepare` rebuilding a deleted cache, and `train --resume`
#     updating a cache half of whose rows were marked out of date in its index (half reused,
#     half recomputed, while the old cache stays in place).
# Then a full disk during a checkpoint, twice: a file-size limit (ulimit -f) and, when this user
# may mount one, a tmpfs too small for the next checkpoint: a clear error (exit 1, naming the
# checkpoint), the previous checkpoint byte for byte intact, and a resume from it works.
#
# Runs one process at a time on one thread, with tiny settings (32 mels x 32 frames, width 8,
# batch 8, a checkpoint every 3 steps), so 20 rounds take a few minutes on 2 cores. Writes only
# under WORK_DIR. Needs python3 (checksum, index and kill timing) and util-linux `script` (a
# pseudo-terminal, so the trainer draws its step counter).
set -euo pipefail

usage="usage: scripts/crash-test.sh AUDIOGAN_BINARY DATA_ROOT WORK_DIR [COUNT=20] [SEED=1]"
if [[ $# -lt 3 || $# -gt 5 || "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  echo "$usage" >&2
  exit 2
fi
BIN=$(realpath "$1")
DATA=$(realpath "$2")
WORK=$3
COUNT=${4:-20}
SEED=${5:-1}
[[ -x "$BIN" ]] || { echo "crash-test: $BIN is not an executable" >&2; exit 2; }
[[ -d "$DATA" ]] || { echo "crash-test: $DATA is not a folder" >&2; exit 2; }
[[ "$COUNT" =~ ^[0-9]+$ && "$COUNT" -ge 1 ]] || { echo "$usage" >&2; exit 2; }
[[ "$SEED" =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
command -v python3 >/dev/null || { echo "crash-test: needs python3" >&2; exit 2; }
command -v script >/dev/null || { echo "crash-test: needs util-linux 'script'" >&2; exit 2; }

mkdir -p "$WORK"
WORK=$(realpath "$WORK")
RUN=$WORK/run
CACHE=$WORK/cache
LOGS=$WORK/logs
HELPER=$WORK/crash_helper.py
TMPFS=$WORK/tmpfs
# Only what this script itself creates is removed.
if mountpoint -q "$TMPFS" 2>/dev/null; then umount "$TMPFS"; fi
rm -rf "$RUN" "$CACHE" "$LOGS" "$WORK/disk-ulimit" "$WORK/disk-tmpfs-copy" "$TMPFS" "$HELPER"
mkdir -p "$LOGS"
trap 'if mountpoint -q "$TMPFS"; then umount "$TMPFS"; fi' EXIT

CHECKPOINT_EVERY=3
FRONTEND=(--n-mels 32 --frames 32)
TRAIN=(--batch 8 --width 8 --threads 1 --device cpu --amp off --seed 1 --keep 2
       --checkpoint-every "$CHECKPOINT_EVERY")
VICTIM_BUDGET=60  # the killed runs would train this long: every kill lands before
CHECK_BUDGET=2    # each checking resume trains this long, then stops with a checkpoint
RANDOM=$SEED      # the kill moments follow from the seed

cat >"$HELPER" <<'PYTHON'
# crash-test.sh's helper: checkpoint verification, cache index validation, timed kills.
import glob, json, os, re, signal, sys, time

MAGIC = b"AUDIOGAN-CKPT-01"

def verify(path):
    """Prints the checkpoint's step; exits 1 naming what is wrong."""
    data = open(path, "rb").read()
    if len(data) < 32 or data[:16] != MAGIC:
        sys.exit(f"{path}: no checkpoint header")
    size = int.from_bytes(data[16:24], "little")
    checksum = int.from_bytes(data[24:32], "little")
    if len(data) - 32 != size:
        sys.exit(f"{path}: truncated: header says {size} bytes, file holds {len(data) - 32}")
    h, mask = 1469598103934665603, (1 << 64) - 1
    for c in memoryview(data)[32:]:
        h = ((h ^ c) * 1099511628211) & mask
    if h != checksum:
        sys.exit(f"{path}: checksum mismatch")
    steps = re.findall(rb'"step":(\d+)', data)
    if len(steps) != 1:
        sys.exit(f"{path}: {len(steps)} step fields in the metadata")
    print(int(steps[0]))

def cache_check(cache_dir):
    """Validates every index of the cache folder: 'ok <rows> <leftover temp files>'."""
    rows, problems = 0, []
    for index in sorted(glob.glob(os.path.join(cache_dir, "logmel-*.json"))):
        try:
            j = json.load(open(index))
            data = os.path.join(cache_dir, j["data_file"])
            expect = len(j["entries"]) * j["n_mels"] * j["frames"] * 2
            have = os.path.getsize(data) if os.path.exists(data) else -1
            if have != expect or not j["entries"]:
                problems.append(f"{index}: {data} holds {have} bytes, the index expects {expect}")
            rows += len(j["entries"])
        except Exception as e:
            problems.append(f"{index}: unreadable: {e}")
    temps = [os.path.basename(p) for p in glob.glob(os.path.join(cache_dir, "*.tmp"))]
    if problems:
        print("bad " + "; ".join(problems))
    else:
        print(f"ok {rows} {','.join(temps) or '-'}")

def make_stale(cache_dir):
    """Marks every other row of each index as made from an older version of its file (its
    mtime moved by 1 ns), as if half the dataset had changed: the next build reuses half the
    rows from the old data file and recomputes the rest. The data files are not touched."""
    for index in glob.glob(os.path.join(cache_dir, "logmel-*.json")):
        j = json.load(open(index))
        for e in j["entries"][::2]:
            e["mtime_ns"] += 1
        with open(index + ".stale", "w") as out:
            json.dump(j, out)
        os.replace(index + ".stale", index)

def last_step(run):
    """(inode, step) of run/checkpoints/last.pt as it is now, or (None, -1)."""
    path = os.path.join(run, "checkpoints", "last.pt")
    try:
        inode = os.stat(path).st_ino
        data = open(path, "rb").read()
        m = re.findall(rb'"step":(\d+)', data)
        return inode, (int(m[0]) if m else -1)
    except (OSError, IndexError):
        return None, -1

def watch(pid_file, run, cache, mode, delay_ms):
    """Waits for the victim's pid, then SIGKILLs it:
    delay:      delay_ms after it started;
    checkpoint: at the first checkpoint temp file seen after delay_ms (10 s at most);
    cache:      delay_ms after a cache data temp file appeared (10 s at most).
    Meanwhile follows last.pt (each completed checkpoint is a new file); prints
    'watched=<last completed step seen> killed_after_ms=<ms> trigger=<what>'."""
    start = time.monotonic()
    while not os.path.exists(pid_file) or not open(pid_file).read().strip():
        if time.monotonic() - start > 30:
            sys.exit("no pid")
        time.sleep(0.001)
    pid = int(open(pid_file).read().strip())
    start = time.monotonic()
    inode, watched = last_step(run)
    ckpt_dir = os.path.join(run, "checkpoints")
    trigger, seen_cache_at = "timeout", None
    while True:
        now = (time.monotonic() - start) * 1000
        st = None
        try:
            st = os.stat(os.path.join(ckpt_dir, "last.pt")).st_ino
        except OSError:
            pass
        if st is not None and st != inode:
            inode2, step = last_step(run)
            if inode2 is not None:
                inode, watched = inode2, max(watched, step)
        if mode == "delay" and now >= delay_ms:
            trigger = "delay"
            break
        if mode == "checkpoint" and now >= delay_ms:
            try:
                if any(".tmp." in n for n in os.listdir(ckpt_dir)):
                    trigger = "checkpoint-temp-file"
                    break
            except OSError:
                pass
            if now > delay_ms + 10000:
                break
        if mode == "cache":
            if seen_cache_at is None:
                try:
                    if any(n.endswith(".bin.tmp") for n in os.listdir(cache)):
                        seen_cache_at = now
                except OSError:
                    pass
            elif now >= seen_cache_at + delay_ms:
                trigger = "cache-temp-file"
                break
            if now > 10000:
                break
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print(f"watched={watched} killed_after_ms=-1 trigger=exited-first pid={pid}")
            return
        time.sleep(0.0005)
    os.kill(pid, signal.SIGKILL)
    print(f"watched={watched} killed_after_ms={now:.0f} trigger={trigger} pid={pid}")

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "verify":
        verify(sys.argv[2])
    elif cmd == "stale":
        make_stale(sys.argv[2])
    elif cmd == "cache-check":
        cache_check(sys.argv[2])
    elif cmd == "watch":
        watch(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6]))
PYTHON

fail_count=0
fail() {
  echo "crash-test: FAIL: $*" >&2
  fail_count=$((fail_count + 1))
}

# The last step the trainer drew in its progress line (epoch E [...] B/N): (E-1)*N + B; 0 if none.
progress_step() {
  tr '\r' '\n' <"$1" | { grep -ao 'epoch [0-9]*\(/[0-9]*\)\? \[[#-]*\] [0-9]*/[0-9]*' || true; } |
    tail -1 |
    sed -E 's#epoch ([0-9]+)(/[0-9]+)? \[[#-]*\] ([0-9]+)/([0-9]+)#\1 \3 \4#' |
    awk '{ print ($1 - 1) * $3 + $2 } END { if (NR == 0) print 0 }'
}

# A checking resume: trains CHECK_BUDGET seconds from last.pt; sets resumed_at and resume_rc.
check_resume() {
  local log=$1
  resume_rc=0
  "$BIN" train --resume "$RUN" --time-budget "$CHECK_BUDGET" >"$log.out" 2>"$log.err" ||
    resume_rc=$?
  resumed_at=$(grep -o 'resuming at epoch [0-9]*, batch [0-9]*, step [0-9]*' "$log.out" |
    grep -o '[0-9]*$' || true)
}

echo "crash-test: $BIN on $DATA, $COUNT rounds, seed $SEED, work dir $WORK"
started=$(date +%s)

# A first run to have a checkpoint (its cache build is not a counted kill).
"$BIN" train --data "$DATA" --out "$RUN" --cache "$CACHE" "${FRONTEND[@]}" "${TRAIN[@]}" \
  --time-budget 3 >"$LOGS/baseline.out" 2>"$LOGS/baseline.err" ||
  { echo "crash-test: the first training run failed:" >&2; cat "$LOGS/baseline.err" >&2; exit 1; }
step=$(python3 "$HELPER" verify "$RUN/checkpoints/last.pt")
echo "crash-test: baseline run at step $step ($(grep -o 'spectrogram cache: .*' "$LOGS/baseline.out" | tail -1))"

passes=0 in_write=0 in_cache=0 lost_max=0
# cache-train: `train --resume` rebuilding a deleted cache; cache-prepare: `prepare` doing so;
# cache-stale: `train --resume` updating a cache half of whose rows are out of date (the old
# cache stays in place while the new one is built).
kinds=(random checkpoint cache-train checkpoint random checkpoint cache-prepare checkpoint random
       cache-stale)
for ((round = 1; round <= COUNT; round++)); do
  kind=${kinds[$(((round - 1) % ${#kinds[@]}))]}
  log=$LOGS/round-$(printf %02d "$round")
  pid_file=$log.pid
  rm -f "$pid_file"
  before=$(python3 "$HELPER" verify "$RUN/checkpoints/last.pt")
  case $kind in
    random) mode=delay delay=$((RANDOM % 4000)) ;;
    checkpoint) mode=checkpoint delay=$((300 + RANDOM % 2700)) ;;
    cache-stale) mode=cache delay=$((RANDOM % 150)); python3 "$HELPER" stale "$CACHE" ;;
    cache-*) mode=cache delay=$((RANDOM % 300)); rm -rf "$CACHE" ;;
  esac
  # The victim, on a pseudo-terminal so that it draws its step counter.
  if [[ $kind == cache-prepare ]]; then
    victim="echo \$\$ > '$pid_file'; exec '$BIN' prepare --data '$DATA' --cache '$CACHE' ${FRONTEND[*]} --threads 1"
  else
    victim="echo \$\$ > '$pid_file'; exec '$BIN' train --resume '$RUN' --time-budget $VICTIM_BUDGET"
  fi
  script -qefc "$victim" "$log.tty" </dev/null >/dev/null &
  script_pid=$!
  watch=$(python3 "$HELPER" watch "$pid_file" "$RUN" "$CACHE" "$mode" "$delay")
  victim_rc=0
  wait "$script_pid" || victim_rc=$?
  victim_pid=$(cat "$pid_file")
  watched=$(sed -E 's/.*watched=(-?[0-9]+).*/\1/' <<<"$watch")
  killed_ms=$(sed -E 's/.*killed_after_ms=(-?[0-9]+).*/\1/' <<<"$watch")
  trigger=$(sed -E 's/.*trigger=([a-z-]+).*/\1/' <<<"$watch")
  reached=$(progress_step "$log.tty")
  ok=1
  [[ $killed_ms -ge 0 ]] || { fail "round $round: the victim exited (rc $victim_rc) before the kill"; ok=0; }

  # Where the kill landed: a temp file of the killed writer left behind proves it was inside.
  landed=""
  if compgen -G "$RUN/checkpoints/*.tmp.$victim_pid" >/dev/null; then
    landed="inside a checkpoint write"
    in_write=$((in_write + 1))
  fi
  cache_state=""
  if [[ $kind == cache-* ]]; then
    cache_state=$(python3 "$HELPER" cache-check "$CACHE")
    if [[ $cache_state == bad* ]]; then
      fail "round $round: cache left half-written after the kill: $cache_state"
      ok=0
    fi
    if compgen -G "$CACHE/*.bin.tmp" >/dev/null; then
      landed="inside cache building"
      in_cache=$((in_cache + 1))
    fi
  fi

  # The checkpoint the resume will read: intact, and no older than any seen completed.
  if ! after=$(python3 "$HELPER" verify "$RUN/checkpoints/last.pt" 2>&1); then
    fail "round $round: last.pt is not intact after the kill: $after"
    ok=0
    after=-1
  fi
  if [[ $kind == cache-prepare ]]; then
    # A killed prepare: preparing again rebuilds or reuses the cache cleanly.
    prep_rc=0
    "$BIN" prepare --data "$DATA" --cache "$CACHE" "${FRONTEND[@]}" --threads 1 \
      >"$log.prepare.out" 2>"$log.prepare.err" || prep_rc=$?
    [[ $prep_rc -eq 0 ]] || { fail "round $round: prepare after the kill exited $prep_rc"; ok=0; }
  fi
  check_resume "$log"
  if [[ $resume_rc -ne 0 ]]; then
    fail "round $round: resume exited $resume_rc: $(tail -1 "$log.err")"
    ok=0
  elif [[ -z "$resumed_at" ]]; then
    fail "round $round: the resume did not say where it resumed"
    ok=0
  else
    [[ $resumed_at -eq $after ]] ||
      { fail "round $round: resumed at step $resumed_at, last.pt holds $after"; ok=0; }
    [[ $resumed_at -ge $before && $resumed_at -ge $watched ]] ||
      { fail "round $round: resumed at step $resumed_at, a checkpoint at step $watched (round start $before) had completed"; ok=0; }
    [[ $resumed_at -ge $((reached - CHECKPOINT_EVERY)) ]] ||
      { fail "round $round: resumed at step $resumed_at, the trainer had reached step $reached: more than $CHECKPOINT_EVERY steps lost"; ok=0; }
    if grep -qi 'error' "$log.err"; then
      fail "round $round: the resume printed an error: $(grep -i error "$log.err" | head -1)"
      ok=0
    fi
    grep -q '^stopped by time_budget' "$log.out" ||
      { fail "round $round: the resume did not train to its time budget"; ok=0; }
    if compgen -G "$RUN/checkpoints/*.tmp.*" >/dev/null; then
      fail "round $round: temp files left after the resume: $(ls "$RUN"/checkpoints/*.tmp.*)"
      ok=0
    fi
    lost=$((reached - resumed_at))
    [[ $lost -le $lost_max ]] || lost_max=$lost
  fi
  cache_note=""
  if [[ $kind == cache-* ]]; then
    post=$(python3 "$HELPER" cache-check "$CACHE")
    if [[ $post != "ok "* ]] || compgen -G "$CACHE/*.bin.tmp" >/dev/null; then
      fail "round $round: cache not clean after the rebuild: $post"
      ok=0
    fi
    built=$(grep -hoE '[0-9]+ reused, [0-9]+ computed|reused [0-9]+, computed [0-9]+' \
      "$log.prepare.out" "$log.out" 2>/dev/null | head -1 || true)
    cache_note=", cache after kill: ${cache_state%% *}, rebuilt: $built"
  fi
  if [[ $ok -eq 1 ]]; then passes=$((passes + 1)); fi
  printf 'round %2d %-13s kill at %5s ms (%s)%s: trainer at step %s, last completed %s -> resumed at %s%s %s\n' \
    "$round" "$kind" "$killed_ms" "$trigger" "${landed:+ $landed}" "$reached" "$watched" \
    "${resumed_at:-?}" "$cache_note" "$([[ $ok -eq 1 ]] && echo ok || echo FAIL)"
done

# Full disk during a checkpoint: a file-size limit, then a tmpfs too small for the next one.
disk_pass=0 disk_total=0
# NAME RUN (as the failed run named it) KEPT (where it is now) RC LOG SUM REASON STEP: exit 1 with
# an error naming RUN's last.pt and REASON, last.pt unchanged (SUM), no temp file, and a resume
# of KEPT starts from STEP.
full_disk_check() {
  local name=$1 run=$2 kept=$3 rc=$4 log=$5 sum_before=$6 reason=$7 step=$8 ok=1 rrc=0
  disk_total=$((disk_total + 1))
  [[ $rc -eq 1 ]] || { fail "$name: exit status $rc, expected 1"; ok=0; }
  grep -q "audiogan: error: .*$run/checkpoints/last.pt.*$reason" "$log.err" ||
    { fail "$name: no error naming $run/checkpoints/last.pt and '$reason': $(tail -2 "$log.err")"; ok=0; }
  [[ "$(sha256sum <"$kept/checkpoints/last.pt")" == "$sum_before" ]] ||
    { fail "$name: last.pt changed"; ok=0; }
  if compgen -G "$kept/checkpoints/*.tmp.*" >/dev/null; then
    fail "$name: temp file left: $(ls "$kept"/checkpoints/*.tmp.*)"
    ok=0
  fi
  "$BIN" train --resume "$kept" --time-budget 1 >"$log.resume.out" 2>"$log.resume.err" || rrc=$?
  if [[ $rrc -ne 0 ]] || ! grep -q "resuming at .* step $step\$" "$log.resume.out"; then
    fail "$name: resume from the kept checkpoint failed (rc $rrc): $(tail -1 "$log.resume.err")"
    ok=0
  fi
  echo "full disk ($name): exit $rc, \"$(grep -o 'audiogan: error: .*' "$log.err" | head -1)\"; previous checkpoint (step $step) intact and resumed: $([[ $ok -eq 1 ]] && echo ok || echo FAIL)"
  if [[ $ok -eq 1 ]]; then disk_pass=$((disk_pass + 1)); fi
}

ckpt_bytes=$(stat -c %s "$RUN/checkpoints/last.pt")
DISK=$WORK/disk-ulimit
cp -a "$RUN" "$DISK"
sum=$(sha256sum <"$DISK/checkpoints/last.pt")
step=$(python3 "$HELPER" verify "$DISK/checkpoints/last.pt")
limit_kb=$((ckpt_bytes / 2048))  # half a checkpoint; far above config.toml, plots and clips
rc=0
(ulimit -f "$limit_kb"; exec "$BIN" train --resume "$DISK" --time-budget 30) \
  >"$LOGS/disk-ulimit.out" 2>"$LOGS/disk-ulimit.err" || rc=$?
full_disk_check "ulimit -f $limit_kb" "$DISK" "$DISK" "$rc" "$LOGS/disk-ulimit" "$sum" \
  "File too large" "$step"

mkdir -p "$TMPFS"
# Room for the run without its epoch checkpoints plus half a checkpoint: the next one cannot fit.
run_kb=$(du -sk --exclude='epoch_*.pt' "$RUN" | cut -f1)
tmpfs_kb=$((run_kb + ckpt_bytes / 2048))
if mount -t tmpfs -o "size=${tmpfs_kb}k" tmpfs "$TMPFS" 2>"$LOGS/tmpfs-mount.err"; then
  mkdir "$TMPFS/run"
  (cd "$RUN" && tar --exclude='checkpoints/epoch_*.pt' -cf - .) | (cd "$TMPFS/run" && tar -xf -)
  sum=$(sha256sum <"$TMPFS/run/checkpoints/last.pt")
  step=$(python3 "$HELPER" verify "$TMPFS/run/checkpoints/last.pt")
  rc=0
  "$BIN" train --resume "$TMPFS/run" --time-budget 30 \
    >"$LOGS/disk-tmpfs.out" 2>"$LOGS/disk-tmpfs.err" || rc=$?
  # A resume needs room: it is checked on a copy outside the tmpfs.
  cp -a "$TMPFS/run" "$WORK/disk-tmpfs-copy"
  umount "$TMPFS"
  full_disk_check "tmpfs of $tmpfs_kb KiB" "$TMPFS/run" "$WORK/disk-tmpfs-copy" "$rc" \
    "$LOGS/disk-tmpfs" "$sum" "No space left on device" "$step"
else
  echo "full disk (tmpfs): skipped, cannot mount a tmpfs here: $(head -1 "$LOGS/tmpfs-mount.err")"
fi

elapsed=$(($(date +%s) - started))
echo "crash-test: $passes/$COUNT resumes intact, $in_write kills inside a checkpoint write, $in_cache inside cache building, at most $lost_max steps lost as drawn (checkpoint every $CHECKPOINT_EVERY); full disk: $disk_pass/$disk_total clear errors with the previous checkpoint intact; $elapsed s"
[[ $fail_count -eq 0 && $passes -eq $COUNT && $disk_pass -eq $disk_total ]]
