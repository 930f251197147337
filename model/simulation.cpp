#include "model/simulation.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <type_traits>

namespace minesim {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <class T>
Column column(std::string name, std::string units, std::string description,
              const std::vector<T>& values) {
  Column c{std::move(name), std::move(units), std::move(description), {}, {}};
  if constexpr (std::is_floating_point_v<T>) {
    c.real.assign(values.begin(), values.end());
  } else {
    c.integer.reserve(values.size());
    for (const T& v : values)
      c.integer.push_back(static_cast<std::int64_t>(v));
  }
  return c;
}

/// A column of an event table: one member of every event, as int64 or float64.
template <class Event, class T>
void add_event_column(EventTable& table, const char* name, const char* units,
                      const std::vector<Event>& events, T Event::*member) {
  Column c{name, units, "", {}, {}};
  auto& values = [&]() -> auto& {
    if constexpr (std::is_floating_point_v<T>)
      return c.real;
    else
      return c.integer;
  }
  ();
  values.reserve(events.size());
  for (const Event& e : events)
    values.push_back(e.*member);
  table.columns.push_back(std::move(c));
}

EventTable negotiation_table(const std::vector<NegotiationEvent>& e) {
  EventTable t{"negotiations",
               "One row per negotiation outcome (agreement or dispute), sorted "
               "by step, household and mine. model: 0 enterprise_direct, 1 "
               "enterprise_funded_gov_organized, 2 joint, 3 state_funded, 4 "
               "investment_promotion; payer: 0 enterprise, 1 local government, 2 "
               "state, 3 social capital, 4 enterprise and local government.",
               {}};
  using N = NegotiationEvent;
  add_event_column(t, "step", "step", e, &N::step);
  add_event_column(t, "household", "1", e, &N::household);
  add_event_column(t, "mine", "1", e, &N::mine);
  add_event_column(t, "model", "1", e, &N::model);
  add_event_column(t, "payer", "1", e, &N::payer);
  add_event_column(t, "offer_yuan", "yuan", e, &N::offer_yuan);
  add_event_column(t, "demand_yuan", "yuan", e, &N::demand_yuan);
  add_event_column(t, "rounds", "round", e, &N::rounds);
  add_event_column(t, "agreed", "1", e, &N::agreed);
  add_event_column(t, "amount_yuan", "yuan", e, &N::amount_yuan);
  return t;
}

EventTable inspection_table(const std::vector<InspectionEvent>& e) {
  EventTable t{"inspections",
               "One row per inspection, sorted by step, then in inspection order within a step "
               "(report-triggered first, by mine; then routine). government: county 0 west, 1 "
               "east.",
               {}};
  using I = InspectionEvent;
  add_event_column(t, "step", "step", e, &I::step);
  add_event_column(t, "government", "1", e, &I::government);
  add_event_column(t, "mine", "1", e, &I::mine);
  add_event_column(t, "triggered_by_report", "1", e, &I::triggered_by_report);
  add_event_column(t, "detected", "1", e, &I::detected);
  add_event_column(t, "fine_yuan", "yuan", e, &I::fine_yuan);
  return t;
}

} // namespace

Simulation::Simulation(const Parameters& params)
    : world_([&] {
        const auto start = std::chrono::steady_clock::now();
        World w = make_world(params);
        init_seconds_ = seconds_since(start);
        return w;
      }()),
      metrics_(world_, params.simulation.steps), schedule_(make_schedule(world_, metrics_)) {
  if (params.game.tripartite)
    game_.emplace(params.game, static_cast<std::uint64_t>(params.simulation.seed),
                  params.simulation.steps);
  else
    metrics_.record(world_, 0);
}

bool Simulation::run(const RunControl& control) {
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t steps = world_.params.simulation.steps;
  for (std::int64_t step = steps_done_ + 1; step <= steps; ++step) {
    if (control.stop && control.stop->load()) break;
    if (game_) {
      game_->step(step);
    } else {
      world_.ledger.begin_step();
      schedule_.run_step(step);
    }
    steps_done_ = step;
    if (control.after_step) control.after_step(step);
  }
  run_seconds_ += seconds_since(start);
  return steps_done_ == steps;
}

