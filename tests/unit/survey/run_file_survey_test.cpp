// Surveys in the run file: /survey/step_NNNN written from SurveyOutput, read back by h5py
// and accepted by the contract checker (tests/integration/check_run_file.py).
#include "agents/resident/survey.hpp"
#include "io/run_file.hpp"
#include "model/streams.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

using namespace minesim;

namespace {

namespace fs = std::filesystem;

using minesim::test_support::TempDir;

int run_python(const std::string& arguments) {
  const std::string command = "/usr/bin/python3 " + arguments;
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A record with one time series and the given surveys.
RunRecord record_with(std::vector<SurveyOutput> surveys) {
  RunRecord record;
  record.seed = 1;
  record.steps = 2;
  record.scenario_toml = "[simulation]\nsteps = 2\n";
  record.resolved_toml = record.scenario_toml;
  record.timeseries = {{"S_mean", "1", "Mean life satisfaction.", {0.5, 0.5, 0.5}}};
  record.surveys = std::move(surveys);
  return record;
}

/// A survey of 3 respondents and 2 items with known values.
SurveyOutput small_survey(std::int64_t step) {
  SurveyOutput s;
  s.step = step;
  s.scalars = {{"alpha", "1", "Cronbach's alpha.", 0.875},
               {"kmo", "1", "KMO.", 0.5},
               {"bartlett_statistic", "1", "Bartlett statistic.", 3.0},
               {"bartlett_df", "1", "Bartlett degrees of freedom.", 1.0},
               {"bartlett_p", "1", "Bartlett p-value.", 0.083},
               {"indirect_effect", "1", "a b.", 0.25},
               {"indirect_ci_low", "1", "low.", 0.2},
               {"indirect_ci_high", "1", "high.", 0.3}};
  s.vectors = {{"alpha_by_construct", "1", "Alpha by construct.", {0.8, 0.9}, {"E", "P"}},
               {"paths", "1", "Paths.", {0.1, -0.2}, {"P~E", "C~P"}}};
  s.attributes = {{"sample_size", 3}, {"bootstrap_resamples", 10}};
  s.household_ids = {4, 8, 15};
  s.item_names = {"E1", "P1"};
  s.items = {1, 2, 3, 4, 5, 1};
  s.items_description = "Answers.";
  return s;
}

} // namespace

TEST(SurveyRunFile, GroupPathIsZeroPaddedStep) {
  EXPECT_EQ(survey_group_path(7), "/survey/step_0007");
  EXPECT_EQ(survey_group_path(240), "/survey/step_0240");
  EXPECT_EQ(survey_group_path(12345), "/survey/step_12345");
}

TEST(SurveyRunFile, WritesEveryDatasetWithUnitsAndNames) {
  const TempDir dir("layout");
  const std::string path = dir.file("run.h5");
  write_run_file(path, record_with({small_survey(1), small_survey(2)}));
  EXPECT_EQ(run_python(std::string("'") + MINESIM_SOURCE_DIR +
                       "/tests/integration/check_run_file.py' --quiet '" + path + "'"),
            0);
  const std::string script_path = dir.file("read.py");
  std::ofstream(script_path)
      << "import h5py, numpy as np, sys\n"
         "f = h5py.File(sys.argv[1], 'r')\n"
         "assert sorted(f['survey']) == ['step_0001', 'step_0002'], list(f['survey'])\n"
         "g = f['survey/step_0002']\n"
         "assert int(g.attrs['step']) == 2 and int(g.attrs['sample_size']) == 3\n"
         "assert g['alpha'].shape == () and g['alpha'][()] == 0.875\n"
         "assert list(g['paths'].attrs['names']) == ['P~E', 'C~P']\n"
         "assert np.array_equal(g['paths'][()], [0.1, -0.2])\n"
         "assert list(g['alpha_by_construct'].attrs['names']) == ['E', 'P']\n"
         "items = g['items']\n"
         "assert items.dtype == np.int64 and items.shape == (3, 2)\n"
         "assert np.array_equal(items[()], [[1, 2], [3, 4], [5, 1]])\n"
         "assert list(items.attrs['names']) == ['E1', 'P1']\n"
         "assert np.array_equal(g['household_ids'][()], [4, 8, 15])\n"
         "for name, d in g.items():\n"
         "    assert d.attrs['units'] and d.attrs['description'], name\n";
  EXPECT_EQ(run_python("'" + script_path + "' '" + path + "'"), 0);
}

TEST(SurveyRunFile, WritesARealSurvey) {
  std::array<std::vector<double>, latent_count> latents;
  // A chain: each latent is half the previous one plus noise, so the paths are not zero.
  for (std::uint64_t i = 0; i < 400; ++i) {
    const CounterRng rng(3, streams::perception, 0, i);
    double previous = rng.uniform(0);
    latents[0].push_back(previous);
    for (std::size_t c = 1; c < latent_count; ++c) {
      previous = 0.5 * previous + 0.5 * rng.uniform(c);
      latents[c].push_back(previous);
    }
  }
  SurveyParams params;
  params.sample_size = 300;
  params.bootstrap_resamples = 20;
  const SurveyResult result = run_survey(
      params, latents, 3, 2, {streams::perception, streams::damage, streams::panel_sample});
  const TempDir dir("real");
  const std::string path = dir.file("run.h5");
  write_run_file(path, record_with({to_output(result)}));
  EXPECT_EQ(run_python(std::string("'") + MINESIM_SOURCE_DIR +
                       "/tests/integration/check_run_file.py' --quiet '" + path + "'"),
            0);
  const std::string script_path = dir.file("read.py");
  std::ofstream(script_path) << "import h5py, sys\n"
                                "g = h5py.File(sys.argv[1], 'r')['survey/step_0002']\n"
                                "assert g['items'].shape == (300, 20)\n"
                                "sys.exit(0 if abs(g['alpha'][()] - float(sys.argv[2])) == 0 "
                                "else 1)\n";
  char alpha[64];
  std::snprintf(alpha, sizeof alpha, "%.17g", result.alpha);
  EXPECT_EQ(run_python("'" + script_path + "' '" + path + "' " + alpha), 0);
  // Every statistic, recomputed from the stored items by an independent numpy reference.
  EXPECT_EQ(run_python(std::string("'") + MINESIM_SOURCE_DIR +
                       "/tests/python/survey_reference.py' '" + path + "'"),
            0);
}

TEST(SurveyRunFile, InconsistentSurveyThrowsAndLeavesNothing) {
  const TempDir dir("bad");
  const std::string path = dir.file("run.h5");
  SurveyOutput wrong = small_survey(1);
  wrong.items.pop_back();
  EXPECT_THROW(write_run_file(path, record_with({wrong})), std::runtime_error);
  EXPECT_THROW(write_run_file(path, record_with({small_survey(1), small_survey(1)})),
               std::runtime_error);
  SurveyOutput unnamed = small_survey(1);
  unnamed.vectors[1].names.pop_back();
  EXPECT_THROW(write_run_file(path, record_with({unnamed})), std::runtime_error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(partial_path(path)));
}

TEST(SurveyRunFile, NoSurveysNoGroup) {
  const TempDir dir("none");
  const std::string path = dir.file("run.h5");
  write_run_file(path, record_with({}));
  const std::string script_path = dir.file("absent.py");
  std::ofstream(script_path)
      << "import h5py, sys\n"
         "sys.exit(0 if 'survey' not in h5py.File(sys.argv[1], 'r') else 1)\n";
  EXPECT_EQ(run_python("'" + script_path + "' '" + path + "'"), 0);
}
