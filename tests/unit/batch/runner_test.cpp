// The batch runner with a stand-in RunFunction (no model): complete and failed runs, resume
// (complete runs skipped, leftovers discarded), shards and merge, the index, and the choice of
// workers and threads.
#include "batch_test_support.hpp"

#include "batch/index.hpp"
#include "batch/runner.hpp"
#include "io/index_file.hpp"
#include "io/run_file.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <mutex>

namespace minesim::batch {
namespace {

using testing::BatchDir;
using testing::fake_check;
using testing::read_batch;
namespace fs = std::filesystem;

/// A run file whose one time series ends at the run's seed modulo 1000, so the index shows
/// which seed made which file.
RunOutcome write_stand_in(const RunRequest& request, std::mutex& hdf5) {
  RunRecord record;
  record.seed = request.run.seed;
  record.steps = 2;
  record.wall_seconds = 0.5;
  const double last = static_cast<double>(request.run.seed % 1000);
  record.timeseries = {{"S_mean", "1", "Mean satisfaction.", {0.0, 1.0, last}}};
  const std::lock_guard lock(hdf5);
  write_run_file(request.output_path, record);
  return {};
}

struct Fixture {
  explicit Fixture(const std::string& tag)
      : dir(tag), plan(make_plan(read_batch(dir.batch(R"(
[[arms]]
name = "a"
set.x.y = 1
[[arms]]
name = "b"
set.x.y = 2
)",
                                                      3)),
                                 fake_check)) {}

  BatchOutcome run(const RunFunction& function, Shard shard = {}, int workers = 2) {
    RunnerOptions options;
    options.dir = dir.file("out");
    options.workers = workers;
    options.threads = 1;
    options.shard = shard;
    options.quiet = true;
    return run_batch(plan, options, function);
  }

