// The evaluation itself: generate, vocode, re-analyse, classify, measure.
#include "eval/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "audio/audio_file.h"
#include "core/error.h"
#include "dsp/mel.h"
#include "dsp/resynthesis_measures.h"
#include "eval/diversity.h"
#include "eval/frechet.h"
#include "eval/sound_length.h"
#include "train/collapse_monitor.h"

namespace audiogan::eval {
namespace {

// Waveforms of equal length -> [B, T]; shorter ones are padded with silence.
torch::Tensor stack_audio(const std::vector<std::vector<float>>& clips) {
  size_t length = 0;
  for (const auto& c : clips) length = std::max(length, c.size());
  torch::Tensor out =
      torch::zeros({static_cast<int64_t>(clips.size()), static_cast<int64_t>(length)});
  for (size_t i = 0; i < clips.size(); ++i) {
    if (clips[i].empty()) continue;
    out[static_cast<int64_t>(i)]
        .slice(0, 0, static_cast<int64_t>(clips[i].size()))
        .copy_(torch::from_blob(const_cast<float*>(clips[i].data()),
                                {static_cast<int64_t>(clips[i].size())}, torch::kFloat32));
  }
  return out;
}

// Rows of `x` [N, ...] whose label equals c.
torch::Tensor rows_of(const torch::Tensor& x, const torch::Tensor& labels, int c) {
  return x.index_select(0, (labels == c).nonzero().squeeze(1));
}

// Pads or trims a waveform to `length` samples.
std::vector<float> fit_length(std::vector<float> samples, size_t length) {
  samples.resize(length, 0.0f);
  return samples;
}

// The vocoder the options name: their own, else Griffin-Lim with their settings.
dsp::MelVocoder vocoder_of(const EvaluationOptions& options, const FrontendConfig& fe) {
  return options.vocoder ? options.vocoder : dsp::griffin_lim_vocoder(fe, options.griffin_lim);
}

struct Resynthesis {
  int clips = 0;
  double sc_db = 0.0, lsd_db = 0.0;  // means over the clips
};

// Real test clips (up to `per_class` per class) -> log-mel -> vocoder, measured against the
// original waveform: spectral convergence and log-spectral distance on the front end's STFT.
// Each clip is first fitted to the model's frame count, so both cover the same frames.
Resynthesis reconstruction_quality(const EvaluationReference& ref, int per_class,
                                   const dsp::MelVocoder& vocoder, uint64_t seed,
                                   const EvaluationProgressCallback& progress) {
  const FrontendConfig& fe = ref.frontend;
  const size_t length = static_cast<size_t>(std::max(fe.frames - 1, 1)) * fe.hop_length;
  std::vector<std::string> chosen;
  const int64_t* labels = ref.test.labels.data_ptr<int64_t>();
  for (size_t c = 0; c < ref.class_names.size(); ++c) {
    int taken = 0;
    for (size_t i = 0; i < ref.test.paths.size() && taken < per_class; ++i) {
      if (labels[i] == static_cast<int64_t>(c)) {
        chosen.push_back(ref.test.paths[i]);
        ++taken;
      }
    }
  }
  Resynthesis result;
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (progress)
      progress({"reconstruction", static_cast<int64_t>(i), static_cast<int64_t>(chosen.size()),
                chosen[i]});
    const AudioClip clip = read_audio(chosen[i], fe.sample_rate);
    const std::vector<float> fitted = fit_length(clip.samples, length);
    const torch::Tensor audio =
        torch::from_blob(const_cast<float*>(fitted.data()), {static_cast<int64_t>(fitted.size())},
                         torch::kFloat32)
            .clone();  // [T]
    const torch::Tensor rebuilt =
        vocoder(dsp::log_mel(audio, fe).unsqueeze(0), seed + i).squeeze(0);  // [T']
    result.sc_db += dsp::waveform_spectral_convergence_db(audio, rebuilt, fe);
    result.lsd_db += dsp::log_spectral_distance_db(audio, rebuilt, fe);
    ++result.clips;
  }
  if (result.clips > 0) {
    result.sc_db /= result.clips;
    result.lsd_db /= result.clips;
  }
  return result;
}

// Log-mels [b, n_mels, frames] -> audio -> log-mels [b, n_mels, frames] again, analysed as real
// files are: through `to_audio` when given, else `vocoder`.
torch::Tensor vocode_and_analyse(const torch::Tensor& mels, const FrontendConfig& fe,
                                 const GeneratedSource::AudioFunction& to_audio,
                                 const dsp::MelVocoder& vocoder, uint64_t phase_seed) {
  std::vector<std::vector<float>> audio;
  if (to_audio) {
    audio = to_audio(mels, phase_seed);
  } else {
    const torch::Tensor wav = vocoder(mels, phase_seed);  // [b, T]
    for (int64_t i = 0; i < wav.size(0); ++i) {
      const torch::Tensor row = wav[i].contiguous();
      audio.emplace_back(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
    }
  }
  return dsp::log_mel(stack_audio(audio), fe);
}

// Up to `per_class` real test log-mels per class through the vocoder and the re-analysis that
// generated ones go through: the scores of a generator that reproduced the data exactly, so a
// report shows how much of the gap to real data is the vocoder's.
void score_vocoded_real_test(const EvaluationReference& ref, const EvaluationOptions& options,
                             const EvaluationProgressCallback& progress, EvaluationReport& report) {
  const torch::Tensor& labels = ref.test.labels;  // [N]
  std::vector<int64_t> chosen;
  for (size_t c = 0; c < ref.class_names.size(); ++c) {
    const torch::Tensor rows = (labels == static_cast<int64_t>(c)).nonzero().squeeze(1);
    const int64_t take = std::min<int64_t>(rows.size(0), options.count_per_class);
    for (int64_t i = 0; i < take; ++i) chosen.push_back(rows[i].item<int64_t>());
  }
  if (chosen.empty()) return;
  const torch::Tensor index = torch::tensor(chosen, torch::kInt64);
  const torch::Tensor mels =
      ref.test.spectrograms.index_select(0, index).to(torch::kFloat32);  // [n, n_mels, frames]
  const int64_t n = mels.size(0);
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < n; begin += options.batch) {
    if (progress) progress({"vocode real test", begin, n, ""});
    const int64_t end = std::min<int64_t>(n, begin + options.batch);
    parts.push_back(vocode_and_analyse(mels.slice(0, begin, end), ref.frontend, {},
                                       vocoder_of(options, ref.frontend),
                                       options.seed + 7919ULL + static_cast<uint64_t>(begin)));
  }
  if (progress) progress({"vocode real test", n, n, ""});
  const Classification vocoded = classify(ref.classifier, torch::cat(parts, 0));
  report.vocoded_real_clips = static_cast<int>(n);
  report.vocoded_real_accuracy =
      vocoded.predicted.eq(labels.index_select(0, index)).to(torch::kDouble).mean().item<double>();
  report.vocoded_real_is = inception_score(vocoded.probabilities, /*splits=*/1);
  report.vocoded_real_fd = frechet_distance(vocoded.embeddings, ref.test.classified.embeddings);
}

}  // namespace

