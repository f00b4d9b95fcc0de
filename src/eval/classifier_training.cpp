// Classifier training: Adam with a cosine learning-rate decay, class-balanced cross-entropy and
// light augmentation (time shift, gain), deterministic given the seed.
#include "eval/classifier_training.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <sstream>

#include "core/error.h"

namespace audiogan::eval {
namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// x [B, 1, M, F] log1p -> shifted along time (silence fills the gap) and scaled in power.
torch::Tensor augment(const torch::Tensor& x, const ClassifierTrainingOptions& options,
                      std::mt19937_64& rng) {
  const int64_t frames = x.size(3);
  torch::Tensor out = torch::zeros_like(x);
  for (int64_t i = 0; i < x.size(0); ++i) {
    const int64_t max_shift = std::min<int64_t>(options.max_shift_frames, frames - 1);
    const int64_t shift =
        max_shift > 0 ? static_cast<int64_t>(rng() % (2 * max_shift + 1)) - max_shift : 0;
    const double gain = std::pow(10.0, uniform(rng, -options.gain_db, options.gain_db) / 10.0);
    torch::Tensor row = torch::log1p(torch::expm1(x[i]) * gain);  // [1, M, F]
    if (shift >= 0) {
      out[i].slice(2, shift, frames).copy_(row.slice(2, 0, frames - shift));
    } else {
      out[i].slice(2, 0, frames + shift).copy_(row.slice(2, -shift, frames));
    }
  }
  return out;
}

void set_lr(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

nlohmann::json options_json(const ClassifierOptions& o) {
  return {{"num_classes", o.num_classes}, {"n_mels", o.n_mels},
          {"frames", o.frames},           {"width", o.width},
          {"blocks", o.blocks},           {"embedding", o.embedding},
          {"dropout", o.dropout}};
}

}  // namespace

void ClassifierTrainingOptions::validate() const {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw ConfigError("classifier training: " + what);
  };
  require(epochs >= 1, "epochs must be at least 1, got " + std::to_string(epochs));
  require(min_steps >= 0, "min_steps must be >= 0");
  require(batch >= 1, "batch must be at least 1, got " + std::to_string(batch));
  require(lr > 0.0, "lr must be > 0");
  require(max_shift_frames >= 0, "max_shift_frames must be >= 0");
  require(gain_db >= 0.0, "gain_db must be >= 0");
}

std::string ClassifierTrainingOptions::to_string() const {
  std::ostringstream s;
  s << model.to_string() << " epochs=" << epochs << " min_steps=" << min_steps << " batch=" << batch
    << " lr=" << lr << " weight_decay=" << weight_decay << " augment=" << augment
    << " shift=" << max_shift_frames << " gain_db=" << gain_db << " seed=" << seed;
  return s.str();
}

SpectrogramClassifier train_classifier(const torch::Tensor& spectrograms,
                                       const torch::Tensor& labels, int num_classes,
                                       const ClassifierTrainingOptions& options,
                                       const ClassifierProgressCallback& progress) {
  options.validate();
  if (spectrograms.dim() != 3 || labels.dim() != 1 || labels.size(0) != spectrograms.size(0) ||
      spectrograms.size(0) == 0) {
    throw DataError(
        "classifier training: expected spectrograms [N, n_mels, frames] and labels "
        "[N] with N > 0, got " +
        c10::str(spectrograms.sizes()) + " and " + c10::str(labels.sizes()));
  }
  const int64_t n = spectrograms.size(0);
  const torch::Tensor y_all = labels.to(torch::kCPU, torch::kInt64);

  ClassifierOptions model_options = options.model;
  model_options.num_classes = num_classes;
  model_options.n_mels = static_cast<int>(spectrograms.size(1));
  model_options.frames = static_cast<int>(spectrograms.size(2));
  torch::manual_seed(options.seed);  // weight initialisation and dropout
  SpectrogramClassifier model(model_options);

  // Input normalisation from the training data: one mean and std over every bin.
  {
    const torch::Tensor sample =
        spectrograms.slice(0, 0, std::min<int64_t>(n, 512)).to(torch::kCPU, torch::kFloat64);
    const double std = sample.std().item<double>();
    model->set_normalisation(sample.mean().item<double>(), std > 1e-6 ? std : 1.0);
  }
  // Class-balanced weights: N / (C * count_c), so rare classes count as much as common ones.
  const torch::Tensor counts =
      torch::bincount(y_all, /*weights=*/{}, /*minlength=*/num_classes).to(torch::kFloat32);
  const torch::Tensor weights =
      torch::where(counts > 0, static_cast<double>(n) / (num_classes * counts.clamp_min(1.0)),
                   torch::zeros_like(counts));

  torch::optim::Adam optimizer(
      model->parameters(),
      torch::optim::AdamOptions(options.lr).weight_decay(options.weight_decay));
  const int64_t per_epoch = (n + options.batch - 1) / options.batch;
  const int epochs = static_cast<int>(std::max<int64_t>(
      options.epochs, (options.min_steps + per_epoch - 1) / std::max<int64_t>(per_epoch, 1)));
  const int64_t total_steps = per_epoch * epochs;
  std::mt19937_64 rng(options.seed ^ 0x9e3779b97f4a7c15ULL);
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  int64_t step = 0;
  model->train();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0.0;
    int64_t correct = 0;
    for (int64_t begin = 0; begin < n; begin += options.batch) {
      const int64_t end = std::min<int64_t>(n, begin + options.batch);
      const torch::Tensor index = torch::tensor(
          std::vector<int64_t>(order.begin() + begin, order.begin() + end), torch::kInt64);
      torch::Tensor x = spectrograms.index_select(0, index).to(torch::kFloat32).unsqueeze(1);
      const torch::Tensor y = y_all.index_select(0, index);  // [B]
      if (options.augment) x = augment(x, options, rng);     // [B, 1, M, F]
      // Cosine decay from lr to lr / 20 over the whole run.
      const double t = static_cast<double>(step) / std::max<int64_t>(total_steps - 1, 1);
      set_lr(optimizer, options.lr * (0.05 + 0.95 * 0.5 * (1.0 + std::cos(M_PI * t))));
      optimizer.zero_grad();
      const torch::Tensor logits = model->forward(x);  // [B, C]
      const torch::Tensor loss = torch::nn::functional::cross_entropy(
          logits, y, torch::nn::functional::CrossEntropyFuncOptions().weight(weights));
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>() * static_cast<double>(end - begin);
      correct += (logits.argmax(1) == y).sum().item<int64_t>();
      ++step;
    }
    if (progress) {
      progress({epoch, epochs, loss_sum / n, static_cast<double>(correct) / n});
    }
  }
  model->eval();
  return model;
}

