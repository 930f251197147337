// Run files read back (series with their kinds) and written as CSV by `minesim export`, on
// a small hand-made record: exact file contents, round-trip precision, and refusals.
#include "io/export.hpp"

#include "engine/errors.hpp"
#include "io/run_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace minesim {
namespace {

namespace fs = std::filesystem;

/// Two steps; a stock with a value that needs all 17 digits, a flow, an event table and a
/// panel of two households at two snapshots.
RunRecord small_record() {
  RunRecord r;
  r.steps = 2;
  r.timeseries.push_back(TimeSeries{"area_ha", "ha", "An area.", {1.0, 0.1, 2.0 / 3.0}});
  r.timeseries.push_back(
      TimeSeries{"paid_yuan", "yuan", "Paid this step.", {0.0, 5.0, 7.5}, SeriesKind::flow});
  EventTable events;
  events.name = "payments";
  events.description = "One row per payment.";
  events.columns.push_back(Column{"step", "month", "", {}, {1, 2}});
  events.columns.push_back(Column{"amount_yuan", "yuan", "", {5.0, 7.5}, {}});
  r.events.push_back(events);
  r.panel_steps = {0, 2};
  r.panel_household_ids = {3, 8};
  r.panel_fields.push_back(PanelField{"S", "1", "Satisfaction.", {0.5, 0.25, 0.75, 1.0}});
  return r;
}

std::string text_of(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string error_of(const std::string& input, const std::string& dir, bool force = false) {
  try {
    (void)export_csv(input, dir, force);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(RunSeries, ReadsValuesUnitsAndKinds) {
  const test_support::TempDir temp;
  const std::string path = temp.file("run.h5");
  write_run_file(path, small_record());
  const auto all = read_run_series(path, {});
  ASSERT_EQ(all.size(), 2U); // the steps' dimension scale, where written, is not a series
  EXPECT_EQ(all[0].name, "area_ha");
  EXPECT_EQ(all[0].kind, "stock");
  EXPECT_EQ(all[0].units, "ha");
  EXPECT_EQ(all[0].values, (std::vector<double>{1.0, 0.1, 2.0 / 3.0}));
  const auto flow = read_run_series(path, {"paid_yuan"});
  ASSERT_EQ(flow.size(), 1U);
  EXPECT_EQ(flow[0].kind, "flow");
  try {
    (void)read_run_series(path, {"paid"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": no time series 'paid'");
  }
}

TEST(CsvExport, WritesLongSeriesEventsAndPanelWithRoundTripPrecision) {
  const test_support::TempDir temp;
  const std::string path = temp.file("my_run.h5");
  write_run_file(path, small_record());
  const std::string out = temp.file("csv");
  const CsvExportSummary summary = export_csv(path, out, false);
  EXPECT_EQ(summary.runs, 1U);
  ASSERT_EQ(summary.files.size(), 3U);
  EXPECT_EQ(summary.files[0], (std::pair<std::string, std::size_t>{"timeseries.csv", 6}));
  EXPECT_EQ(summary.files[1], (std::pair<std::string, std::size_t>{"events_payments.csv", 2}));
  EXPECT_EQ(summary.files[2], (std::pair<std::string, std::size_t>{"panel.csv", 4}));
  // A single run without arm or replicate attributes: those columns are empty.
  EXPECT_EQ(text_of(fs::path(out) / "timeseries.csv"),
            "run_id,arm,replicate,step,metric,value,unit\n"
            "my_run,,,0,area_ha,1,ha\n"
            "my_run,,,1,area_ha,0.10000000000000001,ha\n"
            "my_run,,,2,area_ha,0.66666666666666663,ha\n"
            "my_run,,,0,paid_yuan,0,yuan\n"
            "my_run,,,1,paid_yuan,5,yuan\n"
            "my_run,,,2,paid_yuan,7.5,yuan\n");
  EXPECT_EQ(std::strtod("0.66666666666666663", nullptr), 2.0 / 3.0);
  EXPECT_EQ(text_of(fs::path(out) / "events_payments.csv"),
            "run_id,arm,replicate,step,amount_yuan\n"
            "my_run,,,1,5\n"
            "my_run,,,2,7.5\n");
  EXPECT_EQ(text_of(fs::path(out) / "panel.csv"), "run_id,arm,replicate,step,household,S\n"
                                                  "my_run,,,0,3,0.5\n"
                                                  "my_run,,,0,8,0.25\n"
                                                  "my_run,,,2,3,0.75\n"
                                                  "my_run,,,2,8,1\n");
  for (const auto& entry : fs::directory_iterator(out))
    EXPECT_EQ(entry.path().extension(), ".csv") << entry.path(); // no partial file left
}

TEST(CsvExport, RefusesMissingInputAndAFolderThatHoldsFiles) {
  const test_support::TempDir temp;
  const std::string path = temp.file("run.h5");
  write_run_file(path, small_record());
  EXPECT_EQ(error_of(temp.file("none.h5"), temp.file("out")),
            temp.file("none.h5") + ": no such file or folder");
  EXPECT_FALSE(fs::exists(temp.file("out")));
  EXPECT_EQ(error_of(temp.str(), temp.file("out")),
            temp.str() + ": no batch index (index.h5); run `minesim batch` (or `minesim "
                         "batch-merge` after a job array) first");
  const std::string busy = temp.write("busy/notes.txt", "mine");
  const std::string dir = fs::path(busy).parent_path().string();
  EXPECT_EQ(error_of(path, dir), dir + ": folder exists and is not empty; pass --force to write "
                                       "into it (files of the same names are replaced)");
  EXPECT_FALSE(fs::exists(fs::path(dir) / "timeseries.csv"));
  EXPECT_EQ(error_of(path, dir, true), "no error");
  EXPECT_TRUE(fs::exists(fs::path(dir) / "timeseries.csv"));
  EXPECT_EQ(text_of(busy), "mine");
  EXPECT_EQ(error_of(path, path), path + ": exists and is not a folder");
}

} // namespace
} // namespace minesim