void EvaluationOptions::validate() const {
  if (count_per_class < 2) {
    throw ConfigError("evaluate: --count must be at least 2, got " +
                      std::to_string(count_per_class));
  }
  if (batch < 1) throw ConfigError("evaluate: batch must be at least 1");
  if (reconstruction_per_class < 0)
    throw ConfigError("evaluate: reconstruction clips must be >= 0");
  if (ndb_k < 0 || ndb_k == 1) throw ConfigError("evaluate: NDB bins must be 0 (auto) or >= 2");
}

EvaluationOptions quick_options(uint64_t seed) {
  EvaluationOptions options;
  options.count_per_class = 16;
  options.seed = seed;
  options.reconstruction_per_class = 0;
  options.examples_per_class = 0;
  options.quick = true;
  return options;
}

namespace {

// What the generator made, class by class: its own log-mels and the same after the vocoder and
// re-analysis (what a listener's audio would give), with their labels.
struct GeneratedSet {
  std::vector<torch::Tensor> own;  // per class [count, n_mels, frames]
  torch::Tensor analysed;          // [C * count, n_mels, frames]
  torch::Tensor labels;            // [C * count]
};

GeneratedSet generate_all(const GeneratedSource& source, const EvaluationReference& ref,
                          const EvaluationOptions& options,
                          const EvaluationProgressCallback& progress) {
  const int num_classes = static_cast<int>(ref.class_names.size());
  const int count = options.count_per_class;
  GeneratedSet set;
  std::vector<torch::Tensor> analysed;
  const dsp::MelVocoder vocoder = vocoder_of(options, ref.frontend);
  for (int c = 0; c < num_classes; ++c) {
    const torch::Tensor mels =
        source.generate(c, count, options.seed + static_cast<uint64_t>(c) * 1000003ULL)
            .to(torch::kCPU, torch::kFloat32);  // [count, n_mels, frames]
    std::vector<torch::Tensor> parts;
    for (int begin = 0; begin < count; begin += options.batch) {
      if (progress)
        progress({"generate", c * count + begin, num_classes * count, ref.class_names[c]});
      const int end = std::min(count, begin + options.batch);
      const uint64_t phase_seed = options.seed + static_cast<uint64_t>(c) * 1000003ULL + begin;
      parts.push_back(vocode_and_analyse(mels.slice(0, begin, end), ref.frontend, source.to_audio,
                                         vocoder, phase_seed));  // [b, n_mels, frames]
    }
    analysed.push_back(torch::cat(parts, 0));
    set.own.push_back(mels);
  }
  if (progress) progress({"generate", num_classes * count, num_classes * count, ""});
  set.analysed = torch::cat(analysed, 0);
  set.labels = torch::arange(num_classes, torch::kInt64).repeat_interleave(count);
  return set;
}

// The report's description of the run: settings, the reference and its classifier.
EvaluationReport report_header(const EvaluationReference& ref, const EvaluationOptions& options) {
  EvaluationReport report;
  report.frontend = ref.frontend.to_string();
  report.frontend_config = ref.frontend;
  report.class_names = ref.class_names;
  report.count_per_class = options.count_per_class;
  report.seed = options.seed;
  report.quick = options.quick;
  report.vocoder = options.vocoder ? options.vocoder_name : "griffin-lim";
  report.classifier_path = ref.classifier_path;
  report.classifier_reused = ref.classifier_reused;
  report.test_source = ref.test_source;
  report.real_test_count = ref.test.labels.numel();
  report.classifier_accuracy = ref.classifier_accuracy;
  report.chance = ref.chance;
  report.meaningful = ref.meaningful();
  return report;
}

// Accuracy, IS, FD and NDB over all classes: of the vocoded clips, and of G's own log-mels.
void score_overall(const GeneratedSet& set, const Classification& gen,
                   const EvaluationReference& ref, const EvaluationOptions& options,
                   EvaluationReport& report) {
  const int num_classes = static_cast<int>(ref.class_names.size());
  report.confusion = confusion(set.labels, gen.predicted, num_classes);
  report.conditional_accuracy = report.confusion.overall;
  report.is_generated = inception_score(gen.probabilities, /*splits=*/1);
  if (ref.test.labels.numel() > 0) {
    report.is_real_test = inception_score(ref.test.classified.probabilities, /*splits=*/1);
  }
  const torch::Tensor& train_e = ref.train.classified.embeddings;
  const torch::Tensor& test_e = ref.test.classified.embeddings;
  report.fd = frechet_distance(gen.embeddings, test_e);
  report.fd_floor = frechet_distance(train_e, test_e);

  const Classification direct = classify(ref.classifier, torch::cat(set.own, 0).clamp_min(0.0));
  report.direct_accuracy = direct.predicted.eq(set.labels).to(torch::kDouble).mean().item<double>();
  report.direct_is = inception_score(direct.probabilities, /*splits=*/1);
  report.direct_fd = frechet_distance(direct.embeddings, test_e);

  NdbOptions ndb_options;
  const int64_t n_train = train_e.size(0);
  ndb_options.k = options.ndb_k > 0 ? options.ndb_k
                                    : static_cast<int>(std::clamp<int64_t>(n_train / 20, 2, 50));
  ndb_options.k = static_cast<int>(std::min<int64_t>(ndb_options.k, n_train));
  ndb_options.seed = options.seed;
  if (ndb_options.k >= 2) report.ndb = ndb(train_e, gen.embeddings, ndb_options);
}

// One class's row: accuracy, FD, diversity, frames with sound and sound lengths against real.
ClassReport score_class(int c, const GeneratedSet& set, const Classification& gen,
                        const EvaluationReference& ref, const EvaluationReport& report,
                        double silence_threshold) {
  const torch::Tensor& train_e = ref.train.classified.embeddings;
  const torch::Tensor& test_e = ref.test.classified.embeddings;
  ClassReport cr;
  cr.name = ref.class_names[c];
  const torch::Tensor g = rows_of(gen.embeddings, set.labels, c);
  const torch::Tensor te = rows_of(test_e, ref.test.labels, c);
  const torch::Tensor tr = rows_of(train_e, ref.train.labels, c);
  cr.generated = g.size(0);
  cr.real_test = te.size(0);
  cr.accuracy = report.confusion.per_class[c];
  cr.fd = te.size(0) > 0 ? frechet_distance(g, te) : std::nan("");
  cr.fd_floor = te.size(0) > 0 && tr.size(0) > 0 ? frechet_distance(tr, te) : std::nan("");
  cr.diversity = mean_pairwise_distance(g);
  cr.diversity_real = mean_pairwise_distance(tr);
  cr.mode_collapse = is_mode_collapse(cr.diversity, cr.diversity_real);
  cr.active_frames = active_frame_share(set.own[c], silence_threshold);
  cr.active_frames_real =
      active_frame_share(rows_of(ref.train.spectrograms, ref.train.labels, c), silence_threshold);
  cr.active_frames_real_scored =
      active_frame_share(rows_of(ref.test.spectrograms, ref.test.labels, c), silence_threshold);
  cr.fills_silence = paints_over_silence(cr.active_frames, cr.active_frames_real);
  // The generator's own log-mels, like the frames with sound: the vocoder's overlap-add
  // smears a little energy past a sound's end, which is not the model's length.
  const torch::Tensor real_lengths = ref.test.sound_frames.defined()
                                         ? rows_of(ref.test.sound_frames, ref.test.labels, c)
                                         : torch::empty({0}, torch::kInt64);
  const LengthComparison lengths = compare_lengths(sound_frames(set.own[c]), real_lengths);
  cr.length_median = lengths.median;
  cr.length_p90 = lengths.p90;
  cr.length_median_real = lengths.median_real;
  cr.length_p90_real = lengths.p90_real;
  cr.length_ok = lengths.ok;
  return cr;
}

// The first `k` generated and real log-mels of each class, for the report's figure; a class
// with fewer real clips is padded with silence.
void add_examples(const GeneratedSet& set, const EvaluationReference& ref, int k,
                  EvaluationReport& report) {
  std::vector<torch::Tensor> gen_ex;
  std::vector<torch::Tensor> real_ex;
  for (size_t c = 0; c < ref.class_names.size(); ++c) {
    gen_ex.push_back(set.own[c].slice(0, 0, k));
    torch::Tensor real = rows_of(ref.train.spectrograms, ref.train.labels, static_cast<int>(c))
                             .slice(0, 0, k)
                             .to(torch::kFloat32);
    if (real.size(0) < k) {
      real = torch::cat({real, torch::zeros({k - real.size(0), real.size(1), real.size(2)})}, 0);
    }
    real_ex.push_back(real);
  }
  report.generated_examples = torch::stack(gen_ex, 0);  // [C, k, n_mels, frames]
  report.real_examples = torch::stack(real_ex, 0);
}

}  // namespace

