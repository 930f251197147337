// The Python module's compiled part, minesim._minesim (docs/python.md). It holds no model of
// its own: a Run is the model's Simulation, built from a scenario as `minesim run` builds
// it, stepped between Python calls; the stores are read as NumPy views; a run file is
// written by the run-file writer, and a batch is run by the command line's runner. The
// package python/minesim/__init__.py turns what this returns into pandas objects.
#include "app/model_binding.hpp"
#include "batch/batch_file.hpp"
#include "batch/runner.hpp"
#include "columns.hpp"
#include "engine/errors.hpp"
#include "io/provenance.hpp"
#include "io/run_file.hpp"
#include "model/parameters.hpp"
#include "model/simulation.hpp"
#include "scenario/loader.hpp"

#include <omp.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace py = pybind11;

namespace minesim::python {
namespace {

/// OpenMP's thread count when the module was loaded (OMP_NUM_THREADS, or the cores): what a
/// run asked for no particular count gets, as `minesim run` without --threads does.
int default_threads = 1;

/// Raise the pending Python exception (KeyboardInterrupt) if a signal arrived.
void check_signals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

/// A run stepped from Python.
class Run {
public:
  Run(const std::string& path, std::optional<std::int64_t> seed, std::optional<int> threads,
      std::vector<std::string> overrides, bool allow_large)
      : overrides_(std::move(overrides)) {
    if (threads && *threads < 1) {
      throw py::value_error("threads: expected at least 1, got " + std::to_string(*threads));
    }
    threads_ = threads.value_or(default_threads);
    if (batch::is_batch_file(path)) {
      throw InputError(path + ": a batch file, not a scenario; run it with minesim.batch(\"" +
                       path + "\", OUT_DIR)");
    }
    if (seed) overrides_.push_back("simulation.seed=" + std::to_string(*seed));
    scenario_ = load_scenario(path, parameter_specs(), event_specs(), overrides_);
    const Parameters params = parameters_from(scenario_);
    if (!allow_large) {
      cli::check_memory(cli::households_position(scenario_), params.households.count,
                        estimate_resources(params).memory_bytes, cli::available_memory_bytes());
    }
    py::gil_scoped_release unlocked;
    omp_set_num_threads(threads_);
    sim_ = std::make_unique<Simulation>(params);
  }

  /// Advance `n` steps, one at a time without the GIL; a signal (Ctrl-C) stops at the end of
  /// the step under way and raises KeyboardInterrupt there.
  void step(std::int64_t n) {
    if (n < 0) throw py::value_error("step(n): n must be 0 or more, got " + std::to_string(n));
    const Busy busy(*this, "step");
    const std::int64_t left = steps() - step_now();
    if (n > left) {
      throw py::value_error("step(" + std::to_string(n) + "): " +
                            (left == 0 ? std::string("the run is complete")
                                       : "only " + std::to_string(left) + " steps remain") +
                            " (simulation.steps = " + std::to_string(steps()) + ")");
    }
    const std::int64_t last = step_now() + n;
    while (step_now() < last) {
      {
        py::gil_scoped_release unlocked;
        omp_set_num_threads(threads_);
        (void)sim_->run_until(step_now() + 1);
      }
      check_signals();
    }
  }

  void run() { step(steps() - step_now()); }

  [[nodiscard]] std::int64_t step_now() const { return sim_->steps_done(); }
  [[nodiscard]] std::int64_t steps() const { return sim_->world().params.simulation.steps; }
  [[nodiscard]] int threads() const { return threads_; }
  [[nodiscard]] const LoadedScenario& scenario() const { return scenario_; }
  [[nodiscard]] const std::vector<std::string>& overrides() const { return overrides_; }

