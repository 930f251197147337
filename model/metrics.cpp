#include "model/metrics.hpp"

#include "model/compensation.hpp"
#include "model/finance.hpp"
#include "model/governance.hpp"

#include "engine/random.hpp"
#include "engine/stats.hpp"

#include <algorithm>
#include <numeric>

namespace minesim {
namespace {

/// The time series of this version, in output order. Names and units follow OUTPUT.md.
struct SeriesDef {
  const char* name;
  const char* units;
  const char* description;
};

constexpr SeriesDef series_defs[] = {
    {"damaged_ha", "ha", "Land damaged and not under restoration, all mines."},
    {"restoring_ha", "ha", "Land under restoration work, not yet established, all mines."},
    {"restored_ha", "ha", "Land whose restoration is established, all mines."},
    {"cumulative_damaged_ha", "ha", "All land ever damaged (damaged + restoring + restored)."},
    {"restoration_rate", "1", "Restored area over all area ever damaged, all mines."},
    {"restoration_rate_legacy", "1", "Restored over ever-damaged area, legacy mines."},
    {"restoration_rate_active", "1", "Restored over ever-damaged area, active and closed mines."},
    {"farmland_damaged_ha", "ha", "Households' farmland damaged and not restored (sum of claims)."},
    {"mines_active", "count", "Mines producing this step (active and not halted)."},
    {"E_mean", "1", "Mean economic-environment perception E of households."},
    {"P_mean", "1", "Mean ecological perception P of households."},
    {"C_mean", "1", "Mean compensation and employment satisfaction C of households."},
    {"R_mean", "1", "Mean restoration expectation R of households."},
    {"S_mean", "1", "Mean life satisfaction S of households."},
    {"S_p10", "1", "10th percentile of life satisfaction (type 7 quantile)."},
    {"S_p50", "1", "Median life satisfaction (type 7 quantile)."},
    {"S_p90", "1", "90th percentile of life satisfaction (type 7 quantile)."},
    {"income_mean_yuan", "yuan/year", "Mean household income."},
    {"income_gini", "1", "Gini coefficient of household income."},
    {"informed_mean", "1", "Mean information level of households."},
    {"air_quality_mean", "1", "Mean air quality AQ of households' villages."},
    {"water_quality_mean", "1", "Mean water quality WQ of households' villages."},
    {"vegetation_mean", "1", "Mean vegetation cover VG of households' villages."},
    {"restoration_started_ha", "ha", "Land on which restoration work started this step."},
    {"restoration_established_ha", "ha", "Restoring land that established this step."},
    {"restoration_spending_yuan", "yuan", "Restoration spending this step, all funders."},
    {"restoration_cost_yuan_per_ha", "yuan/ha",
     "Restoration cost per ha of active and closed mines on the learning curve, this step."},
    {"net_restoration_cost_yuan_per_ha", "yuan/ha",
     "Restoration spending minus carbon revenue, per ha established, since the start (0 "
     "before any land is established)."},
    {"carbon_sink_t_co2", "t CO2", "Cumulative sequestration of established restored land."},
    {"carbon_revenue_yuan", "yuan", "Carbon credit revenue this step."},
    {"green_land_ha", "ha", "Established restored land converted to green uses."},
    {"employment_mining", "count", "Households with a mining job."},
    {"employment_green", "count", "Households with a green job."},
    {"employment_agriculture", "count", "Households farming without a wage job."},
    {"unemployed", "count", "Households that lost a mining job and found no other."},
    {"fiscal_spending_yuan", "yuan",
     "Government spending this step: legacy restoration, compensation and inspections."},
    {"fiscal_balance_yuan", "yuan",
     "Governments' revenue from restoration (carbon, green income), fines and forfeits "
     "minus fiscal spending, cumulative since the start."},
    {"social_capital_invested_yuan", "yuan",
     "Social capital (PPP) spending on legacy "
     "restoration this step, bond-financed part included."},
    {"enterprise_cash_yuan", "yuan", "Cash of all enterprises (negative: overdraft)."},
    {"compliance_share", "1", "Share of enterprises complying with their restoration duty."},
    {"rating_A", "count", "Enterprises rated A."},
    {"rating_B", "count", "Enterprises rated B."},
    {"rating_C", "count", "Enterprises rated C."},
    {"rating_D", "count", "Enterprises rated D."},
    {"compensation_paid_yuan", "yuan", "Compensation paid this step, all payers."},
    {"compensation_paid_enterprise_yuan", "yuan", "Compensation paid by enterprises this step."},
    {"compensation_paid_local_gov_yuan", "yuan",
     "Compensation paid by local governments this step."},
    {"compensation_paid_state_yuan", "yuan",
     "Compensation paid by the higher government this step (annuities included)."},
    {"compensation_paid_social_capital_yuan", "yuan",
     "Compensation paid by social capital this step (cash part)."},
    {"dividends_paid_yuan", "yuan", "Development-right dividends paid to households this step."},
    {"negotiations", "count", "Negotiation rounds held this step (one per claim negotiated)."},
    {"agreements", "count", "Negotiations that ended in agreement this step."},
    {"disputes_open", "count", "Claims in open dispute at the end of the step."},
    {"claims_awaiting_payment", "count", "Agreed claims waiting for the payer's funds."},
    {"participation_share", "1", "Share of households participating this step."},
    {"compensation_gini", "1",
     "Gini coefficient of compensation received, among households with damaged land."},
    {"negotiation_index_mean", "1", "Mean negotiation index of the villages."},
    {"petitioning_share", "1", "Share of households petitioning this step."},
    {"mines_halted", "count", "Active mines halted by petitions this step (no production)."},
    {"stability_pressure", "petition-month",
     "Stability pressure of both local governments (petitioning households, decaying)."},
    {"reports", "count", "Shirking mines reported by residents this step."},
    {"strict_supervision_share", "1", "Share of local governments supervising strictly."},
    {"inspections", "count", "Inspections this step (report-triggered and routine)."},
    {"detections", "count", "Violations detected this step."},
    {"fines_yuan", "yuan", "Fines paid this step."},
    {"deposits_forfeited_yuan", "yuan", "Restoration deposits forfeited this step."},
};
enum Series : std::size_t {
  s_damaged,
  s_restoring,
  s_restored,
  s_cumulative,
  s_rate,
  s_rate_legacy,
  s_rate_active,
  s_farmland,
  s_mines_active,
  s_E,
  s_P,
  s_C,
  s_R,
  s_S,
  s_S10,
  s_S50,
  s_S90,
  s_income,
  s_income_gini,
  s_informed,
  s_air,
  s_water,
  s_vegetation,
  s_started,
  s_established,
  s_restoration_spending,
  s_cost,
  s_net_cost,
  s_carbon_sink,
  s_carbon_revenue,
  s_green_land,
  s_mining,
  s_green,
  s_agriculture,
  s_unemployed,
  s_fiscal_spending,
  s_fiscal_balance,
  s_social_invested,
  s_cash,
  s_compliance,
  s_rating_A,
  s_rating_B,
  s_rating_C,
  s_rating_D,
  s_paid,
  s_paid_enterprise,
  s_paid_local,
  s_paid_state,
  s_paid_social,
  s_dividends,
  s_negotiations,
  s_agreements,
  s_disputes,
  s_awaiting,
  s_participation,
  s_compensation_gini,
  s_ni,
  s_petitioning,
  s_halted,
  s_pressure,
  s_reports,
  s_strict,
  s_inspections,
  s_detections,
  s_fines,
  s_forfeit,
  s_count
};
static_assert(std::size(series_defs) == s_count);

struct PanelDef {
  const char* name;
  const char* units;
  const char* description;
};
constexpr PanelDef panel_defs[] = {
    {"E", "1", "Economic-environment perception."},
    {"P", "1", "Ecological perception."},
    {"C", "1", "Compensation and employment satisfaction."},
    {"R", "1", "Restoration expectation."},
    {"S", "1", "Life satisfaction."},
    {"income_yuan_per_year", "yuan/year", "Household income."},
    {"informed", "1", "Information level."},
    {"damaged_land_ha", "ha", "Farmland damaged and not restored."},
    {"received_yuan", "yuan", "Compensation received so far, all payers."},
};

enum Sum : std::size_t {
  sum_income = latent_count,
  sum_informed,
  sum_farmland,
  sum_mining,
  sum_green,
  sum_agriculture,
  sum_unemployed,
  sum_participating,
  sum_width
};

double rate(double restored, double cumulative) {
  return cumulative > 0.0 ? restored / cumulative : 0.0;
}

} // namespace

Metrics::Metrics(const World& world, std::int64_t steps)
    : snapshot_interval_(world.params.simulation.snapshot_interval), sums_(sum_width, 0.0),
      sort_scratch_(world.households.size(), 0.0) {
  for (const SeriesDef& d : series_defs)
    series_.push_back(TimeSeries{d.name, d.units, d.description, {}});
  for (auto& s : series_)
    s.values.reserve(static_cast<std::size_t>(steps) + 1);

  // Panel: the households with the smallest random keys, in id order.
  const std::size_t n = world.households.size();
  const auto size =
      std::min<std::size_t>(n, static_cast<std::size_t>(world.params.simulation.panel_size));
  if (size > 0) {
    const auto seed = static_cast<std::uint64_t>(world.params.simulation.seed);
    std::vector<std::pair<std::uint64_t, std::int64_t>> keys(n);
    for (std::size_t i = 0; i < n; ++i)
      keys[i] = {CounterRng(seed, Stream::panel_sample, 0, i).bits(0),
                 static_cast<std::int64_t>(i)};
    std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(size), keys.end());
    for (std::size_t k = 0; k < size; ++k)
      panel_ids_.push_back(keys[k].second);
    std::sort(panel_ids_.begin(), panel_ids_.end());
    const std::size_t snapshots = static_cast<std::size_t>(steps / snapshot_interval_) + 1;
    for (const PanelDef& d : panel_defs) {
      panel_fields_.push_back(PanelField{d.name, d.units, d.description, {}});
      panel_fields_.back().values.reserve(snapshots * size);
    }
  }
}

