#!/usr/bin/python3
"""Writes the torchaudio 0.13 reference fixtures of the log-mel front end and Griffin-Lim into
tests/fixtures/dsp/ (float32 .npy). Run with Debian's python3 (python3-torch 1.13,
python3-torchaudio 0.13):  /usr/bin/python3 scripts/make-dsp-fixtures.py

The exact input waveforms are stored too, so the C++ tests never depend on resampling.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torchaudio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "dsp")
KITS = "/usr/share/hydrogen/data/drumkits"
DRUM = os.path.join(KITS, "Millo_MultiLayered2", "jsnare_01.flac")  # a real snare hit

# name: (sample_rate, n_fft, win_length, hop, n_mels, f_min, f_max (0 = sr/2), mel_scale, norm)
CONFIGS = {
    "htk_none": (22050, 1024, 1024, 256, 128, 0.0, 0.0, "htk", "none"),
    "htk_slaney": (22050, 1024, 1024, 256, 128, 0.0, 0.0, "htk", "slaney"),
    "slaney_none": (22050, 1024, 1024, 256, 128, 0.0, 0.0, "slaney", "none"),
    "slaney_slaney": (22050, 1024, 1024, 256, 128, 0.0, 0.0, "slaney", "slaney"),
    "custom": (22050, 512, 400, 160, 64, 50.0, 8000.0, "htk", "none"),
    "sr16k": (16000, 512, 512, 128, 80, 20.0, 0.0, "slaney", "slaney"),
}


def save(name, tensor):
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(tensor.detach().numpy(), dtype=np.float32))


def drum(sample_rate, seconds):
    wave, rate = torchaudio.load(DRUM)
    wave = wave.mean(0)
    wave = torchaudio.functional.resample(wave, rate, sample_rate)
    return wave[: int(seconds * sample_rate)].contiguous()


def chirp(sample_rate, seconds):
    t = torch.arange(int(seconds * sample_rate), dtype=torch.float64) / sample_rate
    f0, f1 = 60.0, 0.45 * sample_rate  # exponential sweep over nearly the whole band
    k = math.log(f1 / f0) / seconds
    phase = 2 * math.pi * f0 * (torch.exp(k * t) - 1) / k
    return (0.5 * torch.sin(phase)).float()


def mel_transform(c):
    sr, n_fft, win, hop, n_mels, f_min, f_max, scale, norm = c
    return torchaudio.transforms.MelSpectrogram(
        sample_rate=sr, n_fft=n_fft, win_length=win, hop_length=hop, f_min=f_min,
        f_max=f_max if f_max > 0 else None, n_mels=n_mels, power=2.0, center=True,
        pad_mode="reflect", norm=None if norm == "none" else norm, mel_scale=scale)


def main():
    os.makedirs(OUT, exist_ok=True)
    signals = {}
    for rate in sorted({c[0] for c in CONFIGS.values()}):
        signals[rate] = {"drum": drum(rate, 0.6), "chirp": chirp(rate, 0.5)}
        for kind, wave in signals[rate].items():
            save(f"wave_{kind}_{rate}", wave)
    manifest = {}
    for name, c in CONFIGS.items():
        transform = mel_transform(c)
        save(f"fb_{name}", transform.mel_scale.fb)  # [n_freqs, n_mels]
        for kind, wave in signals[c[0]].items():
            save(f"logmel_{name}_{kind}", torch.log1p(transform(wave)))  # [n_mels, frames]
        batch = torch.stack([signals[c[0]]["drum"][:8000], signals[c[0]]["chirp"][:8000]])
        save(f"logmel_{name}_batch", torch.log1p(transform(batch)))  # [2, n_mels, frames]
        manifest[name] = dict(zip(
            ["sample_rate", "n_fft", "win_length", "hop_length", "n_mels", "f_min", "f_max",
             "mel_scale", "mel_norm"], c))

    # Griffin-Lim reference: zero-phase init makes torchaudio's result deterministic.
    wave = signals[22050]["drum"]
    window = torch.hann_window(1024)
    magnitude = torch.stft(wave, 1024, 256, 1024, window, center=True, pad_mode="reflect",
                           return_complex=True).abs()
    save("gl_magnitude", magnitude)  # [513, frames]
    for momentum in (0.99, 0.0):
        out = torchaudio.functional.griffinlim(magnitude, window, 1024, 256, 1024, power=1.0,
                                               n_iter=32, momentum=momentum, length=None,
                                               rand_init=False)
        save(f"gl_zero_init_m{int(momentum * 100)}", out)  # [T]
    with open(os.path.join(OUT, "configs.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
