// JSON response text that never throws on invalid UTF-8.
#include "serve/json_text.h"

namespace audiogan::serve {

std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace audiogan::serve
