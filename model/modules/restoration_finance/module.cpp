// Restoration finance (docs/odd.md §3.5, §3.6): restoration work by enterprises, the higher
// government and social capital, its establishment, carbon credits and green income, bonds,
// and the yearly budgets of the funders. The phases: restoration.cpp (restoration work,
// establishment, carbon) and funding.cpp (accounts at the start, the yearly budgets).
#include "model/modules/restoration_finance/phases.hpp"

#include <memory>

namespace minesim {

std::vector<ParameterBinding> restoration_finance_parameter_rows();
namespace {

using restoration_finance::PlanYearWrites;
using restoration_finance::RestorationScratch;
using restoration_finance::RestorationWrites;

double rate(double restored, double cumulative) {
  return cumulative > 0.0 ? restored / cumulative : 0.0;
}

/// Sum of all enterprises' cash (negative: overdraft).
double enterprise_cash_yuan(const World& w) {
  double cash = 0.0;
  for (const std::size_t a : w.enterprises.cash_account)
    cash += static_cast<double>(w.ledger.balance(a));
  return cash;
}

class RestorationFinanceModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "restoration_finance"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return restoration_finance_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {streams::establishment, streams::enterprise_strategy};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& world) const override {
    return {{Slot::restoration,
             [scratch = std::make_shared<RestorationScratch>(world)](World& w, std::int64_t step) {
               restoration_finance::restore(w, RestorationWrites::of(w), *scratch, step);
             }},
            {Slot::yearly, [](World& w, std::int64_t) {
               restoration_finance::plan_year(w, PlanYearWrites::of(w));
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"damaged_ha", "ha", "Land damaged and not under restoration, all mines.",
         SeriesKind::stock},
        {"restoring_ha", "ha", "Land under restoration work, not yet established, all mines.",
         SeriesKind::stock},
        {"restored_ha", "ha", "Land whose restoration is established, all mines.",
         SeriesKind::stock},
        {"cumulative_damaged_ha", "ha", "All land ever damaged (damaged + restoring + restored).",
         SeriesKind::stock},
        {"restoration_rate", "1", "Restored area over all area ever damaged, all mines.",
         SeriesKind::stock},
        {"restoration_rate_legacy", "1", "Restored over ever-damaged area, legacy mines.",
         SeriesKind::stock},
        {"restoration_rate_active", "1",
         "Restored over ever-damaged area, active and closed mines.", SeriesKind::stock},
        {"restoration_started_ha", "ha", "Land on which restoration work started this step.",
         SeriesKind::flow},
        {"restoration_established_ha", "ha", "Restoring land that established this step.",
         SeriesKind::flow},
        {"restoration_spending_yuan", "yuan", "Restoration spending this step, all funders.",
         SeriesKind::flow},
        {"restoration_cost_yuan_per_ha", "yuan/ha",
         "Restoration cost per ha of active and closed mines on the learning curve, this step.",
         SeriesKind::stock},
        {"net_restoration_cost_yuan_per_ha", "yuan/ha",
         "Restoration spending minus carbon revenue, per ha established, since the start (0 "
         "before any land is established).",
         SeriesKind::stock},
        {"carbon_sink_t_co2", "t CO2", "Cumulative sequestration of established restored land.",
         SeriesKind::stock},
        {"carbon_revenue_yuan", "yuan", "Carbon credit revenue this step.", SeriesKind::flow},
        {"green_land_ha", "ha", "Established restored land converted to green uses.",
         SeriesKind::stock},
        {"fiscal_spending_yuan", "yuan",
         "Government spending this step: legacy restoration, compensation and inspections.",
         SeriesKind::flow},
        {"fiscal_balance_yuan", "yuan",
         "Governments' revenue from restoration (carbon, green income), fines and forfeits "
         "minus fiscal spending, cumulative since the start.",
         SeriesKind::stock},
        {"social_capital_invested_yuan", "yuan",
         "Social capital (PPP) spending on legacy "
         "restoration this step, bond-financed part included.",
         SeriesKind::flow},
        {"enterprise_cash_yuan", "yuan", "Cash of all enterprises (negative: overdraft).",
         SeriesKind::stock},
        {"county_legacy_restoration_yuan", "yuan",
         "Counties' co-funding of legacy restoration in their own strips spent this step.",
         SeriesKind::flow},
    };
  }
  void measure(const World& w, std::int64_t step, MetricScratch&,
               std::span<double> value) const override {
    enum : std::size_t {
      damaged,
      restoring,
      restored,
      cumulative,
      all_rate,
      legacy_rate,
      active_rate,
      started,
      established,
      spending,
      cost,
      net_cost,
      carbon_sink,
      carbon_revenue,
      green_land,
      fiscal_spending,
      fiscal_balance,
      social_invested,
      cash,
      county_legacy
    };
    const auto& m = w.mines;
    double restored_legacy = 0.0, cumulative_legacy = 0.0;
    double restored_active = 0.0, cumulative_active = 0.0; // active and closed mines
    for (std::size_t k = 0; k < m.size(); ++k) {
      value[damaged] += m.damaged_ha[k];
      value[restoring] += m.restoring_ha[k];
      value[restored] += m.restored_ha[k];
      value[cumulative] += m.cumulative_damaged_ha[k];
      if (m.status[k] == MineStatus::legacy) {
        restored_legacy += m.restored_ha[k];
        cumulative_legacy += m.cumulative_damaged_ha[k];
      } else {
        restored_active += m.restored_ha[k];
        cumulative_active += m.cumulative_damaged_ha[k];
      }
    }
    value[all_rate] = rate(value[restored], value[cumulative]);
    value[legacy_rate] = rate(restored_legacy, cumulative_legacy);
    value[active_rate] = rate(restored_active, cumulative_active);

    const Ledger& ledger = w.ledger;
    const auto step_flow = [&](Flow f) { return static_cast<double>(ledger.step_flow(f)); };
    const auto total_flow = [&](Flow f) { return static_cast<double>(ledger.total_flow(f)); };
    // This step's cohort slot holds exactly the work started this step.
    const auto lag = static_cast<std::size_t>(w.params.restoration.establishment_lag_months);
    const std::size_t slot = static_cast<std::size_t>(step) % lag;
    double started_ha = 0.0;
    for (std::size_t k = 0; k < m.size(); ++k)
      for (std::size_t f = 0; f < funder_count; ++f)
        started_ha += m.restoring_cohort_ha[(k * lag + slot) * funder_count + f];
    value[started] = step == 0 ? 0.0 : started_ha;
    value[established] = step == 0 ? 0.0 : w.finance.established_this_step_ha;
    value[spending] = step_flow(flow_restoration_enterprise) + step_flow(flow_restoration_state) +
                      step_flow(flow_restoration_county) + step_flow(flow_restoration_social);
    value[cost] = active_cost_yuan_per_ha(w);
    const double spent = total_flow(flow_restoration_enterprise) +
                         total_flow(flow_restoration_state) + total_flow(flow_restoration_county) +
                         total_flow(flow_restoration_social);
    value[net_cost] =
        w.finance.established_total_ha > 0.0
            ? (spent - total_flow(flow_carbon_revenue)) / w.finance.established_total_ha
            : 0.0;
    value[carbon_sink] = w.finance.carbon_sink_t_co2;
    value[carbon_revenue] = step_flow(flow_carbon_revenue);
    value[green_land] = w.params.restoration.green_conversion_share * value[restored];
    value[fiscal_spending] = step_flow(flow_restoration_state) +
                             step_flow(flow_restoration_county) +
                             step_flow(flow_compensation_local) +
                             step_flow(flow_compensation_state) + step_flow(flow_inspection_cost);
    value[fiscal_balance] = static_cast<double>(w.finance.fiscal_balance_yuan) +
                            total_flow(flow_fines) + total_flow(flow_forfeit) -
                            total_flow(flow_compensation_local) -
                            total_flow(flow_compensation_state) - total_flow(flow_inspection_cost);
    value[social_invested] = step_flow(flow_restoration_social);
    value[cash] = enterprise_cash_yuan(w);
    value[county_legacy] = step_flow(flow_restoration_county);
  }
};

} // namespace

std::shared_ptr<const Module> restoration_finance_module() {
  return std::make_shared<RestorationFinanceModule>();
}

} // namespace minesim