  /// Change a parameter from the next step on, as a calendar `set` event at that step
  /// would: `assignment` is "key=value" (value as TOML), checked as --set checks a value,
  /// and the key must be one the calendar may set. Recorded in the scenario's calendar, so
  /// the resolved scenario of a saved run holds it and `minesim rerun` repeats it.
  void set(const std::string& assignment) {
    const Busy busy(*this, "set");
    if (sim_->world().params.game.tripartite) {
      throw InputError("Simulation.set: game mode (game.tripartite) has no calendar to set "
                       "parameters with");
    }
    if (step_now() == steps()) {
      throw InputError("Simulation.set: the run is complete (step " + std::to_string(steps()) +
                       " of " + std::to_string(steps()) + "); nothing is left to change");
    }
    static const OverrideChecker checker(parameter_specs(), event_specs());
    CalendarEvent event = checker.set_event(step_now() + 1, assignment, "Simulation.set");
    auto& events = scenario_.events;
    const auto after = std::upper_bound(
        events.begin(), events.end(), event.step,
        [](std::int64_t step, const CalendarEvent& other) { return step < other.step; });
    const auto index = static_cast<std::size_t>(after - events.begin());
    events.insert(after, std::move(event));
    Parameters params;
    try {
      params = parameters_from(scenario_);
    } catch (...) {
      events.erase(events.begin() + static_cast<std::ptrdiff_t>(index));
      throw;
    }
    sim_->schedule(params.calendar.at(index));
  }

