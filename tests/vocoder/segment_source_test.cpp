// draw_segments' shards: a data-parallel step's micro-batches are consecutive slices of the
// step's one draw, and the first slice is what one process has always drawn.
#include "vocoder/segment_source.h"

#include <gtest/gtest.h>

namespace audiogan {
namespace {

// Three clips of different lengths whose samples are their own positions (so every segment
// tells where it was cut from), with a stand-in log-mel of matching frame count.
std::vector<VocoderClip> numbered_clips(int64_t hop, int64_t n_mels) {
  std::vector<VocoderClip> clips;
  for (int64_t frames : {40, 64, 90}) {
    VocoderClip clip;
    clip.path = "clip" + std::to_string(frames);
    clip.waveform =
        torch::arange(frames * hop, torch::kFloat32) + 1e5f * static_cast<float>(clips.size());
    clip.log_mel = torch::arange(n_mels * (frames + 1), torch::kFloat32).reshape({n_mels, -1});
    clips.push_back(clip);
  }
  return clips;
}

TEST(DrawSegments, ShardsAreConsecutiveSlicesOfTheStepsOneDraw) {
  const int64_t hop = 8, frames = 16, batch = 3;
  const auto clips = numbered_clips(hop, 4);
  const SegmentBatch whole = draw_segments(clips, 4 * batch, frames, hop, 11, 5);
  for (int64_t shard = 0; shard < 4; ++shard) {
    const SegmentBatch part = draw_segments(clips, batch, frames, hop, 11, 5, shard * batch);
    EXPECT_TRUE(torch::equal(part.waveform, whole.waveform.narrow(0, shard * batch, batch)))
        << "shard " << shard;
    EXPECT_TRUE(torch::equal(part.log_mel, whole.log_mel.narrow(0, shard * batch, batch)))
        << "shard " << shard;
  }
  // Shard 0 is the one-process draw of `batch` segments (first = 0, the default).
  EXPECT_TRUE(torch::equal(draw_segments(clips, batch, frames, hop, 11, 5).waveform,
                           whole.waveform.narrow(0, 0, batch)));
  // Different shards are different draws.
  EXPECT_FALSE(torch::equal(draw_segments(clips, batch, frames, hop, 11, 5, batch).waveform,
                            whole.waveform.narrow(0, 0, batch)));
}

}  // namespace
}  // namespace audiogan
