// HDF5 dimension scales of the run file (docs/output-format.md "Dimension scales"):
// /timeseries/step, /panel/steps and /panel/household_ids, the static tables' row ids; attached to
// every dataset of their group, and skipped by the readers that iterate /timeseries.
#include "io/index_file.hpp"
#include "io/run_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace minesim {
namespace {

using test_support::TempDir;

/// 3 steps, two series, a 2 x 3 panel, two tables.
RunRecord record_with_dimensions() {
  RunRecord record;
  record.seed = 1;
  record.steps = 3;
  record.scenario_toml = "[simulation]\nsteps = 3\n";
  record.resolved_toml = "[simulation]\nsteps = 3\nseed = 1\n";
  record.timeseries = {{"damaged_ha", "ha", "Damaged area.", {1.0, 2.0, 3.0, 4.0}},
                       {"S_mean", "1", "Mean satisfaction.", {0.5, 0.4, 0.3, 0.2}}};
  record.panel_steps = {0, 3};
  record.panel_household_ids = {2, 5, 8};
  record.panel_fields = {{"S", "1", "Satisfaction.", {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}}};
  record.tables["households"] = {
      {"village", "1", "Village of each household.", {}, {0, 0, 1, 1, 1, 0, 0, 1, 1, 1}}};
  record.tables["villages"] = {{"x_km", "km", "X.", {0.5, 3.0}, {}},
                               {"households", "1", "Households.", {}, {4, 6}}};
  return record;
}

int run_python(const std::string& script, const std::string& file, const TempDir& dir) {
  const std::string path = dir.write("check.py", script);
  const std::string command = "/usr/bin/python3 '" + path + "' '" + file + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(RunFileScales, AttachedToEveryDatasetOfTheirGroup) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  write_run_file(path, record_with_dimensions());
  const char* script = R"(import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
def scale(d, dim):
    [s] = d.dims[dim].values()
    return s.name
step = f['timeseries/step']
assert step.attrs['CLASS'] == b'DIMENSION_SCALE' and step.dtype == np.int64
assert step[()].tolist() == [0, 1, 2, 3] and step.attrs['units'] == 'step'
for name in ('damaged_ha', 'S_mean'):
    assert scale(f['timeseries'][name], 0) == '/timeseries/step', name
assert f['timeseries/damaged_ha'][()].tolist() == [1.0, 2.0, 3.0, 4.0]
s = f['panel/households/S']
assert scale(s, 0) == '/panel/steps' and scale(s, 1) == '/panel/household_ids'
assert f['panel/steps'][()].tolist() == [0, 3]
assert f['panel/household_ids'][()].tolist() == [2, 5, 8]
assert f['households/household'][()].tolist() == list(range(10))
assert scale(f['households/village'], 0) == '/households/household'
assert f['villages/village'][()].tolist() == [0, 1]
for name in ('x_km', 'households'):
    assert scale(f['villages'][name], 0) == '/villages/village', name
)";
  EXPECT_EQ(run_python(script, path, dir), 0);
}

TEST(RunFileScales, RunFileCheckerAndIndexSkipTheStepScale) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  write_run_file(path, record_with_dimensions());
  const std::string checker = std::string("/usr/bin/python3 '") + MINESIM_SOURCE_DIR +
                              "/tests/integration/check_run_file.py' --quiet '" + path + "'";
  const int status = std::system(checker.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // The index's final values: one per series, none for the steps.
  const RunFileSummary summary = read_run_summary(path);
  ASSERT_EQ(summary.finals.size(), 2U);
  EXPECT_EQ(summary.finals[0].name, "S_mean");
  EXPECT_EQ(summary.finals[0].value, 0.2);
  EXPECT_EQ(summary.finals[1].name, "damaged_ha");
  EXPECT_EQ(summary.finals[1].value, 4.0);
}

TEST(RunFileScales, SeriesNamedLikeTheScaleIsRefused) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  RunRecord record = record_with_dimensions();
  record.timeseries[0].name = "step";
  EXPECT_THROW(write_run_file(path, record), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(path));
}

} // namespace
} // namespace minesim
