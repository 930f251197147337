#pragma once
// A submodel as a module (docs/architecture.md). A module names the random streams it draws
// from, attaches its phases to slots of the month, defines its time series and computes them
// from the read-only world, and adds its tables to the run record. model/registry.cpp lists
// the modules in schedule order; a new submodel is a new module and one line there.
#include "engine/parallel.hpp"
#include "engine/random.hpp"
#include "engine/record.hpp"
#include "engine/stats.hpp"
#include "model/world.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace minesim {

/// The slots of a month (docs/odd.md §1.3), in order. Within a slot, phases run in the order of
/// their modules in the registry. The yearly slot runs at year ends only; the record slot
/// prepares what the metrics read, and the metrics are recorded at its end.
enum class Slot : std::uint8_t {
  calendar,
  production_damage,
  restoration,
  environment,
  economy,
  compensation,
  neighbourhood,
  perceptions,
  participation,
  supervision,
  yearly,
  record,
};
inline constexpr std::size_t slot_count = 12;
/// The slots' names: the schedule's phases and the /timings attributes of the run file.
inline constexpr std::array<const char*, slot_count> slot_names{
    "calendar",      "production_damage", "restoration",   "environment", "economy", "compensation",
    "neighbourhood", "perceptions",       "participation", "supervision", "yearly",  "record"};

/// What a module does in one slot of a step. `run` is where the phase is bound to the world:
/// it builds the phase's views (the const world it reads, a struct of what it writes) and
/// calls the phase function, which never sees the world mutable (docs/architecture.md).
struct Phase {
  Slot slot;
  std::function<void(World&, std::int64_t step)> run;
  /// Runs in the spin-up months before step 0 too (docs/odd.md: information, hearings,
  /// perceptions, influence and participation decisions only). Spin-up steps are negative.
  bool in_spinup = false;
};

/// A column updated synchronously: a phase reads the current values through the const world
/// and writes the next ones here; commit() makes them current once every agent is done.
template <class T> class NextState {
public:
  NextState(std::vector<T>& now, std::vector<T>& next) : now_(&now), next_(&next) {}
  T& operator[](std::size_t i) const { return (*next_)[i]; }
  [[nodiscard]] std::size_t size() const { return next_->size(); }
  void commit() const { now_->swap(*next_); }

private:
  std::vector<T>* now_;
  std::vector<T>* next_;
};

/// A time series a module defines (docs/output-format.md names and units).
struct SeriesDef {
  std::string name;
  std::string units;       ///< "1" for dimensionless
  std::string description; ///< one sentence
  /// A state (stock) or an amount per step (flow); the model's modules give it for every
  /// series, and a module that leaves it out defines stocks.
  SeriesKind kind = SeriesKind::stock;
};

/// Scratch space of the metrics, allocated once: measuring reads the world and writes here.
struct MetricScratch {
  ChunkedSum sums;
  std::vector<double> household;   ///< one double per household
  std::vector<double> sort_buffer; ///< one double per household: the radix sort's buffer
  std::vector<double> accumulators;
  SelectionScratch selection; ///< quantiles_selected's histograms
};

class Module {
public:
  virtual ~Module() = default;
  /// A short lower-case name: "compensation".
  [[nodiscard]] virtual std::string_view name() const = 0;
  /// Its rows of the model's parameter table, bound to fields of Parameters
  /// (model/modules/<name>/parameters.cpp). The table is the region's rows followed by each
  /// model module's, in registry order.
  [[nodiscard]] virtual std::vector<ParameterBinding> parameter_rows() const { return {}; }
  /// Its own parameters, when the module is not part of the model's parameter table (a
  /// research extension): loaded after the table's, their values in Parameters::extension.
  [[nodiscard]] virtual std::vector<ParameterSpec> parameters() const { return {}; }
  /// The random streams its phases draw from; registered (and checked for collisions)
  /// before the world is built.
  [[nodiscard]] virtual std::vector<StreamId> streams() const { return {}; }
  /// Size and fill the module's own state once the world's entities exist.
  virtual void initialise(World& /*world*/) const {}
  /// Its phases, each in a slot; called once per run, after initialise(). A phase that needs
  /// scratch space owns it (in its closure), sized here from `world`, so that stepping
  /// allocates nothing.
  [[nodiscard]] virtual std::vector<Phase> phases(const World& /*world*/) const { return {}; }
  /// Its time series.
  [[nodiscard]] virtual std::vector<SeriesDef> series() const { return {}; }
  /// The values of series(), in that order, for the state at the end of `step`.
  virtual void measure(const World& /*world*/, std::int64_t /*step*/, MetricScratch& /*scratch*/,
                       std::span<double> /*values*/) const {}
  /// Its event tables and other end-of-run output, added to `record`.
  virtual void record(const World& /*world*/, RunRecord& /*record*/) const {}
};

using ModuleList = std::vector<std::shared_ptr<const Module>>;

/// The modules of the model in schedule order (model/registry.cpp).
[[nodiscard]] ModuleList default_modules();

/// The specs of the parameter table followed by the modules' own parameters: what a scenario
/// is loaded against when `modules` extend the model.
[[nodiscard]] std::vector<ParameterSpec> parameter_specs(const ModuleList& modules);

/// Every random stream of a run: the network's, the survey's and those of `modules`. Throws
/// std::logic_error when two streams share an id.
[[nodiscard]] StreamRegistry register_streams(const ModuleList& modules);

} // namespace minesim
