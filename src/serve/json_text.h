// The text of every JSON response the server sends.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace audiogan::serve {

// `value` as compact JSON text. Strings that are not valid UTF-8 (a file name on disk, bytes of
// a request echoed in an error message) get U+FFFD in place of each bad byte instead of making
// nlohmann::json throw, which would turn a 400 into a bodiless 500.
std::string json_text(const nlohmann::json& value);

}  // namespace audiogan::serve
