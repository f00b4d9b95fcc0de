// Reconstruction-loss training of the frame-rate vocoder (see vocoder_trainer.h).
#include "vocoder/vocoder_trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "audio/audio_file.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/dataset.h"
#include "dsp/mel.h"
#include "dsp/resynthesis_measures.h"
#include "dsp/vocoder.h"
#include "model/autocast.h"
#include "train/checkpoint.h"
#include "train/parallel_run.h"
#include "train/run_dir.h"
#include "train/trainer.h"
#include "vocoder/hifigan.h"
#include "vocoder/segment_source.h"
#include "vocoder/vocoder_checkpoint.h"
#include "vocoder/vocoder_losses.h"
#include "vocoder/vocoder_plots.h"

namespace audiogan {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<float> to_vector(const torch::Tensor& wave) {
  torch::Tensor w = wave.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return {w.data_ptr<float>(), w.data_ptr<float>() + w.numel()};
}

std::string clip_name(size_t index, const std::string& path) {
  return std::to_string(index) + "_" + file_safe(fs::path(path).stem().string());
}

// Re-synthesis quality of a set of clips: mean SC and LSD against the original waveforms and the
// time taken per second of audio.
struct ResynthesisScore {
  double sc_db = 0, lsd_db = 0, seconds_per_audio_second = 0;
  nlohmann::json to_json() const {
    return {{"sc_db", sc_db},
            {"lsd_db", lsd_db},
            {"seconds_per_audio_second", seconds_per_audio_second}};
  }
};

class VocoderTrainer {
 public:
  explicit VocoderTrainer(const VocoderTrainerOptions& options)
      : options_(options), config_(options.config), out_{options.out_dir} {}

  VocoderTrainResult run() {
    started_ = Clock::now();
    config_.validate();
    const auto& v = config_.vocoder;
    configure_threads(v.threads);
    device_ = resolve_device(v.device);
    const auto* group = options_.group;
    // One GPU per process: torchrun's LOCAL_RANK picks it.
    if (group && group->size() > 1 && device_.is_cuda()) {
      device_ = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(group->local_rank()));
    }
    par_ = std::make_unique<ParallelRun>(options_.group, v.accumulate, v.seed, device_);
    frontend_ = config_.frontend;
    frontend_.frames = 0;
    if (par_->root()) out_.create();  // rank 0 alone writes the folder
    open_data();
    torch::manual_seed(v.seed);  // the initial weights; nothing later draws from torch's RNG
    model_ = make_vocoder_model(v, frontend_);
    model_->to(device_);
    optimizer_ = make_optimizer(model_->parameters());
    if (v.adversarial_enabled()) {
      discriminator_ = HifiGanDiscriminator();
      discriminator_->to(device_);
      optimizer_d_ = make_optimizer(discriminator_->parameters());
    }
    if (options_.resume) restore();
    par_->broadcast_from_root(*model_, "the vocoder");
    if (discriminator_) par_->broadcast_from_root(*discriminator_, "the discriminator");
    if (par_->root()) write_file_atomically(out_.config(), config_.to_toml());
    filterbank_ = dsp::mel_filterbank(frontend_).to(device_);
    status("vocoder: " + std::to_string(clips_.size()) + " training clips, " +
           std::to_string(eval_clips_.size()) + (eval_held_out_ ? " held-out" : " training") +
           " clips re-synthesised per epoch; device " + device_.str() + "; " +
           std::to_string(std::llround(model_->macs_per_frame() / 1000)) + " kMAC per frame (" +
           model_->arch() +
           (discriminator_ ? ", adversarial from step " + std::to_string(v.adversarial_from)
                           : std::string()) +
           ")");
    if (par_->root() && options_.epoch_outputs && !eval_clips_.empty()) {
      griffin_lim_ = score_griffin_lim();
    }
    par_->wait_for_root("griffin-lim baseline");
    return loop();
  }

 private:
  void status(const std::string& text) const {
    if (options_.callbacks.on_status) options_.callbacks.on_status(text);
  }

  std::unique_ptr<torch::optim::AdamW> make_optimizer(std::vector<torch::Tensor> parameters) const {
    const auto& v = config_.vocoder;
    return std::make_unique<torch::optim::AdamW>(std::move(parameters),
                                                 torch::optim::AdamWOptions(v.lr)
                                                     .betas(std::make_tuple(v.beta1, v.beta2))
                                                     .weight_decay(v.weight_decay));
  }

