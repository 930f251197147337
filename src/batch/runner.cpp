// The batch runner: prepare the folder, find what is left to do, run it on worker threads
// (and on other MPI ranks), and write the index from the files.
#include "batch/runner.hpp"

#include "batch/progress_line.hpp"
#include "engine/errors.hpp"
#include "io/index_file.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

namespace minesim::batch {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Replace `path` with `text` atomically: shards starting together, on one node or several
/// sharing the folder, may all write the plan, so the temporary name is unique to the process.
void write_file_atomically(const std::string& path, const std::string& text) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  const std::string temporary =
      path + "." + host.data() + "." + std::to_string(::getpid()) + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw InputError(path + ": cannot write the batch plan");
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw InputError(path + ": cannot write the batch plan: " + ec.message());
  }
}

/// Create the folder, or check that it holds this batch, and record the plan.
void prepare_folder(const BatchPlan& plan, const BatchFolder& folder) {
  std::error_code ec;
  if (fs::exists(folder.dir(), ec) && !fs::is_directory(folder.dir(), ec)) {
    throw InputError(folder.dir() + ": output folder is a file");
  }
  fs::create_directories(folder.runs_dir(), ec);
  if (ec) throw InputError(folder.dir() + ": cannot create the output folder: " + ec.message());
  if (::access(folder.runs_dir().c_str(), W_OK) != 0) {
    throw InputError(folder.dir() + ": output folder is not writable");
  }
  if (fs::exists(folder.plan(), ec)) {
    const BatchPlan existing = read_plan_toml(read_file(folder.plan()), folder.plan());
    if (const auto why = plan_difference(existing, plan)) {
      throw InputError(folder.plan() + ": the folder holds the runs of another batch (" + *why +
                       "); choose a new output folder");
    }
  }
  // Rewritten even when unchanged in substance: the index records the latest batch text.
  write_file_atomically(folder.plan(), plan_toml(plan));
}

void remove_quietly(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec); // a directory in the way stays, and the run then fails visibly
}

