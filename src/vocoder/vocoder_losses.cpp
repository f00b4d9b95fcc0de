// Reconstruction losses (see vocoder_losses.h).
#include "vocoder/vocoder_losses.h"

#include "dsp/stft.h"

namespace audiogan {
namespace {

// Squared magnitude of a complex STFT, through real and imaginary parts so that the gradient
// never divides by a zero magnitude.
torch::Tensor power_of(const torch::Tensor& spectrum) {
  return torch::view_as_real(spectrum).square().sum(-1);
}

FrontendConfig stft_config(const StftResolution& r) {
  FrontendConfig config;
  config.n_fft = r.n_fft;
  config.win_length = r.win;
  config.hop_length = r.hop;
  return config;
}

// A complex STFT as its real view [..., 2] with each magnitude m replaced by sqrt(m), so loud
// bins do not outweigh the rest by their square; the floor keeps the gradient finite at 0.
torch::Tensor compressed(const torch::Tensor& spectrum) {
  torch::Tensor parts = torch::view_as_real(spectrum);  // [B, K, F, 2]
  return parts * (parts.square().sum(-1, /*keepdim=*/true) + 1e-8).pow(-0.25);
}

// x[i] conj(x[i-1]) along `axis` of real views [..., 2]: [..., n - 1 along axis, ..., 2].
torch::Tensor neighbour_products(const torch::Tensor& x, int64_t axis) {
  const int64_t n = x.size(axis);
  torch::Tensor a = x.narrow(axis, 1, n - 1), b = x.narrow(axis, 0, n - 1);
  torch::Tensor a_re = a.select(-1, 0), a_im = a.select(-1, 1);
  torch::Tensor b_re = b.select(-1, 0), b_im = b.select(-1, 1);
  return torch::stack({a_re * b_re + a_im * b_im, a_im * b_re - a_re * b_im}, -1);
}

}  // namespace

const std::vector<StftResolution>& default_stft_resolutions() {
  static const std::vector<StftResolution> resolutions = {
      {512, 128, 512}, {1024, 256, 1024}, {2048, 512, 2048}};
  return resolutions;
}

torch::Tensor stft_magnitude(const torch::Tensor& waveform, const StftResolution& resolution) {
  return torch::sqrt(power_of(dsp::stft(waveform, stft_config(resolution))).clamp_min(1e-7));
}

MultiResolutionStftLoss multi_resolution_stft_loss(const torch::Tensor& prediction,
                                                   const torch::Tensor& target,
                                                   const std::vector<StftResolution>& resolutions) {
  TORCH_CHECK(prediction.sizes() == target.sizes(),
              "multi_resolution_stft_loss: expected equal shapes, got ", prediction.sizes(),
              " and ", target.sizes());
  MultiResolutionStftLoss loss;
  loss.spectral_convergence = torch::zeros({}, prediction.options());
  loss.log_magnitude = torch::zeros({}, prediction.options());
  for (const auto& resolution : resolutions) {
    torch::Tensor p = stft_magnitude(prediction, resolution);  // [B, K, F]
    torch::Tensor t = stft_magnitude(target.detach(), resolution);
    loss.spectral_convergence =
        loss.spectral_convergence + (t - p).norm() / t.norm().clamp_min(1e-7);
    loss.log_magnitude = loss.log_magnitude + (t.log() - p.log()).abs().mean();
  }
  const double count = static_cast<double>(resolutions.size());
  loss.spectral_convergence = loss.spectral_convergence / count;
  loss.log_magnitude = loss.log_magnitude / count;
  return loss;
}

torch::Tensor mel_l1_loss(const torch::Tensor& prediction, const torch::Tensor& target,
                          const FrontendConfig& frontend, const torch::Tensor& filterbank) {
  const auto log_mel = [&](const torch::Tensor& waveform) {
    torch::Tensor power = power_of(dsp::stft(waveform, frontend));         // [B, K, F]
    torch::Tensor mel = torch::matmul(power.transpose(1, 2), filterbank);  // [B, F, n_mels]
    // Magnitude, as HiFi-GAN's mel loss: half the log of the power.
    return 0.5 * torch::log(mel.clamp_min(1e-10));
  };
  return (log_mel(prediction) - log_mel(target.detach())).abs().mean();
}

torch::Tensor phase_derivative_loss(const torch::Tensor& prediction, const torch::Tensor& target,
                                    const FrontendConfig& frontend) {
  TORCH_CHECK(prediction.sizes() == target.sizes(),
              "phase_derivative_loss: expected equal shapes, got ", prediction.sizes(), " and ",
              target.sizes());
  torch::Tensor p = compressed(dsp::stft(prediction, frontend));  // [B, K, F, 2]
  torch::Tensor t = compressed(dsp::stft(target.detach(), frontend));
  torch::Tensor loss = torch::zeros({}, p.options());
  for (const int64_t axis : {2, 1}) {  // time (instantaneous frequency), frequency (group delay)
    torch::Tensor reference = neighbour_products(t, axis);
    loss =
        loss + (neighbour_products(p, axis) - reference).norm() / reference.norm().clamp_min(1e-7);
  }
  return loss / 2.0;
}

}  // namespace audiogan