  // lr x lr_decay^(completed epochs) for both optimisers: a function of the step alone, so a
  // resumed run continues the schedule exactly.
  void set_learning_rates() {
    const auto& v = config_.vocoder;
    const double epochs = static_cast<double>(step_ / v.steps_per_epoch);
    const double lr = v.lr * std::pow(v.lr_decay, epochs);
    for (torch::optim::Optimizer* optimizer : {optimizer_.get(), optimizer_d_.get()}) {
      if (!optimizer) continue;
      for (auto& group : optimizer->param_groups()) {
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
      }
    }
  }

  void open_data() {
    const auto& v = config_.vocoder;
    const Dataset train = scan_dataset(options_.data_root, "train");
    std::vector<std::string> paths;
    for (const auto& file : train.files) paths.push_back(file.path);
    const auto skip = [this](const std::string& reason) {
      if (options_.callbacks.on_warning) options_.callbacks.on_warning("skipped " + reason);
    };
    clips_ = load_vocoder_clips(paths, frontend_, v.max_clip_seconds, v.segment_frames, skip);
    if (v.eval_clips == 0) return;
    // Held-out clips from the test split when there is one, spread evenly over its files
    // (which are sorted by class) so every class tends to be heard.
    eval_held_out_ = has_split(options_.data_root, "test");
    std::vector<std::string> pool;
    if (eval_held_out_) {
      for (const auto& file : scan_dataset(options_.data_root, "test", train.class_names).files) {
        pool.push_back(file.path);
      }
    } else {
      pool = paths;
    }
    std::vector<std::string> chosen;
    const size_t count = std::min<size_t>(v.eval_clips, pool.size());
    for (size_t i = 0; i < count; ++i) chosen.push_back(pool[i * pool.size() / count]);
    if (!chosen.empty()) {
      eval_clips_ = load_vocoder_clips(chosen, frontend_, v.max_clip_seconds, 1, skip);
    }
  }

  void restore() {
    VocoderCheckpointReader reader(out_.last_checkpoint(), device_);
    check_frontend_match(reader.meta().config.frontend, config_.frontend, reader.path());
    reader.load_model_into(model_);
    reader.load_optimizer(*optimizer_);
    step_ = reader.meta().step;
    status("vocoder: resumed " + reader.path() + " at step " + std::to_string(step_));
    // --adversarial may be turned on when resuming a reconstruction-only run: its
    // discriminators then start from their initial weights (or off: the saved ones are dropped).
    if (discriminator_ && reader.has_adversary()) {
      reader.load_adversary(*discriminator_, *optimizer_d_);
    } else if (discriminator_) {
      status("vocoder: the checkpoint has no discriminators; they start untrained at step " +
             std::to_string(step_));
    } else if (reader.has_adversary()) {
      status("vocoder: --adversarial off: the checkpoint's discriminators are not used");
    }
  }

  // The clips through Griffin-Lim at the configured iterations, once per process: the baseline
  // every epoch's measures are compared with.
  ResynthesisScore score_griffin_lim() {
    dsp::GriffinLimOptions gl;
    gl.iterations = config_.vocoder.griffin_lim_iterations;
    gl.seed = config_.vocoder.seed;
    return score(
        [&](const torch::Tensor& log_mel) { return dsp::log_mel_to_audio(log_mel, frontend_, gl); },
        out_.root + "/audio/griffin_lim", "");
  }

  template <typename Synthesise>
  ResynthesisScore score(Synthesise&& synthesise, const std::string& folder,
                         const std::string& original_folder) {
    fs::create_directories(folder);
    ResynthesisScore total;
    double synth_seconds = 0, audio_seconds = 0;
    for (size_t i = 0; i < eval_clips_.size(); ++i) {
      const auto& clip = eval_clips_[i];
      const auto start = Clock::now();
      torch::Tensor audio = synthesise(clip.log_mel).to(torch::kCPU);  // [T']
      synth_seconds += seconds_since(start);
      audio_seconds += static_cast<double>(audio.size(0)) / frontend_.sample_rate;
      total.sc_db += dsp::waveform_spectral_convergence_db(clip.waveform, audio, frontend_);
      total.lsd_db += dsp::log_spectral_distance_db(clip.waveform, audio, frontend_);
      const std::string name = clip_name(i, clip.path);
      write_wav(folder + "/" + name + (original_folder.empty() ? "" : "_vocoder") + ".wav",
                to_vector(audio), frontend_.sample_rate);
      if (!original_folder.empty()) {
        write_wav(original_folder + "/" + name + "_original.wav", to_vector(clip.waveform),
                  frontend_.sample_rate);
      }
    }
    const double n = static_cast<double>(eval_clips_.size());
    total.sc_db /= n;
    total.lsd_db /= n;
    total.seconds_per_audio_second = audio_seconds > 0 ? synth_seconds / audio_seconds : 0;
    return total;
  }

