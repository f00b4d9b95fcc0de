// Figures of an evaluation report.
#include "eval/report_figures.h"

namespace audiogan::eval {

std::vector<std::string> write_report_figures(const EvaluationReport& /*report*/,
                                              const std::string& /*out_dir*/) {
  return {};
}

}  // namespace audiogan::eval
