// The evaluation classifier: a strided, pooled stem, Conv-BN-ReLU-MaxPool blocks, global average
// and max pooling, a ReLU embedding layer and a linear head.
#include "model/classifier.h"

#include <sstream>

#include "core/error.h"

namespace audiogan {

namespace nn = torch::nn;

void ClassifierOptions::validate() const {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw ConfigError("classifier: " + what);
  };
  require(num_classes >= 2, "needs at least 2 classes, got " + std::to_string(num_classes));
  require(n_mels >= 8, "n_mels must be at least 8, got " + std::to_string(n_mels));
  require(frames >= 8, "frames must be at least 8, got " + std::to_string(frames));
  require(width >= 4 && width <= 256, "width must be in [4, 256], got " + std::to_string(width));
  require(blocks >= 1 && blocks <= 6, "blocks must be in [1, 6], got " + std::to_string(blocks));
  require(embedding >= 8 && embedding <= 4096,
          "embedding must be in [8, 4096], got " + std::to_string(embedding));
  require(dropout >= 0.0 && dropout < 1.0, "dropout must be in [0, 1)");
}

std::string ClassifierOptions::to_string() const {
  std::ostringstream s;
  s << "classes=" << num_classes << " n_mels=" << n_mels << " frames=" << frames
    << " width=" << width << " blocks=" << blocks << " embedding=" << embedding
    << " dropout=" << dropout;
  return s.str();
}

SpectrogramClassifierImpl::SpectrogramClassifierImpl(ClassifierOptions options)
    : options_(std::move(options)) {
  options_.validate();
  reset();
}

void SpectrogramClassifierImpl::reset() {
  norm_ = register_buffer("norm", torch::tensor({0.0f, 1.0f}));
  features_ = nn::Sequential();
  // Stem: a 5x5 stride-2 convolution and a 2x2 max pool reduce both axes by 4 at once, which
  // keeps the cost low on a CPU (most of a 128 x 512 log-mel of a short sound is silence).
  const int w = options_.width;
  features_->push_back(nn::Conv2d(nn::Conv2dOptions(1, w, 5).stride(2).padding(2).bias(false)));
  features_->push_back(nn::BatchNorm2d(w));
  features_->push_back(nn::ReLU());
  int height = (options_.n_mels + 1) / 2;
  int width = (options_.frames + 1) / 2;
  if (height >= 4 && width >= 4) {
    features_->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
    height /= 2;
    width /= 2;
  }
  int channels = w;
  for (int b = 0; b < options_.blocks; ++b) {
    const int out = std::min(channels * 2, 512);
    features_->push_back(nn::Conv2d(nn::Conv2dOptions(channels, out, 3).padding(1).bias(false)));
    features_->push_back(nn::BatchNorm2d(out));
    features_->push_back(nn::ReLU());
    // Pool while both axes are still at least 4 long; global pooling follows the last block.
    if (height >= 4 && width >= 4) {
      features_->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
      height /= 2;
      width /= 2;
    }
    channels = out;
  }
  register_module("features", features_);
  // Average and max pooling concatenated: [B, 2 * channels].
  embedding_ = register_module("embedding", nn::Linear(2 * channels, options_.embedding));
  dropout_ = register_module("dropout", nn::Dropout(options_.dropout));
  head_ = register_module("head", nn::Linear(options_.embedding, options_.num_classes));
}

void SpectrogramClassifierImpl::set_normalisation(double mean, double std) {
  TORCH_CHECK(std > 0.0, "classifier: normalisation std must be > 0, got ", std);
  torch::NoGradGuard no_grad;
  norm_.copy_(torch::tensor({static_cast<float>(mean), static_cast<float>(std)}));
}

torch::Tensor SpectrogramClassifierImpl::embed(const torch::Tensor& log_mels) {
  torch::Tensor x = log_mels.dim() == 3 ? log_mels.unsqueeze(1) : log_mels;  // [B, 1, M, F]
  TORCH_CHECK(x.dim() == 4 && x.size(1) == 1 && x.size(2) == options_.n_mels,
              "classifier: expected log-mels [B, 1, ", options_.n_mels, ", frames], got ",
              log_mels.sizes());
  const torch::Tensor norm = norm_.to(x.device());
  x = (x.to(torch::kFloat32) - norm[0]) / norm[1];
  x = features_->forward(x);                                           // [B, C, H, W]
  const torch::Tensor avg = x.mean({2, 3});                            // [B, C]
  const torch::Tensor max = x.amax({2, 3});                            // [B, C]
  return torch::relu(embedding_->forward(torch::cat({avg, max}, 1)));  // [B, embedding]
}

torch::Tensor SpectrogramClassifierImpl::logits_from_embedding(const torch::Tensor& embedding) {
  return head_->forward(dropout_->forward(embedding));
}

torch::Tensor SpectrogramClassifierImpl::forward(const torch::Tensor& log_mels) {
  return logits_from_embedding(embed(log_mels));
}

void SpectrogramClassifierImpl::pretty_print(std::ostream& stream) const {
  stream << "audiogan::SpectrogramClassifier(" << options_.to_string() << ")";
}

}  // namespace audiogan
