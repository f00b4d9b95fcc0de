// Parsing of the generate request body.
#include "serve/generate_request.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace audiogan::serve {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& message) {
  throw HttpError(400, message);
}

std::string type_of(const json& value) {
  return value.type_name();
}

}  // namespace

GenerateRequest GenerateRequest::parse(const std::string& body) {
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::exception& error) {
    // parse_error, or out_of_range for a number no double holds (1e999).
    bad(std::string("malformed JSON body: ") + error.what());
  }
  if (!doc.is_object()) bad("expected a JSON object body, found " + type_of(doc));
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (key != "run" && key != "checkpoint" && key != "class" && key != "count" && key != "seed" &&
        key != "truncation" && key != "seconds") {
      bad("unknown field '" + key +
          "'; expected run, checkpoint, class, count, seed, truncation, seconds");
    }
  }

  GenerateRequest request;
  if (!doc.contains("run") || !doc["run"].is_string() || doc["run"].get<std::string>().empty())
    bad("field 'run' is required and must be a non-empty string");
  request.run = doc["run"].get<std::string>();

  if (doc.contains("checkpoint") && !doc["checkpoint"].is_null()) {
    if (!doc["checkpoint"].is_string()) bad("field 'checkpoint' must be a string");
    request.checkpoint = doc["checkpoint"].get<std::string>();
  }

  if (!doc.contains("class")) bad("field 'class' is required (a class name or index)");
  const json& cls = doc["class"];
  if (cls.is_string() && !cls.get<std::string>().empty()) {
    request.class_name = cls.get<std::string>();
  } else if (cls.is_number_integer() || cls.is_number_unsigned()) {
    request.class_name = std::to_string(cls.get<long long>());
  } else {
    bad("field 'class' must be a class name or index, found " + type_of(cls));
  }

  if (doc.contains("count")) {
    const json& count = doc["count"];
    if (!count.is_number_integer() && !count.is_number_unsigned())
      bad("field 'count' must be an integer in [1, 16], found " + type_of(count));
    const long long value = count.get<long long>();
    if (value < 1 || value > kMaxCount)
      bad("field 'count' must be in [1, 16], found " + std::to_string(value));
    request.count = static_cast<int>(value);
  }

  if (doc.contains("seed") && !doc["seed"].is_null()) {
    const json& seed = doc["seed"];
    if (seed.is_number_unsigned()) {
      request.seed = seed.get<uint64_t>();
    } else if (seed.is_number_integer()) {
      bad("field 'seed' must be a non-negative integer, found " +
          std::to_string(seed.get<long long>()));
    } else if (seed.is_string()) {
      // Decimal strings carry seeds above 2^53 that JavaScript numbers cannot hold exactly.
      const std::string text = seed.get<std::string>();
      if (text.empty() || text.size() > 20 ||
          text.find_first_not_of("0123456789") != std::string::npos)
        bad("field 'seed' must be a non-negative integer, found \"" + text + "\"");
      try {
        request.seed = std::stoull(text);
      } catch (const std::exception&) {
        bad("field 'seed' is out of range: \"" + text + "\"");
      }
    } else {
      bad("field 'seed' must be a non-negative integer or null, found " + type_of(seed));
    }
  }

  if (doc.contains("truncation") && !doc["truncation"].is_null()) {
    const json& truncation = doc["truncation"];
    if (!truncation.is_number()) bad("field 'truncation' must be a number in [0, 10]");
    const double value = truncation.get<double>();
    if (!std::isfinite(value) || value < 0.0 || value > kMaxTruncation)
      bad("field 'truncation' must be in [0, 10] (0 = none), found " + truncation.dump());
    request.truncation = value;
  }
  if (doc.contains("seconds") && !doc["seconds"].is_null()) {
    const json& seconds = doc["seconds"];
    if (!seconds.is_number()) bad("field 'seconds' must be a number in (0, 600]");
    const double value = seconds.get<double>();
    if (!std::isfinite(value) || value <= 0.0 || value > kMaxSeconds)
      bad("field 'seconds' must be in (0, 600], found " + seconds.dump());
    request.seconds = value;
  }
  return request;
}

}  // namespace audiogan::serve
