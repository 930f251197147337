// Checkpoints (model/checkpoint.hpp): a run restored from one finishes with the results of an
// uninterrupted run, bit for bit; a checkpoint that is truncated, corrupt, of another format
// version, build or scenario is refused with an InputError naming the file, never a crash.
#include "engine/errors.hpp"
#include "model/checkpoint.hpp"
#include "model/simulation.hpp"
#include "tests/support/same_series.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

namespace minesim {
namespace {

using scenarios_for_tests::small_region;

const std::string build = "minesim test build";
const std::string toml_text = "resolved scenario text";

/// A small region with scenarios/early_closure.toml's calendar: mines close at step 60 and
/// a parameter is set at step 120, so that restoring after it has to replay the `set`.
Parameters with_calendar() {
  const std::vector<std::string> overrides{"households.count=400", "region.villages=10",
                                           "simulation.steps=126", "simulation.panel_size=30",
                                           "region.side_km=15"};
  const LoadedScenario s =
      load_scenario(std::string(MINESIM_SOURCE_DIR) + "/scenarios/early_closure.toml",
                    parameter_specs(), event_specs(), overrides);
  return parameters_from(s);
}

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Everything of a record that is a result: time series, panel, event columns.
void expect_same_results(const RunRecord& a, const RunRecord& b) {
  test_support::expect_same_series(a.timeseries, b.timeseries);
  ASSERT_EQ(a.panel_fields.size(), b.panel_fields.size());
  for (std::size_t k = 0; k < a.panel_fields.size(); ++k)
    EXPECT_EQ(a.panel_fields[k].values, b.panel_fields[k].values) << a.panel_fields[k].name;
  ASSERT_EQ(a.tables.size(), b.tables.size());
  for (const auto& [name, columns] : a.tables) {
    const auto& other = b.tables.at(name);
    ASSERT_EQ(columns.size(), other.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      EXPECT_EQ(columns[c].integer, other[c].integer) << name << "/" << columns[c].name;
      EXPECT_EQ(columns[c].real, other[c].real) << name << "/" << columns[c].name;
    }
  }
}

/// Event rows of a run, flushed as a run file would have them, in one list per table.
struct Events {
  std::vector<std::vector<std::int64_t>> integer;
  std::vector<std::vector<double>> real;
};
void take_events(Simulation& sim, Events& events) {
  const RunRecord part = sim.output_so_far();
  std::vector<std::string> tables;
  std::vector<std::uint64_t> rows;
  for (const EventTable& t : part.events) {
    tables.push_back(t.name);
    for (const Column& c : t.columns) {
      events.integer.push_back(c.integer);
      events.real.push_back(c.real);
    }
    rows.push_back(
        t.columns.empty() ? 0 : std::max(t.columns[0].integer.size(), t.columns[0].real.size()));
  }
  sim.forget_written(tables, rows);
}

CheckpointHeader header_at(const Simulation& sim) {
  CheckpointHeader h;
  h.build = build;
  h.resolved_toml = toml_text;
  h.step = sim.steps_done();
  h.steps = sim.world().params.simulation.steps;
  h.output.steps_written = sim.steps_done();
  h.output.event_tables = {"negotiations", "inspections"};
  h.output.event_rows = {17, 3};
  return h;
}

TEST(Checkpoint, RestoredRunEqualsUninterruptedRunOnOneAndTwoThreads) {
  test_support::TempDir dir;
  const std::string path = (dir.path() / "run.h5.checkpoint").string();
  const Parameters params = with_calendar();

  omp_set_num_threads(1);
  Simulation whole(params);
  ASSERT_TRUE(whole.run());

  for (const int threads : {1, 2}) {
    for (const std::int64_t stop : {1, 61, 123}) {
      omp_set_num_threads(threads);
      Simulation first(params);
      Events events_first;
      ASSERT_TRUE(first.run_until(stop));
      take_events(first, events_first); // a checkpoint follows a flush
      write_checkpoint(path, first, header_at(first));

      omp_set_num_threads(3 - threads);
      Checkpoint checkpoint = read_checkpoint(path);
      EXPECT_EQ(checkpoint.header.step, stop);
      EXPECT_EQ(checkpoint.header.output.event_rows, (std::vector<std::uint64_t>{17, 3}));
      check_checkpoint(checkpoint, build, toml_text);
      Simulation second(params);
      restore_checkpoint(checkpoint, second);
      EXPECT_EQ(second.steps_done(), stop);
      EXPECT_EQ(second.world().params.mines.damage_ha_per_10kt,
                stop >= 120 ? 0.33 : params.mines.damage_ha_per_10kt);
      ASSERT_TRUE(second.run());
      expect_same_results(whole.record("", ""), second.record("", ""));

      // The events: those taken before the checkpoint, then the resumed run's, are the
      // uninterrupted run's.
      Events events_whole, events_second;
      Simulation again(params);
      ASSERT_TRUE(again.run());
      take_events(again, events_whole);
      take_events(second, events_second);
      const std::size_t columns = events_whole.integer.size();
      ASSERT_EQ(events_first.integer.size(), columns);
      for (std::size_t c = 0; c < columns; ++c) {
        std::vector<std::int64_t> joined = events_first.integer[c];
        joined.insert(joined.end(), events_second.integer[c].begin(),
                      events_second.integer[c].end());
        EXPECT_EQ(joined, events_whole.integer[c]) << "column " << c;
        std::vector<double> joined_real = events_first.real[c];
        joined_real.insert(joined_real.end(), events_second.real[c].begin(),
                           events_second.real[c].end());
        EXPECT_EQ(joined_real, events_whole.real[c]) << "column " << c;
      }
    }
  }
}

TEST(Checkpoint, GameModeRestores) {
  test_support::TempDir dir;
  const std::string path = (dir.path() / "game.checkpoint").string();
  const Parameters params = scenarios_for_tests::baseline_with(
      {"game.tripartite=true", "game.population=2000", "simulation.steps=40"});
  Simulation whole(params);
  ASSERT_TRUE(whole.run());
  Simulation first(params);
  ASSERT_TRUE(first.run_until(13));
  CheckpointHeader h = header_at(first);
  h.output.event_tables.clear();
  h.output.event_rows.clear();
  write_checkpoint(path, first, h);
  Simulation second(params);
  restore_checkpoint(read_checkpoint(path), second);
  ASSERT_TRUE(second.run());
  expect_same_results(whole.record("", ""), second.record("", ""));
}

class CheckpointFile : public ::testing::Test {
protected:
  void SetUp() override {
    sim_.emplace(small_region({"simulation.steps=12"}));
    ASSERT_TRUE(sim_->run_until(5));
    path_ = (dir_.path() / "run.checkpoint").string();
    write_checkpoint(path_, *sim_, header_at(*sim_));
    bytes_ = read_bytes(path_);
  }

