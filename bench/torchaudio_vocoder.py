#!/usr/bin/python3
"""Reference figures for bench/vocoder_bench.cpp: torchaudio 0.13's own log-mel -> audio paths on
the same 128x512 log-mel of a real crash cymbal, timed, with the spectral convergence of the
result against the true linear magnitude.

    /usr/bin/python3 bench/torchaudio_vocoder.py [--max-iter 10000] [--threads 2]
"""
import argparse
import math
import time

import torch
import torchaudio

CYMBAL = "/usr/share/hydrogen/data/drumkits/ForzeeStereo/Crash18-2.wav"  # 12 s, 48 kHz
SR, N_FFT, HOP, N_MELS, FRAMES = 22050, 1024, 256, 128, 512


def spectral_convergence_db(target, wave):
    rebuilt = torch.stft(wave, N_FFT, HOP, N_FFT, torch.hann_window(N_FFT), center=True,
                         pad_mode="reflect", return_complex=True).abs()
    frames = min(target.shape[-1], rebuilt.shape[-1])
    target, rebuilt = target[..., :frames].double(), rebuilt[..., :frames].double()
    return 20 * math.log10((target - rebuilt).norm() / target.norm())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-iter", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    wave, rate = torchaudio.load(CYMBAL)
    wave = torchaudio.functional.resample(wave.mean(0), rate, SR)
    wave = wave[: (FRAMES - 1) * HOP]  # exactly 512 frames
    mel = torchaudio.transforms.MelSpectrogram(SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)
    log_mel = torch.log1p(mel(wave))  # [128, 512]
    true_mag = torch.stft(wave, N_FFT, HOP, N_FFT, torch.hann_window(N_FFT), center=True,
                          pad_mode="reflect", return_complex=True).abs()
    print(f"input: {CYMBAL} first {wave.numel() / SR:.2f} s, log-mel {tuple(log_mel.shape)}")
    griffin_lim = torchaudio.transforms.GriffinLim(n_fft=N_FFT, hop_length=HOP, power=1.0,
                                                   n_iter=32, momentum=0.99)

    start = time.perf_counter()
    out = griffin_lim(true_mag)
    print(f"GriffinLim(32) on the true magnitude: {time.perf_counter() - start:.2f} s, "
          f"SC {spectral_convergence_db(true_mag, out):.2f} dB")

    fb = mel.mel_scale.fb  # [513, 128]
    start = time.perf_counter()
    linear = (torch.linalg.pinv(fb.T) @ torch.expm1(log_mel)).clamp(min=0)
    out = griffin_lim(linear.sqrt())
    print(f"clamped pinv + GriffinLim(32): {time.perf_counter() - start:.2f} s, "
          f"SC {spectral_convergence_db(true_mag, out):.2f} dB")

    inverse = torchaudio.transforms.InverseMelScale(N_FFT // 2 + 1, N_MELS, SR,
                                                    max_iter=args.max_iter)
    start = time.perf_counter()
    linear = inverse(torch.expm1(log_mel))
    out = griffin_lim(linear.sqrt())
    print(f"InverseMelScale(max_iter={args.max_iter}) + GriffinLim(32): "
          f"{time.perf_counter() - start:.2f} s, SC {spectral_convergence_db(true_mag, out):.2f} dB")


if __name__ == "__main__":
    main()
