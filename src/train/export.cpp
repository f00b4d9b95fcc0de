// Generator export (see export.h).
#include "train/export.h"

#include <sstream>

#include "core/error.h"
#include "model/generator_script.h"
#include "train/checkpoint.h"

namespace audiogan {

torch::jit::Module script_tree(const torch::nn::Module& module, const std::string& path,
                               const std::shared_ptr<torch::jit::CompilationUnit>& unit) {
  torch::jit::Module scripted("__torch__.audiogan." + path, unit, /*shouldMangle=*/true);
  // Stored NCHW-contiguous and without autograd: what a plain inference program expects.
  for (const auto& item : module.named_parameters(/*recurse=*/false)) {
    scripted.register_parameter(item.key(), item.value().detach().contiguous(), false);
  }
  for (const auto& item : module.named_buffers(/*recurse=*/false)) {
    scripted.register_parameter(item.key(), item.value().detach().contiguous(), true);
  }
  for (const auto& item : module.named_children()) {
    scripted.register_module(item.key(), script_tree(*item.value(), path + "_" + item.key(), unit));
  }
  return scripted;
}

void export_generator(const std::string& checkpoint_path, const std::string& out_path,
                      const ExportExtension& extend) {
  CheckpointReader reader(checkpoint_path);
  const auto& meta = reader.meta();
  if (meta.spec.variable_length) {
    // The TorchScript generator (model/generator_script.h) has no length input yet.
    throw ConfigError("export: " + checkpoint_path +
                      " is a variable-length model (--lengths variable), which export does not "
                      "write yet; generate and serve read its checkpoint directly");
  }
  auto generator = make_generator(meta.spec);
  reader.load_module(meta.has_ema ? "ema_generator" : "generator", *generator);
  generator->eval();
  const Config config = Config::from_toml_string(meta.config_toml, checkpoint_path);
  nlohmann::json metadata = {
      {"format", "audiogan-generator"},
      {"version", 2},
      {"class_names", meta.class_names},
      {"frontend", meta.frontend},
      {"frontend_toml", config.to_toml()},
      {"normalisation", {{"low", meta.normalisation.low}, {"high", meta.normalisation.high}}},
      {"weights", meta.has_ema ? "ema" : "plain"},
      {"epoch", meta.epoch},
      {"step", meta.step},
      {"spec", spec_to_json(meta.spec)},
      {"methods",
       {{"forward",
         "(z [B, latent] float32 ~ N(0, 1), labels [B] int64) -> [B, 1, n_mels, "
         "frames] in [-1, 1]"},
        {"log_mel",
         "(z, labels) -> [B, 1, n_mels, frames] log1p(mel power) = (forward + 1) / 2 "
         "* (high - low) + low"}}}};
  auto unit = std::make_shared<torch::jit::CompilationUnit>();
  torch::jit::Module exported("__torch__.audiogan.ExportedGenerator", unit, true);
  exported.register_module("generator", script_tree(*generator, "Generator", unit));
  exported.register_attribute("class_names", c10::ListType::ofStrings(),
                              c10::List<std::string>(meta.class_names));
  exported.register_attribute("normalisation_low", c10::FloatType::get(), meta.normalisation.low);
  exported.register_attribute("normalisation_high", c10::FloatType::get(), meta.normalisation.high);
  exported.define(generator_script_source(meta.spec));
  exported.define(
      "def log_mel(self, z: Tensor, labels: Tensor) -> Tensor:\n"
      "    y = self.forward(z, labels)\n"
      "    return (y + 1.0) * 0.5 * (self.normalisation_high - self.normalisation_low) + "
      "self.normalisation_low\n");
  if (extend) extend(exported, metadata);  // after log_mel, which its methods may call
  exported.register_attribute("metadata", c10::StringType::get(), metadata.dump(2));
  exported.eval();
  std::ostringstream bytes;
  exported.save(bytes);
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
    result.spec = spec_from_json(meta.at("spec"));
    result.class_names = meta.at("class_names").get<std::vector<std::string>>();
    // "frontend_toml" holds the whole training config (it is named for what it was first for).
    const Config config =
        Config::from_toml_string(meta.at("frontend_toml").get<std::string>(), path);
    result.frontend = config.frontend;
    result.loss = config.train.loss;
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
