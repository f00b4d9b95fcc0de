#!/usr/bin/env python3
"""Checks the source tree's two rules (docs/design.md, "The tree"):

1. Each module under src/ includes only the modules the table allows (data flows one way).
2. A header that uses LibTorch in code includes a LibTorch header itself, instead of compiling
   only through the precompiled header.

usage: scripts/check-tree.py [SRC_DIR]   exit 0 when both hold, 1 with one line per breach.
"""
import os
import re
import sys

# module -> the modules it may include (docs/design.md keeps the same table).
ALLOWED = {
    "core": set(),
    "audio": {"core"},
    "dsp": {"core"},
    "render": {"core"},
    "dist": {"core"},
    "data": {"core", "audio", "dsp"},
    "model": {"core"},
    "train": {"core", "audio", "dsp", "data", "model", "render", "dist"},
    "infer": {"core", "dsp", "model", "train"},
    "eval": {"core", "audio", "dsp", "data", "model", "render", "infer", "train"},
    "vocoder": {"core", "audio", "dsp", "data", "model", "render", "train"},
    "perf": {"core", "audio", "dsp", "model", "train", "vocoder"},
    "serve": {"core", "audio", "render", "infer"},
}
TORCH_USE = re.compile(r"\b(torch|at|c10)::")
TORCH_INCLUDE = re.compile(r"#include <(torch|ATen|c10)/")
# torch:: is declared only by <torch/...>; an ATen or c10 header alone does not give it.
TORCH_API_USE = re.compile(r"\btorch::")
TORCH_API_INCLUDE = re.compile(r"#include <torch/")
PROJECT_INCLUDE = re.compile(r'#include "(\w+)/')


def breaches(src):
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.join(root, name)
            module = os.path.relpath(path, src).split(os.sep)[0]
            lines = open(path, encoding="utf-8").read().split("\n")
            for number, line in enumerate(lines, 1):
                match = PROJECT_INCLUDE.match(line)
                if match and module in ALLOWED:
                    used = match.group(1)
                    if used != module and used not in ALLOWED[module]:
                        yield f"{path}:{number}: {module}/ may not include {used}/ ({line.strip()})"
            if name.endswith(".h") and name != "torch_pch.h":
                code = [re.sub(r"//.*", "", line) for line in lines]
                if any(TORCH_USE.search(c) for c in code) and not any(
                        TORCH_INCLUDE.match(line) for line in lines):
                    yield f"{path}: uses LibTorch but includes no LibTorch header"
                elif any(TORCH_API_USE.search(c) for c in code) and not any(
                        TORCH_API_INCLUDE.match(line) for line in lines):
                    yield f"{path}: uses torch:: but includes no <torch/...> header"


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    found = list(breaches(os.path.normpath(src)))
    for line in found:
        print(line)
    modules = {d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))}
    unknown = sorted(modules - set(ALLOWED) - {"cli"})
    for module in unknown:
        print(f"{src}/{module}: a module the table in docs/design.md does not list")
    return 1 if found or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
