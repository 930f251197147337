// The run file writer: atomic write (partial name, then rename), clean failure, and the
// docs/output-format.md contract as checked by tests/integration/check_run_file.py.
#include "io/run_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace minesim {
namespace {

namespace fs = std::filesystem;

using test_support::TempDir;

/// A 4-node ring as CSR: every tie in both directions, rows sorted.
Csr ring4() {
  Csr csr;
  csr.offsets = {0, 2, 4, 6, 8};
  csr.targets = {1, 3, 0, 2, 1, 3, 0, 2};
  return csr;
}

/// Small but complete record: 2 time series, a 3 x 2 panel, a network, two tables.
/// A large `steps` makes the series long enough to be chunked and compressed.
RunRecord small_record(const Csr& network, std::int64_t steps = 6) {
  RunRecord record;
  record.threads = 2;
  record.seed = 42;
  record.steps = steps;
  record.wall_seconds = 0.25;
  record.phase_seconds = {{"perception", 0.1}, {"negotiation", 0.05}};
  record.scenario_toml = "[run]\nsteps = 6\n";
  record.resolved_toml = "[run]\nsteps = 6\nseed = 42\n";
  TimeSeries damaged{"damaged_ha", "ha", "Damaged area, all mines.", {}};
  TimeSeries rate{"restoration_rate", "1", "Restored over damaged area ever.", {}};
  for (std::int64_t s = 0; s <= steps; ++s) {
    damaged.values.push_back(100.0 + static_cast<double>(s) / 7.0);
    rate.values.push_back(static_cast<double>(s) / static_cast<double>(steps));
  }
  record.timeseries = {damaged, rate};
  record.panel_steps = {0, 3, 6};
  record.panel_household_ids = {5, 9};
  record.panel_fields = {
      {"S", "1", "Life satisfaction.", {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}},
      {"income_yuan", "yuan/year", "Household income.", {1e4, 2e4, 1.1e4, 2.1e4, 1.2e4, 2.2e4}}};
  record.tables["households"] = {{"village", "1", "Village of each household.", {}, {0, 0, 1, 1}}};
  record.tables["villages"] = {{"x_km", "km", "Village x coordinate.", {0.5, 3.0}, {}},
                               {"y_km", "km", "Village y coordinate.", {1.5, 2.0}, {}}};
  record.network = &network;
  return record;
}

int run_python(const std::string& arguments) {
  const std::string command = "/usr/bin/python3 " + arguments;
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int check_run_file(const std::string& file, const std::string& extra = "") {
  return run_python(std::string("'") + MINESIM_SOURCE_DIR +
                    "/tests/integration/check_run_file.py' --quiet '" + file + "' " + extra);
}

TEST(RunFile, PartialPathAppendsSuffix) {
  EXPECT_EQ(partial_path("out/run.h5"), "out/run.h5.partial");
}

TEST(RunFile, WritesFinalFileAndRemovesPartial) {
  const TempDir dir("final");
  const std::string path = dir.file("run.h5");
  const Csr network = ring4();
  write_run_file(path, small_record(network));
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(partial_path(path)));
}

TEST(RunFile, PassesContractChecker) {
  const TempDir dir("contract");
  const std::string path = dir.file("run.h5");
  const Csr network = ring4();
  write_run_file(path, small_record(network));
  EXPECT_EQ(check_run_file(path, "--require damaged_ha restoration_rate"), 0);
  // The checker must notice a missing required series, or the check above proves nothing.
  EXPECT_NE(check_run_file(path, "--require compliance_share"), 0);
}

TEST(RunFile, ReplacesExistingFileAndStalePartial) {
  const TempDir dir("replace");
  const std::string path = dir.file("run.h5");
  std::ofstream(path) << "old";
  std::ofstream(partial_path(path)) << "stale interrupted run";
  const Csr network = ring4();
  write_run_file(path, small_record(network));
  EXPECT_FALSE(fs::exists(partial_path(path)));
  EXPECT_EQ(check_run_file(path), 0);
}

TEST(RunFile, LongSeriesRoundTripExactly) {
  const TempDir dir("long_series");
  const std::string path = dir.file("run.h5");
  const Csr network = ring4();
  // 20001 doubles = 160 kB, written in one append, read back bit for bit.
  const std::int64_t steps = 20000;
  write_run_file(path, small_record(network, steps));
  EXPECT_EQ(check_run_file(path), 0);
  // Same formula as small_record, evaluated by Python: IEEE division gives identical bits.
  const std::string script = "import h5py, numpy as np, sys\n"
                             "f = h5py.File(sys.argv[1], 'r')\n"
                             "d = f['timeseries/damaged_ha']\n"
                             "expected = 100.0 + np.arange(" +
                             std::to_string(steps + 1) +
                             ") / 7.0\n"
                             "sys.exit(0 if np.array_equal(d[()], expected) else 1)\n";
  const std::string script_path = dir.file("roundtrip.py");
  std::ofstream(script_path) << script;
  EXPECT_EQ(run_python("'" + script_path + "' '" + path + "'"), 0);
}

TEST(RunFile, OmitsPanelWithoutHouseholdsAndNetworkWhenNull) {
  const TempDir dir("optional");
  const std::string path = dir.file("run.h5");
  const Csr network = ring4();
  RunRecord record = small_record(network);
  record.panel_steps.clear();
  record.panel_household_ids.clear();
  record.panel_fields.clear();
  record.network = nullptr;
  write_run_file(path, record);
  EXPECT_EQ(check_run_file(path), 0);
  const std::string script_path = dir.file("absent.py");
  std::ofstream(script_path) << "import h5py, sys\n"
                                "f = h5py.File(sys.argv[1], 'r')\n"
                                "sys.exit(0 if 'panel' not in f and 'network' not in f else 1)\n";
  EXPECT_EQ(run_python("'" + script_path + "' '" + path + "'"), 0);
}

TEST(RunFile, UnwritableLocationThrowsAndLeavesNothing) {
  const TempDir dir("unwritable");
  const std::string path = dir.file("no/such/directory/run.h5");
  const Csr network = ring4();
  try {
    write_run_file(path, small_record(network));
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(partial_path(path)));
}

TEST(RunFile, RenameFailureThrowsAndRemovesPartial) {
  const TempDir dir("rename");
  // A non-empty directory at the destination: the partial file is written, the rename fails.
  const std::string path = dir.file("run.h5");
  fs::create_directories(path);
  std::ofstream(path + "/keep") << "x";
  const Csr network = ring4();
  try {
    write_run_file(path, small_record(network));
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_directory(path));
  EXPECT_FALSE(fs::exists(partial_path(path)));
}

TEST(RunFile, InconsistentRecordThrowsAndRemovesPartial) {
  const TempDir dir("inconsistent");
  const std::string path = dir.file("run.h5");
  const Csr network = ring4();
  RunRecord record = small_record(network);
  record.panel_fields[0].values.pop_back(); // 5 values for a 3 x 2 panel
  EXPECT_THROW(write_run_file(path, record), std::runtime_error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(partial_path(path)));
}

} // namespace
} // namespace minesim