RunRecord Simulation::record(std::string scenario_toml, std::string resolved_toml) const {
  const World& w = world_;
  RunRecord r;
  r.threads = omp_get_max_threads();
  r.seed = static_cast<std::uint64_t>(w.params.simulation.seed);
  r.steps = w.params.simulation.steps;
  r.wall_seconds = init_seconds_ + run_seconds_;
  r.phase_seconds["initialisation"] = init_seconds_;
  for (std::size_t k = 0; k < schedule_.size(); ++k)
    if (schedule_.modelled(k)) r.phase_seconds[schedule_.name(k)] = schedule_.seconds(k);
  r.scenario_toml = std::move(scenario_toml);
  r.resolved_toml = std::move(resolved_toml);
  if (game_) { // game mode: the game's time series only
    r.timeseries = game_->timeseries();
    return r;
  }
  r.timeseries = metrics_.timeseries();
  r.panel_steps = metrics_.panel_steps();
  r.panel_household_ids = metrics_.panel_household_ids();
  r.panel_fields = metrics_.panel_fields();
  r.network = &w.network;
  r.surveys = metrics_.surveys();
  if (w.params.simulation.record_events) {
    r.events.push_back(negotiation_table(w.negotiation_events));
    r.events.push_back(inspection_table(w.inspection_events));
  }

  const auto& h = w.households;
  r.tables["households"] = {
      column("village", "1", "Home village id.", h.village),
      column("size_persons", "person", "Household members.", h.size_persons),
      column("land_ha", "ha", "Farmland held.", h.land_ha),
      column("expectation_multiplier", "1",
             "Expected compensation relative to the official standard.", h.expectation_multiplier),
  };
  const auto& v = w.villages;
  r.tables["villages"] = {
      column("x_km", "km", "East-west position.", v.x_km),
      column("y_km", "km", "North-south position.", v.y_km),
      column("county", "1", "Local government: 0 west, 1 east.", v.county),
      column("first_household", "1",
             "First household id of the village (households are ordered by village, so "
             "village v holds ids first_household[v] to first_household[v] + households[v] - 1).",
             std::vector<std::uint32_t>(v.first_household.begin(), v.first_household.end() - 1)),
      column("households", "household", "Households living in the village.",
             [&v] {
               std::vector<std::uint32_t> count(v.size());
               for (std::size_t a = 0; a < v.size(); ++a)
                 count[a] = static_cast<std::uint32_t>(v.households(a));
               return count;
             }()),
  };
  const auto& m = w.mines;
  std::vector<std::uint8_t> status(m.size());
  for (std::size_t k = 0; k < m.size(); ++k)
    status[k] = static_cast<std::uint8_t>(m.status[k]);
  r.tables["mines"] = {
      column("x_km", "km", "East-west position.", m.x_km),
      column("y_km", "km", "North-south position.", m.y_km),
      column("status", "1", "Status at the end of the run: 0 active, 1 closed, 2 legacy.", status),
      column("owner", "1", "Owning enterprise id, -1 for legacy mines.", m.owner),
      column("county", "1", "Local government: 0 west, 1 east.", m.county),
      column("output_t_per_month", "t/month", "Production while active.", m.output_t_per_month),
      column("closure_step", "month",
             "Step at which the mine closed or will close; -1 for "
             "legacy mines.",
             m.closure_step),
  };
  return r;
}

} // namespace minesim

namespace minesim {

ResourceEstimate estimate_resources(const Parameters& p) {
  ResourceEstimate e;
  const auto n = static_cast<double>(p.households.count);
  const double mean_clique =
      0.5 * static_cast<double>(p.network.kinship_min_size + p.network.kinship_max_size);
  e.expected_mean_degree = (static_cast<double>(p.network.small_world_degree) +
                            p.network.kinship_share * (mean_clique - 1.0)) /
                           (1.0 - p.network.inter_village_share);
  // Household columns (see agents/resident/household.hpp): about 270 bytes, plus 16 bytes
  // per claim; villages within the damage radius of a mine see about pi r^2 / side^2 of them.
  const double affected_share =
      std::min(1.0, 3.14159265358979 * p.region.damage_radius_km * p.region.damage_radius_km /
                        (p.region.side_km * p.region.side_km));
  const double claims_per_household = affected_share * static_cast<double>(p.mines.count);
  const double household_bytes = 270.0 + 16.0 * claims_per_household;
  const double directed_edges = n * e.expected_mean_degree;
  // The network builder holds the edge list (8 bytes per directed edge, twice while
  // sorting) next to the final CSR (4 bytes per directed edge, 8 per household).
  const double network_bytes = directed_edges * (4.0 + 16.0) + 8.0 * n;
  e.memory_bytes = n * household_bytes + network_bytes + 40e6; // 40 MB: program and libraries
  const auto steps = static_cast<double>(p.simulation.steps);
  const double snapshots =
      std::floor(steps / static_cast<double>(p.simulation.snapshot_interval)) + 1.0;
  const double panel = std::min(n, static_cast<double>(p.simulation.panel_size));
  e.output_bytes = 30.0 * (steps + 1.0) * 8.0 + 9.0 * snapshots * panel * 8.0 + (n + 1.0) * 8.0 +
                   directed_edges * 4.0 + n * 4.0 * 8.0 + 64e3;
  return e;
}

} // namespace minesim