  /// Read, check and restore `bytes` as a checkpoint: true when all of it was accepted,
  /// false on an InputError naming the file; any other exception fails the test.
  bool accepted(const std::vector<char>& bytes) {
    write_bytes(path_, bytes);
    try {
      const Checkpoint c = read_checkpoint(path_);
      check_checkpoint(c, build, toml_text);
      Simulation fresh(small_region({"simulation.steps=12"}));
      restore_checkpoint(c, fresh);
      return true;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
      return false;
    }
  }

  /// `bytes` with the checksum recomputed over its payload, so that the reader's own checks
  /// of lengths and sizes are what stands between a corrupt payload and a crash.
  static std::vector<char> with_checksum(std::vector<char> bytes) {
    constexpr std::size_t prefix = 28;
    const std::uint64_t sum = fnv1a64(bytes.data() + prefix, bytes.size() - prefix - 8);
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
    return bytes;
  }

  test_support::TempDir dir_;
  std::optional<Simulation> sim_;
  std::string path_;
  std::vector<char> bytes_;
};

TEST_F(CheckpointFile, IntactIsAccepted) {
  EXPECT_TRUE(accepted(bytes_));
}

TEST_F(CheckpointFile, EveryTruncationIsRefused) {
  // Every length up to 4 KiB (the prefix and header), then a spread of lengths to the end.
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n < std::min<std::size_t>(4096, bytes_.size()); ++n)
    lengths.push_back(n);
  for (std::size_t n = 4096; n < bytes_.size(); n += 997)
    lengths.push_back(n);
  lengths.push_back(bytes_.size() - 1);
  for (const std::size_t n : lengths) {
    const std::vector<char> cut(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(accepted(cut)) << "truncated to " << n << " bytes";
  }
  std::vector<char> longer = bytes_;
  longer.push_back('x');
  EXPECT_FALSE(accepted(longer));
}

TEST_F(CheckpointFile, FlippedBitIsCaughtByTheChecksum) {
  std::mt19937_64 random(7);
  for (int k = 0; k < 200; ++k) {
    std::vector<char> bad = bytes_;
    const std::size_t at = 28 + random() % (bytes_.size() - 36);
    bad[at] = static_cast<char>(bad[at] ^ (1 << (random() % 8)));
    EXPECT_FALSE(accepted(bad)) << "flipped a bit at byte " << at;
  }
}

TEST_F(CheckpointFile, CorruptLengthsWithValidChecksumAreRefused) {
  // With the checksum recomputed, the reader's own checks are all that stands between a
  // corrupt length and a read past the end: the lengths of the build text and of the
  // scenario text, and the step, are the first fields of the payload.
  constexpr std::size_t payload = 28;
  std::uint64_t build_length = 0;
  std::memcpy(&build_length, bytes_.data() + payload, 8);
  ASSERT_EQ(build_length, build.size());
  const std::size_t toml_at = payload + 8 + build_length;
  std::uint64_t toml_length = 0;
  std::memcpy(&toml_length, bytes_.data() + toml_at, 8);
  ASSERT_EQ(toml_length, toml_text.size());
  const std::size_t step_at = toml_at + 8 + toml_length;
  for (const std::size_t field : {payload, toml_at}) {
    for (std::size_t byte = 2; byte < 8; ++byte) {
      std::vector<char> bad = bytes_;
      bad[field + byte] = static_cast<char>(bad[field + byte] ^ 0x40);
      EXPECT_FALSE(accepted(with_checksum(bad))) << "length at byte " << field << " changed";
    }
  }
  for (const std::size_t byte : {std::size_t{1}, std::size_t{3}, std::size_t{7}}) {
    std::vector<char> bad = bytes_;
    bad[step_at + byte] = static_cast<char>(bad[step_at + byte] ^ 0x80);
    EXPECT_FALSE(accepted(with_checksum(bad))) << "step's byte " << byte << " changed";
  }
}

TEST_F(CheckpointFile, CorruptStateWithValidChecksumNeverCrashes) {
  // Bytes spread over the whole payload, each changed with a valid checksum: values may be
  // accepted (they are only numbers), and a structural change must give an InputError;
  // a crash or a read out of bounds (under the sanitizers) fails the test.
  std::mt19937_64 random(11);
  std::size_t refused = 0;
  constexpr int tries = 150;
  for (int k = 0; k < tries; ++k) {
    std::vector<char> bad = bytes_;
    const std::size_t at = 28 + random() % (bytes_.size() - 36);
    bad[at] = static_cast<char>(bad[at] ^ 0xff);
    refused += accepted(with_checksum(bad)) ? 0 : 1;
  }
  RecordProperty("refused", static_cast<int>(refused));
}

TEST_F(CheckpointFile, OtherFormatVersionIsRefused) {
  std::vector<char> other = bytes_;
  const std::uint32_t version = checkpoint_format_version + 1;
  std::memcpy(other.data() + 12, &version, 4);
  write_bytes(path_, other);
  try {
    (void)read_checkpoint(path_);
    FAIL() << "accepted another format version";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("format version 2"), std::string::npos) << e.what();
  }
}

TEST_F(CheckpointFile, NotACheckpointIsRefused) {
  EXPECT_FALSE(accepted(std::vector<char>(4096, 'x')));
  write_bytes(path_, {});
  std::filesystem::remove(path_);
  EXPECT_THROW((void)read_checkpoint(path_), InputError);
}

TEST_F(CheckpointFile, OtherBuildOrScenarioIsRefused) {
  const Checkpoint c = read_checkpoint(path_);
  EXPECT_THROW(check_checkpoint(c, "minesim other build", toml_text), InputError);
  try {
    check_checkpoint(c, build, toml_text + " changed");
    FAIL() << "accepted another scenario";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another scenario or seed"), std::string::npos);
  }
}

TEST_F(CheckpointFile, WorldOfAnotherSizeIsRefused) {
  const Checkpoint c = read_checkpoint(path_);
  Simulation other(small_region({"simulation.steps=12", "households.count=601"}));
  try {
    restore_checkpoint(c, other);
    FAIL() << "restored into a world of another size";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
  }
}

} // namespace
} // namespace minesim
