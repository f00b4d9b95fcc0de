#!/usr/bin/python3
"""What limits a vocoder's spectral convergence on a dataset: the mel or the phase. For a few
test clips, re-synthesises each from (magnitude, phase) pairs and measures spectral convergence
(SC) against the original waveform on the front end's linear STFT (n_fft 1024, hop 256, as
audiogan's evaluator):

- the NNLS mel-inverted magnitude with the original's phase (the mel's own limit),
- the same magnitude with plain Griffin-Lim's phase (32 iterations from a random phase),
- the original magnitude with random phase (what a phase with no information gives).

    /usr/bin/python3 bench/phase_oracle.py data/digits-b/test [--clips 12] [--seed 0]
"""
import argparse
import glob
import math
import os
import random

import torch
import torchaudio

SR, N_FFT, HOP, N_MELS = 22050, 1024, 256, 128
WINDOW = torch.hann_window(N_FFT)
FILTERBANK = torchaudio.transforms.MelScale(n_mels=N_MELS, sample_rate=SR, n_stft=N_FFT // 2 + 1,
                                            mel_scale="htk", norm=None).fb  # [K, M]


def stft(wave):
    return torch.stft(wave, N_FFT, HOP, N_FFT, WINDOW, center=True, pad_mode="reflect",
                      return_complex=True)


def istft(spectrum, length):
    return torch.istft(spectrum, N_FFT, HOP, N_FFT, WINDOW, center=True, length=length)


def spectral_convergence_db(reference, estimate):
    r, e = stft(reference).abs().double(), stft(estimate).abs().double()
    return 20 * math.log10(((r - e).norm() / r.norm()).item())


def nnls_magnitude(mel_power, iterations=200):
    """Non-negative least squares for fb^T X = M by accelerated projected gradient."""
    fb = FILTERBANK
    lipschitz = torch.linalg.eigvalsh(fb.t() @ fb).max().item() * 1.01
    x = (torch.linalg.pinv(fb.t()) @ mel_power).clamp_min(0)
    y, t = x.clone(), 1.0
    for _ in range(iterations):
        step = (y - (fb @ (fb.t() @ y) - fb @ mel_power) / lipschitz).clamp_min(0)
        t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
        y, x, t = step + (t - 1) / t_next * (step - x), step, t_next
    return x.sqrt()


def griffin_lim_phase(magnitude, length, iterations=32):
    phase = torch.exp(2j * math.pi * torch.rand(magnitude.shape))
    for _ in range(iterations):
        rebuilt = stft(istft(magnitude * phase, length))
        phase = rebuilt / rebuilt.abs().clamp_min(1e-8)
    return phase


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("split", help="a split folder: SPLIT/<class>/*.wav")
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    files = sorted(glob.glob(os.path.join(args.split, "*", "*.wav")))
    if not files:
        raise SystemExit(f"phase_oracle: no .wav files under {args.split}/<class>/")
    random.Random(args.seed).shuffle(files)
    rows = {"NNLS magnitude + original phase": [], "NNLS magnitude + Griffin-Lim phase": [],
            "original magnitude + random phase": []}
    for path in files[:args.clips]:
        wave, rate = torchaudio.load(path)
        wave = torchaudio.functional.resample(wave[0], rate, SR) if rate != SR else wave[0]
        spectrum = stft(wave)
        original_phase = spectrum / spectrum.abs().clamp_min(1e-8)
        magnitude = nnls_magnitude(FILTERBANK.t() @ spectrum.abs().square())
        n = wave.shape[0]
        rows["NNLS magnitude + original phase"].append(
            spectral_convergence_db(wave, istft(magnitude * original_phase, n)))
        rows["NNLS magnitude + Griffin-Lim phase"].append(
            spectral_convergence_db(wave, istft(magnitude * griffin_lim_phase(magnitude, n), n)))
        random_phase = torch.exp(2j * math.pi * torch.rand(spectrum.shape))
        rows["original magnitude + random phase"].append(
            spectral_convergence_db(wave, istft(spectrum.abs() * random_phase, n)))
    for name, values in rows.items():
        print(f"{name:36s} SC {sum(values) / len(values):7.2f} dB  ({len(values)} clips)")


if __name__ == "__main__":
    main()
