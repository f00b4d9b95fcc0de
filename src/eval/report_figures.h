// The figures of an evaluation report: the confusion matrix and a grid of generated
// spectrograms per class beside real ones.
#pragma once

#include <string>
#include <vector>

#include "eval/report.h"

namespace audiogan::eval {

// Writes confusion.png and spectrograms.png into `out_dir`; returns the paths written.
std::vector<std::string> write_report_figures(const EvaluationReport& report,
                                              const std::string& out_dir);

}  // namespace audiogan::eval
