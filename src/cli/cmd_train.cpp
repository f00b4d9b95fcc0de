// `audiogan train`: flags and TOML into a Config, the trainer's callbacks drawn as a progress bar
// (terminal) or one line per epoch (log file), SIGINT/SIGTERM turned into a clean checkpoint.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "eval/training_hook.h"
#include "train/trainer.h"
#include "train/warning_throttle.h"

namespace audiogan::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int signal) {
  g_stop.store(true);
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends at once
}

struct TrainFlags {
  std::string data, out, resume, config_file, cache;
  double lr = 0;
  Config staged;  // flag values; each is applied only when the flag was given
  std::vector<std::pair<CLI::Option*, std::function<void(Config&)>>> train_overrides;
  std::vector<std::pair<CLI::Option*, std::function<void(Config&)>>> frontend_overrides;
  std::vector<std::string> resumable;  // flags that may change on --resume
};

template <typename T>
void train_flag(CLI::App* cmd, const std::shared_ptr<TrainFlags>& f, const std::string& name,
                T TrainConfig::*field, const std::string& help, bool resumable = false) {
  auto* option = cmd->add_option(name, f->staged.train.*field, help)->capture_default_str();
  TrainFlags* flags = f.get();
  f->train_overrides.emplace_back(
      option, [flags, field](Config& c) { c.train.*field = flags->staged.train.*field; });
  if (resumable) f->resumable.push_back(name);
}

template <typename T>
void frontend_override(CLI::App* cmd, const std::shared_ptr<TrainFlags>& f, const std::string& name,
                       T FrontendConfig::*field) {
  TrainFlags* flags = f.get();
  f->frontend_overrides.emplace_back(cmd->get_option(name), [flags, field](Config& c) {
    c.frontend.*field = flags->staged.frontend.*field;
  });
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds < 0 ? 0 : seconds);
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof(text), "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(text, sizeof(text), "%lld:%02lld", s / 60, s % 60);
  }
  return text;
}

void draw_step(const StepEvent& e, bool tty) {
  if (!tty) return;
  static auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  const auto now = std::chrono::steady_clock::now();
  if (e.batch < e.batches_per_epoch && now - last < std::chrono::milliseconds(100)) return;
  last = now;
  const double rate = e.epoch_seconds > 0 ? e.epoch_batches_run / e.epoch_seconds : 0.0;
  const double eta = rate > 0 ? (e.batches_per_epoch - e.batch) / rate : 0.0;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(kWidth * e.batch / std::max<int64_t>(1, e.batches_per_epoch));
  std::string bar(filled, '#');
  bar.resize(kWidth, '-');
  std::printf(
      "\repoch %lld/%lld [%s] %lld/%lld %.2f it/s ETA %s  G %.3f  D %.3f  D(x) %.2f  "
      "D(G(z)) %.2f \x1b[K",
      static_cast<long long>(e.epoch), static_cast<long long>(e.epochs), bar.c_str(),
      static_cast<long long>(e.batch), static_cast<long long>(e.batches_per_epoch), rate,
      clock_text(eta).c_str(), e.loss_g, e.loss_d, e.d_real, e.d_fake);
  std::fflush(stdout);
}

void print_epoch(const EpochEvent& e, bool tty) {
  const auto& m = e.metrics;
  if (tty) std::printf("\r\x1b[K");
  std::printf(
      "epoch %lld/%lld step %lld  G %.4f  D %.4f  D(x) %.3f  D(G(z)) %.3f  %.1f s  "
      "%.1f samples/s  active frames %.0f%% (data %.0f%%)\n",
      static_cast<long long>(e.epoch), static_cast<long long>(e.epochs),
      static_cast<long long>(m.value("step", 0LL)), m.value("loss_g", 0.0), m.value("loss_d", 0.0),
      m.value("d_real", 0.0), m.value("d_fake", 0.0), m.value("seconds", 0.0),
      m.value("samples_per_s", 0.0), 100.0 * m["monitor"]["fake"].value("active_frames", 0.0),
      100.0 * m["monitor"]["real"].value("active_frames", 0.0));
  std::fflush(stdout);
}

Config resolve_config(const TrainFlags& f, ResumeInfo* resume) {
  Config config;
  if (resume) {
    config = resume->config;
    for (const auto& [option, apply] : f.train_overrides) {
      if (option->count() == 0) continue;
      bool allowed = false;
      for (const auto& name : f.resumable) allowed = allowed || option->check_lname(name.substr(2));
      if (!allowed) {
        throw ConfigError("train: " + option->get_name() +
                          " cannot change when resuming (the "
                          "checkpoint fixes it); allowed with --resume: --epochs, --max-steps, "
                          "--time-budget, --checkpoint-every, --keep, --threads, --eval-every");
      }
      apply(config);
    }
    for (const auto& [option, apply] : f.frontend_overrides) {
      if (option->count() > 0) {
        throw ConfigError("train: " + option->get_name() + " cannot change when resuming");
      }
    }
  } else {
    if (!f.config_file.empty()) config = Config::from_toml_file(f.config_file);
    for (const auto& [option, apply] : f.frontend_overrides) {
      if (option->count() > 0) apply(config);
    }
    // --lr first, so --lr-g / --lr-d refine it.
    if (f.lr > 0) config.train.lr_g = config.train.lr_d = f.lr;
    for (const auto& [option, apply] : f.train_overrides) {
      if (option->count() > 0) apply(config);
    }
  }
  config.validate();
  return config;
}