EvaluationReport evaluate(const GeneratedSource& source, const EvaluationReference& ref,
                          const EvaluationOptions& options,
                          const EvaluationProgressCallback& progress) {
  options.validate();
  const auto start = std::chrono::steady_clock::now();
  if (source.class_names != ref.class_names) {
    throw DataError("evaluate: the generator's classes differ from the dataset's");
  }
  if (source.frontend.to_string() != ref.frontend.to_string()) {
    throw DataError("evaluate: the generator's front end (" + source.frontend.to_string() +
                    ") differs from the reference's (" + ref.frontend.to_string() + ")");
  }
  const GeneratedSet set = generate_all(source, ref, options, progress);
  const Classification gen = classify(ref.classifier, set.analysed);
  EvaluationReport report = report_header(ref, options);
  score_overall(set, gen, ref, options, report);

  // The frames the generator gave its clips: a fixed-length model's sounds cannot be longer.
  for (const auto& g : set.own) {
    report.length_max_frames = std::max<int64_t>(report.length_max_frames, g.size(2));
  }
  report.seconds_per_frame = frames_to_seconds(1.0, ref.frontend);
  report.length_ok = !ref.class_names.empty();
  const double silence_threshold = silence_threshold_for(
      ref.train.spectrograms.numel() > 0 ? ref.train.spectrograms.max().item<double>() : 0.0);
  for (int c = 0; c < static_cast<int>(ref.class_names.size()); ++c) {
    report.classes.push_back(score_class(c, set, gen, ref, report, silence_threshold));
    const ClassReport& cr = report.classes.back();
    report.mode_collapse = report.mode_collapse || cr.mode_collapse;
    report.fills_silence = report.fills_silence || cr.fills_silence;
    report.length_ok = report.length_ok && cr.length_ok;
  }

  if (options.reconstruction_per_class > 0 && ref.test.labels.numel() > 0) {
    const Resynthesis resynthesis = reconstruction_quality(ref, options.reconstruction_per_class,
                                                           vocoder_of(options, ref.frontend),
                                                           options.griffin_lim.seed, progress);
    report.reconstruction_clips = resynthesis.clips;
    report.reconstruction_sc_db = resynthesis.sc_db;
    report.reconstruction_lsd_db = resynthesis.lsd_db;
    score_vocoded_real_test(ref, options, progress, report);
  }
  if (options.examples_per_class > 0) add_examples(set, ref, options.examples_per_class, report);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace audiogan::eval
