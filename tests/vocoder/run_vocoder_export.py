"""Runs the vocoder bundled in an audiogan export with Python's torch.jit.load and compares its
waveform with the one audiogan's C++ vocoder gave (written by tests/vocoder/vocoder_script_test.cpp).

Usage: run_vocoder_export.py DIR   (DIR holds G.pt, log_mel.npy, expected_audio.npy); exit 0 on match.
"""
import json
import sys

import numpy as np
import torch

folder = sys.argv[1]
model = torch.jit.load(f"{folder}/G.pt")
metadata = json.loads(model.metadata)
log_mel = torch.from_numpy(np.load(f"{folder}/log_mel.npy"))
expected = torch.from_numpy(np.load(f"{folder}/expected_audio.npy"))
with torch.no_grad():
    audio = model.vocode(log_mel)
    generated = model.audio(torch.randn(2, metadata["spec"]["latent"]), torch.tensor([0, 1]))
checks = {
    "shape": audio.shape == expected.shape,
    "vocode": audio.shape == expected.shape and torch.allclose(audio, expected, atol=1e-4, rtol=1e-5),
    "audio": tuple(generated.shape) == (2, metadata["spec"]["frames"] * expected.shape[1] // log_mel.shape[2]),
    "metadata": "vocoder" in metadata and "vocode" in metadata["methods"],
}
failed = [name for name, ok in checks.items() if not ok]
if failed:
    print("run_vocoder_export.py: mismatch in " + ", ".join(failed), file=sys.stderr)
    sys.exit(1)
