// Non-template parts of the TOML config helpers (see config_toml.h).
#include "core/config_toml.h"

#include <fstream>
#include <locale>

namespace audiogan::config_toml {

void require(bool condition, const std::string& component, const std::string& flag,
             const std::string& expected, const std::string& found) {
  if (!condition) {
    throw ConfigError(component + ": --" + flag + " expected " + expected + ", got " + found);
  }
}

// to_string() keys the spectrogram cache, so two front ends that differ only past the 6th digit
// must not print alike. Typical values (22050, 0.0002, 0.999) print as they always have, so
// existing cache keys are kept.
std::string exact(double value) {
  for (int digits = 15; digits < 17; ++digits) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(digits);
    out << value;
    std::istringstream in(out.str());
    in.imbue(std::locale::classic());
    double back = 0;
    if (in >> back && back == value) return out.str();
  }
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out.precision(17);
  out << value;
  return out.str();
}

toml::table parse(const std::string& text, const std::string& origin,
                  const std::string& component) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& error) {
    std::ostringstream message;
    message << component << ": " << origin << ": " << error.description() << " at line "
            << error.source().begin.line;
    throw ConfigError(message.str());
  }
}

std::string read_file(const std::string& path, const std::string& component) {
  std::ifstream in(path);
  if (!in) throw IoError(component + ": cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void check_tables(const toml::table& root, const std::vector<std::string>& tables,
                  const std::string& origin, const std::string& component) {
  std::string expected;
  for (const auto& t : tables) expected += (expected.empty() ? "[" : " or [") + t + "]";
  for (const auto& [key, node] : root) {
    bool known = false;
    for (const auto& t : tables) known = known || key.str() == t;
    if (!known) {
      throw ConfigError(component + ": " + origin + ": unknown table [" + std::string(key.str()) +
                        "], expected " + expected);
    }
  }
}

void TableReader::reject_unknown() const {
  if (!table_) return;
  for (const auto& [key, node] : *table_) {
    bool known = false;
    for (const auto& name : seen_) known = known || key.str() == name;
    if (!known) {
      throw ConfigError(component_ + ": " + origin_ + ": unknown key '" + std::string(key.str()) +
                        "' in [" + name_ + "]");
    }
  }
}

void TableReader::fail(const char* key, const std::string& expected) const {
  throw ConfigError(component_ + ": " + origin_ + ": [" + name_ + "] " + key + " expected " +
                    expected);
}

}  // namespace audiogan::config_toml
