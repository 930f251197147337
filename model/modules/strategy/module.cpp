// Strategy updates (docs/odd.md §3.12): at each year end, enterprises choose to comply or shirk
// and local governments to supervise strictly or laxly, by logit choice on their payoffs;
// credit ratings set output quotas.
#include "model/module.hpp"
#include "agents/government/supervision.hpp"
#include "agents/mine/damage.hpp"
#include "agents/mine/restoration.hpp"
#include "engine/random.hpp"
#include "model/finance.hpp"
#include "model/governance.hpp"
#include <cmath>

#include <algorithm>

namespace minesim {

std::vector<ParameterBinding> strategy_parameter_rows();
namespace {

/// What the yearly strategy update writes.
struct StrategyWrites {
  std::span<double> credit_score;                     ///< per enterprise
  std::span<std::uint8_t> detected_this_year;         ///< per enterprise: reset for the year
  std::span<std::uint8_t> complies;                   ///< per enterprise: its choice
  std::span<std::uint8_t> strict;                     ///< per government: its choice
  std::span<double> active_rate_last_year;            ///< per government
  std::span<double> fines_this_year;                  ///< per government: reset for the year
  std::span<double> inspections_this_year;            ///< per government: reset for the year
  std::span<std::uint8_t> report_detection_this_year; ///< per government: reset for the year
  std::span<double> report_inspections_this_year;     ///< per government: reset for the year
  std::span<double> report_fines_this_year;           ///< per government: reset for the year
  std::span<double> payoff_strict_yuan;               ///< per government: the year's payoffs
  std::span<double> payoff_lax_yuan;                  ///< per government
  std::span<double> quota_factor;                     ///< per mine: from the new credit ratings

  static StrategyWrites of(World& w) {
    auto& e = w.enterprises;
    auto& g = w.governments;
    return {e.credit_score,
            e.detected_this_year,
            e.complies,
            g.strict,
            g.active_rate_last_year,
            g.fines_this_year,
            g.inspections_this_year,
            g.report_detection_this_year,
            g.report_inspections_this_year,
            g.report_fines_this_year,
            g.payoff_strict_yuan,
            g.payoff_lax_yuan,
            w.mines.quota_factor};
  }
};

void update_strategies(const World& w, const StrategyWrites& out, std::int64_t step) {
  const auto& p = w.params;
  const SupervisionParams& sp = p.supervision;
  const auto& e = w.enterprises;
  const auto& m = w.mines;
  const auto seed = seed_of(w);

  // Credit: +5 for a compliant year without detection.
  for (std::size_t k = 0; k < e.size(); ++k) {
    if (e.complies[k] && !e.detected_this_year[k])
      out.credit_score[k] = std::min(100.0, e.credit_score[k] + sp.credit_reward);
    out.detected_this_year[k] = 0;
  }

  // Enterprises: logit choice on expected cost per 10 kt for the coming year.
  const double cost_per_ha = active_cost_yuan_per_ha(w);
  for (std::size_t k = 0; k < e.size(); ++k) {
    if (!p.enterprises.restoration_duty) {
      out.complies[k] = 0;
      continue;
    }
    double output_10kt = 0.0, comply_yuan_per_month = 0.0, detections = 0.0, profit = 0.0;
    double unremedied_detections = 0.0; // sum over mines of detection rate * P(not remedied)
    std::size_t mines = 0;
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (m.owner[j] != static_cast<std::int32_t>(k) || m.status[j] == MineStatus::legacy) continue;
      ++mines;
      const bool active = m.status[j] == MineStatus::active;
      const double output = active ? m.output_t_per_month[j] * m.quota_factor[j] : 0.0;
      output_10kt += output / 10000.0;
      profit += output * (p.enterprises.price_yuan_per_t - p.enterprises.operating_cost_yuan_per_t);
      const double new_damage = active ? new_damage_ha(output, p.mines.damage_ha_per_10kt) : 0.0;
      comply_yuan_per_month += owner_restoration_ha(true, new_damage, m.damaged_ha[j] + new_damage,
                                                    p.enterprises.backlog_share_per_year, 1.0) *
                               cost_per_ha;
      const double rate = detection_rate_estimate(w, m.county[j]);
      detections += rate;
      unremedied_detections += rate * unremedied_probability_estimate(w, m.county[j]);
    }
    if (mines == 0) continue;
    // A closed-only owner produces nothing: reckon its costs per default mine's output.
    const double per = output_10kt > 0.0 ? output_10kt : 5.0;
    // This year's credit score, updated above.
    const double after_detection = std::max(0.0, out.credit_score[k] - sp.credit_penalty);
    const double cut = quota_cut(sp, static_cast<int>(rating_of(after_detection)),
                                 p.supervision_policy.credit_linkage);
    // The deposit counts only as far as a detected violation stays unremedied (rev. 2): the
    // chance of that in the counties of its mines, weighted by their detection rates.
    const double unremedied = detections > 0.0 ? unremedied_detections / detections : 0.0;
    ShirkCost c{comply_yuan_per_month / per,
                (1.0 - p.enterprises.shirk_effort) * comply_yuan_per_month /
                    static_cast<double>(mines),
                per,
                expected_forfeit_yuan(unremedied,
                                      static_cast<double>(w.ledger.balance(e.deposit_account[k])) /
                                          static_cast<double>(mines)),
                12.0 * cut * profit / static_cast<double>(mines)};
    const double cost_shirk = shirk_cost_yuan_per_10kt(sp, c, p.enterprises.shirk_effort,
                                                       detections / static_cast<double>(mines));
    const double cost_comply = c.restoration_yuan_per_10kt;
    const CounterRng rng(seed, streams::enterprise_strategy, static_cast<std::uint64_t>(step), k);
    const double chance =
        rng.uniform(0) < sp.exploration ? 0.5 : comply_probability(sp, cost_comply, cost_shirk);
    out.complies[k] = rng.uniform(1) < chance ? 1 : 0;
  }

