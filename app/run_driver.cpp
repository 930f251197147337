#include "app/run_driver.hpp"

#include "engine/errors.hpp"
#include "io/run_file.hpp"
#include "minesim/build_info.hpp"
#include "model/checkpoint.hpp"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

namespace minesim::cli {
namespace {

/// The run file is appended at the end of a year of the run when the last append is at
/// least `flush_interval_seconds` old (so a killed run loses little, and a short run is not
/// slowed by a flush per year), and whenever `flush_event_rows` event rows wait (about
/// 20 MB), so memory does not grow with the steps; also before every checkpoint.
constexpr std::int64_t flush_every_months = 12;
constexpr double flush_interval_seconds = 10.0;
constexpr std::size_t flush_event_rows = 262144;
/// Wall time between automatic checkpoints of a long run.
constexpr double checkpoint_interval_seconds = 600.0;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

std::string build_identity() {
  return std::string("minesim ") + build_info::version + " (" + build_info::git_commit + ", " +
         build_info::build_type + ", g++ " __VERSION__ + ")";
}

std::int64_t automatic_checkpoint_months(double seconds, std::int64_t steps) {
  if (!(seconds > checkpoint_interval_seconds) || steps <= 0) return 0;
  const double months = static_cast<double>(steps) * checkpoint_interval_seconds / seconds;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(months)));
}

std::atomic<int>& signal_stop_kind() {
  static std::atomic<int> kind{stop_none};
  return kind;
}

namespace {

/// The run file being written, closed (leaving it as of its last flush) on the way out,
/// with HDF5 calls under the caller's lock.
class LockedStream {
public:
  explicit LockedStream(std::mutex* hdf5) : hdf5_(hdf5) {}
  LockedStream(const LockedStream&) = delete;
  LockedStream& operator=(const LockedStream&) = delete;
  ~LockedStream() {
    if (hdf5_ == nullptr) {
      stream_.reset();
      return;
    }
    const std::lock_guard lock(*hdf5_);
    stream_.reset();
  }
  template <class F> auto with(F&& f) -> decltype(f()) {
    if (hdf5_ == nullptr) return f();
    const std::lock_guard lock(*hdf5_);
    return f();
  }
  RunFileStream& operator*() { return *stream_; }
  RunFileStream* operator->() { return &*stream_; }
  void emplace(RunFileStream stream) { stream_.emplace(std::move(stream)); }

private:
  std::mutex* hdf5_;
  std::optional<RunFileStream> stream_;
};

} // namespace

DriveResult drive_run(const Parameters& params, const DriveOptions& o) {
  DriveResult result;
  std::optional<Simulation> simulation(std::in_place, params);
  const std::int64_t steps = params.simulation.steps;
  const std::string checkpoint_file = checkpoint_path(o.out);
  const auto stop_kind = [&o] {
    if (o.stop != nullptr && o.stop->load() != stop_none) return o.stop->load();
    if (o.stop_all != nullptr && o.stop_all->load()) return static_cast<int>(stop_discard);
    return static_cast<int>(stop_none);
  };

  LockedStream stream(o.hdf5);
  bool resumed = false;
  if (o.resume) {
    // A damaged, foreign or mismatched checkpoint is bad input (InputError), and the user
    // decides. A checkpoint that is sound beside a .partial file HDF5 cannot continue (a
    // kill in the middle of one of its writes) costs time, not results: the run starts again
    // from step 0, which gives the same file.
    Checkpoint checkpoint = read_checkpoint(checkpoint_file);
    check_checkpoint(checkpoint, build_identity(), o.resolved_toml);
    restore_checkpoint(checkpoint, *simulation);
    try {
      stream.with([&] {
        stream.emplace(RunFileStream::resume(o.out, o.resolved_toml, checkpoint.header.output));
      });
      resumed = true;
      result.resumed_from = checkpoint.header.step;
    } catch (const std::runtime_error& e) {
      result.restarted_because = e.what();
      if (o.on_restart) o.on_restart(result.restarted_because);
      simulation.emplace(params);
    }
  }
  Simulation& sim = *simulation;
  if (!resumed) {
    std::remove(checkpoint_file.c_str()); // a fresh run replaces an old checkpoint
    RunRecord start = sim.output_so_far();
    start.scenario_toml = o.scenario_text;
    start.resolved_toml = o.resolved_toml;
    start.network = &sim.world().network;
    const auto begin = std::chrono::steady_clock::now();
    stream.with([&] { stream.emplace(RunFileStream::create(o.out, start, o.provenance)); });
    result.output_seconds += seconds_since(begin);
  }

  auto last_flush = std::chrono::steady_clock::now();
  const auto flush = [&](bool durable) {
    const auto begin = std::chrono::steady_clock::now();
    last_flush = begin;
    const RunRecord part = sim.output_so_far();
    const std::vector<std::uint64_t> rows =
        stream.with([&] { return stream->append(part, sim.steps_done(), durable); });
    std::vector<std::string> tables;
    for (const EventTable& table : part.events)
      tables.push_back(table.name);
    sim.forget_written(tables, rows);
    result.output_seconds += seconds_since(begin);
  };
  const auto checkpoint = [&] {
    flush(true);
    const auto begin = std::chrono::steady_clock::now();
    CheckpointHeader header;
    header.build = build_identity();
    header.resolved_toml = o.resolved_toml;
    header.step = sim.steps_done();
    header.steps = steps;
    header.output = stream->position();
    result.checkpoint_bytes = write_checkpoint(checkpoint_file, sim, header);
    result.checkpoint_seconds += seconds_since(begin);
    ++result.checkpoints;
  };

  if (!resumed) flush(false); // the initial state

  std::atomic<bool> halt{false};
  RunControl control;
  control.stop = &halt;
  control.after_step = [&](std::int64_t step) {
    if (o.after_step) o.after_step(sim, step);
    if (stop_kind() != stop_none) {
      halt.store(true);
      return;
    }
    if (step == steps) return;
    if (o.checkpoint_every > 0 && step % o.checkpoint_every == 0) {
      checkpoint();
    } else if ((step % flush_every_months == 0 &&
                seconds_since(last_flush) >= flush_interval_seconds) ||
               sim.pending_event_rows() >= flush_event_rows) {
      flush(false);
    }
  };
  // A stop asked before the first step still stops at once.
  if (stop_kind() != stop_none) halt.store(true);
  const bool complete = sim.run(control);
  result.steps_done = sim.steps_done();

  if (complete) {
    flush(false);
    const auto begin = std::chrono::steady_clock::now();
    const RunRecord record = sim.record(o.scenario_text, o.resolved_toml);
    stream.with([&] { stream->finish(record); });
    result.output_seconds += seconds_since(begin);
    std::remove(checkpoint_file.c_str());
    result.status = DriveResult::Status::complete;
    return result;
  }
  if (stop_kind() == stop_checkpoint) {
    checkpoint();
    result.status = DriveResult::Status::checkpointed;
    return result;
  }
  stream.with([&] { stream->discard(); });
  std::remove(checkpoint_file.c_str());
  result.status = DriveResult::Status::discarded;
  return result;
}

} // namespace minesim::cli
