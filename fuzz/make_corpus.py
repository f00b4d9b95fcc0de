#!/usr/bin/python3
"""Writes the fuzz harnesses' seed corpus (fuzz/corpus/<harness>/): small real files of each
format audiogan reads, and broken ones next to them, so libFuzzer starts from inputs that reach
deep into each reader. Run with Debian's /usr/bin/python3 (numpy); needs sox and the drum kits
(hydrogen-drumkits). The corpus is committed; rerun this only to change it.

usage: fuzz/make_corpus.py [OUT_DIR]   (default: fuzz/corpus beside this script)
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
KIT = "/usr/share/hydrogen/data/drumkits"


def write(harness, name, data):
    folder = os.path.join(OUT, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def sox(args, harness, name):
    """Runs sox (input, output options..., effects as one string last) into a temp file, then
    stores its bytes in the corpus."""
    path = os.path.join(OUT, ".tmp-" + name)
    subprocess.run(["sox"] + args[:-1] + [path] + args[-1].split(), check=True)
    with open(path, "rb") as f:
        write(harness, name, f.read())
    os.remove(path)


def audio():
    # Real drum hits, cut to 50 ms so each execution stays fast: 16-bit WAV, FLAC, 24-bit,
    # stereo, 8 kHz (resampled on read), float WAV, AIFF, Ogg Vorbis.
    wav = os.path.join(KIT, "Audiophob", "99931__menegass__noise-tom1.wav")
    flac = os.path.join(KIT, "ElectricEmpireKit", "EE_Kick_Low_1.flac")
    sox([wav, "-b", "16", "-c", "1", "trim 0 0.05"], "audio", "tom16.wav")
    sox([flac, "-b", "16", "trim 0 0.05"], "audio", "kick.flac")
    sox([wav, "-b", "24", "-c", "2", "trim 0 0.03"], "audio", "tom24-stereo.wav")
    sox([wav, "-r", "8000", "-c", "1", "trim 0 0.05"], "audio", "tom-8k.wav")
    sox([wav, "-e", "floating-point", "-b", "32", "-c", "1", "trim 0 0.02"], "audio",
        "tom-float.wav")
    sox([wav, "-c", "1", "trim 0 0.02"], "audio", "tom.aiff")
    sox([wav, "-c", "1", "trim 0 0.1"], "audio", "tom.ogg")
    with open(os.path.join(OUT, "audio", "tom16.wav"), "rb") as f:
        good = f.read()
    write("audio", "truncated.wav", good[: len(good) // 2])
    write("audio", "header-only.wav", good[:44])
    write("audio", "bad-rate.wav", good[:24] + struct.pack("<I", 0) + good[28:])
    write("audio", "empty.wav", b"")
    write("audio", "text.wav", "not audio at all\n")


def npy():
    folder = os.path.join(OUT, "npy")
    os.makedirs(folder, exist_ok=True)
    mel = np.linspace(-1, 1, 4 * 6, dtype=np.float32).reshape(4, 6)
    arrays = {
        "c-f4.npy": mel,
        "fortran-f4.npy": np.asfortranarray(mel),
        "f8.npy": mel.astype(np.float64),
        "f2.npy": mel.astype(np.float16),
        "big-endian-f4.npy": mel.astype(">f4"),
        "batch-3d.npy": np.stack([mel, -mel]),
        "int16.npy": (mel * 100).astype(np.int16),
        "complex.npy": mel.astype(np.complex64),
        "empty.npy": np.zeros((0, 6), np.float32),
        "scalar.npy": np.float32(1.5),
    }
    for name, array in arrays.items():
        np.save(os.path.join(folder, name), array)
    with open(os.path.join(folder, "c-f4.npy"), "rb") as f:
        good = f.read()
    write("npy", "truncated.npy", good[:-7])
    write("npy", "header-only.npy", good[:10])
    write("npy", "bad-shape.npy", good.replace(b"(4, 6)", b"(4, 9)"))
    write("npy", "version-3.npy", b"\x93NUMPY\x03\x00" + good[8:])


def config():
    for name in sorted(os.listdir(os.path.join(HERE, "..", "configs"))):
        with open(os.path.join(HERE, "..", "configs", name), "rb") as f:
            write("config", name, f.read())
    write("config", "train.toml",
          "[train]\nseed = 3\nbatch = 8\nloss = \"wgan-gp\"\nattention = \"16\"\n"
          "lengths = \"variable\"\nbuckets = 3\n")
    write("config", "frontend.toml",
          "[frontend]\nsample_rate = 16000\nn_fft = 512\nhop_length = 128\nn_mels = 64\n")
    write("config", "out-of-range.toml", "[frontend]\nn_fft = 4294968320\n[train]\nseed = -1\n")
    write("config", "unknown-key.toml", "[train]\nnot_a_key = 1\n")
    write("config", "syntax.toml", "[train\nbatch = = 3\n")


def checkpoint():
    # The framing of audiogan-ckpt files: magic, payload size, audiogan's FNV-1a 64 of the
    # payload (src/core/hash.h: FNV's prime, but its own offset basis).
    def fnv1a64(data):
        h = 1469598103934665603
        for b in data:
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        return h

    def framed(payload):
        return (b"AUDIOGAN-CKPT-01" + struct.pack("<QQ", len(payload), fnv1a64(payload)) +
                payload)

    payload = b"PK\x03\x04 a tiny stand-in for a LibTorch archive"
    write("checkpoint", "framed.pt", framed(payload))
    write("checkpoint", "truncated.pt", framed(payload)[:-5])
    damaged = bytearray(framed(payload))
    damaged[-1] ^= 0xFF
    write("checkpoint", "bad-checksum.pt", bytes(damaged))
    write("checkpoint", "export.pt", b"PK\x03\x04 a TorchScript zip has no magic")
    write("checkpoint", "empty.pt", b"")


def cache_index():
    entry = {"class": 0, "class_name": "kick", "content_frames": 19, "mtime_ns": 1338629327 * 10**9,
             "path": "/data/train/kick/a.wav", "size": 57830, "source_seconds": 0.218}
    index = {"class_names": ["kick", "snare"], "data_file": "logmel-0123456789abcdef.1.bin",
             "dtype": "float16", "entries": [entry, dict(entry, **{"class": 1,
                                                                    "class_name": "snare",
                                                                    "path": "/data/b.wav"})],
             "failed": [{"path": "/data/train/kick/broken.wav", "reason": "not audio"}],
             "frames": 96, "n_mels": 128, "layout": "[N, n_mels, frames] row-major",
             "frontend": "sample_rate=22050 n_fft=1024 win_length=1024 hop_length=256 "
                         "n_mels=128 f_min=0 f_max=0 mel_scale=htk mel_norm=none frames=96",
             "split_dir": "/data/train", "version": 1}
    write("cache_index", "index.json", json.dumps(index, indent=1))
    write("cache_index", "no-entries.json", json.dumps(dict(index, entries=[], failed=[])))
    write("cache_index", "wrong-version.json", json.dumps(dict(index, version=99)))
    write("cache_index", "negative-frames.json", json.dumps(dict(index, frames=-4)))
    write("cache_index", "truncated.json", json.dumps(index)[:200])
    write("cache_index", "not-json.json", "index")


def generate_request():
    bodies = {
        "minimal.json": {"run": "drums", "class": "kick"},
        "full.json": {"run": "drums", "checkpoint": "last.pt", "class": "3", "count": 4,
                      "seed": 12345, "truncation": 0.85, "seconds": 1.5},
        "nulls.json": {"run": "drums", "class": "kick", "seed": None, "truncation": None,
                       "seconds": None},
        "too-many.json": {"run": "drums", "class": "kick", "count": 17},
        "bad-seed.json": {"run": "drums", "class": "kick", "seed": -1},
        "unknown-field.json": {"run": "drums", "class": "kick", "volume": 11},
        "array.json": ["run", "class"],
    }
    for name, body in bodies.items():
        write("generate_request", name, json.dumps(body))
    write("generate_request", "not-json.json", "{\"run\": ")
    write("generate_request", "bad-utf8.json", b"{\"run\": \"\xff\xfe\", \"class\": 1}")


def clear_generated():
    """Removes what this script wrote before; inputs named found-* stay: each is a fuzzing
    finding, fixed and kept as a regression seed (docs/reliability.md)."""
    for harness in os.listdir(OUT):
        folder = os.path.join(OUT, harness)
        for name in os.listdir(folder):
            if not name.startswith("found-"):
                os.remove(os.path.join(folder, name))


if __name__ == "__main__":
    if os.path.isdir(OUT):
        clear_generated()
    os.makedirs(OUT, exist_ok=True)
    for make in (audio, npy, config, checkpoint, cache_index, generate_request):
        make()
    for harness in sorted(os.listdir(OUT)):
        print(f"{harness}: {len(os.listdir(os.path.join(OUT, harness)))} files")
