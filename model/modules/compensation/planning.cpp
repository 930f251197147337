// Compensation's yearly plan (docs/odd.md §3.7, §3.10): the compensation budgets, and the
// payers' generosity under stability pressure and the adaptive policy.
#include "model/finance.hpp"
#include "model/modules/compensation/phases.hpp"

#include <algorithm>

namespace minesim {

void plan_compensation_year(const World& w, const CompensationYearWrites& out,
                            GenerosityScratch& scratch) {
  const NegotiationParams& np = w.params.negotiation;
  Ledger& ledger = out.ledger;
  const auto lapse_and_refill = [&](std::size_t account, double budget) {
    const Yuan left = ledger.balance(account);
    if (left > 0) ledger.transfer(account, Ledger::outside, left, flow_budget_lapse);
    ledger.transfer(Ledger::outside, account, to_yuan(budget), flow_fiscal_grant);
  };
  lapse_and_refill(w.accounts.state_compensation, np.state_budget_yuan_per_year);
  lapse_and_refill(w.accounts.social_compensation, np.social_capital_budget_yuan_per_year);

  // Stability pressure raises a county's generosity and what it requires of its enterprises.
  const std::size_t counties = w.governments.size();
  std::vector<double>& raise = scratch.raise;
  for (std::size_t county = 0; county < counties; ++county)
    raise[county] = np.pressure_generosity_gain * w.governments.stability_pressure[county] / 100.0;
  if (w.params.policy.adaptive_compensation) {
    // The index is written in place, so the const world reads this year's values below.
    update_negotiation_index(w, out.negotiation_index);
    std::vector<double>& ni_sum = scratch.county_ni_sum;
    std::vector<double>& villages = scratch.county_villages;
    std::fill(ni_sum.begin(), ni_sum.end(), 0.0);
    std::fill(villages.begin(), villages.end(), 0.0);
    for (std::size_t a = 0; a < w.villages.size(); ++a) {
      ni_sum[w.villages.county[a]] += out.negotiation_index.negotiation_index[a];
      villages[w.villages.county[a]] += 1.0;
    }
    for (std::size_t county = 0; county < counties; ++county)
      if (villages[county] > 0.0 &&
          ni_sum[county] / villages[county] < w.params.policy.ni_threshold)
        raise[county] += w.params.policy.ni_adjustment;
  }
  for (std::size_t county = 0; county < counties; ++county)
    out.government_generosity[county] =
        std::min(np.willingness_cap_government, out.government_generosity[county] + raise[county]);
  // An enterprise follows the requirement of the county of its first mine.
  for (std::size_t m = 0; m < w.mines.size(); ++m) {
    if (w.mines.owner[m] < 0) continue;
    double& g = out.enterprise_generosity[static_cast<std::size_t>(w.mines.owner[m])];
    g = std::min(np.willingness_cap_enterprise,
                 std::max(g, out.government_generosity[w.mines.county[m]]));
  }
}

void plan_compensation_year(World& w, std::int64_t /*step*/) {
  // At world construction: the yearly phase's own scratch exists once the modules are bound.
  GenerosityScratch scratch(w);
  plan_compensation_year(w, CompensationYearWrites::of(w), scratch);
}

} // namespace minesim