  ResynthesisScore score_vocoder(int64_t epoch) {
    torch::NoGradGuard no_grad;
    model_->eval();
    char folder[32];
    std::snprintf(folder, sizeof(folder), "/audio/epoch_%03lld", static_cast<long long>(epoch));
    const std::string path = out_.root + folder;
    ResynthesisScore result = score(
        [&](const torch::Tensor& log_mel) {
          return model_->forward(log_mel.unsqueeze(0).to(device_), frontend_).squeeze(0);
        },
        path, path);
    model_->train();
    return result;
  }

  // The learning rate of the last step.
  double current_lr() const {
    return static_cast<const torch::optim::AdamWOptions&>(
               optimizer_->param_groups().front().options())
        .lr();
  }

  std::string stop_reason() const {
    const auto& v = config_.vocoder;
    if (options_.stop && options_.stop->load()) return "signal";
    if (v.max_steps > 0 && step_ >= v.max_steps) return "max_steps";
    if (v.time_budget_s > 0 && seconds_since(started_) >= v.time_budget_s) return "time_budget";
    if (step_ >= static_cast<int64_t>(v.epochs) * v.steps_per_epoch) return "epochs";
    return "";
  }

  VocoderTrainResult loop() {
    const auto& v = config_.vocoder;
    model_->train();
    EpochSums sums;
    std::vector<double> none;
    // Every rank stops at the same step (a signal or time budget on any rank stops all).
    std::string reason = par_->agree(stop_reason(), none);
    while (reason.empty()) {
      std::vector<double> means = train_step();
      reason = par_->agree(stop_reason(), means);  // and the step's means over the ranks
      report_step(means, sums);
      if (step_ % v.steps_per_epoch == 0) {
        // Rank 0 alone writes the epoch's outputs; the others wait for it (the held-out
        // re-synthesis may take longer than a collective's timeout).
        if (par_->root()) end_epoch(sums);
        par_->wait_for_root("epoch " + std::to_string(step_ / v.steps_per_epoch));
        sums = EpochSums();
        reason = par_->agree(stop_reason(), none);
      }
    }
    save();
    VocoderTrainResult result;
    result.step = step_;
    result.epochs_done = step_ / v.steps_per_epoch;
    result.stopped_by = reason;
    result.checkpoint = out_.last_checkpoint();
    result.out_dir = out_.root;
    return result;
  }

  // The per-step means train_step returns, in this order.
  enum Mean {
    kLoss,
    kMel,
    kSc,
    kLogMagnitude,
    kPhase,
    kDiscriminator,
    kAdversarial,
    kFeature,
    kMeans
  };

  struct EpochSums {
    std::vector<double> means = std::vector<double>(kMeans, 0.0);
    int64_t steps = 0;
  };

  // One optimiser step on this process's micro-batches; returns their means (enum Mean). Micro-
  // batch k is shard v = rank x accumulate + k of the step, segments [v * batch, (v + 1) *
  // batch) of the step's draw: shard 0 is what one process has always drawn, and K
  // micro-batches on one process draw what K ranks draw.
  std::vector<double> train_step() {
    const auto& v = config_.vocoder;
    const int micro = par_->accumulate();
    set_learning_rates();
    std::vector<torch::Tensor> targets, predictions;
    for (int k = 0; k < micro; ++k) {
      const int64_t first = static_cast<int64_t>(par_->first_shard() + k) * v.batch;
      SegmentBatch batch = draw_segments(clips_, v.batch, v.segment_frames, frontend_.hop_length,
                                         v.seed, step_, first);
      targets.push_back(batch.waveform.to(device_));  // [B, T*hop]
      // No scope at all in float32: autocast rejects a float32 target dtype.
      std::optional<AutocastScope> autocast;
      if (v.amp == "bf16") autocast.emplace(device_.type(), true, torch::kBFloat16);
      predictions.push_back(model_->forward(batch.log_mel.to(device_), frontend_));
    }
    std::vector<double> means(kMeans, 0.0);
    const bool adversarial = discriminator_ && step_ >= v.adversarial_from;
    if (adversarial) means[kDiscriminator] = discriminator_step(targets, predictions);
    optimizer_->zero_grad();
    for (int k = 0; k < micro; ++k) {
      std::vector<double> terms = vocoder_loss(targets[k], predictions[k], adversarial, micro);
      for (int m = 0; m < kMeans; ++m) means[m] += terms[m] / micro;
    }
    par_->average_gradients(*model_, "the vocoder");
    optimizer_->step();
    ++step_;
    return means;
  }

