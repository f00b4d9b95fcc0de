// Fuzzes the body of POST /api/generate: GenerateRequest::parse must accept a request within
// its documented ranges or throw HttpError(400) with a message the server can send as JSON.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_input.h"
#include "serve/generate_request.h"
#include "serve/json_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using audiogan::fuzz::require;
  using audiogan::serve::GenerateRequest;
  using audiogan::serve::HttpError;
  const std::string body(reinterpret_cast<const char*>(data), size);
  try {
    const GenerateRequest request = GenerateRequest::parse(body);
    require(!request.run.empty() && !request.class_name.empty(), "run and class are set");
    require(request.count >= 1 && request.count <= GenerateRequest::kMaxCount, "count in range");
    require(!request.truncation || (*request.truncation >= 0.0 &&
                                    *request.truncation <= GenerateRequest::kMaxTruncation),
            "truncation in range");
    require(!request.seconds ||
                (*request.seconds > 0.0 && *request.seconds <= GenerateRequest::kMaxSeconds),
            "seconds in range");
  } catch (const HttpError& error) {
    require(error.status() == 400, "a bad body is a 400");
    // The server answers {"error": message}, echoing bytes of the body: the answer must still
    // be JSON a client can parse.
    const std::string answer = audiogan::serve::json_text(nlohmann::json{{"error", error.what()}});
    require(nlohmann::json::parse(answer, nullptr, false).is_object(), "the error is JSON");
  }
  return 0;
}
