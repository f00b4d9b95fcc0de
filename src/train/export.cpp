// Generator export (see export.h).
#include "train/export.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "train/checkpoint.h"

namespace audiogan {

void export_generator(const std::string& checkpoint_path, const std::string& out_path) {
  CheckpointReader reader(checkpoint_path);
  const auto& meta = reader.meta();
  auto generator = make_generator(meta.spec);
  reader.load_module(meta.has_ema ? "ema_generator" : "generator", *generator);
  const Config config = Config::from_toml_string(meta.config_toml, checkpoint_path);
  nlohmann::json metadata = {
      {"format", "audiogan-generator"},
      {"version", 1},
      {"class_names", meta.class_names},
      {"frontend", meta.frontend},
      {"frontend_toml", config.to_toml()},
      {"normalisation", {{"low", meta.normalisation.low}, {"high", meta.normalisation.high}}},
      {"weights", meta.has_ema ? "ema" : "plain"},
      {"epoch", meta.epoch},
      {"step", meta.step},
      {"spec",
       {{"arch", meta.spec.arch},
        {"num_classes", meta.spec.num_classes},
        {"latent", meta.spec.latent},
        {"width", meta.spec.width},
        {"n_mels", meta.spec.n_mels},
        {"frames", meta.spec.frames}}},
      {"inputs", "z [B, latent] float32 ~ N(0, 1), labels [B] int64"},
      {"output",
       "[B, 1, n_mels, frames] in [-1, 1]; log1p mel = (y + 1) / 2 * (high - low) + low"}};
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive weights;
  generator->save(weights);
  archive.write("generator", weights);
  archive.write("metadata", c10::IValue(metadata.dump(2)));
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomically(out_path, bytes.str());
}

ExportedGenerator load_exported_generator(const std::string& path, torch::Device device) {
  ExportedGenerator result;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, device);
    c10::IValue text;
    archive.read("metadata", text);
    const auto meta = nlohmann::json::parse(text.toStringRef());
    if (meta.value("format", "") != "audiogan-generator") {
      throw DataError("export: " + path + " is not an audiogan generator export");
    }
    const auto& s = meta.at("spec");
    result.spec.arch = s.at("arch").get<std::string>();
    result.spec.num_classes = s.at("num_classes").get<int>();
    result.spec.latent = s.at("latent").get<int>();
    result.spec.width = s.at("width").get<int>();
    result.spec.n_mels = s.at("n_mels").get<int>();
    result.spec.frames = s.at("frames").get<int>();
    result.class_names = meta.at("class_names").get<std::vector<std::string>>();
    result.frontend =
        Config::from_toml_string(meta.at("frontend_toml").get<std::string>(), path).frontend;
    result.normalisation.low = meta.at("normalisation").at("low").get<double>();
    result.normalisation.high = meta.at("normalisation").at("high").get<double>();
    result.generator = make_generator(result.spec);
    torch::serialize::InputArchive weights;
    archive.read("generator", weights);
    result.generator->load(weights);
  } catch (const c10::Error& error) {
    throw DataError("sampler: " + path +
                    " is neither an audiogan checkpoint nor a generator "
                    "export (" +
                    error.what_without_backtrace() + ")");
  } catch (const nlohmann::json::exception& error) {
    throw DataError("sampler: " + path + " has unreadable metadata: " + error.what());
  }
  return result;
}

}  // namespace audiogan