/// The runs of this shard that still need running. Complete runs are kept, with any
/// leftover temporary file or error record of an earlier attempt removed.
std::vector<std::size_t> runs_to_do(const BatchPlan& plan, const BatchFolder& folder,
                                    const Shard& shard, std::size_t& selected) {
  std::vector<std::size_t> todo;
  selected = 0;
  for (const PlannedRun& run : plan.runs()) {
    if (!shard.contains(run)) continue;
    ++selected;
    if (run_file_state(folder.run_file(run.id)) == RunFileState::complete) {
      remove_quietly(folder.run_partial(run.id));
      remove_quietly(folder.run_checkpoint(run.id));
      remove_quietly(folder.run_error(run.id));
      continue;
    }
    todo.push_back(run.index);
  }
  return todo;
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

/// Record why run `id` failed where every process (and batch-merge) can see it.
void record_failure(const BatchFolder& folder, const std::string& id, const std::string& message) {
  std::ofstream record(folder.run_error(id), std::ios::trunc);
  record << message << "\n";
}

/// Run one planned run: discard what an earlier attempt left, call the RunFunction, and
/// record a failure.
RunOutcome execute(const BatchPlan& plan, const BatchFolder& folder, const PlannedRun& run,
                   int threads, const std::atomic<bool>* stop, const RunFunction& function) {
  std::error_code ec;
  // A run stopped with a checkpoint continues from it, with its partial file.
  if (!fs::exists(folder.run_checkpoint(run.id), ec)) remove_quietly(folder.run_partial(run.id));
  remove_quietly(folder.run_error(run.id));
  if (fs::is_regular_file(folder.run_file(run.id), ec)) remove_quietly(folder.run_file(run.id));

  RunOutcome outcome;
  try {
    const RunRequest request{.run = run,
                             .overrides = plan.overrides_of(run),
                             .output_path = folder.run_file(run.id),
                             .threads = threads,
                             .stop = stop,
                             .batch = plan.batch_path,
                             .arm = plan.arms[run.arm].name};
    outcome = function(request);
  } catch (const std::exception& e) {
    outcome = RunOutcome{RunStatus::failed, e.what()};
  } catch (...) {
    outcome = RunOutcome{RunStatus::failed, "unknown error"};
  }
  if (outcome.status == RunStatus::failed) {
    outcome.message = one_line(outcome.message.empty() ? "failed" : outcome.message);
    record_failure(folder, run.id, outcome.message);
  }
  return outcome;
}

/// A run that was in flight on an MPI rank when rank 0 declared that rank lost: failed,
/// unless its file was complete before the rank went silent.
RunOutcome lost_run(const BatchFolder& folder, const PlannedRun& run, int rank,
                    std::chrono::milliseconds timeout) {
  if (run_file_state(folder.run_file(run.id)) == RunFileState::complete) return {};
  std::ostringstream message;
  message << "MPI rank " << rank << " stopped responding (killed or lost) while running this "
          << "run: nothing heard from it for " << static_cast<double>(timeout.count()) / 1000.0
          << " s";
  record_failure(folder, run.id, message.str());
  return RunOutcome{RunStatus::failed, message.str()};
}

/// The runs left to do, taken one at a time by local workers and by rank 0's dispatcher.
class WorkQueue {
public:
  WorkQueue(std::vector<std::size_t> todo, const std::atomic<bool>* stop)
      : todo_(std::move(todo)), stop_(stop) {}

  /// The next run's plan index, or nullopt when there is none or the batch is stopping.
  std::optional<std::size_t> take() {
    if (halted()) return std::nullopt;
    const std::size_t k = next_.fetch_add(1);
    if (k >= todo_.size()) return std::nullopt;
    return todo_[k];
  }
  /// No more runs are handed out (a run was interrupted somewhere).
  void halt() { halt_.store(true); }
  [[nodiscard]] bool halted() const { return halt_.load() || (stop_ != nullptr && stop_->load()); }
  [[nodiscard]] std::size_t size() const { return todo_.size(); }

private:
  std::vector<std::size_t> todo_;
  const std::atomic<bool>* stop_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> halt_{false};
};

/// Decide the exit code and write the index where this process should.
void conclude(const BatchPlan& plan, const BatchFolder& folder, const RunnerOptions& options,
              BatchOutcome& outcome) {
  if (outcome.interrupted) {
    outcome.exit_code = exit_interrupted;
    return;
  }
  if (options.shard.count == 1) {
    outcome.index = write_batch_index(plan, folder);
    outcome.index_written = true;
    const bool all_complete = outcome.index.complete == plan.runs().size();
    outcome.exit_code = all_complete ? exit_ok : exit_some_failed;
    return;
  }
  outcome.exit_code = outcome.failed > 0 ? exit_some_failed : exit_ok;
}

} // namespace

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1U, std::thread::hardware_concurrency());
}

std::pair<int, int> choose_workers_threads(std::size_t runs, int cores, std::optional<int> workers,
                                           std::optional<int> threads) {
  cores = std::max(1, cores);
  const int runs_at_most = static_cast<int>(std::clamp<std::size_t>(runs, 1, 1 << 20));
  int w = 0;
  if (workers) {
    w = *workers;
  } else if (threads) {
    w = std::max(1, std::min(runs_at_most, cores / std::max(1, *threads)));
  } else {
    w = std::min(cores, runs_at_most);
  }
  const int t = threads ? *threads : std::max(1, cores / w);
  return {w, t};
}

BatchPlan read_folder_plan(const BatchFolder& folder) {
  std::error_code ec;
  if (!fs::is_regular_file(folder.plan(), ec)) {
    throw InputError(folder.dir() + ": not a batch folder (no plan.toml); run `minesim batch` "
                                    "into it first");
  }
  return read_plan_toml(read_file(folder.plan()), folder.plan());
}

