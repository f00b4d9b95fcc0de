// The vocoder run's two plots, redrawn from metrics.jsonl after every epoch:
//   VOC_DIR/loss.png     training losses per epoch (total, mel L1, and with adversarial terms
//                        the discriminators' loss)
//   VOC_DIR/quality.png  the held-out clips' SC and LSD (dB) against training minutes, beside
//                        Griffin-Lim's as flat lines: the quality-against-minutes curve
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace audiogan {

// Throws IoError when a plot cannot be written.
void write_vocoder_plots(const std::string& out_dir, const std::vector<nlohmann::json>& lines);

}  // namespace audiogan
