// Strategy updates: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> strategy_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  const auto sup = [&](std::string key, double SupervisionParams::*member, double lo, double hi,
                       std::string unit, std::string meaning, std::string source) {
    t.push_back(field_in("supervision", key, &P::supervision, member, lo, hi,
                         {std::move(unit), std::move(meaning), std::move(source)}));
  };
  t.push_back(field("enterprises.initial_compliance_share", &P::enterprises,
                    &EnterpriseParams::initial_compliance_share, 0, 1,
                    {"1", "chance that an enterprise starts out complying", chosen}, false));
  t.push_back(field(
      "enterprises.initial_credit_score", &P::enterprises, &EnterpriseParams::initial_credit_score,
      0, 100, {"point", "credit score at start (A >= 85, B >= 70, C >= 50, else D)", m24}, false));
  sup("credit_reward", &SupervisionParams::credit_reward, 0, 100, "point",
      "credit score gained per compliant year without detection", "docs/odd.md §1.2");
  sup("quota_cut_C", &SupervisionParams::quota_cut_C, 0, 1, "1",
      "output quota cut of rating C under credit linkage", m48);
  sup("quota_cut_D", &SupervisionParams::quota_cut_D, 0, 1, "1",
      "output quota cut of rating D under credit linkage", m48);
  t.push_back(
      field("supervision.initial_strict", &P::supervision, &SupervisionParams::initial_strict, 0, 1,
            {"1", "local governments start with strict supervision", "docs/odd.md §1.2"}, false));
  sup("inspection_cost_yuan", &SupervisionParams::inspection_cost_yuan, 0, 1e12, "yuan",
      "cost of one inspection to the county", m49);
  sup("performance_reward_yuan", &SupervisionParams::performance_reward_yuan, 0, 1e12, "yuan/year",
      "reward of a strict county whose active restoration rate rose", m49);
  sup("exposure_penalty_yuan", &SupervisionParams::exposure_penalty_yuan, 0, 1e12, "yuan/year",
      "penalty of a lax county when a report found a violation", m49);
  sup("stability_cost_yuan_per_petition_month",
      &SupervisionParams::stability_cost_yuan_per_petition_month, 0, 1e9, "yuan",
      "cost of stability pressure to a lax county, per petition-month", m49);
  sup("kappa_government_yuan", &SupervisionParams::kappa_government_yuan, 1, 1e12, "yuan",
      "logit scale of the county's strict/lax choice", m49);
  sup("kappa_enterprise_yuan_per_10kt", &SupervisionParams::kappa_enterprise_yuan_per_10kt, 1, 1e12,
      "yuan/10 kt", "logit scale of the enterprise's comply/shirk choice", m49);
  sup("exploration", &SupervisionParams::exploration, 0, 1, "1",
      "chance of a random (50/50) strategy instead of the logit choice", m49);
  sup("reputation_loss_yuan", &SupervisionParams::reputation_loss_yuan, 0, 1e12, "yuan",
      "an enterprise's reputation loss per detected violation", chosen);
  sup("unremedied_prior", &SupervisionParams::unremedied_prior, 0, 1, "1",
      "prior chance that a detected violation is not remedied in time (one pseudo-observation "
      "beside the county's last 3 years of detections and forfeits)",
      m49);
  t.push_back(field("policy.credit_linkage", &P::supervision_policy,
                    &SupervisionPolicy::credit_linkage, 0, 1,
                    {"1", "ratings C and D cut output quotas", m48}));
  return t;
}

} // namespace minesim
