// `audiogan train`: flags and TOML into a Config, the trainer's callbacks drawn as a progress bar
// (terminal) or one line per epoch (log file), SIGINT/SIGTERM turned into a clean checkpoint.

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/data_parallel_launch.h"
#include "cli/progress_line.h"
#include "cli/stop_signal.h"
#include "cli/warning_throttle.h"
#include "core/error.h"
#include "data/frame_fit.h"
#include "eval/training_hook.h"
#include "train/run_dir.h"
#include "train/trainer.h"
#include "vocoder/vocoder_checkpoint.h"

namespace audiogan::cli {
namespace {

struct TrainFlags {
  std::string data, out, resume, config_file, cache;
  bool force = false;
  // Both nets' learning rate; help shows TrainConfig's default, applied only when given.
  double lr = TrainConfig{}.lr_g;
  CLI::Option* lr_option = nullptr;
  CLI::Option* config_option = nullptr;
  Config staged;  // flag values; each is applied only when the flag was given
  std::vector<std::pair<CLI::Option*, std::function<void(Config&)>>> train_overrides;
  std::vector<std::pair<CLI::Option*, std::function<void(Config&)>>> frontend_overrides;
  std::vector<std::string> resumable;  // flags that may change on --resume
};

template <typename T>
void train_flag(CLI::App* cmd, const std::shared_ptr<TrainFlags>& f, const std::string& name,
                T TrainConfig::*field, const std::string& help, bool resumable = false) {
  auto* option =
      cmd->add_option(name, f->staged.train.*field, resumable ? help + " (resumable)" : help)
          ->capture_default_str();
  TrainFlags* flags = f.get();
  f->train_overrides.emplace_back(
      option, [flags, field](Config& c) { c.train.*field = flags->staged.train.*field; });
  if (resumable) f->resumable.push_back(name);
}

// "7/200", or "7" when the run has no epoch limit.
std::string epoch_text(int64_t epoch, int64_t epochs) {
  return std::to_string(epoch) + (epochs > 0 ? "/" + std::to_string(epochs) : "");
}

void draw_step(const StepEvent& e, ProgressLine& line) {
  if (!line.tty()) return;
  const double rate = e.epoch_seconds > 0 ? e.epoch_batches_run / e.epoch_seconds : 0.0;
  const double eta = rate > 0 ? (e.batches_per_epoch - e.batch) / rate : 0.0;
  line.draw(formatted("epoch %s %s %lld/%lld %.2f it/s ETA %s  G %.3f  D %.3f  D(x) %.2f  "
                      "D(G(z)) %.2f ",
                      epoch_text(e.epoch, e.epochs).c_str(),
                      progress_bar(e.batch, e.batches_per_epoch, 24).c_str(),
                      static_cast<long long>(e.batch), static_cast<long long>(e.batches_per_epoch),
                      rate, clock_text(eta).c_str(), e.loss_g, e.loss_d, e.d_real, e.d_fake),
            e.batch >= e.batches_per_epoch);
}

void print_epoch(const EpochEvent& e, ProgressLine& line) {
  const auto& m = e.metrics;
  line.clear();
  std::printf(
      "epoch %s step %lld  G %.4f  D %.4f  D(x) %.3f  D(G(z)) %.3f  %.1f s  "
      "%.1f samples/s  active frames %.0f%% (data %.0f%%)\n",
      epoch_text(e.epoch, e.epochs).c_str(), static_cast<long long>(m.value("step", 0LL)),
      m.value("loss_g", 0.0), m.value("loss_d", 0.0), m.value("d_real", 0.0),
      m.value("d_fake", 0.0), m.value("seconds", 0.0), m.value("samples_per_s", 0.0),
      100.0 * m["monitor"]["fake"].value("active_frames", 0.0),
      100.0 * m["monitor"]["real"].value("active_frames", 0.0));
  std::fflush(stdout);
}

// The flags `--resume` honours: the rest are fixed by the checkpoint (its config, front end and
// architecture), so giving one is a usage error naming it rather than a setting silently dropped.
std::string resumable_list(const TrainFlags& f) {
  std::string list = "--data, --cache";
  for (const auto& name : f.resumable) list += ", " + name;
  return list;
}

void check_resume_flags(const TrainFlags& f) {
  auto refuse = [&f](const std::string& flag, const std::string& why) {
    throw ConfigError("train: " + flag + " cannot be used with --resume (" + why +
                      "); allowed with --resume: " + resumable_list(f));
  };
  if (f.config_option->count() > 0) refuse("--config", "the run's config is its checkpoint's");
  if (f.lr_option->count() > 0) refuse("--lr", "the checkpoint fixes it");
  for (const auto& [option, apply] : f.train_overrides) {
    if (option->count() == 0) continue;
    bool allowed = false;
    for (const auto& name : f.resumable) allowed = allowed || option->check_lname(name.substr(2));
    if (!allowed) refuse(option->get_name(), "the checkpoint fixes it");
  }
  for (const auto& [option, apply] : f.frontend_overrides) {
    if (option->count() > 0) refuse(option->get_name(), "the checkpoint fixes the front end");
  }
}

Config resolve_config(const TrainFlags& f, ResumeInfo* resume) {
  Config config;
  if (resume) {
    config = resume->config;
    // check_resume_flags has refused every flag but the resumable ones.
    for (const auto& [option, apply] : f.train_overrides) {
      if (option->count() > 0) apply(config);
    }
  } else {
    if (!f.config_file.empty()) config = Config::from_toml_file(f.config_file);
    for (const auto& [option, apply] : f.frontend_overrides) {
      if (option->count() > 0) apply(config);
    }
    // --lr first, so --lr-g / --lr-d refine it.
    if (f.lr_option->count() > 0) config.train.lr_g = config.train.lr_d = f.lr;
    for (const auto& [option, apply] : f.train_overrides) {
      if (option->count() > 0) apply(config);
    }
  }
  config.validate();
  return config;
}

void run_train(const TrainFlags& f) {
  auto line = std::make_shared<ProgressLine>(stdout);
  TrainerOptions options;
  std::unique_ptr<ResumeInfo> resume;
  if (!f.resume.empty()) {
    check_resume_flags(f);  // a usage error before the checkpoint is read
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
  if (options.config.train.vocoder != "griffin-lim") {
    // Loaded now, so a wrong path or front end fails before training; recorded as an absolute
    // checkpoint path, so generate and serve find it from any folder.
    std::string& vocoder = options.config.train.vocoder;
    vocoder = std::filesystem::weakly_canonical(resolve_vocoder_path(vocoder)).string();
    options.vocoder = choose_vocoder(vocoder, options.config.frontend).function;
  }
  // Under torchrun this process is one rank of many (docs/training.md); rank 0 alone owns the
  // run folder, prints and evaluates.
  const dist::LaunchEnv launch = dist::LaunchEnv::from_environment();
  const bool root = launch.rank == 0;
  if (!resume && root) {
    // Training into a finished run would mix two runs' metrics, plots and checkpoints.
    const RunDir run{f.out};
    const std::string existing = run.existing_run_file();
    if (!existing.empty() && !f.force) {
      throw ConfigError("train: --out " + f.out + " already holds a run (" + existing +
                        "); continue it with --resume " + f.out +
                        ", or add --force to start over (removes its checkpoints, metrics, "
                        "plots and audio)");
    }
    if (!existing.empty()) run.remove_run_files();
  }
  if (root && options.config.train.eval_every > 0) {
    eval::QuickEvalHookOptions quick;
    quick.data_root = options.data_root;
    quick.cache_dir = options.cache_dir;
    quick.threads = options.config.train.threads;
    quick.evaluation = eval::quick_options(options.config.train.seed);
    options.evaluate = eval::make_quick_eval_hook(quick);
  }
  const StopSignal stop_signal;
  options.stop = stop_signal.stop_requested();
  options.callbacks.on_status = [](const std::string& text) {
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
  };
  options.callbacks.on_warning = [line](const std::string& text) {
    line->clear();
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
  options.callbacks.on_cache_progress = [line](const CacheProgress& p) {
    const bool done = p.done == p.total;
    line->draw(formatted("spectrogram cache: %lld/%lld", static_cast<long long>(p.done),
                         static_cast<long long>(p.total)),
               done);
    if (done && line->tty()) std::printf("\n");
  };
  options.callbacks.on_step = [line](const StepEvent& e) { draw_step(e, *line); };
  options.callbacks.on_epoch = [line](const EpochEvent& e) { print_epoch(e, *line); };
  if (!root) options.callbacks = {};

  DataParallelSettings parallel;
  parallel.backend = options.config.train.dist_backend;
  parallel.timeout_s = options.config.train.dist_timeout_s;
  parallel.cuda = launch.distributed() && resolve_device(options.config.train.device).is_cuda();
  parallel.batch = options.config.train.batch;
  parallel.accumulate = options.config.train.accumulate;
  const std::unique_ptr<dist::ProcessGroup> group = connect_data_parallel(launch, parallel);
  options.group = group.get();

  const TrainResult result = train(options);
  if (!root) return;
  line->clear();
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
  const int epochs = options.config.train.resolved_epochs();
  if (epochs > 0) {
    std::printf("continue:     audiogan train --resume %s --epochs %d\n", run.c_str(),
                epochs + (result.stopped_by == "epochs" ? 50 : 0));
  } else {
    std::printf("continue:     audiogan train --resume %s --time-budget SECONDS\n", run.c_str());
  }
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
  cmd->add_option("--resume", f->resume,
                  "Continue the run in this folder from its last.pt; only --data, --cache and "
                  "the flags marked 'resumable' may be given with it")
      ->excludes(cmd->get_option("--out"));
  cmd->add_flag("--force", f->force,
                "Start over when --out already holds a run (removes its checkpoints, metrics, "
                "plots and audio)")
      ->excludes(cmd->get_option("--resume"));
  f->config_option =
      cmd->add_option("--config", f->config_file,
                      "TOML file with [frontend] and [train] tables; flags override it");
  cmd->add_option("--cache", f->cache, "Spectrogram cache folder (default ROOT/.audiogan-cache)");
  train_flag(cmd, f, "--arch", &TrainConfig::arch, "Architecture {seed, default}");
  cmd->get_option("--arch")->check(CLI::IsMember({"seed", "default"}));
  train_flag(cmd, f, "--epochs", &TrainConfig::epochs,
             "Epochs in total, [0, inf); 0 = 200 (the seeds'), or no epoch limit when "
             "--time-budget is set",
             true);
  train_flag(cmd, f, "--max-steps", &TrainConfig::max_steps,
             "Stop after this many steps in total (checkpointed); 0 = no limit", true);
  train_flag(cmd, f, "--batch", &TrainConfig::batch, "Batch size, [1, 4096]");
  train_flag(cmd, f, "--width", &TrainConfig::width, "Channel width; 0 = the arch's default");
  train_flag(cmd, f, "--latent", &TrainConfig::latent, "Latent vector size");
  f->lr_option = cmd->add_option("--lr", f->lr, "Adam learning rate of both nets, (0, 1)")
                     ->capture_default_str();
  train_flag(cmd, f, "--lr-g", &TrainConfig::lr_g, "Adam learning rate of G, (0, 1)");
  train_flag(cmd, f, "--lr-d", &TrainConfig::lr_d, "Adam learning rate of D, (0, 1)");
  train_flag(cmd, f, "--beta1", &TrainConfig::beta1, "Adam beta1, [0, 1)");
  train_flag(cmd, f, "--beta2", &TrainConfig::beta2, "Adam beta2, [0, 1)");
  train_flag(cmd, f, "--loss", &TrainConfig::loss,
             "GAN loss {bce, hinge, wgan-gp}; empty = bce for seed, hinge for default. wgan-gp "
             "also makes learning rates and betas left at their defaults 1e-4 and (0, 0.9)");
  cmd->get_option("--loss")->check(CLI::IsMember({"", "bce", "hinge", "wgan-gp"}));
  train_flag(cmd, f, "--critic-steps", &TrainConfig::critic_steps,
             "D updates per G update, [0, 100]; 0 = 5 for wgan-gp, else 1");
  train_flag(cmd, f, "--gp-weight", &TrainConfig::gp_weight,
             "wgan-gp: weight (lambda) of the gradient penalty, [0, 10000]");
  train_flag(cmd, f, "--drift", &TrainConfig::drift,
             "wgan-gp: weight of the drift term E[D(real)^2], [0, 1]; 0 = none (Karras et al. use "
             "0.001)");
  train_flag(cmd, f, "--attention", &TrainConfig::attention,
             "Self-attention (SAGAN) in G and D at the stages this many mel rows high, a comma "
             "list (e.g. 32 = n_mels/4 with 128 mels); empty = none");
  train_flag(cmd, f, "--spectral-norm", &TrainConfig::spectral_norm,
             "Spectral norm in D {auto, on, off}: auto = on for default (the seed D has none); "
             "off leaves wgan-gp's gradient penalty alone to constrain D");
  cmd->get_option("--spectral-norm")->check(CLI::IsMember({"auto", "on", "off"}));
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
  train_flag(cmd, f, "--lengths", &TrainConfig::lengths,
             "Clip lengths {auto, fixed, variable}: fixed = every clip --frames long (fitted "
             "when 0); variable = each clip at its own length up to the data's longest (--frames "
             "sets that longest, fitted to the " +
                 percentile_name(kLongestFitQuantile) +
                 " of the clips' sound lengths when 0), trained in --buckets length buckets "
                 "(--arch default); auto = variable when those longest clips need at most 2x the "
                 "fixed fit's frames, else fixed (and fixed with --frames N)");
  cmd->get_option("--lengths")->check(CLI::IsMember({"auto", "fixed", "variable"}));
  train_flag(cmd, f, "--buckets", &TrainConfig::buckets,
             "--lengths variable: length buckets, at the 1/K .. K/K quantiles of the clips' "
             "lengths, [1, 16]");
  train_flag(cmd, f, "--vocoder", &TrainConfig::vocoder,
             "The per-epoch audio's vocoder: griffin-lim, or a folder (or checkpoint) written by "
             "`audiogan train-vocoder` for the same front end; recorded in the run, so generate, "
             "evaluate and serve use it unless given --vocoder",
             true);
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
  train_flag(cmd, f, "--max-bad-steps", &TrainConfig::max_bad_steps,
             "Stop with an error after this many steps in a row with a NaN/Inf loss or gradient "
             "(each is skipped), [1, 1000000]",
             true);
  add_data_parallel_flags<TrainConfig>(*cmd, [&](const char* name, auto member, const char* help) {
    train_flag(cmd, f, name, member, help, true);
  });
  add_frontend_flags(*cmd, f->staged.frontend, kFramesFitHelp);
  for (auto& flag : frontend_flags(*cmd, f->staged.frontend)) {
    f->frontend_overrides.emplace_back(flag.option,
                                       [apply = flag.apply](Config& c) { apply(c.frontend); });
  }
  cmd->callback([f] { run_train(*f); });
}

}  // namespace audiogan::cli