  // Each micro-batch's loss is weighted 1/K, so the summed gradients are their mean, as the
  // average over K ranks is; one micro-batch is left unscaled (bit-identical to before).
  static void backward_share(const torch::Tensor& loss, int micro) {
    (micro > 1 ? loss / static_cast<double>(micro) : loss).backward();
  }

  // The discriminators' step on the step's predictions as they are (detached); returns the mean
  // least-squares loss.
  double discriminator_step(const std::vector<torch::Tensor>& targets,
                            const std::vector<torch::Tensor>& predictions) {
    const int micro = static_cast<int>(targets.size());
    double mean = 0;
    optimizer_d_->zero_grad();
    for (int k = 0; k < micro; ++k) {
      DiscriminatorOutputs real = discriminator_->forward(targets[k]);
      DiscriminatorOutputs fake = discriminator_->forward(predictions[k].detach());
      torch::Tensor loss = hifigan_discriminator_loss(real, fake);
      backward_share(loss, micro);
      mean += loss.item<double>() / micro;
    }
    par_->average_gradients(*discriminator_, "the discriminator");
    optimizer_d_->step();
    return mean;
  }

  // The vocoder's loss on one micro-batch, backpropagated; returns its terms (enum Mean, with
  // kDiscriminator 0). The STFT loss is measured without gradients when its weight is 0.
  std::vector<double> vocoder_loss(const torch::Tensor& target, const torch::Tensor& prediction,
                                   bool adversarial, int micro) {
    const auto& v = config_.vocoder;
    std::vector<double> terms(kMeans, 0.0);
    torch::Tensor mel = mel_l1_loss(prediction, target, frontend_, filterbank_);
    torch::Tensor loss = v.mel_weight * mel;
    MultiResolutionStftLoss stft;
    if (v.stft_weight > 0) {
      stft = multi_resolution_stft_loss(prediction, target);
      loss = loss + v.stft_weight * stft.total();
    } else {
      torch::NoGradGuard no_grad;
      stft = multi_resolution_stft_loss(prediction.detach(), target);
    }
    if (v.phase_weight > 0) {
      torch::Tensor phase = phase_derivative_loss(prediction, target, frontend_);
      loss = loss + v.phase_weight * phase;
      terms[kPhase] = phase.item<double>();
    }
    if (adversarial) {
      DiscriminatorOutputs real;
      {
        torch::NoGradGuard no_grad;  // feature matching's targets
        real = discriminator_->forward(target);
      }
      DiscriminatorOutputs fake = discriminator_->forward(prediction);
      torch::Tensor least_squares = hifigan_generator_loss(fake);
      torch::Tensor features = feature_matching_loss(real, fake);
      loss = loss + v.adversarial_weight * least_squares + v.feature_weight * features;
      terms[kAdversarial] = least_squares.item<double>();
      terms[kFeature] = features.item<double>();
    }
    backward_share(loss, micro);
    terms[kLoss] = loss.item<double>();
    terms[kMel] = mel.item<double>();
    terms[kSc] = stft.spectral_convergence.item<double>();
    terms[kLogMagnitude] = stft.log_magnitude.item<double>();
    return terms;
  }

  // The step's event from its means (over micro-batches and ranks), checked for a finite loss
  // on every rank alike, added to the epoch's sums.
  void report_step(const std::vector<double>& means, EpochSums& sums) {
    const auto& v = config_.vocoder;
    VocoderStepEvent event;
    event.steps_per_epoch = v.steps_per_epoch;
    event.epochs = v.epochs;
    event.epoch = (step_ - 1) / v.steps_per_epoch + 1;
    event.step = step_;
    event.step_in_epoch = (step_ - 1) % v.steps_per_epoch + 1;
    event.loss = means[kLoss];
    event.mel_l1 = means[kMel];
    event.stft_sc = means[kSc];
    event.stft_log_magnitude = means[kLogMagnitude];
    event.phase = means[kPhase];
    event.discriminator = means[kDiscriminator];
    event.adversarial = means[kAdversarial];
    event.feature_matching = means[kFeature];
    event.seconds = seconds_since(started_);
    if (!std::isfinite(event.loss)) {
      throw DataError("vocoder: the loss became " + std::to_string(event.loss) + " at step " +
                      std::to_string(step_) + "; try a lower --lr");
    }
    for (int m = 0; m < kMeans; ++m) sums.means[m] += means[m];
    ++sums.steps;
    if (options_.callbacks.on_step) options_.callbacks.on_step(event);
  }

