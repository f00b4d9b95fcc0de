// The one configuration of audiogan: a struct per component with defaults and validation,
// read from TOML, overridden by flags, and saved with every run and checkpoint.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace audiogan {

// Log-mel front end. ref: torchaudio.transforms.MelSpectrogram followed by log1p.
struct FrontendConfig {
  int sample_rate = 22050;        // Hz, (0,inf)
  int n_fft = 1024;               // [16, 65536]
  int win_length = 1024;          // Hann window length, [1, n_fft]
  int hop_length = 256;           // [1, win_length]
  int n_mels = 128;               // [1, n_fft/2+1]
  double f_min = 0.0;             // Hz, [0, f_max)
  double f_max = 0.0;             // Hz, (f_min, sample_rate/2]; 0 means sample_rate/2
  std::string mel_scale = "htk";  // {htk, slaney}
  std::string mel_norm = "none";  // {none, slaney}
  int frames = 512;               // pad/truncate to this many frames; 0 keeps the clip's length

  double resolved_f_max() const { return f_max > 0.0 ? f_max : sample_rate / 2.0; }
  // Throws ConfigError naming the flag that is out of range.
  void validate() const;
  // One line naming every setting; equal strings mean equal spectrograms.
  std::string to_string() const;
};

// The seeds' epoch count, the limit of a run without a time budget or --epochs.
constexpr int kDefaultEpochs = 200;

// GAN training. Defaults are the seeds' hyperparameters where the seeds name one.
struct TrainConfig {
  std::string arch = "default";  // {seed, default}
  // Epochs in total, [0, inf); 0 = kDefaultEpochs (the seeds' 200) without a time budget and no
  // epoch limit with one, so a time-budgeted run is not cut short by an epoch count it never
  // asked for (see resolved_epochs).
  int epochs = 0;
  int64_t max_steps = 0;  // stop after this many steps in total; 0 = no limit
  int batch = 32;         // [1, inf)
  int width = 0;          // channel width multiplier; 0 = the arch's own default
  int latent = 100;       // latent vector size
  double lr_g = 2e-4;     // Adam learning rate of G
  double lr_d = 2e-4;     // Adam learning rate of D
  double beta1 = 0.5;
  double beta2 = 0.999;
  std::string loss;  // {bce, hinge, wgan-gp}; empty = the arch's own default
  // D updates per G update, [0, 100]; 0 = the loss's default: 5 for wgan-gp (Gulrajani et al.),
  // else 1 (see resolved_critic_steps).
  int critic_steps = 0;
  double gp_weight = 10.0;  // wgan-gp: lambda of the gradient penalty, [0, 1e4]
  double drift = 0.0;       // wgan-gp: weight of the drift term E[D(real)^2] (Karras et al.)
  // Stage heights (mel rows) that get a SAGAN self-attention block in G and D, as a comma list
  // ("32" or "32,64"); empty = none (model/attention.h).
  std::string attention;
  // Spectral norm in the default D {auto, on, off}: auto = on for default (the seed D has none);
  // off lets WGAN-GP's gradient penalty alone constrain the critic (see resolved_spectral_norm).
  std::string spectral_norm = "auto";
  // Weight of the mode-seeking term in G's loss (Mao et al. 2019); < 0 = the arch's own
  // default (see resolved_mode_seeking).
  double mode_seeking = -1;
  // What D's inputs go through (train/augment.h): "none" or a comma list of
  // {translation, cutout}; "auto" = chosen from the arch and the data's size (see
  // resolved_augment), and recorded resolved in the run's config.
  std::string augment = "auto";
  // Which classes real batches draw from: "classes" = every class equally often per epoch,
  // "none" = in proportion to the data (measured better on the example drums, EXPERIMENTS.md).
  std::string balance = "none";
  // How long the clips G makes are (docs/training.md, "Clip lengths"): "fixed" = every clip
  // [frontend] frames long (fitted to the data when 0); "variable" = each clip at its own
  // length up to the longest the data needs (frames = that longest when set), trained in
  // `buckets` length buckets with G told each clip's length (--arch default only); "auto" =
  // variable when the data's longest clips are within kAutoVariableMaxRatio of the fixed fit
  // (data/frame_fit.h) and the recipe allows it, else fixed; fixed when frames is set. A run
  // records the resolved value.
  std::string lengths = "fixed";
  int buckets = 4;  // variable lengths: bucket widths at the 1/K .. K/K length quantiles, [1, 16]
  // The vocoder of the per-epoch audio, recorded so that generate, evaluate and serve use it
  // unless told otherwise: "griffin-lim" or a `train-vocoder` checkpoint (stored as an absolute
  // path to its checkpoint file).
  std::string vocoder = "griffin-lim";
  std::string amp = "auto";     // {auto, off, bf16, fp16}
  std::string device = "auto";  // {auto, cpu, cuda}
  uint64_t seed = 0;
  int threads = 0;               // intra-op threads; 0 = every core
  int64_t checkpoint_every = 0;  // also checkpoint every N steps; 0 = once per epoch
  int keep_checkpoints = 3;      // keep the last K epoch checkpoints
  int eval_every = 0;            // run a quick evaluation every K epochs; 0 = never
  double ema_decay = 0.999;      // EMA of G's weights used for sampling; 0 disables
  double time_budget_s = 0;      // stop (and checkpoint) after this much wall time; 0 = none
  // Stop with an error after this many steps in a row whose loss or gradients were NaN or Inf
  // (each one is skipped, so the weights stay those of the last good step), [1, 1000000].
  int max_bad_steps = 20;
  // Data-parallel training (docs/training.md): --batch is per process and per micro-batch; an
  // update averages the gradients of accumulate micro-batches on each of WORLD_SIZE processes.
  int accumulate = 1;                 // micro-batches per optimiser step, [1, 1024]
  std::string dist_backend = "auto";  // {auto, gloo, nccl}; auto = nccl on CUDA, else gloo
  double dist_timeout_s = 300;        // a collective waits this long for the other ranks, (0, inf)

  void validate() const;
  std::string to_string() const;
  // mode_seeking with "the arch's default" resolved: 0 for seed (the seeds have no such term).
  double resolved_mode_seeking() const;
  // epochs with 0 resolved: kDefaultEpochs without a time budget, else 0 (= no limit).
  int resolved_epochs() const;
  int resolved_critic_steps() const;
  // attention parsed: "32,64" -> {32, 64}; throws ConfigError naming --attention.
  std::vector<int> attention_rows() const;
  // Whether D's layers are spectrally normalised: false for seed, else spectral_norm != "off".
  bool resolved_spectral_norm() const;
  // For loss "wgan-gp": the learning rates and betas still at their defaults become the WGAN-GP
  // paper's (Adam lr 1e-4, betas (0, 0.9)); values set to anything else are kept.
  void apply_loss_defaults();
  // augment with "auto" resolved for a training split of `train_clips` clips: "none" for seed;
  // for default, "translation,cutout" below kAugmentBelowClips clips, where D memorises the
  // data within the budget, else "none" (docs/design.md).
  std::string resolved_augment(int64_t train_clips) const;
};

struct Config {
  // frames = 0: training fits the frame count to the data (data/frame_fit.h).
  FrontendConfig frontend = [] {
    FrontendConfig fitted;
    fitted.frames = 0;
    return fitted;
  }();
  TrainConfig train;

  void validate() const;
  // TOML with one table per component ([frontend], [train]); unknown keys are errors.
  std::string to_toml() const;
  static Config from_toml_string(const std::string& text, const std::string& origin);
  static Config from_toml_file(const std::string& path);
  void save(const std::string& path) const;
};

}  // namespace audiogan
