#include "model/governance.hpp"

#include "agents/enterprise/enterprise.hpp"
#include "agents/government/supervision.hpp"
#include "agents/mine/damage.hpp"
#include "agents/mine/restoration.hpp"
#include "agents/resident/collective_action.hpp"
#include "engine/random.hpp"
#include "model/finance.hpp"

#include <algorithm>
#include <cmath>

namespace minesim {

double county_active_restoration_rate(const World& w, std::size_t county) {
  double restored = 0.0, cumulative = 0.0;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.owner[k] >= 0 && w.mines.county[k] == county) {
      restored += w.mines.restored_ha[k];
      cumulative += w.mines.cumulative_damaged_ha[k];
    }
  return cumulative > 0.0 ? restored / cumulative : 0.0;
}

void set_quotas(const World& w, std::span<double> quota_factor) {
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    if (w.mines.owner[k] < 0) continue;
    const double score = w.enterprises.credit_score[static_cast<std::size_t>(w.mines.owner[k])];
    quota_factor[k] = 1.0 - quota_cut(w.params.supervision, static_cast<int>(rating_of(score)),
                                      w.params.supervision_policy.credit_linkage);
  }
}

bool owner_shirks(const World& w, std::size_t mine) {
  const std::int32_t owner = w.mines.owner[mine];
  if (owner < 0 || w.mines.status[mine] == MineStatus::legacy) return false;
  return !(w.params.enterprises.restoration_duty &&
           w.enterprises.complies[static_cast<std::size_t>(owner)]);
}

double detection_rate_estimate(const World& w, std::size_t county) {
  double detections = 0.0, mine_months = 0.0;
  for (std::size_t t = 0; t < history_months; ++t) {
    detections += w.governments.detection_history[t * w.governments.size() + county];
    mine_months += w.governments.shirk_month_history[t * w.governments.size() + county];
  }
  return (detections + 1.0) / (mine_months + 24.0);
}

double unremedied_probability_estimate(const World& w, std::size_t county) {
  double detections = 0.0, forfeits = 0.0;
  for (std::size_t t = 0; t < history_months; ++t) {
    detections += w.governments.detection_history[t * w.governments.size() + county];
    forfeits += w.governments.forfeit_history[t * w.governments.size() + county];
  }
  return unremedied_probability(w.params.supervision, forfeits, detections);
}

void initialise_governance(World& w) {
  const std::size_t n = w.households.size();
  w.households.petitioning.assign(n, 0);
  w.households.petitioning_next.assign(n, 0);
  w.households.petition_months.assign(n, 0);
  const std::uint8_t strict = w.params.supervision.initial_strict ? 1 : 0;
  const std::size_t counties = w.governments.size();
  w.governments.strict.assign(counties, strict);
  w.governments.inspection_budget.assign(counties, 0.0);
  w.governments.fines_this_year.assign(counties, 0.0);
  w.governments.inspections_this_year.assign(counties, 0.0);
  w.governments.report_detection_this_year.assign(counties, 0);
  w.governments.report_inspections_this_year.assign(counties, 0.0);
  w.governments.report_fines_this_year.assign(counties, 0.0);
  w.governments.payoff_strict_yuan.assign(counties, 0.0);
  w.governments.payoff_lax_yuan.assign(counties, 0.0);
  w.governments.active_rate_last_year.assign(counties, 0.0);
  w.governments.stability_pressure.assign(counties, 0.0);
  w.governments.detection_history.assign(history_months * counties, 0);
  w.governments.shirk_month_history.assign(history_months * counties, 0);
  w.governments.forfeit_history.assign(history_months * counties, 0);
  w.enterprises.detected_this_year.assign(w.enterprises.size(), 0);
  for (std::size_t county = 0; county < counties; ++county)
    w.governments.active_rate_last_year[county] = county_active_restoration_rate(w, county);
  set_quotas(w, w.mines.quota_factor);
}

} // namespace minesim
