// Supervision and enforcement: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> supervision_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  const auto sup = [&](std::string key, double SupervisionParams::*member, double lo, double hi,
                       std::string unit, std::string meaning, std::string source) {
    t.push_back(field_in("supervision", key, &P::supervision, member, lo, hi,
                         {std::move(unit), std::move(meaning), std::move(source)}));
  };
  // [supervision]
  sup("inspections_per_month", &SupervisionParams::inspections_per_month, 0, 1000, "1/month",
      "routine inspections per county per month at full (strict) effort", m48);
  sup("lax_effort", &SupervisionParams::lax_effort, 0, 1, "1",
      "effort of a lax county relative to a strict one", m48);
  sup("joint_supervision_gain", &SupervisionParams::joint_supervision_gain, 0, 10, "1",
      "extra inspections with the joint supervision centre", m48);
  sup("detection_probability", &SupervisionParams::detection_probability, 0, 1, "1",
      "chance an inspection detects a shirking mine", m48);
  sup("digital_platform_detection", &SupervisionParams::digital_platform_detection, 0, 1, "1",
      "the same with full-life-cycle digital supervision", m48);
  sup("fine_base_yuan", &SupervisionParams::fine_base_yuan, 0, 1e12, "yuan",
      "fixed part of the fine for a detected violation", m48);
  sup("fine_multiplier", &SupervisionParams::fine_multiplier, 0, 100, "1",
      "fine per yuan of restoration cost avoided since the last detection", m48);
  t.push_back(field("supervision.remedy_months", &P::supervision, &SupervisionParams::remedy_months,
                    1, 120,
                    {"month",
                     "time to remedy a detected backlog before the deposit is "
                     "forfeited",
                     m48}));
  sup("credit_penalty", &SupervisionParams::credit_penalty, 0, 100, "point",
      "credit score lost per detected violation", "docs/odd.md §1.2");
  t.push_back(field("policy.digital_platform", &P::supervision_policy,
                    &SupervisionPolicy::digital_platform, 0, 1,
                    {"1", "full-life-cycle digital supervision raises detection", m48}));
  t.push_back(field("policy.joint_centre", &P::supervision_policy, &SupervisionPolicy::joint_centre,
                    0, 1, {"1", "a joint supervision centre raises inspections", m48}));
  return t;
}

} // namespace minesim