  // Counties: logit choice on the payoff of strict over lax supervision, the one played this
  // year credited with what happened, the other estimated from the same year (rev. 2).
  const auto& g = w.governments;
  for (std::size_t county = 0; county < g.size(); ++county) {
    const double rate = county_active_restoration_rate(w, county);
    CountyYear y{};
    y.played_strict = g.strict[county] != 0;
    y.strict_inspections_per_month =
        inspections_per_month(sp, true, p.supervision_policy.joint_centre);
    y.lax_inspections_per_month =
        inspections_per_month(sp, false, p.supervision_policy.joint_centre);
    y.inspections = g.inspections_this_year[county];
    y.report_inspections = g.report_inspections_this_year[county];
    y.fines_yuan = g.fines_this_year[county];
    y.report_fines_yuan = g.report_fines_this_year[county];
    y.restoration_rate_rose = rate > g.active_rate_last_year[county];
    y.report_found_violation = g.report_detection_this_year[county] != 0;
    y.stability_pressure = g.stability_pressure[county];
    const CountyPayoffs payoff = county_payoffs(sp, y);
    out.payoff_strict_yuan[county] = payoff.strict_yuan;
    out.payoff_lax_yuan[county] = payoff.lax_yuan;
    const CounterRng rng(seed, streams::government_strategy, static_cast<std::uint64_t>(step),
                         county);
    const double chance = rng.uniform(0) < sp.exploration
                              ? 0.5
                              : strict_probability(sp, payoff.strict_yuan - payoff.lax_yuan);
    out.strict[county] = rng.uniform(1) < chance ? 1 : 0;
    out.active_rate_last_year[county] = rate;
    out.fines_this_year[county] = 0.0;
    out.inspections_this_year[county] = 0.0;
    out.report_detection_this_year[county] = 0;
    out.report_inspections_this_year[county] = 0.0;
    out.report_fines_this_year[county] = 0.0;
  }
  // Quotas from the credit scores updated above.
  set_quotas(w, out.quota_factor);
}

class StrategyModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "strategy"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return strategy_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {streams::enterprise_strategy, streams::government_strategy};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    return {{Slot::yearly, [](World& w, std::int64_t step) {
               update_strategies(w, StrategyWrites::of(w), step);
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"compliance_share", "1", "Share of enterprises complying with their restoration duty.",
         SeriesKind::stock},
        {"rating_A", "count", "Enterprises rated A.", SeriesKind::stock},
        {"rating_B", "count", "Enterprises rated B.", SeriesKind::stock},
        {"rating_C", "count", "Enterprises rated C.", SeriesKind::stock},
        {"rating_D", "count", "Enterprises rated D.", SeriesKind::stock},
        {"strict_supervision_share", "1", "Share of local governments supervising strictly.",
         SeriesKind::stock},
    };
  }
  void measure(const World& w, std::int64_t, MetricScratch&,
               std::span<double> value) const override {
    const auto& e = w.enterprises;
    for (std::size_t k = 0; k < e.size(); ++k) {
      value[0] += (w.params.enterprises.restoration_duty && e.complies[k]) ? 1.0 : 0.0;
      value[1 + static_cast<std::size_t>(rating_of(e.credit_score[k]))] += 1.0;
    }
    value[0] /= static_cast<double>(std::max<std::size_t>(1, e.size()));
    double strict = 0.0;
    for (std::size_t county = 0; county < w.governments.size(); ++county)
      strict += w.governments.strict[county];
    value[5] = strict / static_cast<double>(w.governments.size());
  }
};

} // namespace

std::shared_ptr<const Module> strategy_module() {
  return std::make_shared<StrategyModule>();
}

} // namespace minesim