  BatchDir dir;
  BatchPlan plan;
  std::mutex hdf5;
};

IndexContents index_of(const Fixture& f) {
  return read_index_file(f.dir.file("out/index.h5"));
}

const IndexColumn& column(const IndexContents& index, const std::string& name) {
  for (const IndexColumn& c : index.columns)
    if (c.name == name) return c;
  throw std::runtime_error("no column " + name);
}

template <typename T>
const std::vector<T>& values(const IndexContents& index, const std::string& name) {
  return std::get<std::vector<T>>(column(index, name).values);
}

TEST(BatchRunner, RunsEveryRunAndWritesTheIndex) {
  Fixture f("all");
  std::atomic<int> calls{0};
  const BatchOutcome outcome = f.run([&](const RunRequest& r) {
    ++calls;
    return write_stand_in(r, f.hdf5);
  });
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(calls.load(), 6);
  EXPECT_TRUE(outcome.index_written);
  const IndexContents index = index_of(f);
  EXPECT_EQ(values<std::string>(index, "run_id"),
            (std::vector<std::string>{"a_r000", "a_r001", "a_r002", "b_r000", "b_r001", "b_r002"}));
  EXPECT_EQ(values<std::string>(index, "status"), std::vector<std::string>(6, "complete"));
  EXPECT_EQ(values<std::string>(index, "x.y"),
            (std::vector<std::string>{"1", "1", "1", "2", "2", "2"}));
  const auto& finals = values<double>(index, "final_S_mean");
  const auto& seeds = values<std::int64_t>(index, "seed");
  for (std::size_t i = 0; i < 6; ++i)
    EXPECT_EQ(finals[i], static_cast<double>(seeds[i] % 1000));
  EXPECT_EQ(values<double>(index, "wall_seconds"), std::vector<double>(6, 0.5));
  EXPECT_EQ(column(index, "final_S_mean").units, "1");
}

TEST(BatchRunner, FailedRunsAreRecordedAndRetriedOnRerun) {
  Fixture f("failed");
  const auto flaky = [&](const RunRequest& r) {
    if (r.run.id == "b_r001") throw std::runtime_error("disk on fire\nsecond line");
    return write_stand_in(r, f.hdf5);
  };
  const BatchOutcome first = f.run(flaky);
  EXPECT_EQ(first.exit_code, 3);
  EXPECT_EQ(first.failed, 1U);
  IndexContents index = index_of(f);
  EXPECT_EQ(values<std::string>(index, "status")[4], "failed");
  EXPECT_EQ(values<std::string>(index, "message")[4], "disk on fire second line");
  EXPECT_TRUE(std::isnan(values<double>(index, "final_S_mean")[4]));
  EXPECT_EQ(index.links.size(), 0U); // read_index_file leaves links out

  std::atomic<int> calls{0};
  const BatchOutcome second = f.run([&](const RunRequest& r) {
    ++calls;
    return write_stand_in(r, f.hdf5);
  });
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(second.skipped, 5U);
  EXPECT_FALSE(fs::exists(f.dir.file("out/runs/b_r001.error")));
}

TEST(BatchRunner, ResumeDiscardsPartialAndIncompleteFiles) {
  Fixture f("resume");
  (void)f.run([&](const RunRequest& r) { return write_stand_in(r, f.hdf5); });
  // What a killed batch leaves: a partial file, and a run file that is not complete.
  std::ofstream(f.dir.file("out/runs/a_r001.h5.partial")) << "partial";
  std::ofstream(f.dir.file("out/runs/b_r002.h5")) << "not hdf5";
  std::ofstream(f.dir.file("out/runs/a_r002.h5.partial")) << "stray, next to a complete file";
  EXPECT_EQ(run_file_state(f.dir.file("out/runs/b_r002.h5")), RunFileState::incomplete);
  std::vector<std::string> redone;
  std::mutex m;
  const BatchOutcome outcome = f.run([&](const RunRequest& r) {
    {
      const std::lock_guard lock(m);
      redone.push_back(r.run.id);
    }
    return write_stand_in(r, f.hdf5);
  });
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(redone, std::vector<std::string>{"b_r002"});
  EXPECT_FALSE(fs::exists(f.dir.file("out/runs/a_r001.h5.partial")));
  EXPECT_FALSE(fs::exists(f.dir.file("out/runs/a_r002.h5.partial")));
  EXPECT_EQ(run_file_state(f.dir.file("out/runs/b_r002.h5")), RunFileState::complete);
}

TEST(BatchRunner, InterruptedRunStopsTheBatchWithoutIndex) {
  Fixture f("interrupted");
  std::atomic<bool> stop{false};
  RunnerOptions options;
  options.dir = f.dir.file("out");
  options.workers = 1;
  options.quiet = true;
  options.stop = &stop;
  std::atomic<int> calls{0};
  const BatchOutcome outcome = run_batch(f.plan, options, [&](const RunRequest& r) {
    if (++calls == 2) {
      stop = true;
      return RunOutcome{RunStatus::interrupted, ""};
    }
    return write_stand_in(r, f.hdf5);
  });
  EXPECT_EQ(outcome.exit_code, 130);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_FALSE(fs::exists(f.dir.file("out/index.h5")));
}

TEST(BatchRunner, ShardsThenMergeGiveTheSameIndex) {
  Fixture whole("whole");
  (void)whole.run([&](const RunRequest& r) { return write_stand_in(r, whole.hdf5); });
  Fixture parts("parts");
  for (std::int64_t i = 0; i < 2; ++i) {
    const BatchOutcome o =
        parts.run([&](const RunRequest& r) { return write_stand_in(r, parts.hdf5); }, {i, 2});
    EXPECT_EQ(o.selected, 3U);
    EXPECT_FALSE(o.index_written);
  }
  const BatchPlan plan = read_folder_plan(BatchFolder(parts.dir.file("out")));
  const IndexSummary summary = write_batch_index(plan, BatchFolder(parts.dir.file("out")));
  EXPECT_EQ(summary.complete, 6U);
  const IndexContents a = index_of(whole);
  const IndexContents b = index_of(parts);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    EXPECT_EQ(a.columns[c].name, b.columns[c].name);
    EXPECT_EQ(a.columns[c].values, b.columns[c].values) << a.columns[c].name;
  }
}

TEST(BatchRunner, RefusesAFolderHoldingAnotherBatch) {
  Fixture f("other");
  (void)f.run([&](const RunRequest& r) { return write_stand_in(r, f.hdf5); });
  f.plan = make_plan(read_batch(f.dir.batch("", 3, 8)), fake_check);
  EXPECT_THROW((void)f.run([&](const RunRequest& r) { return write_stand_in(r, f.hdf5); }),
               InputError);
}

TEST(BatchWorkers, OneRunPerCoreThenThreadsForFewRuns) {
  EXPECT_EQ(choose_workers_threads(100, 8, std::nullopt, std::nullopt), std::make_pair(8, 1));
  EXPECT_EQ(choose_workers_threads(2, 8, std::nullopt, std::nullopt), std::make_pair(2, 4));
  EXPECT_EQ(choose_workers_threads(0, 8, std::nullopt, std::nullopt), std::make_pair(1, 8));
  EXPECT_EQ(choose_workers_threads(100, 8, 3, std::nullopt), std::make_pair(3, 2));
  EXPECT_EQ(choose_workers_threads(100, 8, std::nullopt, 2), std::make_pair(4, 2));
  EXPECT_GE(available_cores(), 1);
}

TEST(IndexFile, RunFileStates) {
  const BatchDir dir("states");
  EXPECT_EQ(run_file_state(dir.file("none.h5")), RunFileState::missing);
  std::ofstream(dir.file("junk.h5")) << "junk";
  EXPECT_EQ(run_file_state(dir.file("junk.h5")), RunFileState::incomplete);
  fs::create_directory(dir.file("folder.h5"));
  EXPECT_EQ(run_file_state(dir.file("folder.h5")), RunFileState::incomplete);
}

} // namespace
} // namespace minesim::batch
