// Parsing of POST /api/generate bodies: defaults, accepted forms and refusals naming the field.
#include <gtest/gtest.h>

#include "serve/generate_request.h"

namespace audiogan::serve {
namespace {

int status_of(const std::string& body) {
  try {
    GenerateRequest::parse(body);
  } catch (const HttpError& error) {
    return error.status();
  }
  return 200;
}

TEST(GenerateRequest, FillsDefaultsForOptionalFields) {
  const auto request = GenerateRequest::parse(R"({"run": "r", "class": "kick"})");
  EXPECT_EQ(request.run, "r");
  EXPECT_EQ(request.class_name, "kick");
  EXPECT_EQ(request.count, 1);
  EXPECT_FALSE(request.seed.has_value());
  EXPECT_FALSE(request.truncation.has_value());  // the model's default
  EXPECT_FALSE(GenerateRequest::parse(R"({"run":"r","class":1,"truncation":null})").truncation);
  EXPECT_EQ(*GenerateRequest::parse(R"({"run":"r","class":1,"truncation":0})").truncation, 0.0);
  EXPECT_TRUE(request.checkpoint.empty());
  EXPECT_FALSE(request.seconds.has_value());  // each clip at its class's drawn length
  EXPECT_EQ(*GenerateRequest::parse(R"({"run":"r","class":1,"seconds":2.5})").seconds, 2.5);
  EXPECT_FALSE(GenerateRequest::parse(R"({"run":"r","class":1,"seconds":null})").seconds);
}

TEST(GenerateRequest, AcceptsSeedsAsNumbersOrDecimalStringsUpTo64Bits) {
  EXPECT_EQ(*GenerateRequest::parse(R"({"run":"r","class":1,"seed":42})").seed, 42u);
  EXPECT_EQ(*GenerateRequest::parse(R"({"run":"r","class":1,"seed":"18446744073709551615"})").seed,
            18446744073709551615ull);
  EXPECT_EQ(GenerateRequest::parse(R"({"run":"r","class":1})").class_name, "1");
}

TEST(GenerateRequest, RefusesOutOfRangeAndMalformedInput) {
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","count":16})"), 200);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","count":17})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","count":1.5})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","seed":"18446744073709551616"})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","truncation":11})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","seconds":0})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","seconds":-1})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","seconds":601})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","seconds":"2"})"), 400);
  EXPECT_EQ(status_of(R"({"run":"","class":"k"})"), 400);
  EXPECT_EQ(status_of(R"({"run":"r","class":null})"), 400);
  EXPECT_EQ(status_of("not json"), 400);
  EXPECT_EQ(status_of("\"just a string\""), 400);
  // Found by fuzz/generate_request_fuzz.cpp: a number no double holds used to escape as
  // nlohmann's out_of_range (a 500), not a 400.
  EXPECT_EQ(status_of(R"({"run":"r","class":"k","truncation":1e999})"), 400);
  EXPECT_EQ(status_of("5e333333333333"), 400);
}

}  // namespace
}  // namespace audiogan::serve
