// The spectrogram classifier that evaluation measures generated sounds with: a compact CNN of
// audiogan's own (no pretrained audio network is available offline), trained on the real train
// split. Its penultimate layer gives the embeddings for the Fréchet distance, NDB and diversity.
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

namespace audiogan {

struct ClassifierOptions {
  int num_classes = 2;   // [2, inf)
  int n_mels = 128;      // input height
  int frames = 512;      // input width: decides how often the blocks pool, [8, inf)
  int width = 16;        // channels of the first block; doubled per block, [4, 256]
  int blocks = 3;        // conv blocks after the stem, [1, 6]
  int embedding = 128;   // penultimate size, [8, 4096]
  double dropout = 0.2;  // before the head, [0, 1)

  void validate() const;
  std::string to_string() const;
};

// log-mels [B, 1, n_mels, frames] (or [B, n_mels, frames]) in log1p units -> embeddings
// [B, embedding] and logits [B, num_classes].
class SpectrogramClassifierImpl : public torch::nn::Module {
 public:
  explicit SpectrogramClassifierImpl(ClassifierOptions options = {});
  void reset();

  // Stores the input normalisation (mean and std of the training log-mels) with the weights.
  void set_normalisation(double mean, double std);

  torch::Tensor embed(const torch::Tensor& log_mels);  // [B, embedding], after ReLU
  torch::Tensor logits_from_embedding(const torch::Tensor& embedding);  // [B, num_classes]
  torch::Tensor forward(const torch::Tensor& log_mels);                 // logits [B, num_classes]

  const ClassifierOptions& options() const { return options_; }
  void pretty_print(std::ostream& stream) const override;

 private:
  ClassifierOptions options_;
  torch::Tensor norm_;  // [2] buffer: mean, std of the training log-mels
  torch::nn::Sequential features_{nullptr};
  torch::nn::Linear embedding_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(SpectrogramClassifier);

}  // namespace audiogan
