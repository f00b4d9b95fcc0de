#!/usr/bin/python3
"""Builds the example drum dataset from Debian's hydrogen-drumkits (stdlib only).

Each kit's drumkit.xml names its instruments and their sample files; an instrument's name
decides its class (kick, snare, hihat, tom, cymbal, clap, ...). Names that fit no class or
more than one are dropped. Whole kits go to test/ so test sounds come from kits never seen in
training. Output is deterministic and the script is idempotent (a stamp file records what was
built).

With --val, whole kits of the training side also go to val/ (held out of train/), so recipe
settings can be chosen on kits that neither training nor the reported test split saw; test/ is
the same with or without it.

usage: example_data.py OUT_DIR [--kits DIR] [--val] [--list]
"""
import argparse
import hashlib
import itertools
import json
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET

VERSION = 1
DEFAULT_KITS = "/usr/share/hydrogen/data/drumkits"
AUDIO_EXTENSIONS = {".wav", ".flac", ".aiff", ".aif", ".ogg"}
TEST_FRACTION = 0.22
VAL_FRACTION = 0.15  # of the kits left for training, with --val
MIN_CLASS_FILES = 12

# (class, pattern) in priority order: the first match wins, so "ride bell" is a cymbal and
# "hi hat" never reaches the tom rule. Patterns match the lower-cased instrument name.
RULES = [
    ("drop", r"roll|stick|rim ?click|click|\bfx\b|zap|whistle|swish|choke|flink|(?<!bass )\bdrum \d|"
             r"^\d+$|sample:|^[a-g]#?\d - *$"),
    ("hihat", r"\bhh\b|\bohh\b|hi-?hat|hihat|hi hat|\bhat\b"),
    ("cymbal", r"crash|ride|china|splash|cymbal|cup"),
    ("clap", r"clap"),
    ("snare", r"snare"),
    ("kick", r"kick|bass ?drum"),
    ("tom", r"\btom"),
]


def classify(name):
    """Returns the class of an instrument name, or None when it fits no class."""
    lowered = name.strip().lower()
    for label, pattern in RULES:
        if re.search(pattern, lowered):
            return None if label == "drop" else label
    return None


def kit_slug(kit_name):
    return re.sub(r"[^A-Za-z0-9]+", "-", kit_name).strip("-").lower()


def read_kit(kit_dir):
    """Returns [(class, absolute sample path)] for one kit; a file claimed by two classes is
    ambiguous and dropped."""
    tree = ET.parse(os.path.join(kit_dir, "drumkit.xml"))
    claims = {}
    for instrument in tree.iter():
        if instrument.tag.split("}")[-1] != "instrument":
            continue
        name_node = next((c for c in instrument if c.tag.split("}")[-1] == "name"), None)
        label = classify(name_node.text or "") if name_node is not None else None
        for node in instrument.iter():
            if node.tag.split("}")[-1] != "filename" or not node.text:
                continue
            path = os.path.join(kit_dir, node.text.strip())
            if os.path.splitext(path)[1].lower() not in AUDIO_EXTENSIONS:
                continue
            if not os.path.isfile(path) or "empty" in os.path.basename(path).lower():
                continue
            claims.setdefault(path, set()).add(label)
    return sorted((next(iter(labels)), path) for path, labels in claims.items()
                  if len(labels) == 1 and None not in labels)


def choose_test_kits(kits, fraction=TEST_FRACTION):
    """Picks about `fraction` of the kits for test (or val), deterministically: of every set of
    that many kits, the one that gives it every class, then the share of files nearest
    `fraction`, then the first in the order of the kits' SHA-1 names."""
    names = sorted(kits, key=lambda k: hashlib.sha1(k.encode()).hexdigest())
    count = max(1, round(len(names) * fraction))
    all_classes = set(c for k in names for c, _ in kits[k])
    total = sum(len(kits[k]) for k in names)

    def score(subset):
        classes = set(c for k in subset for c, _ in kits[k])
        share = sum(len(kits[k]) for k in subset) / total
        return (len(all_classes - classes), abs(share - fraction))

    return set(min(itertools.combinations(names, count), key=score))


