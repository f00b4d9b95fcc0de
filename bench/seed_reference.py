#!/usr/bin/python3
"""The seeds' architecture (--arch seed) in PyTorch's Python API, timing the same GAN training
step as bench/model_bench.cpp's BM_TrainingStep, so C++ and Python can be compared on one
machine. Run with Debian's python3-torch (torch 1.13):

    /usr/bin/python3 bench/seed_reference.py --threads 2 --batch 32 --frames 512 --width 64

Prints one JSON line per mode (fp32, bf16) with seconds per step and samples/s.
"""
import argparse
import json
import time

import torch
from torch import nn


class SeedGenerator(nn.Module):
    """z + one-hot label -> Linear -> 8w x n/16 x f/16 -> 4 ConvTranspose2d(k4, s2, p1) -> tanh."""

    def __init__(self, classes, latent, width, n_mels, frames):
        super().__init__()
        self.classes, self.width = classes, width
        self.h0, self.w0 = n_mels // 16, frames // 16
        self.fc = nn.Linear(latent + classes, 8 * width * self.h0 * self.w0)
        w = width
        self.net = nn.Sequential(
            nn.ConvTranspose2d(8 * w, 4 * w, 4, 2, 1), nn.BatchNorm2d(4 * w), nn.ReLU(),
            nn.ConvTranspose2d(4 * w, 2 * w, 4, 2, 1), nn.BatchNorm2d(2 * w), nn.ReLU(),
            nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.Tanh())

    def forward(self, z, labels):
        one_hot = nn.functional.one_hot(labels, self.classes).to(z.dtype)
        x = self.fc(torch.cat([z, one_hot], 1)).view(-1, 8 * self.width, self.h0, self.w0)
        return self.net(x)


class SeedDiscriminator(nn.Module):
    """[spectrogram, Embedding label map] -> 4 Conv2d(k4, s2, p1) + LeakyReLU(0.2) -> PatchGAN."""

    def __init__(self, classes, width, n_mels, frames):
        super().__init__()
        self.n_mels, self.frames = n_mels, frames
        self.label_map = nn.Embedding(classes, n_mels * frames)
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(2, w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * w, 4 * w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(4 * w, 8 * w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(8 * w, 1, 4, 1, 1))

    def forward(self, x, labels):
        m = self.label_map(labels).view(-1, 1, self.n_mels, self.frames).to(x.dtype)
        return self.net(torch.cat([x, m], 1)).flatten(1)


def time_steps(args, bf16):
    torch.manual_seed(0)
    g = SeedGenerator(args.classes, args.latent, args.width, args.n_mels, args.frames)
    d = SeedDiscriminator(args.classes, args.width, args.n_mels, args.frames)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(args.batch, 1, args.n_mels, args.frames) * 2 - 1
    labels = torch.randint(args.classes, (args.batch,))
    bce = nn.functional.binary_cross_entropy_with_logits

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            fake = g(torch.randn(args.batch, args.latent), labels)
            opt_d.zero_grad()
            out_real, out_fake = d(real, labels), d(fake.detach(), labels)
            d_loss = bce(out_real, torch.ones_like(out_real)) + bce(out_fake, torch.zeros_like(out_fake))
            d_loss.backward()
            opt_d.step()
            opt_g.zero_grad()
            out = d(fake, labels)
            g_loss = bce(out, torch.ones_like(out))
            g_loss.backward()
            opt_g.step()
        return g_loss.item()

    step()  # warm-up: oneDNN primitive creation, allocator
    times, cpu_times = [], []
    for _ in range(args.steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)  # all threads, like Google Benchmark's CPU column
    times.sort()
    median = times[len(times) // 2]
    return {"impl": "python", "arch": "seed", "amp": "bf16" if bf16 else "fp32",
            "threads": torch.get_num_threads(), "batch": args.batch, "width": args.width,
            "n_mels": args.n_mels, "frames": args.frames, "steps": args.steps,
            "median_s_per_step": round(median, 4), "min_s_per_step": round(times[0], 4),
            "median_cpu_s_per_step": round(sorted(cpu_times)[len(cpu_times) // 2], 4),
            "samples_per_s": round(args.batch / median, 2), "torch": torch.__version__}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--n-mels", dest="n_mels", type=int, default=128)
    p.add_argument("--frames", type=int, default=512)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--latent", type=int, default=100)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--amp", choices=["fp32", "bf16", "both"], default="both")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    modes = {"fp32": [False], "bf16": [True], "both": [False, True]}[args.amp]
    for bf16 in modes:
        print(json.dumps(time_steps(args, bf16)), flush=True)


if __name__ == "__main__":
    main()