BatchOutcome run_batch(const BatchPlan& plan, const RunnerOptions& options,
                       const RunFunction& function) {
  const auto start = std::chrono::steady_clock::now();
  const BatchFolder folder(options.dir);
  MpiJob* mpi = options.mpi;
  const bool root = mpi == nullptr || mpi->rank() == 0;

  BatchOutcome outcome;
  outcome.reports = root;
  outcome.planned = plan.runs().size();
  outcome.ranks = mpi == nullptr ? 1 : mpi->size();

  // Rank 0 alone prepares the folder and decides what is left, so no two processes ever
  // delete or judge the same files; the others learn whether to go on.
  std::vector<std::size_t> todo;
  std::exception_ptr preparation_error;
  std::int64_t status = exit_ok;
  if (root) {
    try {
      prepare_folder(plan, folder);
      todo = runs_to_do(plan, folder, options.shard, outcome.selected);
      outcome.skipped = outcome.selected - todo.size();
      // An index from before is out of date once anything is run again.
      if (!todo.empty()) remove_quietly(folder.index());
    } catch (const InputError&) {
      preparation_error = std::current_exception();
      status = exit_bad_input;
    } catch (const std::exception&) {
      preparation_error = std::current_exception();
      status = exit_internal;
    }
  }
  std::int64_t todo_count = static_cast<std::int64_t>(todo.size());
  if (mpi != nullptr) {
    status = mpi->broadcast(status);
    todo_count = mpi->broadcast(todo_count);
  }
  if (preparation_error) std::rethrow_exception(preparation_error);
  if (status != exit_ok) {
    outcome.exit_code = static_cast<int>(status);
    return outcome;
  }

  const auto ranks = static_cast<std::size_t>(outcome.ranks);
  const std::size_t runs_here = (static_cast<std::size_t>(todo_count) + ranks - 1) / ranks;
  std::tie(outcome.workers, outcome.threads) =
      choose_workers_threads(runs_here, available_cores(), options.workers, options.threads);

  WorkQueue queue(std::move(todo), options.stop);
  ProgressLine progress(static_cast<std::size_t>(todo_count), outcome.skipped, options.interactive,
                        options.quiet || !root);
  std::vector<std::atomic<std::size_t>> per_rank(static_cast<std::size_t>(outcome.ranks));
  std::atomic<std::size_t> ran{0};
  std::atomic<std::size_t> failed{0};
  std::atomic<bool> interrupted{false};
  const auto note = [&](const PlannedRun& run, const RunOutcome& o, int rank) {
    const bool is_failed = o.status == RunStatus::failed;
    const bool is_interrupted = o.status == RunStatus::interrupted;
    if (is_interrupted) {
      interrupted.store(true);
      queue.halt();
    } else {
      ++ran;
      ++per_rank[static_cast<std::size_t>(rank)];
      if (is_failed) ++failed;
    }
    progress.finished(run.id, is_failed, is_interrupted, o.message);
  };

  std::vector<std::thread> workers;
  if (root) {
    if (queue.size() > 0) {
      for (int w = 0; w < outcome.workers; ++w) {
        workers.emplace_back([&] {
          while (const std::optional<std::size_t> i = queue.take()) {
            const PlannedRun run = plan.runs()[*i];
            progress.started();
            note(run, execute(plan, folder, run, outcome.threads, options.stop, function), 0);
          }
        });
      }
    }
    if (mpi != nullptr) {
      mpi->serve(
          [&]() -> std::int64_t {
            const std::optional<std::size_t> i = queue.take();
            if (i) progress.started();
            return i ? static_cast<std::int64_t>(*i) : -1;
          },
          [&](std::int64_t index, std::int64_t code, int rank) {
            const PlannedRun run = plan.runs().at(static_cast<std::size_t>(index));
            const auto run_status = static_cast<RunStatus>(code);
            const std::string message =
                run_status == RunStatus::failed ? read_error_record(folder, run.id) : "";
            note(run, RunOutcome{run_status, message}, rank);
          },
          [&](std::int64_t index, int rank) {
            const PlannedRun run = plan.runs().at(static_cast<std::size_t>(index));
            note(run, lost_run(folder, run, rank, mpi->rank_timeout()), rank);
          });
    }
  } else {
    mpi->work(outcome.workers, [&](std::int64_t index) {
      const PlannedRun run = plan.runs().at(static_cast<std::size_t>(index));
      const RunOutcome o = execute(plan, folder, run, outcome.threads, options.stop, function);
      return static_cast<std::int64_t>(o.status);
    });
  }
  for (std::thread& t : workers)
    t.join();
  progress.finish();

  outcome.ran = ran.load();
  for (const auto& n : per_rank)
    outcome.runs_per_rank.push_back(n.load());
  outcome.failed = failed.load();
  outcome.interrupted = interrupted.load() || (options.stop != nullptr && options.stop->load());
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::exception_ptr conclusion_error;
  if (root) {
    try {
      conclude(plan, folder, options, outcome);
    } catch (const std::exception&) {
      conclusion_error = std::current_exception();
      outcome.exit_code = exit_internal;
    }
  }
  // Point to point, not a broadcast: a rank that was lost would never take part.
  if (mpi != nullptr) outcome.exit_code = static_cast<int>(mpi->conclude(outcome.exit_code));
  if (conclusion_error) std::rethrow_exception(conclusion_error);
  return outcome;
}

} // namespace minesim::batch