def drop_duplicates(kits):
    """The same recording in two kits would leak test sounds into train: keep its first copy."""
    seen = set()
    for kit in sorted(kits):
        unique = []
        for label, path in kits[kit]:
            with open(path, "rb") as data:
                digest = hashlib.sha256(data.read()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                unique.append((label, path))
        kits[kit] = unique
    return kits


def drop_small_classes(kits):
    """A class with too few recordings cannot be learnt: drop it everywhere."""
    counts = {}
    for samples in kits.values():
        for label, _ in samples:
            counts[label] = counts.get(label, 0) + 1
    keep = {label for label, n in counts.items() if n >= MIN_CLASS_FILES}
    return {k: [(c, p) for c, p in v if c in keep] for k, v in kits.items()}


def plan(kits_root, with_val=False):
    kits = {}
    for entry in sorted(os.listdir(kits_root)):
        kit_dir = os.path.join(kits_root, entry)
        if os.path.isfile(os.path.join(kit_dir, "drumkit.xml")):
            kits[entry] = read_kit(kit_dir)
    kits = drop_small_classes(drop_duplicates(kits))
    kits = {k: v for k, v in kits.items() if v}
    if not kits:
        sys.exit(f"example-data: no drum kit with usable samples under {kits_root} "
                 "(install hydrogen-drumkits)")
    test_kits = choose_test_kits(kits)
    val_kits = set()
    if with_val:
        val_kits = choose_test_kits({k: v for k, v in kits.items() if k not in test_kits},
                                    VAL_FRACTION)
    manifest = []
    for kit, samples in sorted(kits.items()):
        split = "test" if kit in test_kits else "val" if kit in val_kits else "train"
        for label, source in samples:
            target = os.path.join(split, label, kit_slug(kit) + "__" + os.path.basename(source))
            manifest.append((target, source))
    return sorted(manifest), sorted(test_kits), sorted(val_kits)


def stamp_of(manifest):
    digest = hashlib.sha256(str(VERSION).encode())
    for target, source in manifest:
        info = os.stat(source)
        digest.update(f"{target}\0{source}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def synchronise(out_dir, manifest):
    """Copies what is missing or differs (mtime kept, so a spectrogram cache stays valid) and
    removes files under train/, val/ and test/ that are no longer in the manifest."""
    wanted = set()
    for target, source in manifest:
        destination = os.path.join(out_dir, target)
        wanted.add(os.path.normpath(destination))
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        src, dst = os.stat(source), os.stat(destination) if os.path.exists(destination) else None
        if dst is None or dst.st_size != src.st_size or dst.st_mtime_ns != src.st_mtime_ns:
            temporary = destination + ".part"
            shutil.copy2(source, temporary)
            os.replace(temporary, destination)
    for split in ("train", "val", "test"):
        for folder, _, files in os.walk(os.path.join(out_dir, split), topdown=False):
            for name in files:
                path = os.path.normpath(os.path.join(folder, name))
                if path not in wanted:
                    os.remove(path)
            if not os.listdir(folder):
                os.rmdir(folder)


def print_counts(manifest, test_kits, val_kits):
    splits = ["train", "val", "test"] if val_kits else ["train", "test"]
    counts = {}
    for target, _ in manifest:
        split, label = target.split(os.sep)[:2]
        counts.setdefault(label, {s: 0 for s in splits})[split] += 1
    print(f"{'class':<8} " + " ".join(f"{s:>6}" for s in splits))
    for label in sorted(counts):
        print(f"{label:<8} " + " ".join(f"{counts[label][s]:>6}" for s in splits))
    print(f"{'total':<8} " + " ".join(f"{sum(c[s] for c in counts.values()):>6}" for s in splits))
    if val_kits:
        print("val kits: " + ", ".join(val_kits))
    print("test kits: " + ", ".join(test_kits))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--kits", default=DEFAULT_KITS, help="hydrogen drumkits folder")
    parser.add_argument("--val", action="store_true",
                        help="also hold whole training kits out into val/ (off by default)")
    parser.add_argument("--list", action="store_true", help="print the plan, copy nothing")
    args = parser.parse_args()
    if not os.path.isdir(args.kits):
        sys.exit(f"example-data: {args.kits} not found (install hydrogen-drumkits)")
    manifest, test_kits, val_kits = plan(args.kits, args.val)
    if args.list:
        for target, source in manifest:
            print(f"{target}\t{source}")
        print_counts(manifest, test_kits, val_kits)
        return
    stamp_path = os.path.join(args.out_dir, ".example-data-stamp")
    stamp = stamp_of(manifest)
    if os.path.exists(stamp_path) and open(stamp_path).read().strip() == stamp and all(
            os.path.exists(os.path.join(args.out_dir, t)) for t, _ in manifest):
        print(f"example-data: {args.out_dir} is up to date")
    else:
        os.makedirs(args.out_dir, exist_ok=True)
        synchronise(args.out_dir, manifest)
        with open(stamp_path + ".tmp", "w") as out:
            out.write(stamp + "\n")
        os.replace(stamp_path + ".tmp", stamp_path)
        with open(os.path.join(args.out_dir, "manifest.json"), "w") as out:
            record = {"version": VERSION, "test_kits": test_kits}
            if val_kits:
                record["val_kits"] = val_kits
            record["files"] = [{"path": t, "source": s} for t, s in manifest]
            json.dump(record, out, indent=1)
        print(f"example-data: built {args.out_dir}")
    print_counts(manifest, test_kits, val_kits)


if __name__ == "__main__":
    main()