  /// A parameter's value now (after the `set` events applied so far).
  [[nodiscard]] py::object get(const std::string& key) const {
    const Parameters& params = sim_->world().params;
    for (const ParameterBinding& row : parameter_table()) {
      if (row.spec.key == key) return to_python(row.get(params));
    }
    if (const auto it = params.extension.find(key); it != params.extension.end())
      return to_python(it->second);
    const std::string near = nearest_key(key, scenario_.keys);
    throw py::key_error("no parameter " + key +
                        (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
  }

  /// Every time series so far: (name, values for steps 0..step_now, units, description, kind).
  [[nodiscard]] py::list timeseries() const {
    const Busy busy(*this, "timeseries");
    py::list out;
    // Game mode records the game's series; a region's are the metrics' own (no copy of the
    // event rows that output_so_far() would make).
    const std::vector<TimeSeries> game = sim_->world().params.game.tripartite
                                             ? sim_->output_so_far().timeseries
                                             : std::vector<TimeSeries>{};
    const std::vector<TimeSeries>& series =
        sim_->world().params.game.tripartite ? game : sim_->metrics().timeseries();
    for (const TimeSeries& s : series) {
      py::array_t<double> values(static_cast<py::ssize_t>(s.values.size()), s.values.data());
      out.append(py::make_tuple(s.name, values, s.units, s.description,
                                std::string(series_kind_name(s.kind))));
    }
    return out;
  }

  /// The columns of one store as read-only views: (name, array, units, description).
  [[nodiscard]] py::list columns(py::object self, const std::string& store) const {
    if (sim_->world().params.game.tripartite) {
      throw py::value_error("game mode (game.tripartite) runs the game alone: it has no " + store);
    }
    std::vector<ColumnView> views;
    try {
      views = store_columns(sim_->world(), store, self);
    } catch (const std::invalid_argument& e) {
      throw py::value_error(e.what());
    }
    py::list out;
    for (ColumnView& c : views)
      out.append(py::make_tuple(c.name, c.values, c.units, c.description));
    return out;
  }

  /// The network's CSR arrays as read-only views: (indptr as int64, indices as int32, n).
  [[nodiscard]] py::tuple network(py::object self) const {
    const Csr& csr = sim_->world().network;
    const std::size_t n = csr.node_count();
    // Same bits: offsets are below 2^63, and ids below 2^31 (households.count is checked).
    py::array indptr(py::dtype::of<std::int64_t>(), {static_cast<py::ssize_t>(csr.offsets.size())},
                     {static_cast<py::ssize_t>(sizeof(std::uint64_t))},
                     reinterpret_cast<const std::int64_t*>(csr.offsets.data()), self);
    py::array indices(py::dtype::of<std::int32_t>(), {static_cast<py::ssize_t>(csr.targets.size())},
                      {static_cast<py::ssize_t>(sizeof(std::uint32_t))},
                      reinterpret_cast<const std::int32_t*>(csr.targets.data()), self);
    indptr.attr("setflags")(py::arg("write") = false);
    indices.attr("setflags")(py::arg("write") = false);
    return py::make_tuple(indptr, indices, n);
  }

  /// The event table `name` so far: (description, [(column, values, units, description)]).
  [[nodiscard]] py::tuple events(const std::string& name) const {
    const Busy busy(*this, "events");
    const RunRecord so_far = sim_->output_so_far();
    std::string known;
    for (const EventTable& t : so_far.events) {
      known += (known.empty() ? "" : ", ") + t.name;
      if (t.name != name) continue;
      py::list columns;
      for (const Column& c : t.columns) {
        const bool integer = c.is_integer || !c.integer.empty(); // known without rows too
        const py::object values =
            integer ? py::object(py::array_t<std::int64_t>(
                          static_cast<py::ssize_t>(c.integer.size()), c.integer.data()))
                    : py::object(py::array_t<double>(static_cast<py::ssize_t>(c.real.size()),
                                                     c.real.data()));
        columns.append(py::make_tuple(c.name, values, c.units, c.description));
      }
      return py::make_tuple(t.description, columns);
    }
    throw py::value_error("no event table " + name + " (tables: " +
                          (known.empty() ? std::string("none in this run") : known) + ")");
  }

  /// Write the run file of this complete run to `path`, as `minesim run` writes it.
  void save(const std::string& path, const std::string& command_line) const {
    const Busy busy(*this, "save");
    if (step_now() != steps()) {
      throw py::value_error("save: the run is at step " + std::to_string(step_now()) + " of " +
                            std::to_string(steps()) +
                            "; a run file holds a whole run: call run() first");
    }
    omp_set_num_threads(threads_); // the file records the run's thread count
    RunProvenance provenance;
    provenance.command_line = command_line;
    provenance.scenario_path = scenario_.path;
    provenance.overrides = overrides_;
    // HDF5 is not thread-safe: the GIL stays held, so h5py cannot run meanwhile.
    write_run_file(path, sim_->record(scenario_.text, resolved_toml(scenario_, parameter_specs())),
                   provenance);
  }

private:
  /// Held while a call uses the simulation: a call from another Python thread meanwhile (a
  /// step runs without the GIL) is refused instead of racing it.
  class Busy {
  public:
    Busy(const Run& run, const char* what) : run_(run) {
      if (run_.busy_.exchange(true)) {
        throw std::runtime_error(std::string(what) +
                                 ": the simulation is in use by another thread (a step "
                                 "runs); wait for it to return");
      }
    }
    ~Busy() { run_.busy_.store(false); }
    Busy(const Busy&) = delete;
    Busy& operator=(const Busy&) = delete;

  private:
    const Run& run_;
  };

  static py::object to_python(const Value& value) {
    return std::visit([](const auto& v) { return py::object(py::cast(v)); }, value);
  }

  mutable std::atomic<bool> busy_{false};
  LoadedScenario scenario_;
  std::vector<std::string> overrides_; ///< as given, the seed last
  int threads_ = 1;
  std::unique_ptr<Simulation> sim_;
};

/// Run the batch file `batch_file` into `out_dir` with the command line's runner, in worker
/// threads, while this thread watches for Ctrl-C. Returns the outcome's figures.
py::dict run_batch_file(const std::string& batch_file, const std::string& out_dir,
                        std::optional<int> workers, std::optional<int> threads, bool quiet,
                        bool allow_large) {
  if (workers && *workers < 1)
    throw py::value_error("workers: expected at least 1, got " + std::to_string(*workers));
  if (threads && *threads < 1)
    throw py::value_error("threads: expected at least 1, got " + std::to_string(*threads));
  const batch::BatchPlan plan =
      cli::plan_batch(batch::read_batch_file(batch_file, cli::check_value));
  if (!allow_large) cli::check_batch_memory(plan);

  std::atomic<bool> stop{false};
  std::mutex hdf5;
  batch::RunnerOptions options;
  options.dir = out_dir;
  options.workers = workers;
  options.threads = threads;
  options.quiet = quiet;
  options.stop = &stop;
  batch::BatchOutcome outcome;
  std::exception_ptr error;
  std::mutex m;
  std::condition_variable finished;
  bool done = false;
  std::thread runner([&] {
    try {
      outcome = batch::run_batch(plan, options, [&](const batch::RunRequest& request) {
        return cli::execute_run(request, plan.scenario, hdf5);
      });
    } catch (...) {
      error = std::current_exception();
    }
    const std::lock_guard<std::mutex> lock(m);
    done = true;
    finished.notify_all();
  });
  bool interrupted = false;
  for (;;) {
    bool over = false;
    {
      py::gil_scoped_release unlocked;
      std::unique_lock<std::mutex> lock(m);
      over = finished.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; });
    }
    if (over) break;
    if (PyErr_CheckSignals() != 0) { // Ctrl-C: the runs stop at the end of their step
      interrupted = true;
      stop.store(true);
      break;
    }
  }
  {
    py::gil_scoped_release unlocked;
    runner.join();
  }
  if (interrupted) throw py::error_already_set();
  if (error) std::rethrow_exception(error);

