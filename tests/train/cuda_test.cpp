// GPU tests: labelled `gpu` by their CUDA names (tests/CMakeLists.txt), left out of `make test`
// and run with `ctest -L gpu` on a machine with a GPU and a CUDA build of LibTorch. Without one
// they fail saying so: a gpu run that cannot use a GPU must not pass.
#include <gtest/gtest.h>

#include "infer/sampler.h"
#include "train/trainer.h"
#include "train_fixture.h"

namespace audiogan {
namespace {

using train_testing::TinyRun;

constexpr const char* kNeedsGpu =
    "this gpu-labelled test needs a CUDA GPU and a CUDA build of LibTorch "
    "(cmake -DCMAKE_PREFIX_PATH=/path/to/libtorch-cuda)";

TEST(TrainerCUDA, TrainsInFp16AndSamplesTheSameClipsAsTheCpu) {
  ASSERT_TRUE(torch::cuda::is_available()) << kNeedsGpu;
  TinyRun t;
  ASSERT_TRUE(t.make_dataset()) << TinyRun::missing_data_message();
  TrainerOptions o;
  o.config = TinyRun::small_config("default");
  o.config.train.device = "cuda";
  o.config.train.amp = "auto";  // fp16 on CUDA (resolve_amp)
  o.config.train.max_steps = 3;
  o.data_root = t.data();
  o.cache_dir = t.cache();
  o.run_dir = t.run();
  o.monitor_per_class = 2;
  o.griffin_lim_iterations = 2;
  const TrainResult result = train(o);
  EXPECT_EQ(result.stopped_by, "max_steps");
  EXPECT_EQ(result.step, 3);
  // The same checkpoint sampled on either device gives nearly the same log-mels: latents are
  // drawn on the CPU for both (Sampler::clip_latents), only the arithmetic differs.
  const Sampler gpu = Sampler::load(result.checkpoint, "cuda");
  const Sampler cpu = Sampler::load(result.checkpoint, "cpu");
  const auto on_gpu = gpu.generate_clips(0, {5, 6}, gpu.default_truncation());
  const auto on_cpu = cpu.generate_clips(0, {5, 6}, cpu.default_truncation());
  EXPECT_TRUE(torch::allclose(on_gpu.log_mels, on_cpu.log_mels, 1e-3, 1e-3))
      << (on_gpu.log_mels - on_cpu.log_mels).abs().max();
}

}  // namespace
}  // namespace audiogan
