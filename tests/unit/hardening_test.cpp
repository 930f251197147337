// The guards of docs/hardening.md that work below the command line: the nesting limit on
// TOML text, line numbers of parsed values, the in-memory scenario entry point, the
// NaN/Inf check, and the HDF5 writers' handling of a disk that takes no bytes.
#include "engine/finite_check.hpp"
#include "io/index_file.hpp"
#include "io/run_file.hpp"
#include "scenario/loader.hpp"
#include "scenario/toml_limits.hpp"
#include "scenario/toml_position.hpp"

#include "model/parameters.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace minesim {
namespace {

namespace fs = std::filesystem;

/// The message of the InputError `f` throws, or "" when it throws nothing.
template <class F> std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string nesting_error(const std::string& text) {
  return error_of([&] { check_toml_nesting(text, "x.toml"); });
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

TEST(TomlNesting, AcceptsOrdinaryFiles) {
  EXPECT_EQ(nesting_error("[households]\ncount = 300\n[[calendar.events]]\nstep = 1\n"), "");
  EXPECT_EQ(nesting_error("set.influence.epsilon = 0.1\ngrid.a.b = [0.5, 1.5, 2.25]\n"), "");
  EXPECT_EQ(nesting_error("x = 1979-05-27T07:32:00.999Z\ny = 1.5e3\nz = -0.25\n"), "");
  EXPECT_EQ(nesting_error("a = " + repeat("[", 30) + repeat("]", 30) + "\n"), "");
}

TEST(TomlNesting, RefusesDeepArraysInlineTablesAndDottedKeys) {
  const std::string want = "x.toml:2: syntax error: nested more than 32 levels deep";
  EXPECT_EQ(nesting_error("# deep\na = " + repeat("[", 33) + "\n").rfind(want, 0), 0u);
  EXPECT_EQ(nesting_error("\na = " + repeat("{b = ", 40) + "1" + repeat("}", 40)).rfind(want, 0),
            0u);
  EXPECT_EQ(nesting_error("\na" + repeat(".a", 40) + " = 1\n").rfind(want, 0), 0u);
  EXPECT_EQ(nesting_error("\n[a" + repeat(".a", 40) + "]\n").rfind(want, 0), 0u);
  // A dotted key inside nested inline tables adds up.
  EXPECT_NE(nesting_error("a = " + repeat("{b.c.d = ", 12) + "1" + repeat("}", 12)), "");
}

TEST(TomlNesting, IgnoresBracketsInStringsAndComments) {
  const std::string brackets = repeat("[{", 50);
  EXPECT_EQ(nesting_error("a = \"" + brackets + "\"\n"), "");
  EXPECT_EQ(nesting_error("a = '" + brackets + "'\n"), "");
  EXPECT_EQ(nesting_error("a = \"\"\"\n" + brackets + "\n\"\"\"\n"), "");
  EXPECT_EQ(nesting_error("a = '''\n" + brackets + "\n'''\n"), "");
  EXPECT_EQ(nesting_error("# " + brackets + "\n"), "");
  EXPECT_EQ(nesting_error("a = \"\\\"" + brackets + "\"\n"), ""); // an escaped quote
  EXPECT_EQ(nesting_error("\"" + repeat("a.", 50) + "\" = 1\n"), "");
  // Lines counted inside multi-line strings place the error.
  EXPECT_EQ(nesting_error("a = \"\"\"\n\n\n\"\"\"\nb = " + repeat("[", 40)).rfind("x.toml:5:", 0),
            0u);
}

TEST(TomlValuesPerLine, RefusesALineOfMoreThan4096ValuesAndAcceptsTheSameListOnLines) {
  const std::string one_line = "\nx = [" + repeat("1, ", 4096) + "1]\n";
  EXPECT_EQ(nesting_error(one_line),
            "x.toml:2: syntax error: more than 4096 values on one line; write long lists over "
            "several lines");
  EXPECT_EQ(nesting_error("x = [" + repeat("1, ", 4095) + "1]\n"), "");
  EXPECT_EQ(nesting_error("x = [\n" + repeat("1,\n", 20000) + "1]\n"), "");
  EXPECT_NE(nesting_error("x = [" + repeat("{a = 1}, ", 4097) + "]\n"), "");
  // Commas in strings and comments are not values.
  EXPECT_EQ(nesting_error("x = \"" + repeat(",", 5000) + "\" # " + repeat(",", 5000) + "\n"), "");
}

TEST(TomlUtf8, AcceptsUtf8AndRefusesEverythingElse) {
  const auto error = [](const std::string& text) {
    return error_of([&] { check_toml_utf8(text, "x.toml"); });
  };
  EXPECT_EQ(error("a = \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"\n"), "");
  EXPECT_EQ(error("\xef\xbb\xbf"
                  "a = 1\n"),
            ""); // a byte-order mark
  EXPECT_EQ(error("a = 'x\xff'\n"), "x.toml:1: syntax error: not UTF-8 text (byte 0xFF); a TOML "
                                    "file must be UTF-8");
  for (const std::string bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                "\xf8\x88\x80\x80\x80", "\xc3", "\x80", "\xe2\x82"}) {
    EXPECT_EQ(error("a = 1\n# " + bad + "\n").rfind("x.toml:2: syntax error: not UTF-8", 0), 0u)
        << "accepted";
  }
}

TEST(TomlText, ReadsAtMostTheLimit) {
  std::istringstream small("a = 1\n");
  std::string text;
  EXPECT_TRUE(read_toml_text(small, text));
  EXPECT_EQ(text, "a = 1\n");
  std::istringstream big(std::string(max_toml_bytes + 1, '#'));
  EXPECT_FALSE(read_toml_text(big, text));
  EXPECT_EQ(text.size(), max_toml_bytes);
}

TEST(TomlPosition, LinesAndOffsetsMatchToml11) {
  std::istringstream in("# c\n[t]\na = 1\n\nb = [\n  2,\n  3,\n]\n[[e]]\nx = \"s\"\n");
  const toml::value doc = toml::parse(in, "x.toml");
  const toml::value& t = doc.at("t");
  for (const toml::value* v :
       {&t.at("a"), &t.at("b"), &t.at("b").as_array()[1], &doc.at("e").as_array()[0].at("x")}) {
    EXPECT_EQ(toml_line(*v), static_cast<int>(v->location().line()));
  }
  EXPECT_LT(toml_offset(t.at("a")), toml_offset(t.at("b")));
  EXPECT_EQ(toml_line(toml::value(1)), 0);
  EXPECT_EQ(toml_offset(toml::value(1)), std::numeric_limits<std::size_t>::max());
}

TEST(LoadScenarioText, LoadsLikeAFileAndNamesIt) {
  const auto specs = parameter_specs();
  const auto events = event_specs();
  const LoadedScenario s =
      load_scenario_text("[simulation]\nsteps = 12\n", "mem.toml", specs, events, {});
  EXPECT_EQ(std::get<std::int64_t>(s.values[s.index_of("simulation.steps")]), 12);
  EXPECT_EQ(s.path, "mem.toml");
  EXPECT_EQ(s.text, "[simulation]\nsteps = 12\n");
  EXPECT_EQ(error_of([&] {
              (void)load_scenario_text("\n[simulation]\nstpes = 1\n", "mem.toml", specs, events,
                                       {});
            }).rfind("mem.toml:3: simulation.stpes: unknown key", 0),
            0u);
  EXPECT_EQ(error_of([&] {
              (void)load_scenario_text("scenario = \"x.toml\"\n", "b.toml", specs, events, {});
            }).rfind("b.toml:1: scenario: this is a batch file's key", 0),
            0u);
}

TEST(ExtendsChain, RefusesMoreThan16FilesAndMoreThan16MiBInAll) {
  const test_support::TempDir temp("chain");
  const fs::path& dir = temp.path();
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const auto load = [&](const std::string& path) {
    return error_of([&] { (void)load_scenario(path, parameter_specs(), event_specs(), {}); });
  };
  // f0 extends f1 ... extends f<n-1>: n files.
  const auto chain = [&](int n) {
    for (int i = 0; i < n; ++i) {
      std::string text;
      if (i + 1 < n) text.append("extends = \"f").append(std::to_string(i + 1)).append(".toml\"\n");
      write(std::string("f").append(std::to_string(i)).append(".toml"), text);
    }
    return (dir / "f0.toml").string();
  };
  EXPECT_EQ(load(chain(16)), "");
  EXPECT_EQ(load(chain(17)), (dir / "f15.toml").string() +
                                 ":1: extends: more than 16 files in the extends chain; extend "
                                 "a file with fewer layers");
  // Two files of 9 MiB each: each under the 16 MiB of one file, together over it.
  const std::string padding(9 << 20, '#');
  write("big_base.toml", padding + "\n");
  const std::string top = write("big_top.toml", "extends = \"big_base.toml\"\n" + padding + "\n");
  EXPECT_EQ(load(top), top + ":1: extends: cannot read \"big_base.toml\" (looked for " +
                           (dir / "big_base.toml").string() +
                           "): the extends chain holds more than 16 MiB of TOML, more than any "
                           "scenario needs");
}

std::vector<TimeSeries> series_with(double value_at_step_2) {
  return {TimeSeries{"A", "1", "a", {0.0, 1.0, 2.0}},
          TimeSeries{"B", "1", "b", {0.0, 1.0, value_at_step_2}}};
}

TEST(FiniteCheck, NamesTheFirstNonFiniteValueAndItsStep) {
  FiniteCheck ok;
  EXPECT_NO_THROW(ok.scan(series_with(3.0)));
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    FiniteCheck check;
    try {
      check.scan(series_with(bad));
      ADD_FAILURE() << "no error for " << bad;
    } catch (const NonFiniteValue& e) {
      EXPECT_EQ(std::string(e.what()), std::string("time series B is ") +
                                           (std::isnan(bad) ? "nan" : "infinite") + " at step 2");
    }
  }
}

TEST(FiniteCheck, ScansOnlyWhatWasRecordedSinceTheLastCall) {
  std::vector<TimeSeries> series{TimeSeries{"A", "1", "a", {0.0}}};
  FiniteCheck check;
  check.scan(series);
  series[0].values.push_back(1.0);
  EXPECT_NO_THROW(check.scan(series));
  series[0].values[0] = std::nan(""); // already checked: not scanned again
  series[0].values.push_back(2.0);
  EXPECT_NO_THROW(check.scan(series));
  series[0].values.push_back(-std::numeric_limits<double>::infinity());
  EXPECT_THROW(check.scan(series), NonFiniteValue);
}

/// A leftover of a killed run where the partial file goes: a link to /dev/full, whose writes
/// fail with ENOSPC. The writer replaces it, never writes through it. (Full disks and failed
/// writes are tests/integration/faults.sh's full_disk and dev_full: they need a small file
/// system or a file size limit, which a test process cannot set for itself without its
/// own exit running into them.)
TEST(RunFileLeftovers, LinkWherePartialFileGoesIsReplaced) {
  const test_support::TempDir temp{"leftover_link"};
  const std::string path = (temp.path() / "run.h5").string();
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  fs::create_symlink("/dev/full", partial_path(path));
  RunRecord record;
  record.steps = 1;
  record.timeseries.push_back(TimeSeries{"A", "1", "a", {0.0, 1.0}});
  write_run_file(path, record);
  EXPECT_TRUE(fs::is_regular_file(path));
  EXPECT_FALSE(fs::exists(fs::symlink_status(partial_path(path))));
}

/// A folder in the way of the partial file: one line naming it and the reason, no file.
TEST(RunFileLeftovers, FolderInTheWayIsAClearError) {
  const test_support::TempDir temp{"leftover_folder"};
  const std::string path = (temp.path() / "run.h5").string();
  fs::create_directories(fs::path(partial_path(path)) / "in_the_way");
  RunRecord record;
  record.steps = 1;
  record.timeseries.push_back(TimeSeries{"A", "1", "a", {0.0, 1.0}});
  try {
    write_run_file(path, record);
    ADD_FAILURE() << "wrote through a folder";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(partial_path(path)), std::string::npos) << what;
    EXPECT_NE(what.find("Directory not empty"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(path));
}

/// A folder whose index file's partial name is a link to /dev/full: every write fails with
/// ENOSPC, as on a full disk.
class FullDisk : public ::testing::Test {
protected:
  void SetUp() override {
    if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  }
  const test_support::TempDir temp_{"full_disk"};
  const fs::path dir_ = temp_.path();
};

TEST_F(FullDisk, IndexWriterFailsCleanly) {
  const std::string path = (dir_ / "index.h5").string();
  fs::create_symlink("/dev/full", path + ".partial");
  IndexContents contents;
  EXPECT_THROW(write_index_file(path, contents), std::runtime_error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::is_symlink(path + ".partial"));
}

} // namespace
} // namespace minesim