  py::dict out;
  out["exit_code"] = outcome.exit_code;
  out["planned"] = outcome.planned;
  out["skipped"] = outcome.skipped;
  out["ran"] = outcome.ran;
  out["failed"] = outcome.index_written ? outcome.index.failed : outcome.failed;
  out["failed_ids"] = outcome.index.failed_ids;
  out["interrupted"] = outcome.interrupted;
  out["workers"] = outcome.workers;
  out["threads"] = outcome.threads;
  out["seconds"] = outcome.seconds;
  return out;
}

} // namespace
} // namespace minesim::python

PYBIND11_MODULE(_minesim, m) {
  using minesim::python::Run;
  m.doc() = "minesim's compiled core; use the package minesim (python/minesim/__init__.py).";
  minesim::python::default_threads = omp_get_max_threads();

  // The command line's one-line message of a bad scenario, key or value (its exit code 2).
  static py::exception<minesim::InputError> scenario_error(m, "ScenarioError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const minesim::InputError& e) {
      PyErr_SetString(scenario_error.ptr(), e.what());
    }
  });

  py::class_<Run>(m, "Run")
      .def(py::init<const std::string&, std::optional<std::int64_t>, std::optional<int>,
                    std::vector<std::string>, bool>(),
           py::arg("path"), py::arg("seed"), py::arg("threads"), py::arg("overrides"),
           py::arg("allow_large"))
      .def("step", &Run::step, py::arg("n"))
      .def("run", &Run::run)
      .def_property_readonly("step_now", &Run::step_now)
      .def_property_readonly("steps", &Run::steps)
      .def_property_readonly("threads", &Run::threads)
      .def_property_readonly("scenario_path", [](const Run& r) { return r.scenario().path; })
      .def_property_readonly("overrides", &Run::overrides)
      .def("set", &Run::set, py::arg("assignment"))
      .def("get", &Run::get, py::arg("key"))
      .def("timeseries", &Run::timeseries)
      .def("columns",
           [](py::object self, const std::string& store) {
             return self.cast<const Run&>().columns(self, store);
           })
      .def("network", [](py::object self) { return self.cast<const Run&>().network(self); })
      .def("events", &Run::events, py::arg("name"))
      .def("save", &Run::save, py::arg("path"), py::arg("command_line"));

  m.def("run_batch", &minesim::python::run_batch_file, py::arg("batch_file"), py::arg("out_dir"),
        py::arg("workers"), py::arg("threads"), py::arg("quiet"), py::arg("allow_large"));
  m.def("parameter_keys", [] {
    std::vector<std::string> keys;
    for (const auto& row : minesim::parameter_table())
      keys.push_back(row.spec.key);
    return keys;
  });
}
