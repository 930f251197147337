#pragma once
// One run: the world, its schedule and its metrics, and the record written to HDF5.
#include "engine/record.hpp"
#include "engine/state_archive.hpp"
#include "model/game.hpp"
#include "model/metrics.hpp"
#include "model/module.hpp"
#include "model/phases.hpp"
#include "model/world.hpp"

#include <atomic>
#include <functional>
#include <optional>

namespace minesim {

/// How a run is driven from outside: an optional stop flag (set by a signal handler) and a
/// callback after each step (progress display).
struct RunControl {
  const std::atomic<bool>* stop = nullptr;
  std::function<void(std::int64_t steps_done)> after_step;
};

class Simulation {
public:
  /// Build the initial world with `modules` (the model's, in schedule order, unless given).
  /// Call omp_set_num_threads before, not after. Throws std::logic_error when two modules'
  /// random streams or time series collide.
  explicit Simulation(const Parameters& params, ModuleList modules = default_modules());

  /// Run every step. Returns false when stopped early through `control.stop`.
  bool run(const RunControl& control = {});

  /// Run the steps up to `last_step` (at most simulation.steps) that are not done yet.
  /// Returns false when stopped early through `control.stop`.
  bool run_until(std::int64_t last_step, const RunControl& control = {});

  /// The run file's content. `scenario_toml` and `resolved_toml` are stored as given.
  [[nodiscard]] RunRecord record(std::string scenario_toml, std::string resolved_toml) const;

  /// What the run file written during the run needs next (RunFileStream::append): the time
  /// series and panel so far, and the event rows and surveys not yet handed over.
  [[nodiscard]] RunRecord output_so_far() const;

  /// Forget the first `rows[k]` rows of event table k of output_so_far() and every survey
  /// in it: they are in the run file.
  void forget_written(const std::vector<std::string>& tables,
                      const std::vector<std::uint64_t>& rows);

  /// Event rows waiting to be written.
  [[nodiscard]] std::size_t pending_event_rows() const;

  /// Add a calendar event between steps (a change scripted from outside, such as the Python
  /// module's Simulation.set): `e.step` must come after steps_done(). It goes after the
  /// calendar's other events of its step, the order a scenario's own events keep, and a
  /// restored checkpoint replays it as it replays them. Throws std::logic_error for a step
  /// already done, and in game mode, which has no calendar.
  void schedule(ScheduledEvent e);

  /// The state after steps_done() steps (model/checkpoint.hpp).
  void save_state(StateWriter& out) const;
  /// Restore a state saved after `step` steps into this simulation, just built from the same
  /// parameters: the calendar's `set` events up to `step` are applied again, and the rest is
  /// read. Throws StateMismatch when the state does not fit this world.
  void restore_state(StateReader& in, std::int64_t step);

  [[nodiscard]] const World& world() const { return world_; }
  [[nodiscard]] const Metrics& metrics() const { return metrics_; }
  [[nodiscard]] std::int64_t steps_done() const { return steps_done_; }

  [[nodiscard]] const ModuleList& modules() const { return modules_; }
  [[nodiscard]] const StreamRegistry& streams() const { return streams_; }

private:
  /// Time series, panel, pending event rows and surveys; with `static_tables`, the modules'
  /// tables too (the end of the run).
  [[nodiscard]] RunRecord output(bool static_tables) const;
  double init_seconds_ = 0.0; // first: set while world_ is being built
  ModuleList modules_;
  StreamRegistry streams_;
  World world_;
  Metrics metrics_;
  Schedule schedule_;
  std::optional<TripartiteGame> game_; ///< game mode runs the game instead of the region
  std::int64_t steps_done_ = 0;
  double run_seconds_ = 0.0;
};

} // namespace minesim

namespace minesim {

/// What a run will need, estimated from the parameters before anything is built.
struct ResourceEstimate {
  double expected_mean_degree = 0.0;
  double memory_bytes = 0.0; ///< peak resident memory of the run
  double output_bytes = 0.0; ///< run file size before compression
};
[[nodiscard]] ResourceEstimate estimate_resources(const Parameters& params);

} // namespace minesim
