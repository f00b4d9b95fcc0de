// The pieces every TOML-backed config struct of audiogan is made of (core/config.cpp,
// vocoder/vocoder_config.cpp): range checks that name the flag, exact number printing, a table
// reader that refuses unknown keys and out-of-range integers, and the TOML writer. A struct lists
// its fields once in a visitor (`visit("key", field)` per field) and these walk it.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "core/config.h"
#include "core/error.h"

namespace audiogan::config_toml {

// Throws ConfigError "<component>: --<flag> expected <expected>, got <found>" unless `condition`.
void require(bool condition, const std::string& component, const std::string& flag,
             const std::string& expected, const std::string& found);

template <typename T>
std::string str(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// The shortest decimal that reads back as exactly `value`, in the classic locale.
std::string exact(double value);

// The parsed document of `text`; a syntax error is a ConfigError naming origin and line.
toml::table parse(const std::string& text, const std::string& origin, const std::string& component);
// The whole file at `path`; IoError naming it when it cannot be read.
std::string read_file(const std::string& path, const std::string& component);
// Refuses a top-level table other than `tables` (e.g. {"frontend", "train"}).
void check_tables(const toml::table& root, const std::vector<std::string>& tables,
                  const std::string& origin, const std::string& component);

// Reads every key of one table into a struct; a key the struct does not have is an error, so a
// typo in a config file is never silently ignored, and so is an integer the field cannot hold
// (TOML integers are int64: n_fft = 4294968320 would otherwise become 1024, seed = -1 a huge
// seed).
class TableReader {
 public:
  TableReader(const toml::table* table, std::string name, std::string origin, std::string component)
      : table_(table),
        name_(std::move(name)),
        origin_(std::move(origin)),
        component_(std::move(component)) {}

  template <typename T>
  void read(const char* key, T& field) {
    if (!table_) return;
    seen_.push_back(key);
    const toml::node* node = table_->get(key);
    if (!node) return;
    if constexpr (std::is_same_v<T, std::string>) {
      auto value = node->value<std::string>();
      if (!value) fail(key, "a string");
      field = *value;
    } else if constexpr (std::is_same_v<T, double>) {
      auto value = node->value<double>();
      if (!value) fail(key, "a number");
      field = *value;
    } else {
      // Only an integer node: toml++'s value<int64_t>() would also convert a float, and a float
      // beyond int64 (epochs = 7.8e100) is undefined behaviour inside that conversion.
      const toml::value<int64_t>* integer = node->as_integer();
      if (!integer) fail(key, "an integer");
      const std::optional<int64_t> value = integer->get();
      bool fits = *value >= static_cast<int64_t>(std::numeric_limits<T>::min());
      if constexpr (sizeof(T) < sizeof(int64_t) || std::is_signed_v<T>) {
        fits = fits && *value <= static_cast<int64_t>(std::numeric_limits<T>::max());
      }
      if (!fits) {
        fail(key, "an integer in [" + str(+std::numeric_limits<T>::min()) + ", " +
                      str(+std::numeric_limits<T>::max()) + "], got " + str(*value));
      }
      field = static_cast<T>(*value);
    }
  }

  // Call after every read: throws ConfigError naming the first key no read asked for.
  void reject_unknown() const;

 private:
  [[noreturn]] void fail(const char* key, const std::string& expected) const;
  const toml::table* table_;
  std::string name_, origin_, component_;
  std::vector<std::string> seen_;
};

// Reads the table `name` of `root` into `config` through `visit_all(config, visit)`.
template <typename Struct, typename VisitAll>
void read_table(const toml::table& root, const std::string& name, const std::string& origin,
                const std::string& component, Struct& config, VisitAll visit_all) {
  TableReader reader(root[name].as_table(), name, origin, component);
  visit_all(config, [&](const char* key, auto& value) { reader.read(key, value); });
  reader.reject_unknown();
}

// "key=value key=value ..." with doubles printed exactly: equal strings mean equal settings.
template <typename Struct, typename VisitAll>
std::string render_line(Struct copy, VisitAll visit_all) {
  std::ostringstream out;
  bool first = true;
  visit_all(copy, [&](const char* key, const auto& value) {
    out << (first ? "" : " ") << key << "=";
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, double>) {
      out << exact(value);
    } else {
      out << value;
    }
    first = false;
  });
  return out.str();
}

// The struct as one TOML table (toml++ writes doubles at full precision).
template <typename Struct, typename VisitAll>
toml::table to_table(Struct copy, VisitAll visit_all) {
  toml::table table;
  visit_all(copy, [&](const char* key, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, double>) {
      table.insert(key, value);
    } else {
      table.insert(key, static_cast<int64_t>(value));
    }
  });
  return table;
}

// The front end's fields, the [frontend] table of every config file.
template <typename Visitor>
void visit_frontend(FrontendConfig& c, Visitor&& visit) {
  visit("sample_rate", c.sample_rate);
  visit("n_fft", c.n_fft);
  visit("win_length", c.win_length);
  visit("hop_length", c.hop_length);
  visit("n_mels", c.n_mels);
  visit("f_min", c.f_min);
  visit("f_max", c.f_max);
  visit("mel_scale", c.mel_scale);
  visit("mel_norm", c.mel_norm);
  visit("frames", c.frames);
}

// A run's config file: the [frontend] table, then the table `name` holding `section`.
template <typename Section, typename VisitAll>
std::string run_file(const FrontendConfig& frontend, const char* name, const Section& section,
                     VisitAll visit_section) {
  toml::table root;
  root.insert("frontend", to_table(frontend, [](auto& c, auto&& v) { visit_frontend(c, v); }));
  root.insert(name, to_table(section, visit_section));
  std::ostringstream out;
  out << root << "\n";
  return out.str();
}

}  // namespace audiogan::config_toml
