#include "model/metrics.hpp"

#include "src/core/random.hpp"
#include "src/core/stats.hpp"

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

enum Sum : std::size_t { sum_income = latent_count, sum_informed, sum_farmland, sum_width };

double rate(double restored, double cumulative) {
  return cumulative > 0.0 ? restored / cumulative : 0.0;
}

} // namespace

Metrics::Metrics(const World& world, std::int64_t steps)
    : snapshot_interval_(world.params.simulation.snapshot_interval), sums_(sum_width, 0.0) {
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
  for (std::size_t k = 0; k < m.size(); ++k) {
    value[s_damaged] += m.damaged_ha[k];
    value[s_restoring] += m.restoring_ha[k];
    value[s_restored] += m.restored_ha[k];
    value[s_cumulative] += m.cumulative_damaged_ha[k];
    if (m.status[k] == MineStatus::legacy) {
      restored_legacy += m.restored_ha[k];
      cumulative_legacy += m.cumulative_damaged_ha[k];
    }
    if (m.status[k] == MineStatus::active && !m.halted[k]) value[s_mines_active] += 1.0;
  }
  value[s_rate] = rate(value[s_restored], value[s_cumulative]);
  value[s_rate_legacy] = rate(restored_legacy, cumulative_legacy);
  value[s_rate_active] =
      rate(value[s_restored] - restored_legacy, value[s_cumulative] - cumulative_legacy);

  const std::size_t n = h.size();
  w.sums.sum_many(n, sums_, [&](std::size_t i, std::span<double> acc) {
    for (std::size_t x = 0; x < latent_count; ++x)
      acc[x] += h.latent[x][i];
    acc[sum_income] += h.income_yuan_per_year[i];
    acc[sum_informed] += h.informed[i];
    acc[sum_farmland] += h.damaged_land_ha[i];
  });
  const double count = static_cast<double>(n);
  for (std::size_t x = 0; x < latent_count; ++x)
    value[s_E + x] = sums_[x] / count;
  value[s_income] = sums_[sum_income] / count;
  value[s_informed] = sums_[sum_informed] / count;
  value[s_farmland] = sums_[sum_farmland];

  std::span<double> scratch(w.household_scratch);
  std::copy(h.latent[latent_S].begin(), h.latent[latent_S].end(), scratch.begin());
  value[s_S10] = quantile_inplace(scratch, 0.1);
  value[s_S50] = quantile_inplace(scratch, 0.5);
  value[s_S90] = quantile_inplace(scratch, 0.9);
  std::copy(h.income_yuan_per_year.begin(), h.income_yuan_per_year.end(), scratch.begin());
  value[s_income_gini] = gini_inplace(scratch);

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

  for (std::size_t k = 0; k < s_count; ++k)
    series_[k].values.push_back(value[k]);

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