void Metrics::record(World& w, std::int64_t step) {
  const auto& m = w.mines;
  const auto& h = w.households;
  std::array<double, s_count> value{};

  double restored_legacy = 0.0, cumulative_legacy = 0.0;
  double restored_active = 0.0, cumulative_active = 0.0; // active and closed mines
  for (std::size_t k = 0; k < m.size(); ++k) {
    value[s_damaged] += m.damaged_ha[k];
    value[s_restoring] += m.restoring_ha[k];
    value[s_restored] += m.restored_ha[k];
    value[s_cumulative] += m.cumulative_damaged_ha[k];
    if (m.status[k] == MineStatus::legacy) {
      restored_legacy += m.restored_ha[k];
      cumulative_legacy += m.cumulative_damaged_ha[k];
    } else {
      restored_active += m.restored_ha[k];
      cumulative_active += m.cumulative_damaged_ha[k];
    }
    if (m.status[k] == MineStatus::active && !m.halted[k]) value[s_mines_active] += 1.0;
  }
  value[s_rate] = rate(value[s_restored], value[s_cumulative]);
  value[s_rate_legacy] = rate(restored_legacy, cumulative_legacy);
  value[s_rate_active] = rate(restored_active, cumulative_active);

  const std::size_t n = h.size();
  w.sums.sum_many(n, sums_, [&](std::size_t i, std::span<double> acc) {
    for (std::size_t x = 0; x < latent_count; ++x)
      acc[x] += h.latent[x][i];
    acc[sum_income] += h.income_yuan_per_year[i];
    acc[sum_informed] += h.informed[i];
    acc[sum_farmland] += h.damaged_land_ha[i];
    acc[sum_mining] += h.sector[i] == Sector::mining ? 1.0 : 0.0;
    acc[sum_green] += h.sector[i] == Sector::green ? 1.0 : 0.0;
    acc[sum_agriculture] += h.sector[i] == Sector::agriculture ? 1.0 : 0.0;
    acc[sum_unemployed] += h.sector[i] == Sector::unemployed ? 1.0 : 0.0;
    acc[sum_participating] += h.participating[i];
  });
  const double count = static_cast<double>(n);
  for (std::size_t x = 0; x < latent_count; ++x)
    value[s_E + x] = sums_[x] / count;
  value[s_income] = sums_[sum_income] / count;
  value[s_informed] = sums_[sum_informed] / count;
  value[s_farmland] = sums_[sum_farmland];

  std::span<double> scratch(w.household_scratch);
  // One linear-time sort gives the same order statistics as a selection per quantile.
  std::copy(h.latent[latent_S].begin(), h.latent[latent_S].end(), scratch.begin());
  sort_ascending(scratch, sort_scratch_);
  value[s_S10] = quantile_sorted(scratch, 0.1);
  value[s_S50] = quantile_sorted(scratch, 0.5);
  value[s_S90] = quantile_sorted(scratch, 0.9);
  std::copy(h.income_yuan_per_year.begin(), h.income_yuan_per_year.end(), scratch.begin());
  value[s_income_gini] = gini_inplace(scratch, sort_scratch_);

  const auto& v = w.villages;
  for (std::size_t a = 0; a < v.size(); ++a) {
    const auto households = static_cast<double>(v.households(a));
    value[s_air] += households * v.air_quality[a];
    value[s_water] += households * v.water_quality[a];
    value[s_vegetation] += households * v.vegetation[a];
  }
  value[s_air] /= count;
  value[s_water] /= count;
  value[s_vegetation] /= count;

  value[s_mining] = sums_[sum_mining];
  value[s_green] = sums_[sum_green];
  value[s_agriculture] = sums_[sum_agriculture];
  value[s_unemployed] = sums_[sum_unemployed];

  const Ledger& ledger = w.ledger;
  const auto step_flow = [&](Flow f) { return static_cast<double>(ledger.step_flow(f)); };
  const auto total_flow = [&](Flow f) { return static_cast<double>(ledger.total_flow(f)); };
  // This step's cohort slot holds exactly the work started this step.
  const auto lag = static_cast<std::size_t>(w.params.restoration.establishment_lag_months);
  const std::size_t slot = static_cast<std::size_t>(step) % lag;
  double started = 0.0;
  for (std::size_t k = 0; k < m.size(); ++k)
    for (std::size_t f = 0; f < funder_count; ++f)
      started += w.restoring_cohort_ha[(k * lag + slot) * funder_count + f];
  value[s_started] = step == 0 ? 0.0 : started;
  value[s_established] = step == 0 ? 0.0 : w.established_this_step_ha;
  value[s_restoration_spending] = step_flow(flow_restoration_enterprise) +
                                  step_flow(flow_restoration_state) +
                                  step_flow(flow_restoration_social);
  value[s_cost] = active_cost_yuan_per_ha(w);
  const double spent = total_flow(flow_restoration_enterprise) +
                       total_flow(flow_restoration_state) + total_flow(flow_restoration_social);
  value[s_net_cost] = w.established_total_ha > 0.0
                          ? (spent - total_flow(flow_carbon_revenue)) / w.established_total_ha
                          : 0.0;
  value[s_carbon_sink] = w.carbon_sink_t_co2;
  value[s_carbon_revenue] = step_flow(flow_carbon_revenue);
  value[s_green_land] = w.params.restoration.green_conversion_share * value[s_restored];
  value[s_fiscal_spending] = step_flow(flow_restoration_state) +
                             step_flow(flow_compensation_local) +
                             step_flow(flow_compensation_state) + step_flow(flow_inspection_cost);
  value[s_fiscal_balance] = static_cast<double>(w.fiscal_balance_yuan) + total_flow(flow_fines) +
                            total_flow(flow_forfeit) - total_flow(flow_compensation_local) -
                            total_flow(flow_compensation_state) - total_flow(flow_inspection_cost);
  value[s_social_invested] = step_flow(flow_restoration_social);
  value[s_cash] = enterprise_cash_yuan(w);
  const auto& e = w.enterprises;
  for (std::size_t k = 0; k < e.size(); ++k) {
    value[s_compliance] += (w.params.enterprises.restoration_duty && e.complies[k]) ? 1.0 : 0.0;
    value[s_rating_A + static_cast<std::size_t>(rating_of(e.credit_score[k]))] += 1.0;
  }
  value[s_compliance] /= static_cast<double>(std::max<std::size_t>(1, e.size()));

  value[s_paid_enterprise] = step_flow(flow_compensation_enterprise);
  value[s_paid_local] = step_flow(flow_compensation_local);
  value[s_paid_state] = step_flow(flow_compensation_state);
  value[s_paid_social] = step_flow(flow_compensation_social);
  value[s_paid] =
      value[s_paid_enterprise] + value[s_paid_local] + value[s_paid_state] + value[s_paid_social];
  value[s_dividends] = step_flow(flow_dividends);
  value[s_negotiations] = static_cast<double>(w.negotiations_this_step);
  value[s_agreements] = static_cast<double>(w.agreements_this_step);
  for (std::size_t c = 0; c < w.claim_dispute.size(); ++c) {
    value[s_disputes] += w.claim_dispute[c];
    value[s_awaiting] += w.claim_pending_yuan[c] > 0 ? 1.0 : 0.0;
  }
  value[s_participation] = sums_[sum_participating] / count;
  std::size_t damaged = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (h.official_value_yuan[i] > 0.0) scratch[damaged++] = h.received_yuan[i];
  value[s_compensation_gini] = gini_inplace(scratch.first(damaged), sort_scratch_);
  update_negotiation_index(w);
  for (const double ni : w.village_ni)
    value[s_ni] += ni;
  value[s_ni] /= static_cast<double>(std::max<std::size_t>(1, w.village_ni.size()));
  value[s_petitioning] = static_cast<double>(w.petitioning_this_step) / count;
  value[s_halted] = static_cast<double>(w.mines_halted_this_step);
  value[s_pressure] = w.stability_pressure[0] + w.stability_pressure[1];
  value[s_reports] = static_cast<double>(w.reports_this_step);
  value[s_strict] = 0.5 * (w.county_strict[0] + w.county_strict[1]);
  value[s_inspections] = static_cast<double>(w.inspections_this_step);
  value[s_detections] = static_cast<double>(w.detections_this_step);
  value[s_fines] = step_flow(flow_fines);
  value[s_forfeit] = step_flow(flow_forfeit);

  for (std::size_t k = 0; k < s_count; ++k)
    series_[k].values.push_back(value[k]);

  // The virtual survey sees the state at the end of the step (MODEL.md §4.10).
  if (is_survey_step(w.params.survey, step, w.params.simulation.steps))
    surveys_.push_back(to_output(run_survey(
        w.params.survey, h.latent, static_cast<std::uint64_t>(w.params.simulation.seed), step,
        SurveyStreams{Stream::survey_sample, Stream::survey_items, Stream::survey_bootstrap})));

  if (panel_ids_.empty() || step % snapshot_interval_ != 0) return;
  panel_steps_.push_back(step);
  for (const std::int64_t id : panel_ids_) {
    const auto i = static_cast<std::size_t>(id);
    for (std::size_t x = 0; x < latent_count; ++x)
      panel_fields_[x].values.push_back(h.latent[x][i]);
    panel_fields_[latent_count + 0].values.push_back(h.income_yuan_per_year[i]);
    panel_fields_[latent_count + 1].values.push_back(h.informed[i]);
    panel_fields_[latent_count + 2].values.push_back(h.damaged_land_ha[i]);
    panel_fields_[latent_count + 3].values.push_back(h.received_yuan[i]);
  }
}

} // namespace minesim
