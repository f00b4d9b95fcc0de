// The real clip source: Samplers loaded lazily per checkpoint, reloaded when the file changes,
// generation serialised behind one mutex.
#include <map>
#include <mutex>

#include "audio/pcm16.h"
#include "core/error.h"
#include "core/file_time.h"
#include "infer/sampler.h"
#include "render/spectrogram_plot.h"
#include "serve/clip_source.h"
#include "serve/wav_bytes.h"

namespace audiogan::serve {
namespace {

// At most this many checkpoints stay loaded; a page rarely compares more.
constexpr size_t kMaxLoaded = 4;

FileStamp stamp_of(const std::string& path) {
  const auto stamp = file_stamp(path);
  if (!stamp) {
    throw IoError("serve: checkpoint " + path + " cannot be read (it may have been pruned)");
  }
  return *stamp;
}

class SamplerSource : public ClipSource {
 public:
  SamplerSource(std::string device, std::function<void(Sampler&)> prepare)
      : device_(std::move(device)), prepare_(std::move(prepare)) {}

  std::vector<std::string> classes(const std::string& checkpoint_path) override {
    return sampler(checkpoint_path)->class_names();
  }

  double default_truncation(const std::string& checkpoint_path) override {
    return sampler(checkpoint_path)->default_truncation();
  }

  std::vector<Clip> generate(const std::string& checkpoint_path, int class_index,
                             const std::vector<uint64_t>& seeds, double truncation,
                             double seconds) override {
    const auto loaded = sampler(checkpoint_path);
    const std::string class_name = loaded->class_names().at(class_index);
    std::lock_guard<std::mutex> lock(generate_mutex_);
    torch::NoGradGuard no_grad;
    // The clips `generate --seed` gives for the same seeds (Sampler::generate_clips).
    const Sampler::Clips made = loaded->generate_clips(class_index, seeds, truncation, {}, seconds);

    std::vector<Clip> clips;
    const int rate = loaded->frontend().sample_rate;
    for (size_t i = 0; i < seeds.size(); ++i) {
      const torch::Tensor log_mel = made.log_mels[static_cast<int64_t>(i)];  // [n_mels, frames]
      std::vector<float> audio = made.audio[i];
      limit_peak(audio);  // as generate writes it
      Clip clip;
      clip.wav = encode_wav_pcm16(audio, rate);
      clip.duration_s = static_cast<double>(audio.size()) / rate;
      render::SpectrogramPlotOptions plot;
      plot.panel_width = 480;
      plot.panel_height = 200;
      clip.png = render::spectrogram_image_png(
          log_mel, class_name + "  (seed " + std::to_string(seeds[i]) + ")", loaded->frontend(),
          plot);
      clips.push_back(std::move(clip));
    }
    return clips;
  }

 private:
  struct Loaded {
    FileStamp stamp;
    std::shared_ptr<const Sampler> sampler;
    uint64_t last_used = 0;
  };

  // The loaded sampler for `path`, (re)loading it when absent or when the file changed.
  std::shared_ptr<const Sampler> sampler(const std::string& path) {
    const FileStamp stamp = stamp_of(path);
    std::lock_guard<std::mutex> lock(load_mutex_);
    auto found = loaded_.find(path);
    if (found != loaded_.end() && found->second.stamp == stamp) {
      found->second.last_used = ++clock_;
      return found->second.sampler;
    }
    auto loaded = std::make_shared<Sampler>(Sampler::load(path, device_));
    if (prepare_) prepare_(*loaded);
    std::shared_ptr<const Sampler> sampler = loaded;
    loaded_[path] = {stamp, sampler, ++clock_};
    while (loaded_.size() > kMaxLoaded) {
      auto oldest = loaded_.begin();
      for (auto it = loaded_.begin(); it != loaded_.end(); ++it)
        if (it->second.last_used < oldest->second.last_used) oldest = it;
      loaded_.erase(oldest);  // in-flight requests keep their shared_ptr
    }
    return sampler;
  }

  std::string device_;
  std::function<void(Sampler&)> prepare_;
  std::mutex load_mutex_;
  std::map<std::string, Loaded> loaded_;
  uint64_t clock_ = 0;
  std::mutex generate_mutex_;
};

}  // namespace

std::shared_ptr<ClipSource> make_sampler_source(const std::string& device,
                                                std::function<void(Sampler&)> prepare) {
  return std::make_shared<SamplerSource>(device, std::move(prepare));
}

}  // namespace audiogan::serve
