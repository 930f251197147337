#include "model/simulation.hpp"

#include "model/state_fields.hpp"
#include "model/tables.hpp"

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

} // namespace

Simulation::Simulation(const Parameters& params, ModuleList modules)
    : modules_(std::move(modules)), streams_(register_streams(modules_)), world_([&] {
        const auto start = std::chrono::steady_clock::now();
        World w = make_world(params);
        for (const auto& module : modules_)
          module->initialise(w);
        init_seconds_ = seconds_since(start);
        return w;
      }()),
      metrics_(world_, params.simulation.steps, modules_), schedule_([&] {
        std::vector<Phase> phases = collect_phases(modules_, world_);
        if (!params.game.tripartite) {
          const auto start = std::chrono::steady_clock::now();
          spin_up(world_, phases, params.simulation.spinup_steps);
          init_seconds_ += seconds_since(start);
          record_step(world_, metrics_, phases, 0);
        }
        return make_schedule(world_, metrics_, std::move(phases));
      }()) {
  if (params.game.tripartite)
    game_.emplace(params.game, static_cast<std::uint64_t>(params.simulation.seed),
                  params.simulation.steps);
}

bool Simulation::run(const RunControl& control) {
  return run_until(world_.params.simulation.steps, control);
}

bool Simulation::run_until(std::int64_t last_step, const RunControl& control) {
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t steps = std::min(last_step, world_.params.simulation.steps);
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

void Simulation::schedule(ScheduledEvent e) {
  if (game_) throw std::logic_error("schedule: game mode has no calendar");
  if (e.step <= steps_done_) {
    throw std::logic_error("schedule: step " + std::to_string(e.step) + " is done already");
  }
  auto& calendar = world_.params.calendar;
  const auto after = std::upper_bound(
      calendar.begin(), calendar.end(), e.step,
      [](std::int64_t step, const ScheduledEvent& other) { return step < other.step; });
  calendar.insert(after, std::move(e));
}

RunRecord Simulation::record(std::string scenario_toml, std::string resolved_toml) const {
  const World& w = world_;
  RunRecord r = output(true);
  r.threads = omp_get_max_threads();
  r.wall_seconds = init_seconds_ + run_seconds_;
  r.phase_seconds["initialisation"] = init_seconds_;
  for (std::size_t k = 0; k < schedule_.size(); ++k)
    if (schedule_.modelled(k)) r.phase_seconds[schedule_.name(k)] = schedule_.seconds(k);
  r.scenario_toml = std::move(scenario_toml);
  r.resolved_toml = std::move(resolved_toml);
  if (game_) return r; // game mode: the game's time series only
  r.network = &w.network;

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
      column("county", "1", "Local government id (/governments row), numbered west to east.",
             v.county),
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
      column("county", "1", "Local government id (/governments row), numbered west to east.",
             m.county),
      column("output_t_per_month", "t/month", "Production while active.", m.output_t_per_month),
      column("closure_step", "month",
             "Step at which the mine closed or will close; -1 for "
             "legacy mines.",
             m.closure_step),
  };
  const auto& g = w.governments;
  const std::size_t counties = g.size();
  std::vector<double> west_km(counties), east_km(counties);
  std::vector<std::int64_t> villages(counties, 0), households(counties, 0), mines(counties, 0);
  for (std::size_t c = 0; c < counties; ++c) {
    west_km[c] = w.params.region.side_km * static_cast<double>(c) / static_cast<double>(counties);
    east_km[c] =
        w.params.region.side_km * static_cast<double>(c + 1) / static_cast<double>(counties);
  }
  for (std::size_t a = 0; a < v.size(); ++a) {
    ++villages[v.county[a]];
    households[v.county[a]] += static_cast<std::int64_t>(v.households(a));
  }
  for (std::size_t k = 0; k < m.size(); ++k)
    ++mines[m.county[k]];
  r.tables["governments"] = {
      column("west_km", "km", "West edge of the county's strip of the region.", west_km),
      column("east_km", "km", "East edge of the county's strip of the region.", east_km),
      column("villages", "village", "Villages in the county.", villages),
      column("households", "household", "Households in the county.", households),
      column("mines", "mine", "Mines in the county.", mines),
      column("strict", "1", "1 when supervising strictly at the end of the run.", g.strict),
      column("generosity", "1", "Compensation generosity at the end of the run.", g.generosity),
      column("stability_pressure", "petition-month", "Stability pressure at the end of the run.",
             g.stability_pressure),
  };
  return r;
}

RunRecord Simulation::output_so_far() const {
  return output(false);
}

RunRecord Simulation::output(bool static_tables) const {
  RunRecord r;
  r.seed = static_cast<std::uint64_t>(world_.params.simulation.seed);
  r.steps = world_.params.simulation.steps;
  if (game_) {
    r.timeseries = game_->timeseries();
    return r;
  }
  r.timeseries = metrics_.timeseries();
  r.panel_steps = metrics_.panel_steps();
  r.panel_interval = world_.params.simulation.snapshot_interval;
  r.panel_household_ids = metrics_.panel_household_ids();
  r.panel_fields = metrics_.panel_fields();
  for (const auto& module : modules_)
    module->record(world_, r);
  if (!static_tables) r.tables.clear(); // they are written at the end
  return r;
}

