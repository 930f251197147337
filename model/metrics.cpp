#include "model/metrics.hpp"

#include "engine/random.hpp"

#include <algorithm>
#include <stdexcept>

namespace minesim {
namespace {

/// The order of the time series in the output contract (docs/output-format.md). Series of a module
/// not listed here follow, in registry order.
constexpr std::string_view documented_order[] = {
    "damaged_ha",
    "restoring_ha",
    "restored_ha",
    "cumulative_damaged_ha",
    "restoration_rate",
    "restoration_rate_legacy",
    "restoration_rate_active",
    "farmland_damaged_ha",
    "mines_active",
    "E_mean",
    "P_mean",
    "C_mean",
    "R_mean",
    "S_mean",
    "S_p10",
    "S_p50",
    "S_p90",
    "income_mean_yuan",
    "income_gini",
    "informed_mean",
    "air_quality_mean",
    "water_quality_mean",
    "vegetation_mean",
    "restoration_started_ha",
    "restoration_established_ha",
    "restoration_spending_yuan",
    "restoration_cost_yuan_per_ha",
    "net_restoration_cost_yuan_per_ha",
    "carbon_sink_t_co2",
    "carbon_revenue_yuan",
    "green_land_ha",
    "employment_mining",
    "employment_green",
    "employment_agriculture",
    "unemployed",
    "fiscal_spending_yuan",
    "fiscal_balance_yuan",
    "social_capital_invested_yuan",
    "enterprise_cash_yuan",
    "compliance_share",
    "rating_A",
    "rating_B",
    "rating_C",
    "rating_D",
    "compensation_paid_yuan",
    "compensation_paid_enterprise_yuan",
    "compensation_paid_local_gov_yuan",
    "compensation_paid_state_yuan",
    "compensation_paid_social_capital_yuan",
    "dividends_paid_yuan",
    "negotiations",
    "agreements",
    "disputes_open",
    "dispute_rate",
    "settlement_months_mean",
    "unsettled_claim_share",
    "claims_awaiting_payment",
    "participation_share",
    "compensation_gini",
    "compensation_ratio_gini",
    "negotiation_index_mean",
    "petitioning_share",
    "mines_halted",
    "stability_pressure",
    "reports",
    "strict_supervision_share",
    "inspections",
    "detections",
    "fines_yuan",
    "deposits_forfeited_yuan",
};

std::size_t documented_rank(std::string_view name) {
  const auto* it = std::find(std::begin(documented_order), std::end(documented_order), name);
  return static_cast<std::size_t>(it - std::begin(documented_order));
}

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

/// Widest sum a module's metrics take over households at once.
constexpr std::size_t max_accumulators = 64;

} // namespace

Metrics::Metrics(const World& world, std::int64_t steps, ModuleList modules)
    : modules_(std::move(modules)), snapshot_interval_(world.params.simulation.snapshot_interval) {
  // Every module's series, ranked by the documented order, then registry order.
  struct Entry {
    SeriesDef def;
    std::size_t rank;
    std::size_t flat; ///< index in values_
  };
  std::vector<Entry> entries;
  for (const auto& module : modules_) {
    first_.push_back(entries.size());
    for (SeriesDef& def : module->series()) {
      const std::size_t rank = documented_rank(def.name);
      entries.push_back(Entry{std::move(def), rank, entries.size()});
    }
  }
  first_.push_back(entries.size());
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  series_of_.assign(entries.size(), 0);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    series_of_[entries[k].flat] = k;
    series_.push_back(TimeSeries{entries[k].def.name,
                                 entries[k].def.units,
                                 entries[k].def.description,
                                 {},
                                 entries[k].def.kind});
    series_.back().values.reserve(static_cast<std::size_t>(steps) + 1);
  }
  for (std::size_t k = 0; k < series_.size(); ++k)
    for (std::size_t j = k + 1; j < series_.size(); ++j)
      if (series_[k].name == series_[j].name)
        throw std::logic_error("two modules define the time series " + series_[k].name);
  values_.assign(entries.size(), 0.0);

  const std::size_t n = world.households.size();
  scratch_.sums.reserve(n, max_accumulators);
  scratch_.household.assign(n, 0.0);
  scratch_.sort_buffer.assign(n, 0.0);
  scratch_.accumulators.assign(max_accumulators, 0.0);

  // Panel: the households with the smallest random keys, in id order.
  const auto size =
      std::min<std::size_t>(n, static_cast<std::size_t>(world.params.simulation.panel_size));
  if (size > 0) {
    const auto seed = static_cast<std::uint64_t>(world.params.simulation.seed);
    std::vector<std::pair<std::uint64_t, std::int64_t>> keys(n);
    for (std::size_t i = 0; i < n; ++i)
      keys[i] = {CounterRng(seed, streams::panel_sample, 0, i).bits(0),
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

void Metrics::record(const World& w, std::int64_t step) {
  std::fill(values_.begin(), values_.end(), 0.0);
  for (std::size_t m = 0; m < modules_.size(); ++m) {
    const std::span<double> values(values_.data() + first_[m], first_[m + 1] - first_[m]);
    if (!values.empty()) modules_[m]->measure(w, step, scratch_, values);
  }
  for (std::size_t k = 0; k < values_.size(); ++k)
    series_[series_of_[k]].values.push_back(values_[k]);

  if (panel_ids_.empty() || step % snapshot_interval_ != 0) return;
  const auto& h = w.households;
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
