"""Runs an audiogan generator export with Python's torch.jit.load and compares it with the
output the C++ generator gave for the same inputs (written by tests/train/export_test.cpp).

Usage: run_export.py DIR   (DIR holds G.pt, z.npy, labels.npy, expected.npy); exit 0 on match.
"""
import json
import sys

import numpy as np
import torch

folder = sys.argv[1]
model = torch.jit.load(f"{folder}/G.pt")
metadata = json.loads(model.metadata)
z = torch.from_numpy(np.load(f"{folder}/z.npy"))
labels = torch.from_numpy(np.load(f"{folder}/labels.npy")).long()
expected = torch.from_numpy(np.load(f"{folder}/expected.npy"))
with torch.no_grad():
    output = model(z, labels)
    log_mel = model.log_mel(z, labels)
low, high = metadata["normalisation"]["low"], metadata["normalisation"]["high"]
checks = {
    "shape": tuple(output.shape) == (z.shape[0], 1, metadata["spec"]["n_mels"], metadata["spec"]["frames"]),
    "forward": torch.allclose(output, expected, atol=1e-5, rtol=1e-5),
    "log_mel": torch.allclose(log_mel, (expected + 1) / 2 * (high - low) + low, atol=1e-5, rtol=1e-5),
    "class_names": list(model.class_names) == metadata["class_names"],
}
failed = [name for name, ok in checks.items() if not ok]
if failed:
    print("run_export.py: mismatch in " + ", ".join(failed), file=sys.stderr)
    sys.exit(1)