namespace {

template <class T> void drop_front(std::vector<T>& rows, std::uint64_t n) {
  if (n > rows.size()) throw std::logic_error("forget_written: more rows than recorded");
  rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n));
}

} // namespace

void Simulation::forget_written(const std::vector<std::string>& tables,
                                const std::vector<std::uint64_t>& rows) {
  // The world keeps two event lists; their tables are named in the modules' record().
  for (std::size_t k = 0; k < tables.size(); ++k) {
    if (tables[k] == "negotiations") {
      drop_front(world_.negotiation_events, rows[k]);
    } else if (tables[k] == "inspections") {
      drop_front(world_.inspection_events, rows[k]);
    } else {
      throw std::logic_error("forget_written: no event list for the table " + tables[k]);
    }
  }
  world_.surveys.clear();
}

std::size_t Simulation::pending_event_rows() const {
  return world_.negotiation_events.size() + world_.inspection_events.size();
}

void Simulation::save_state(StateWriter& out) const {
  // The writer only reads; the field lists take mutable stores so that one list serves both.
  auto& self = const_cast<Simulation&>(*this);
  if (!world_.surveys.empty()) {
    throw std::logic_error("save_state: surveys not yet written to the run file");
  }
  if (game_) {
    self.game_->fields(out, steps_done_);
    return;
  }
  state::world_fields(out, self.world_);
  self.metrics_.fields(out, steps_done_);
}

void Simulation::restore_state(StateReader& in, std::int64_t step) {
  if (steps_done_ != 0) throw std::logic_error("restore_state: the simulation has run");
  if (step < 0 || step > world_.params.simulation.steps) {
    throw StateMismatch("the checkpoint is of step " + std::to_string(step) + ", the run has " +
                        std::to_string(world_.params.simulation.steps));
  }
  if (game_) {
    game_->fields(in, step);
  } else {
    // The parameters as the calendar left them: its `set` events up to `step`, in the order
    // the calendar applies them (by step, then in file order).
    const auto& table = parameter_table();
    for (std::int64_t s = 1; s <= step; ++s) {
      for (const ScheduledEvent& e : world_.params.calendar) {
        if (e.step != s || e.action != ScheduledEvent::Action::set) continue;
        if (e.parameter < table.size())
          table[e.parameter].set(world_.params, e.value);
        else
          world_.params.extension[e.key] = e.value;
      }
    }
    state::world_fields(in, world_);
    metrics_.fields(in, step);
  }
  if (in.left() != 0) {
    throw StateMismatch(std::to_string(in.left()) + " bytes of the checkpoint are left over");
  }
  steps_done_ = step;
}

} // namespace minesim

namespace minesim {

namespace {

/// An upper bound of a run file's size: every dataset at its uncompressed size (deflate only
/// shrinks them), HDF5's metadata per object, and the scenario texts. The one quantity not
/// known before the run is the number of negotiation events: it is bounded by 0.06 per
/// household and month, 1.7 times the most any shipped scenario records (0.036, the
/// high-grievance stress test; the baseline records 0.025-0.028). tests/integration checks
/// the bound against every shipped scenario.
double output_upper_bound(const Parameters& p, double directed_edges) {
  const auto n = static_cast<double>(p.households.count);
  const auto steps = static_cast<double>(p.simulation.steps);
  std::size_t series = 0;
  for (const auto& module : default_modules())
    series += module->series().size();
  const double timeseries = static_cast<double>(series + 1) * (steps + 1.0) * 8.0; // + scale
  const double snapshots =
      std::floor(steps / static_cast<double>(p.simulation.snapshot_interval)) + 1.0;
  const double panel_households = std::min(n, static_cast<double>(p.simulation.panel_size));
  const double panel = (9.0 * panel_households + 1.0) * snapshots * 8.0 + panel_households * 8.0;
  const double households = 5.0 * n * 8.0;
  const double network = (n + 1.0) * 8.0 + directed_edges * 4.0;
  const double surveys = p.survey.steps.empty() ? 1.0 : static_cast<double>(p.survey.steps.size());
  const double respondents = std::min(n, static_cast<double>(p.survey.sample_size));
  const double items = 5.0 * static_cast<double>(p.survey.items_per_construct);
  const double survey = surveys * (respondents * (items + 1.0) * 8.0 + 16e3);
  const double places = static_cast<double>(p.region.villages + p.mines.count) * 10.0 * 8.0;
  double events = 0.0;
  if (p.simulation.record_events) {
    events = 0.06 * n * steps * 80.0 +                          // negotiations
             static_cast<double>(p.mines.count) * steps * 80.0; // inspections
  }
  // About 1.5 KiB of object headers, attributes and B-tree nodes for each of about 180
  // objects, plus the scenario as written and resolved (a few KiB each, larger with a long
  // calendar).
  const double metadata =
      180.0 * 1536.0 + 64e3 + 2.0 * 64.0 * static_cast<double>(p.calendar.size());
  return timeseries + panel + households + network + survey + places + events + metadata;
}

} // namespace

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
  e.output_bytes = output_upper_bound(p, directed_edges);
  return e;
}

} // namespace minesim
