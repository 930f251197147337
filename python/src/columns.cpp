#include "columns.hpp"

#include "model/state_fields.hpp"

#include <array>
#include <map>
#include <set>
#include <stdexcept>
#include <type_traits>

namespace py = pybind11;

namespace minesim::python {
namespace {

struct ColumnDoc {
  const char* units;
  const char* description;
};

/// What each column shown means, by "store.column". docs/python.md lists the same.
const std::map<std::string, ColumnDoc>& column_docs() {
  static const std::map<std::string, ColumnDoc> docs{
      // households
      {"households.village", {"1", "Home village id (row of villages())."}},
      {"households.size_persons", {"person", "Household members."}},
      {"households.land_ha", {"ha", "Farmland held."}},
      {"households.damaged_land_ha",
       {"ha", "Farmland damaged by mining and not restored (all its claims)."}},
      {"households.sector", {"1", "Livelihood: 0 agriculture, 1 mining, 2 green job, 3 none."}},
      {"households.E", {"1", "Latent perception E: environment (docs/odd.md §3.9)."}},
      {"households.P", {"1", "Latent perception P: participation."}},
      {"households.C", {"1", "Latent perception C: compensation fairness."}},
      {"households.R", {"1", "Latent perception R: ecological restoration."}},
      {"households.S", {"1", "Latent satisfaction S."}},
      {"households.offset_E", {"1", "Persistent logit offset of E."}},
      {"households.offset_P", {"1", "Persistent logit offset of P."}},
      {"households.offset_C", {"1", "Persistent logit offset of C."}},
      {"households.offset_R", {"1", "Persistent logit offset of R."}},
      {"households.offset_S", {"1", "Persistent logit offset of S."}},
      {"households.expectation_multiplier",
       {"1", "Expected compensation relative to the official standard."}},
      {"households.informed", {"1", "Information level, 0 to 1."}},
      {"households.threshold", {"1", "Participation threshold (share of participating ties)."}},
      {"households.participating", {"1", "1 when taking part in restoration this month."}},
      {"households.income_yuan_per_year", {"yuan/year", "Household income."}},
      {"households.income_growth", {"1", "12-month change of log income."}},
      {"households.official_value_yuan",
       {"yuan", "Official compensation value of all damage to the household's land."}},
      {"households.received_yuan", {"yuan", "Compensation received so far, from all payers."}},
      {"households.claim_first", {"1", "First claim id of the household."}},
      {"households.employer", {"1", "Mine id of a mining job, -1 otherwise."}},
      {"households.informed_next",
       {"1", "Information after this month's hearings (the information phase's output)."}},
      {"households.participating_next", {"1", "Participation decided this month."}},
      {"households.hearings_attended", {"1", "Bit k set: attended a hearing k months ago."}},
      {"households.petitioning", {"1", "1 when petitioning this month."}},
      {"households.petitioning_next", {"1", "Petitioning decided this month."}},
      {"households.petition_months", {"month", "Consecutive months of petitioning."}},
      {"households.neighbours_participating",
       {"household", "Network neighbours participating last month."}},
      {"households.neighbours_petitioning",
       {"household", "Network neighbours petitioning last month."}},
      {"households.neighbours_compensated",
       {"household", "Network neighbours with a compensation ratio."}},
      {"households.neighbour_ratio_sum",
       {"1", "Sum of those neighbours' compensation ratios (received over official)."}},
      // villages
      {"villages.x_km", {"km", "East-west position."}},
      {"villages.y_km", {"km", "North-south position."}},
      {"villages.county", {"1", "Local government id (row of governments())."}},
      {"villages.first_household", {"1", "First household id of the village."}},
      {"villages.households", {"household", "Households living in the village."}},
      {"villages.air_quality", {"1", "Air quality, 0 to 1."}},
      {"villages.water_quality", {"1", "Water quality, 0 to 1."}},
      {"villages.vegetation", {"1", "Vegetation cover, 0 to 1."}},
      {"villages.mining_intensity",
       {"1", "Sum over active mines of exposure times output per 100 kt."}},
      {"villages.median_income_yuan", {"yuan/year", "Median household income this step."}},
      {"villages.negotiation_index", {"1", "Negotiation index NI (docs/odd.md §3.8)."}},
      {"villages.hearings_held", {"1", "Bit k set: the village held a hearing k months ago."}},
      // mines
      {"mines.x_km", {"km", "East-west position."}},
      {"mines.y_km", {"km", "North-south position."}},
      {"mines.status", {"1", "0 active, 1 closed, 2 legacy."}},
      {"mines.output_t_per_month", {"t/month", "Production while active."}},
      {"mines.cumulative_damaged_ha", {"ha", "Land damaged since the mine opened."}},
      {"mines.damaged_ha", {"ha", "Damaged land not yet restored."}},
      {"mines.restoring_ha", {"ha", "Land being restored."}},
      {"mines.restored_ha", {"ha", "Land restored."}},
      {"mines.closure_step", {"month", "Step at which the mine closes; -1 for legacy mines."}},
      {"mines.owner", {"1", "Owning enterprise id, -1 for legacy mines."}},
      {"mines.county", {"1", "Local government id (row of governments())."}},
      {"mines.halted", {"1", "1 when halted this month because its claimants petitioned."}},
      {"mines.halt_run_months",
       {"month", "Consecutive months its claimants petitioned at the halt share."}},
      {"mines.halt_remaining", {"month", "Months of the halt still to run after this one."}},
      {"mines.quota_factor", {"1", "Output allowed by the owner's credit rating."}},
      {"mines.reported", {"1", "1 when a report this month asks for an inspection."}},
      {"mines.avoided_yuan", {"yuan", "Restoration cost avoided since the last detection."}},
      {"mines.avoided_ha", {"ha", "Restoration area avoided since the last detection."}},
      {"mines.remedy_deadline",
       {"month", "Step by which a detected backlog must be remedied; -1 when none is due."}},
      {"mines.remedy_ha", {"ha", "Area to remedy by that step."}},
      {"mines.new_damage_ha", {"ha", "Damage caused this step."}},
      {"mines.workers", {"household", "Households employed by the mine."}},
      // governments
      {"governments.generosity", {"1", "Compensation generosity it requires."}},
      {"governments.stability_pressure", {"petition-month", "Stability pressure, decaying."}},
      {"governments.strict", {"1", "1 when supervising strictly this year."}},
      {"governments.inspection_budget", {"1", "Fractional inspections carried over."}},
      {"governments.fines_this_year", {"yuan", "Fines this year."}},
      {"governments.inspections_this_year", {"1", "Inspections this year."}},
      {"governments.report_detection_this_year",
       {"1", "1 when a report led to a detection this year."}},
      {"governments.report_inspections_this_year",
       {"1", "Inspections this year triggered by residents' reports."}},
      {"governments.report_fines_this_year", {"yuan", "Fines this year after residents' reports."}},
      {"governments.payoff_strict_yuan",
       {"yuan", "The year's payoff of strict supervision as last reckoned."}},
      {"governments.payoff_lax_yuan",
       {"yuan", "The year's payoff of lax supervision as last reckoned."}},
      {"governments.active_rate_last_year", {"1", "Share of active mines last year."}},
      {"governments.hearings_held", {"1", "Bit k set: held hearings k months ago."}},
      {"governments.legacy_cofunding_yuan_per_month",
       {"yuan/month", "Legacy restoration co-funding spent per month this year."}},
      {"governments.balance_yuan", {"yuan", "The county's ledger account balance."}},
      {"governments.legacy_fund_yuan", {"yuan", "Its legacy restoration fund's balance."}},
  };
  return docs;
}

/// Fields of the stores that are not one entry per entity (whatever their length happens to
/// be), and ledger account ids, shown as balances instead.
const std::set<std::string>& not_columns() {
  static const std::set<std::string> names{
      "households.latent_adjusted",
      "households.log_income_history",
      "villages.exposure",
      "villages.affected_offsets",
      "villages.affected_mine",
      "mines.restoring_cohort_ha",
      "mines.restored_by_funder_ha",
      "governments.account",
      "governments.legacy_fund_account",
      "governments.detection_history",
      "governments.shirk_month_history",
      "governments.forfeit_history",
  };
  return names;
}

/// The NumPy type of a column of T: an enum's underlying integer type.
template <class T> struct stored { using type = T; };
template <class T>
requires std::is_enum_v<T>
struct stored<T> {
  using type = std::underlying_type_t<T>;
};

/// A read-only view of `n` values of type T at `data`, kept alive by `owner`.
template <class T> py::array view(const T* data, std::size_t n, py::handle owner) {
  using Stored = typename stored<T>::type;
  static_assert(sizeof(Stored) == sizeof(T));
  py::array a(py::dtype::of<Stored>(), {static_cast<py::ssize_t>(n)},
              {static_cast<py::ssize_t>(sizeof(T))}, reinterpret_cast<const Stored*>(data), owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

/// The archive the field lists are walked with: collects one view per column of `rows`
/// entries.
class Collector {
public:
  Collector(std::string store, std::size_t rows, py::handle owner)
      : store_(std::move(store)), rows_(rows), owner_(owner) {}

  template <class T> void operator()(const char* name, std::vector<T>& column) {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      if (name == store_ + ".extra") {
        // A research module's column: named by the module, no units known here.
        out_.push_back({extra_names_.at(extra_seen_++), view(column.data(), column.size(), owner_),
                        "", "A column added by a module outside the model."});
        return;
      }
      if (not_columns().count(name) != 0) return;
      if (column.size() == rows_) add(name, view(column.data(), rows_, owner_));
      // One more entry than rows: offsets such as first_household, shown without the last.
      if (column.size() == rows_ + 1 && name == store_ + ".first_household")
        add(name, view(column.data(), rows_, owner_));
    }
  }
  /// The five latents (and their offsets), one column each.
  template <class T, std::size_t N>
  void operator()(const char* name, std::array<std::vector<T>, N>& columns) {
    static_assert(N == latent_count);
    const std::string field = std::string(name).substr(store_.size() + 1);
    for (std::size_t k = 0; k < N; ++k) {
      const std::string column =
          field == "latent" ? latent_names[k] : field + "_" + latent_names[k];
      add(store_ + "." + column, view(columns[k].data(), rows_, owner_));
    }
  }
  void operator()(const char* name, std::vector<std::string>& texts) {
    if (name == store_ + ".extra.names") extra_names_ = texts;
  }
  template <class T> void operator()(const char* /*name*/, T& /*scalar*/) {}

  void add(const std::string& name, py::array values) {
    const auto doc = column_docs().find(name);
    if (doc == column_docs().end()) {
      throw std::logic_error(name + " has no units in python/src/columns.cpp: add it there, "
                                    "or to not_columns() if it is not one value per entity");
    }
    out_.push_back({name.substr(store_.size() + 1), std::move(values), doc->second.units,
                    doc->second.description});
  }

  std::vector<ColumnView> take() { return std::move(out_); }

private:
  std::string store_;
  std::size_t rows_;
  py::handle owner_;
  std::vector<std::string> extra_names_;
  std::size_t extra_seen_ = 0;
  std::vector<ColumnView> out_;
};

} // namespace

std::vector<ColumnView> store_columns(const World& world, const std::string& store,
                                      py::handle owner) {
  // The field lists take mutable stores, so that one list both saves and restores; nothing
  // here writes.
  World& w = const_cast<World&>(world);
  if (store == "households") {
    Collector c(store, w.households.size(), owner);
    state::household_fields(c, w.households);
    return c.take();
  }
  if (store == "villages") {
    Collector c(store, w.villages.size(), owner);
    state::village_fields(c, w.villages);
    std::vector<std::uint32_t> households(w.villages.size());
    for (std::size_t v = 0; v < households.size(); ++v)
      households[v] = static_cast<std::uint32_t>(w.villages.households(v));
    c.add(
        "villages.households",
        py::array_t<std::uint32_t>(static_cast<py::ssize_t>(households.size()), households.data()));
    return c.take();
  }
  if (store == "mines") {
    Collector c(store, w.mines.size(), owner);
    state::mine_fields(c, w.mines);
    return c.take();
  }
  if (store == "governments") {
    const GovernmentStore& g = w.governments;
    Collector c(store, g.size(), owner);
    state::government_fields(c, w.governments);
    py::array_t<std::int64_t> balance(static_cast<py::ssize_t>(g.size()));
    py::array_t<std::int64_t> fund(static_cast<py::ssize_t>(g.size()));
    for (std::size_t k = 0; k < g.size(); ++k) {
      balance.mutable_at(static_cast<py::ssize_t>(k)) = w.ledger.balance(g.account[k]);
      fund.mutable_at(static_cast<py::ssize_t>(k)) = w.ledger.balance(g.legacy_fund_account[k]);
    }
    c.add("governments.balance_yuan", balance);
    c.add("governments.legacy_fund_yuan", fund);
    return c.take();
  }
  throw std::invalid_argument("no store " + store +
                              " (stores: households, villages, mines, governments)");
}

} // namespace minesim::python
