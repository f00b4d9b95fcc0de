// Test entry point: seeded, with every core in use, like the CLI.
#include <gtest/gtest.h>

#include "core/threads.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  audiogan::configure_threads(0);
  torch::manual_seed(0);
  return RUN_ALL_TESTS();
}