void run_train(const TrainFlags& f) {
  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  TrainerOptions options;
  std::unique_ptr<ResumeInfo> resume;
  if (!f.resume.empty()) {
    resume = std::make_unique<ResumeInfo>(read_resume_info(f.resume));
    options.run_dir = f.resume;
    options.resume = true;
    options.data_root = f.data.empty() ? resume->data_root : f.data;
    options.cache_dir = f.cache.empty() ? resume->cache_dir : f.cache;
  } else {
    if (f.data.empty() || f.out.empty()) {
      throw ConfigError("train: --data ROOT and --out RUN_DIR are required (or --resume RUN_DIR)");
    }
    options.run_dir = f.out;
    options.data_root = f.data;
    options.cache_dir = f.cache;
  }
  options.config = resolve_config(f, resume.get());
  if (options.config.train.eval_every > 0) {
    eval::QuickEvalHookOptions quick;
    quick.data_root = options.data_root;
    quick.cache_dir = options.cache_dir;
    quick.threads = options.config.train.threads;
    quick.evaluation = eval::quick_options(options.config.train.seed);
    options.evaluate = eval::make_quick_eval_hook(quick);
  }
  g_stop.store(false);
  options.stop = &g_stop;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  options.callbacks.on_status = [](const std::string& text) {
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
  };
  options.callbacks.on_warning = [tty](const std::string& text) {
    if (tty) std::printf("\r\x1b[K");
    std::fflush(stdout);
    std::fprintf(stderr, "audiogan: warning: %s\n", text.c_str());
  };
  // A lasting condition is told when it starts and every 10 epochs, not every epoch.
  auto throttle = std::make_shared<WarningThrottle>(10);
  options.callbacks.on_collapse_warning = [warn = options.callbacks.on_warning, throttle](
                                              int64_t epoch, const std::string& warning) {
    if (auto text = throttle->tell(warning, static_cast<int>(epoch))) {
      warn("epoch " + std::to_string(epoch) + ": generator output: " + *text);
    }
  };
  options.callbacks.on_cache_progress = [tty](const CacheProgress& p) {
    if (!tty) return;
    std::printf("\rspectrogram cache: %lld/%lld\x1b[K", static_cast<long long>(p.done),
                static_cast<long long>(p.total));
    if (p.done == p.total) std::printf("\n");
    std::fflush(stdout);
  };
  options.callbacks.on_step = [tty](const StepEvent& e) { draw_step(e, tty); };
  options.callbacks.on_epoch = [tty](const EpochEvent& e) { print_epoch(e, tty); };

  const TrainResult result = train(options);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (tty) std::printf("\r\x1b[K");
  const std::string& run = result.run_dir;
  std::printf("\nstopped by %s after %lld epochs (%lld steps)\n", result.stopped_by.c_str(),
              static_cast<long long>(result.epochs_done), static_cast<long long>(result.step));
  std::printf("run folder:  %s\n", run.c_str());
  std::printf("  plots:      %s/plots/epoch_XXX.png, loss curves %s/loss.png\n", run.c_str(),
              run.c_str());
  std::printf("  audio:      %s/audio/<class>_epN.wav  (listen: play %s/audio/*.wav)\n",
              run.c_str(), run.c_str());
  std::printf("  metrics:    %s/metrics.jsonl\n", run.c_str());
  std::printf("  checkpoint: %s\n", result.checkpoint.c_str());
  std::printf(
      "more samples: audiogan generate --checkpoint %s --class 0 --count 4 --out "
      "%s/generated\n",
      result.checkpoint.c_str(), run.c_str());
  std::printf("continue:     audiogan train --resume %s --epochs %d\n", run.c_str(),
              options.config.train.epochs + (result.stopped_by == "epochs" ? 50 : 0));
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto f = std::make_shared<TrainFlags>();
  auto* cmd = app.add_subcommand(
      "train",
      "Train the conditional GAN on a class-folder dataset. Writes plots, audio, metrics and "
      "checkpoints into the run folder every epoch; Ctrl-C checkpoints and stops.\n"
      "Example: audiogan train --data data/drums --out runs/drums --epochs 50");
  cmd->add_option("--data", f->data, "Dataset root: ROOT/train/<class>/*.wav or ROOT/<class>/*");
  cmd->add_option("--out", f->out, "Run folder to create (plots, audio, metrics, checkpoints)");
  cmd->add_option("--resume", f->resume, "Continue the run in this folder from its last.pt")
      ->excludes(cmd->get_option("--out"));
  cmd->add_option("--config", f->config_file,
                  "TOML file with [frontend] and [train] tables; flags override it");
  cmd->add_option("--cache", f->cache, "Spectrogram cache folder (default ROOT/.audiogan-cache)");
  train_flag(cmd, f, "--arch", &TrainConfig::arch, "Architecture {seed, default}");
  cmd->get_option("--arch")->check(CLI::IsMember({"seed", "default"}));
  train_flag(cmd, f, "--epochs", &TrainConfig::epochs, "Epochs in total, [1, inf)", true);
  train_flag(cmd, f, "--max-steps", &TrainConfig::max_steps,
             "Stop after this many steps in total (checkpointed); 0 = no limit", true);
  train_flag(cmd, f, "--batch", &TrainConfig::batch, "Batch size, [1, 4096]");
  train_flag(cmd, f, "--width", &TrainConfig::width, "Channel width; 0 = the arch's default");
  train_flag(cmd, f, "--latent", &TrainConfig::latent, "Latent vector size");
  cmd->add_option("--lr", f->lr, "Adam learning rate of both nets (default 2e-4)");
  train_flag(cmd, f, "--lr-g", &TrainConfig::lr_g, "Adam learning rate of G, (0, 1)");
  train_flag(cmd, f, "--lr-d", &TrainConfig::lr_d, "Adam learning rate of D, (0, 1)");
  train_flag(cmd, f, "--beta1", &TrainConfig::beta1, "Adam beta1, [0, 1)");
  train_flag(cmd, f, "--beta2", &TrainConfig::beta2, "Adam beta2, [0, 1)");
  train_flag(cmd, f, "--loss", &TrainConfig::loss,
             "GAN loss {bce, hinge}; empty = bce for seed, hinge for default");
  cmd->get_option("--loss")->check(CLI::IsMember({"", "bce", "hinge"}));
  train_flag(cmd, f, "--mode-seeking", &TrainConfig::mode_seeking,
             "Weight of the mode-seeking term in G's loss (MSGAN), [0, 100]; < 0 = the arch's "
             "default (0 for seed, 1 for default)");
  train_flag(cmd, f, "--augment", &TrainConfig::augment,
             "What D's inputs go through (DiffAugment): none, or a comma list of {translation, "
             "cutout}; auto = translation,cutout for --arch default on under 1000 training clips, "
             "else none");
  train_flag(cmd, f, "--balance", &TrainConfig::balance,
             "Class frequency in real batches {none, classes}: none = in proportion to the "
             "data, classes = every class equally often per epoch");
  cmd->get_option("--balance")->check(CLI::IsMember({"none", "classes"}));
  train_flag(cmd, f, "--amp", &TrainConfig::amp,
             "Mixed precision {auto, off, bf16, fp16}: auto = fp16 on CUDA, bf16 on a CPU with "
             "native bf16, else off");
  cmd->get_option("--amp")->check(CLI::IsMember({"auto", "off", "bf16", "fp16"}));
  train_flag(cmd, f, "--device", &TrainConfig::device, "Device {auto, cpu, cuda}");
  cmd->get_option("--device")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  train_flag(cmd, f, "--seed", &TrainConfig::seed, "Random seed (weights, data order, latents)");
  train_flag(cmd, f, "--threads", &TrainConfig::threads, "Intra-op threads; 0 = every core", true);
  train_flag(cmd, f, "--checkpoint-every", &TrainConfig::checkpoint_every,
             "Also checkpoint every N steps; 0 = once per epoch", true);
  train_flag(cmd, f, "--keep", &TrainConfig::keep_checkpoints,
             "Keep the last K epoch checkpoints, [1, inf)", true);
  train_flag(cmd, f, "--eval-every", &TrainConfig::eval_every,
             "Quick evaluation every K epochs; 0 = never", true);
  train_flag(cmd, f, "--ema", &TrainConfig::ema_decay,
             "EMA decay of G's weights for sampling, [0, 1); 0 disables");
  train_flag(cmd, f, "--time-budget", &TrainConfig::time_budget_s,
             "Stop (checkpointed) after this many seconds; 0 = none", true);
  add_frontend_flags(*cmd, f->staged.frontend, kFramesFitHelp);
  frontend_override(cmd, f, "--sample-rate", &FrontendConfig::sample_rate);
  frontend_override(cmd, f, "--n-fft", &FrontendConfig::n_fft);
  frontend_override(cmd, f, "--win-length", &FrontendConfig::win_length);
  frontend_override(cmd, f, "--hop", &FrontendConfig::hop_length);
  frontend_override(cmd, f, "--n-mels", &FrontendConfig::n_mels);
  frontend_override(cmd, f, "--frames", &FrontendConfig::frames);
  frontend_override(cmd, f, "--f-min", &FrontendConfig::f_min);
  frontend_override(cmd, f, "--f-max", &FrontendConfig::f_max);
  frontend_override(cmd, f, "--mel-scale", &FrontendConfig::mel_scale);
  frontend_override(cmd, f, "--mel-norm", &FrontendConfig::mel_norm);
  cmd->callback([f] { run_train(*f); });
}

}  // namespace audiogan::cli