Classification classify(SpectrogramClassifier model, const torch::Tensor& spectrograms, int batch) {
  torch::NoGradGuard no_grad;
  model->eval();
  std::vector<torch::Tensor> embeddings;
  std::vector<torch::Tensor> probabilities;
  for (int64_t begin = 0; begin < spectrograms.size(0); begin += batch) {
    const int64_t end = std::min<int64_t>(spectrograms.size(0), begin + batch);
    const torch::Tensor x = spectrograms.slice(0, begin, end).to(torch::kCPU, torch::kFloat32);
    const torch::Tensor e = model->embed(x);  // [b, E]
    embeddings.push_back(e);
    probabilities.push_back(torch::softmax(model->logits_from_embedding(e), 1));
  }
  Classification out;
  if (embeddings.empty()) {
    out.embeddings = torch::zeros({0, model->options().embedding});
    out.probabilities = torch::zeros({0, model->options().num_classes});
    out.predicted = torch::zeros({0}, torch::kInt64);
    return out;
  }
  out.embeddings = torch::cat(embeddings, 0);
  out.probabilities = torch::cat(probabilities, 0);
  out.predicted = out.probabilities.argmax(1);
  return out;
}

torch::Tensor held_out_mask(const torch::Tensor& labels, int num_classes) {
  const torch::Tensor y = labels.to(torch::kCPU, torch::kInt64).contiguous();
  const int64_t n = y.size(0);
  torch::Tensor mask = torch::zeros({n}, torch::kBool);
  const int64_t* data = y.data_ptr<int64_t>();
  for (int c = 0; c < num_classes; ++c) {
    std::vector<int64_t> members;
    for (int64_t i = 0; i < n; ++i)
      if (data[i] == c) members.push_back(i);
    const int64_t count = static_cast<int64_t>(members.size());
    if (count < 2) continue;  // a single item stays in training
    const int64_t hold = std::max<int64_t>(1, (count + 5) / 10);
    for (int64_t j = 0; j < hold; ++j) {
      mask[members[(2 * j + 1) * count / (2 * hold)]] = true;  // evenly spread
    }
  }
  return mask;
}

void save_classifier(SpectrogramClassifier& model, const std::string& path,
                     const std::string& metadata_json) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  nlohmann::json meta = nlohmann::json::parse(metadata_json.empty() ? "{}" : metadata_json);
  meta["options"] = options_json(model->options());
  // Written under temporary names and renamed, so a half-written cache entry is never read.
  const std::string tmp = path + ".tmp";
  try {
    torch::save(model, tmp);
  } catch (const c10::Error& e) {
    throw IoError("classifier: cannot write " + tmp + ": " + e.what_without_backtrace());
  }
  std::ofstream(path + ".json.tmp") << meta.dump(2) << "\n";
  fs::rename(tmp, path, ec);
  if (!ec) fs::rename(path + ".json.tmp", path + ".json", ec);
  if (ec) throw IoError("classifier: cannot write " + path + ": " + ec.message());
}

SpectrogramClassifier load_classifier(const std::string& path) {
  std::ifstream meta_file(path + ".json");
  if (!meta_file || !std::filesystem::exists(path)) return SpectrogramClassifier(nullptr);
  try {
    const nlohmann::json meta = nlohmann::json::parse(meta_file);
    const nlohmann::json& o = meta.at("options");
    ClassifierOptions options;
    options.num_classes = o.at("num_classes").get<int>();
    options.n_mels = o.at("n_mels").get<int>();
    options.frames = o.at("frames").get<int>();
    options.width = o.at("width").get<int>();
    options.blocks = o.at("blocks").get<int>();
    options.embedding = o.at("embedding").get<int>();
    options.dropout = o.at("dropout").get<double>();
    SpectrogramClassifier model(options);
    torch::load(model, path);
    model->eval();
    return model;
  } catch (const std::exception&) {
    return SpectrogramClassifier(nullptr);  // a stale or broken entry is retrained
  }
}

}  // namespace audiogan::eval
