// FLOP counts of both architectures from their layer shapes (2 x multiply-adds of the convolution
// and linear layers; normalisation, activations and pixel shuffles are not counted).
#include "core/error.h"
#include "model/gan_models.h"
#include "model/generator.h"
#include "model/spec_check.h"

namespace audiogan {

namespace {
// Conv2d with a k x k kernel producing an h x w map: every output value is in*k*k multiply-adds.
double conv(double in, double out, double k, double h, double w) {
  return 2 * in * out * k * k * h * w;
}
// ConvTranspose2d from an h x w input: every input value is scattered to out*k*k outputs.
double conv_t(double in, double out, double k, double h, double w) {
  return 2 * in * out * k * k * h * w;
}
double linear(double in, double out) {
  return 2 * in * out;
}
}  // namespace

ModelFlops count_flops(const ModelSpec& spec_in, int64_t batch) {
  const ModelSpec spec = resolve_spec(spec_in, default_width(spec_in.arch));
  const double w = spec.width, n = spec.n_mels, f = spec.frames, b = static_cast<double>(batch);
  ModelFlops flops;
  if (spec.arch == "seed") {
    double g = linear(spec.latent + spec.num_classes, 8 * w * (n / 16) * (f / 16));
    const double gc[] = {8 * w, 4 * w, 2 * w, w, 1};
    for (int i = 0; i < 4; ++i) {
      const double s = 16.0 / (1 << i);  // input at n/s x f/s
      g += conv_t(gc[i], gc[i + 1], 4, n / s, f / s);
    }
    const double dc[] = {2, w, 2 * w, 4 * w, 8 * w};
    double d = 0;
    for (int i = 0; i < 4; ++i) {
      const double s = 2.0 * (1 << i);  // output at n/s x f/s
      d += conv(dc[i], dc[i + 1], 4, n / s, f / s);
    }
    d += conv(8 * w, 1, 4, n / 16 - 1, f / 16 - 1);
    flops.generator_forward = b * g;
    flops.discriminator_forward = b * d;
  } else {
    double g = linear(spec.latent + Generator::kEmbedding, 8 * w * (n / 16) * (f / 16));
    const double gc[] = {8 * w, 4 * w, 2 * w, w, 1};
    for (int i = 0; i < 4; ++i) {
      const double s = 16.0 / (1 << i);  // sub-pixel conv runs at the input size n/s x f/s
      g += conv(gc[i], 4 * gc[i + 1], 3, n / s, f / s);
    }
    const double dc[] = {1, w, 2 * w, 4 * w, 8 * w};
    double d = linear(8 * w, 1) + linear(8 * w, 1);  // psi and the projection
    for (int i = 0; i < 4; ++i) {
      const double s = 2.0 * (1 << i);
      d += conv(dc[i], dc[i + 1], 4, n / s, f / s);
      if (i > 0) d += conv(dc[i + 1], dc[i + 1], 3, n / s, f / s);
    }
    flops.generator_forward = b * g;
    flops.discriminator_forward = b * d;
  }
  return flops;
}

}  // namespace audiogan