  void end_epoch(const EpochSums& sums) {
    const auto& v = config_.vocoder;
    const int64_t epoch = step_ / v.steps_per_epoch;
    save();
    const double n = static_cast<double>(std::max<int64_t>(1, sums.steps));
    nlohmann::json line = {{"epoch", epoch},
                           {"step", step_},
                           {"seconds", seconds_since(started_)},
                           {"lr", current_lr()},
                           {"loss", sums.means[kLoss] / n},
                           {"mel_l1", sums.means[kMel] / n},
                           {"stft_sc", sums.means[kSc] / n},
                           {"stft_log_magnitude", sums.means[kLogMagnitude] / n}};
    if (v.phase_weight > 0) line["phase"] = sums.means[kPhase] / n;
    if (discriminator_) {
      line["discriminator_loss"] = sums.means[kDiscriminator] / n;
      line["adversarial"] = sums.means[kAdversarial] / n;
      line["feature_matching"] = sums.means[kFeature] / n;
    }
    if (par_->shards() > 1) line["data_parallel"] = par_->to_json(v.batch);
    if (options_.epoch_outputs && !eval_clips_.empty()) {
      nlohmann::json eval = score_vocoder(epoch).to_json();
      eval["clips"] = eval_clips_.size();
      eval["held_out"] = eval_held_out_;
      line["eval"] = eval;
      line["griffin_lim"] = griffin_lim_.to_json();
    }
    append_json_line(out_.metrics(), line);
    write_vocoder_plots(out_.root, read_json_lines(out_.metrics()));
    if (options_.callbacks.on_epoch) {
      VocoderEpochEvent event;
      event.epoch = epoch;
      event.epochs = v.epochs;
      event.metrics = line;
      options_.callbacks.on_epoch(event);
    }
  }

  void save() {
    // Every rank holds the same weights; rank 0 writes them, once per step (a run that stops at
    // the end of an epoch has just saved: HiFi-GAN's discriminators make a checkpoint ~1 GB).
    if (!par_->root() || saved_step_ == step_) return;
    saved_step_ = step_;
    VocoderCheckpointMeta meta;
    meta.step = step_;
    meta.epoch = step_ / config_.vocoder.steps_per_epoch;
    meta.config = config_;
    meta.data_root = options_.data_root;
    meta.seconds = seconds_since(started_);
    if (!discriminator_) {
      save_vocoder_checkpoint({out_.last_checkpoint()}, model_, optimizer_.get(), meta);
      return;
    }
    const VocoderAdversary adversary{discriminator_.ptr(), optimizer_d_.get()};
    save_vocoder_checkpoint({out_.last_checkpoint()}, model_, optimizer_.get(), meta, &adversary);
  }

  VocoderTrainerOptions options_;
  VocoderRunConfig config_;
  RunDir out_;
  FrontendConfig frontend_;
  torch::Device device_ = torch::kCPU;
  std::vector<VocoderClip> clips_, eval_clips_;
  bool eval_held_out_ = false;
  VocoderModel model_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  HifiGanDiscriminator discriminator_{nullptr};  // null without adversarial terms
  std::unique_ptr<torch::optim::AdamW> optimizer_d_;
  torch::Tensor filterbank_;
  std::unique_ptr<ParallelRun> par_;  // this process's share of a data-parallel step
  ResynthesisScore griffin_lim_;
  int64_t step_ = 0;
  int64_t saved_step_ = -1;  // the step of the newest checkpoint this process wrote
  Clock::time_point started_;
};

}  // namespace

VocoderTrainResult train_vocoder(const VocoderTrainerOptions& options) {
  if (options.out_dir.empty()) throw ConfigError("train-vocoder: --out VOC_DIR is required");
  if (options.data_root.empty()) throw ConfigError("train-vocoder: --data ROOT is required");
  VocoderTrainer trainer(options);
  return trainer.run();
}

VocoderResumeInfo read_vocoder_resume_info(const std::string& out_dir) {
  const RunDir run{out_dir};
  if (!fs::exists(run.last_checkpoint())) {
    throw IoError("train-vocoder: --resume " + out_dir + ": no checkpoint at " +
                  run.last_checkpoint());
  }
  VocoderCheckpointReader reader(run.last_checkpoint());
  VocoderResumeInfo info;
  info.config = reader.meta().config;
  info.data_root = reader.meta().data_root;
  info.step = reader.meta().step;
  return info;
}

}  // namespace audiogan
