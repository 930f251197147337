// Scenario loader: TOML validation against a parameter table, `extends`, the calendar,
// --set overrides, the resolved-TOML round trip, and the bad-input corpus. The loader tests
// build their own small spec table so they do not change when the model's parameters do;
// only the corpus test uses the model's table, which the corpus is written against.
#include "scenario/loader.hpp"

#include "model/parameters.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifndef MINESIM_TEST_DATA
#define MINESIM_TEST_DATA "tests/data"
#endif

namespace minesim {
namespace {

namespace fs = std::filesystem;
constexpr double inf = std::numeric_limits<double>::infinity();

ParameterSpec spec(std::string key, ValueType type, Value default_value, double min = -inf,
                   double max = inf, std::vector<std::string> choices = {}) {
  ParameterSpec s;
  s.key = std::move(key);
  s.type = type;
  s.default_value = std::move(default_value);
  s.min = min;
  s.max = max;
  s.choices = std::move(choices);
  s.unit = type == ValueType::real ? "km" : "1";
  s.meaning = "test parameter";
  s.source = "test";
  return s;
}

ParameterSpec fixed(ParameterSpec s) {
  s.calendar_settable = false;
  return s;
}

EventFieldSpec field(std::string name, ValueType type, double min, double max, bool required) {
  EventFieldSpec f;
  f.name = std::move(name);
  f.type = type;
  f.min = min;
  f.max = max;
  f.required = required;
  return f;
}

/// A small table exercising every type, range shape and nesting depth.
std::vector<ParameterSpec> fake_specs() {
  return {
      spec("run.steps", ValueType::integer, std::int64_t{100}, 1),
      spec("run.seed", ValueType::integer, std::int64_t{1}, 0),
      spec("field.size", ValueType::real, 10.0, 0.5, 100.0),
      spec("field.rate", ValueType::real, 0.25, 0.0, 1.0),
      spec("field.free", ValueType::real, 0.0),
      spec("field.label", ValueType::string, std::string("plain")),
      spec("opinion.model", ValueType::string, std::string("degroot"), -inf, inf,
           {"degroot", "bounded_confidence"}),
      spec("opinion.enabled", ValueType::boolean, true),
      spec("deep.a.b", ValueType::real, 1.5),
      fixed(spec("pop.count", ValueType::integer, std::int64_t{50}, 20)),
  };
}

std::vector<EventSpec> fake_events() {
  EventSpec close;
  close.action = "close_site";
  close.meaning = "close a site";
  close.fields = {field("site", ValueType::integer, 0, inf, true),
                  field("weight", ValueType::real, 0, 1, false)};
  return {close};
}

using test_support::TempDir;

class LoaderTest : public ::testing::Test {
protected:
  LoadedScenario load(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return load_scenario(dir.write("scenario.toml", text), specs, events, overrides);
  }

  /// The one-line message of loading `text`, or "" when it loads.
  std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
    try {
      (void)load(text, overrides);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  std::string file() const { return dir.str() + "/scenario.toml"; }

  template <typename T> T get(const LoadedScenario& s, const std::string& key) const {
    return std::get<T>(s.values.at(s.index_of(key)));
  }

  TempDir dir;
  std::vector<ParameterSpec> specs = fake_specs();
  std::vector<EventSpec> events = fake_events();
};

// --- nearest_key -------------------------------------------------------------------------

TEST(NearestKey, TransposedLettersInTheKeyName) {
  const std::vector<std::string> keys{"households.count", "mines.count", "simulation.steps"};
  EXPECT_EQ(nearest_key("households.cuont", keys), "households.count");
}

TEST(NearestKey, TransposedLettersInTheTableName) {
  const std::vector<std::string> keys{"households.count", "mines.count", "simulation.steps"};
  EXPECT_EQ(nearest_key("hosueholds.count", keys), "households.count");
}

TEST(NearestKey, LastComponentFindsKeyInAnotherTable) {
  const std::vector<std::string> keys{"simulation.steps", "region.side_km"};
  EXPECT_EQ(nearest_key("region.steps", keys), "simulation.steps");
  EXPECT_EQ(nearest_key("steps", keys), "simulation.steps");
}

TEST(NearestKey, NothingCloseGivesEmpty) {
  const std::vector<std::string> keys{"households.count", "network.rewiring"};
  EXPECT_EQ(nearest_key("weather.rainfall_mm", keys), "");
  EXPECT_EQ(nearest_key("", keys), "");
  EXPECT_EQ(nearest_key("households.count", std::vector<std::string>{}), "");
}

TEST(NearestKey, PrefersTheCloserWholePathThenTheEarlierCandidate) {
  const std::vector<std::string> keys{"mines.count", "households.count"};
  EXPECT_EQ(nearest_key("households.cont", keys), "households.count");
  const std::vector<std::string> twins{"a.xy", "b.xy"};
  EXPECT_EQ(nearest_key("c.xy", twins), "a.xy");
}

TEST(NearestKey, WorksForPlainWords) {
  const std::vector<std::string> actions{"close_mine", "set"};
  EXPECT_EQ(nearest_key("close_mines", actions), "close_mine");
  EXPECT_EQ(nearest_key("sett", actions), "set");
}

// --- to_toml and type_name ---------------------------------------------------------------

TEST(ToToml, Literals) {
  EXPECT_EQ(to_toml(Value{std::int64_t{-42}}), "-42");
  EXPECT_EQ(to_toml(Value{2.0}), "2.0");
  EXPECT_EQ(to_toml(Value{0.1}), "0.1");
  EXPECT_EQ(to_toml(Value{-0.0}), "-0.0");
  EXPECT_EQ(to_toml(Value{1e300}), "1e+300");
  EXPECT_EQ(to_toml(Value{1e8}), "100000000.0");
  EXPECT_EQ(to_toml(Value{1e-7}), "1e-07");
  EXPECT_EQ(to_toml(Value{inf}), "inf");
  EXPECT_EQ(to_toml(Value{true}), "true");
  EXPECT_EQ(to_toml(Value{std::string("a \"b\" \\ c\n\t\x01")}), R"("a \"b\" \\ c\n\t\u0001")");
  EXPECT_EQ(to_toml(Value{std::string("Nyakabingo \xc3\xa9")}), "\"Nyakabingo \xc3\xa9\"");
}

TEST(ToToml, TypeNames) {
  EXPECT_EQ(type_name(ValueType::integer), "integer");
  EXPECT_EQ(type_name(ValueType::real), "real");
  EXPECT_EQ(type_name(ValueType::boolean), "boolean");
  EXPECT_EQ(type_name(ValueType::string), "string");
}

TEST_F(LoaderTest, DoublesReadBackBitExactly) {
  std::mt19937_64 gen(12345);
  std::uniform_int_distribution<std::uint64_t> bits;
  std::vector<double> xs{0.1,
                         1.0 / 3.0,
                         2.0,
                         -7.5e-310,
                         1e-300,
                         123456789.0,
                         9007199254740993.0,
                         std::numeric_limits<double>::max(),
                         std::numeric_limits<double>::min()};
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t b = bits(gen);
    double d = 0.0;
    std::memcpy(&d, &b, sizeof d);
    if (std::isfinite(d)) xs.push_back(d);
  }
  for (const double x : xs) {
    const auto s = load("", {"field.free=" + to_toml(Value{x})});
    const double back = get<double>(s, "field.free");
    EXPECT_EQ(std::memcmp(&back, &x, sizeof x), 0) << to_toml(Value{x});
  }
}

// --- files and values --------------------------------------------------------------------

TEST_F(LoaderTest, EmptyFileUsesAllDefaults) {
  const auto s = load("");
  ASSERT_EQ(s.values.size(), specs.size());
  ASSERT_EQ(s.keys.size(), specs.size());
  ASSERT_EQ(s.positions.size(), specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(s.keys[i], specs[i].key);
    EXPECT_EQ(s.values[i], specs[i].default_value) << specs[i].key;
    EXPECT_EQ(s.positions[i].file, "");
    EXPECT_EQ(s.positions[i].line, 0);
  }
  EXPECT_TRUE(s.events.empty());
  EXPECT_EQ(s.text, "");
  EXPECT_EQ(s.path, file());
}

TEST_F(LoaderTest, CommentsOnlyIsAlsoAllDefaults) {
  const auto s = load("# nothing to change\n\n");
  EXPECT_EQ(get<std::int64_t>(s, "run.steps"), 100);
}

TEST_F(LoaderTest, ValuesAndWhereTheyWereSet) {
  const std::string text = "# a scenario\n"
                           "[run]\n"
                           "steps = 240\n"
                           "\n"
                           "[field]\n"
                           "size = 12\n"
                           "label = \"north\"\n"
                           "[opinion]\n"
                           "enabled = false\n";
  const auto s = load(text);
  EXPECT_EQ(s.text, text);
  EXPECT_EQ(get<std::int64_t>(s, "run.steps"), 240);
  EXPECT_EQ(get<double>(s, "field.size"), 12.0); // a TOML integer for a real parameter
  EXPECT_EQ(get<std::string>(s, "field.label"), "north");
  EXPECT_EQ(get<bool>(s, "opinion.enabled"), false);
  const auto& steps_pos = s.positions[s.index_of("run.steps")];
  EXPECT_EQ(steps_pos.file, file());
  EXPECT_EQ(steps_pos.line, 3);
  EXPECT_EQ(s.positions[s.index_of("opinion.enabled")].line, 9);
  EXPECT_EQ(s.positions[s.index_of("run.seed")].line, 0); // default
}

TEST_F(LoaderTest, DeeperPathsAndDottedKeys) {
  EXPECT_EQ(get<double>(load("[deep.a]\nb = 2.5\n"), "deep.a.b"), 2.5);
  EXPECT_EQ(get<double>(load("deep.a.b = 3.5\n"), "deep.a.b"), 3.5);
  EXPECT_EQ(get<std::int64_t>(load("run = { steps = 7 }\n"), "run.steps"), 7);
}

TEST_F(LoaderTest, IndexOfUnknownKeyThrows) {
  const auto s = load("");
  EXPECT_EQ(s.index_of("run.seed"), 1u);
  EXPECT_THROW((void)s.index_of("run.nope"), std::out_of_range);
}

TEST_F(LoaderTest, TypeErrors) {
  EXPECT_EQ(error_of("[run]\nsteps = 2.5\n"),
            file() + ":2: run.steps: expected an integer, got a float (2.5)");
  EXPECT_EQ(error_of("[run]\nsteps = 3.0\n"),
            file() + ":2: run.steps: expected an integer, got a float (3.0)");
  EXPECT_EQ(error_of("[field]\nsize = \"12\"\n"),
            file() + ":2: field.size: expected a number, got a string (\"12\")");
  EXPECT_EQ(error_of("[opinion]\nenabled = 1\n"),
            file() + ":2: opinion.enabled: expected a boolean (true or false), got an integer (1)");
  EXPECT_EQ(error_of("[field]\nlabel = true\n"),
            file() + ":2: field.label: expected a string, got a boolean (true)");
  EXPECT_EQ(error_of("[field]\nsize = [1, 2]\n"),
            file() + ":2: field.size: expected a number, got an array");
  EXPECT_EQ(error_of("[run]\nseed = 1979-05-27\n"),
            file() + ":2: run.seed: expected an integer, got a date/time");
}

TEST_F(LoaderTest, SetEventGivenOutsideAFile) {
  const OverrideChecker checker(specs, events);
  const CalendarEvent e = checker.set_event(7, "field.rate=0.5", "Simulation.set");
  EXPECT_EQ(e.step, 7);
  EXPECT_EQ(e.action, "set");
  EXPECT_EQ(std::get<std::string>(e.fields.at("key")), "field.rate");
  EXPECT_EQ(std::get<double>(e.fields.at("value")), 0.5);
  EXPECT_EQ(e.pos.str(), "Simulation.set");
  EXPECT_EQ(std::get<std::string>(
                checker.set_event(1, "opinion.model=bounded_confidence", "Simulation.set")
                    .fields.at("value")),
            "bounded_confidence");

  const auto error_of_set = [&](const std::string& text) -> std::string {
    try {
      (void)checker.set_event(1, text, "Simulation.set");
    } catch (const InputError& error) {
      return error.what();
    }
    return "";
  };
  // A key fixed at initialisation is refused before its value is looked at.
  EXPECT_EQ(error_of_set("pop.count=3"),
            "Simulation.set: pop.count: pop.count cannot be set during a run; it is fixed at "
            "initialisation");
  EXPECT_EQ(error_of_set("field.rat=0.5").rfind("Simulation.set: field.rat: ", 0), 0U);
  EXPECT_NE(error_of_set("field.rat=0.5").find("did you mean 'field.rate'"), std::string::npos);
  EXPECT_EQ(error_of_set("field.rate=2"),
            "Simulation.set: field.rate: must be in [0, 1] (got 2.0)");
  EXPECT_EQ(error_of_set("opinion.enabled=1"),
            "Simulation.set: opinion.enabled: expected a boolean (true or false), got an "
            "integer (1)");
  EXPECT_NE(error_of_set("no equals sign"), "");
}

TEST_F(LoaderTest, NonFiniteRealsRejected) {
  EXPECT_EQ(error_of("[field]\nfree = nan\n"), file() + ":2: field.free: must be finite (got nan)");
  EXPECT_EQ(error_of("[field]\nfree = -inf\n"),
            file() + ":2: field.free: must be finite (got -inf)");
  EXPECT_EQ(error_of("[field]\nfree = +inf\n"),
            file() + ":2: field.free: must be finite (got inf)");
  // toml11 3.7 turns an overflowing literal into DBL_MAX; the loader notices.
  EXPECT_EQ(error_of("[field]\nfree = 1e400\n"),
            file() + ":2: field.free: must be finite (got 1e400)");
  EXPECT_EQ(get<double>(load("[field]\nfree = 1.7976931348623157e308\n"), "field.free"),
            std::numeric_limits<double>::max());
}

TEST_F(LoaderTest, IntegerOverflowRejected) {
  EXPECT_EQ(error_of("[run]\nseed = 99_999_999_999_999_999_999\n"),
            file() + ":2: run.seed: integer does not fit in 64 bits (got 99999999999999999999)");
  EXPECT_EQ(get<std::int64_t>(load("[run]\nseed = 9223372036854775807\n"), "run.seed"),
            std::numeric_limits<std::int64_t>::max());
}

TEST_F(LoaderTest, RangesAreInclusive) {
  EXPECT_EQ(get<double>(load("[field]\nrate = 0\n"), "field.rate"), 0.0);
  EXPECT_EQ(get<double>(load("[field]\nrate = 1.0\n"), "field.rate"), 1.0);
  EXPECT_EQ(get<std::int64_t>(load("[pop]\ncount = 20\n"), "pop.count"), 20);
  EXPECT_EQ(error_of("[field]\nrate = 1.0000001\n"),
            file() + ":2: field.rate: must be in [0, 1] (got 1.0000001)");
  EXPECT_EQ(error_of("[field]\nsize = 0.25\n"),
            file() + ":2: field.size: must be in [0.5, 100] (got 0.25)");
  EXPECT_EQ(error_of("[pop]\ncount = -5\n"), file() + ":2: pop.count: must be >= 20 (got -5)");
}

TEST_F(LoaderTest, StrictlyPositiveBoundReadsAsGreaterThanZero) {
  specs.push_back(spec("field.width", ValueType::real, 1.0, std::numeric_limits<double>::min()));
  EXPECT_EQ(error_of("[field]\nwidth = 0\n"), file() + ":2: field.width: must be > 0 (got 0.0)");
}

TEST_F(LoaderTest, ChoicesEnforcedWithSuggestion) {
  EXPECT_EQ(get<std::string>(load("[opinion]\nmodel = \"bounded_confidence\"\n"), "opinion.model"),
            "bounded_confidence");
  EXPECT_EQ(error_of("[opinion]\nmodel = \"bounded-confidence\"\n"),
            file() + ":2: opinion.model: must be one of \"degroot\", \"bounded_confidence\" "
                     "(got \"bounded-confidence\"); did you mean \"bounded_confidence\"?");
  EXPECT_EQ(error_of("[opinion]\nmodel = \"voter\"\n"),
            file() + ":2: opinion.model: must be one of \"degroot\", \"bounded_confidence\" "
                     "(got \"voter\")");
}

TEST_F(LoaderTest, UnknownKeysAndTables) {
  EXPECT_EQ(error_of("[run]\nsetps = 3\n"),
            file() + ":2: run.setps: unknown key; did you mean 'run.steps'?");
  EXPECT_EQ(error_of("[run]\nweather = 3\n"), file() + ":2: run.weather: unknown key");
  EXPECT_EQ(error_of("[fiedl]\nsize = 3\n"),
            file() + ":1: fiedl: unknown table; did you mean 'field'?");
  EXPECT_EQ(error_of("\n[weather]\nrain = 3\n"),
            file() + ":2: weather: unknown table (known tables: run, field, opinion, deep, pop, "
                     "calendar)");
  EXPECT_EQ(error_of("extend = \"base.toml\"\n"),
            file() + ":1: extend: unknown key; did you mean 'extends'?");
}

TEST_F(LoaderTest, ErrorsStayOneLineWhateverTheKey) {
  EXPECT_EQ(error_of("[run]\n\"two\\nlines\" = 1\n"), file() + ":2: run.two\\nlines: unknown key");
  EXPECT_EQ(error_of("", {"run.steps\nx=1"}),
            "--set: run.steps\\nx: unknown key; did you mean 'run.steps'?");
}

TEST_F(LoaderTest, FirstErrorInDocumentOrder) {
  EXPECT_EQ(error_of("[run]\nsteps = 0\nseed = -1\n[pop]\ncount = 1\n"),
            file() + ":2: run.steps: must be >= 1 (got 0)");
}

TEST_F(LoaderTest, TableAndValueInTheWrongPlace) {
  EXPECT_EQ(error_of("[run.steps]\nx = 1\n"),
            file() + ":1: run.steps: expected an integer, got a table");
  EXPECT_EQ(error_of("run = 5\n"),
            file() + ":1: run: expected a table ([run]), got an integer (5)");
  EXPECT_EQ(error_of("[deep]\na = 1.0\n"),
            file() + ":2: deep.a: expected a table ([deep.a]), got a float (1.0)");
}

TEST_F(LoaderTest, SyntaxErrorsAreOneLine) {
  const std::string unclosed = error_of("[run]\nsteps = 3\n[field]\nlabel = \"north\nsize = 2\n");
  EXPECT_EQ(unclosed.rfind(file() + ":4: syntax error: ", 0), 0u) << unclosed;
  EXPECT_EQ(unclosed.find('\n'), std::string::npos);
  EXPECT_EQ(unclosed.find("[error]"), std::string::npos);

  const std::string dup = error_of("[run]\nsteps = 3\nseed = 1\nsteps = 4\n");
  EXPECT_EQ(dup.rfind(file() + ":4: syntax error: ", 0), 0u) << dup;
  EXPECT_NE(dup.find("already exists"), std::string::npos) << dup;
  EXPECT_EQ(dup.find('\n'), std::string::npos);

  const std::string array = error_of("[field]\nsize = [1, 2\n\n[run]\nsteps = 3\n");
  EXPECT_EQ(array.rfind(file() + ":", 0), 0u) << array;
  EXPECT_NE(array.find(": syntax error: "), std::string::npos) << array;
  EXPECT_EQ(array.find('\n'), std::string::npos);
}

TEST_F(LoaderTest, MissingFileAndDirectory) {
  const std::string missing = dir.str() + "/nope.toml";
  try {
    (void)load_scenario(missing, specs, events, {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": file not found");
  }
  try {
    (void)load_scenario(dir.str(), specs, events, {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), dir.str() + ": is a directory, not a scenario file");
  }
}

// --- extends -----------------------------------------------------------------------------

TEST_F(LoaderTest, ExtendsInheritsAndOverridesKeyByKey) {
  const std::string base = dir.write("base.toml", "[run]\nsteps = 300\nseed = 9\n");
  const std::string child =
      dir.write("variants/child.toml", "extends = \"../base.toml\"\n[run]\nseed = 10\n");
  const auto s = load_scenario(child, specs, events, {});
  EXPECT_EQ(get<std::int64_t>(s, "run.steps"), 300);
  EXPECT_EQ(get<std::int64_t>(s, "run.seed"), 10);
  EXPECT_EQ(s.positions[s.index_of("run.steps")].file, base);
  EXPECT_EQ(s.positions[s.index_of("run.steps")].line, 2);
  EXPECT_EQ(s.positions[s.index_of("run.seed")].file, child);
  EXPECT_EQ(s.positions[s.index_of("run.seed")].line, 3);
  EXPECT_EQ(s.text, "extends = \"../base.toml\"\n[run]\nseed = 10\n"); // the top file only
}

TEST_F(LoaderTest, ExtendsChains) {
  (void)dir.write("a.toml", "[run]\nsteps = 1\nseed = 1\n[field]\nrate = 0.1\n");
  (void)dir.write("b.toml", "extends = \"a.toml\"\n[run]\nseed = 2\n");
  const std::string c = dir.write("c.toml", "extends = \"b.toml\"\n[field]\nrate = 0.3\n");
  const auto s = load_scenario(c, specs, events, {});
  EXPECT_EQ(get<std::int64_t>(s, "run.steps"), 1);
  EXPECT_EQ(get<std::int64_t>(s, "run.seed"), 2);
  EXPECT_EQ(get<double>(s, "field.rate"), 0.3);
}

TEST_F(LoaderTest, ExtendsErrorsNameTheIncludingLine) {
  const std::string a = dir.write("a.toml", "# a\nextends = \"b.toml\"\n");
  const std::string b = dir.write("b.toml", "\n\nextends = \"a.toml\"\n");
  try {
    (void)load_scenario(a, specs, events, {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              b + ":3: extends: circular extends: " + a + " -> " + b + " -> " + a);
  }
  EXPECT_EQ(error_of("extends = \"scenario.toml\"\n"),
            file() + ":1: extends: circular extends: " + file() + " -> " + file());
  EXPECT_EQ(error_of("\nextends = \"missing.toml\"\n"),
            file() + ":2: extends: cannot read \"missing.toml\" (looked for " + dir.str() +
                "/missing.toml): file not found");
  EXPECT_EQ(error_of("extends = 3\n"),
            file() + ":1: extends: expected a string (a scenario file), got an integer (3)");
  // An error inside the base is reported in the base.
  const std::string bad_base = dir.write("bad_base.toml", "[run]\nsteps = 0\n");
  EXPECT_EQ(error_of("extends = \"bad_base.toml\"\n"),
            bad_base + ":2: run.steps: must be >= 1 (got 0)");
}

TEST_F(LoaderTest, ExtendsRelativePathsStayRelative) {
  // Relative to the current directory, whatever it is: the joined path keeps its form.
  const fs::path rel = fs::relative(dir.str());
  (void)dir.write("base.toml", "[run]\nsteps = 5\n");
  (void)dir.write("child.toml", "extends = \"base.toml\"\n");
  const auto s = load_scenario((rel / "child.toml").string(), specs, events, {});
  EXPECT_EQ(s.positions[s.index_of("run.steps")].file,
            (rel / "base.toml").lexically_normal().string());
}

// --- calendar ----------------------------------------------------------------------------

TEST_F(LoaderTest, CalendarEventsValidatedAndSortedStably) {
  const auto s = load("[[calendar.events]]\n" // 1
                      "step = 20\n"
                      "action = \"close_site\"\n"
                      "site = 1\n"
                      "\n"
                      "[[calendar.events]]\n" // 6
                      "step = 5\n"
                      "action = \"set\"\n"
                      "key = \"field.rate\"\n"
                      "value = 1\n"
                      "\n"
                      "[[calendar.events]]\n" // 12
                      "step = 20\n"
                      "action = \"close_site\"\n"
                      "site = 0\n"
                      "weight = 0.5\n");
  ASSERT_EQ(s.events.size(), 3u);
  EXPECT_EQ(s.events[0].step, 5);
  EXPECT_EQ(s.events[0].action, "set");
  EXPECT_EQ(std::get<std::string>(s.events[0].fields.at("key")), "field.rate");
  EXPECT_EQ(std::get<double>(s.events[0].fields.at("value")), 1.0); // typed by the spec
  EXPECT_EQ(s.events[0].pos.line, 6);
  EXPECT_EQ(s.events[0].pos.file, file());
  EXPECT_EQ(s.events[1].step, 20);
  EXPECT_EQ(std::get<std::int64_t>(s.events[1].fields.at("site")), 1); // file order kept
  EXPECT_EQ(s.events[1].fields.count("weight"), 0u);                   // optional, absent
  EXPECT_EQ(std::get<std::int64_t>(s.events[2].fields.at("site")), 0);
  EXPECT_EQ(std::get<double>(s.events[2].fields.at("weight")), 0.5);
}

TEST_F(LoaderTest, CalendarInlineArrayForm) {
  const auto s =
      load("calendar.events = [\n"
           "  { step = 3, action = \"close_site\", site = 2 },\n"
           "  { step = 1, action = \"set\", key = \"opinion.model\", value = \"degroot\" },\n"
           "]\n");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].action, "set");
  EXPECT_EQ(s.events[0].pos.line, 3);
  EXPECT_EQ(s.events[1].step, 3);
}

TEST_F(LoaderTest, CalendarErrors) {
  const std::string ev = "[[calendar.events]]\n";
  EXPECT_EQ(error_of(ev + "action = \"close_site\"\nsite = 1\n"),
            file() + ":1: calendar.events[0]: missing required field 'step'");
  EXPECT_EQ(error_of(ev + "step = -1\naction = \"close_site\"\nsite = 1\n"),
            file() + ":2: calendar.events[0].step: must be >= 0 (got -1)");
  EXPECT_EQ(error_of(ev + "step = 1.5\naction = \"close_site\"\nsite = 1\n"),
            file() + ":2: calendar.events[0].step: expected an integer, got a float (1.5)");
  EXPECT_EQ(error_of(ev + "step = 1\nsite = 1\n"),
            file() + ":1: calendar.events[0]: missing required field 'action'");
  EXPECT_EQ(error_of(ev + "step = 1\naction = \"close_sites\"\nsite = 1\n"),
            file() + ":3: calendar.events[0].action: unknown action \"close_sites\"; did you mean "
                     "\"close_site\"?");
  EXPECT_EQ(error_of(ev + "step = 1\naction = \"explode\"\n"),
            file() + ":3: calendar.events[0].action: unknown action \"explode\" (known actions: "
                     "\"close_site\", \"set\")");
  EXPECT_EQ(error_of(ev + "step = 1\naction = \"close_site\"\nsiet = 1\n"),
            file() + ":4: calendar.events[0].siet: unknown field for action \"close_site\"; did "
                     "you mean 'site'?");
  EXPECT_EQ(error_of(ev + "step = 1\naction = \"close_site\"\n"),
            file() + ":1: calendar.events[0]: missing required field 'site' for action "
                     "\"close_site\"");
  EXPECT_EQ(error_of(ev + "step = 1\naction = \"close_site\"\nsite = 0\nweight = 2\n"),
            file() + ":5: calendar.events[0].weight: must be in [0, 1] (got 2.0)");
  EXPECT_EQ(error_of("calendar.events = 3\n"),
            file() + ":1: calendar.events: expected an array of tables ([[calendar.events]]), "
                     "got an integer (3)");
  EXPECT_EQ(error_of("calendar.events = [1]\n"),
            file() + ":1: calendar.events[0]: expected a table with step and action, got an "
                     "integer (1)");
  EXPECT_EQ(error_of("[calendar]\nevent = []\n"),
            file() + ":2: calendar.event: unknown key; did you mean 'calendar.events'?");
}

TEST_F(LoaderTest, CalendarSetErrors) {
  const std::string ev = "[[calendar.events]]\nstep = 4\naction = \"set\"\n";
  EXPECT_EQ(error_of(ev + "key = \"pop.count\"\nvalue = 30\n"),
            file() + ":4: calendar.events[0].key: pop.count cannot be set by the calendar; it is "
                     "fixed at initialisation");
  EXPECT_EQ(error_of(ev + "key = \"feild.rate\"\nvalue = 0.3\n"),
            file() + ":4: calendar.events[0].key: unknown parameter \"feild.rate\"; did you mean "
                     "'field.rate'?");
  EXPECT_EQ(error_of(ev + "key = \"field.rate\"\nvalue = 3\n"),
            file() + ":5: calendar.events[0].value: for field.rate: must be in [0, 1] (got 3.0)");
  EXPECT_EQ(error_of(ev + "key = \"opinion.model\"\nvalue = \"voter\"\n"),
            file() + ":5: calendar.events[0].value: for opinion.model: must be one of "
                     "\"degroot\", \"bounded_confidence\" (got \"voter\")");
  EXPECT_EQ(error_of(ev + "key = \"field.rate\"\n"),
            file() + ":1: calendar.events[0]: missing required field 'value' for action \"set\"");
  EXPECT_EQ(error_of(ev + "value = 3\n"),
            file() + ":1: calendar.events[0]: missing required field 'key' for action \"set\"");
  EXPECT_EQ(error_of(ev + "key = \"field.rate\"\nvalue = 0.1\nvalu = 2\n"),
            file() + ":6: calendar.events[0].valu: unknown field for action \"set\"; did you mean "
                     "'value'?");
}

TEST_F(LoaderTest, ChildCalendarReplacesTheBaseCalendar) {
  (void)dir.write("base.toml",
                  "[[calendar.events]]\nstep = 1\naction = \"close_site\"\nsite = 0\n"
                  "[[calendar.events]]\nstep = 2\naction = \"close_site\"\nsite = 1\n");
  const auto replaced = load("extends = \"base.toml\"\n"
                             "[[calendar.events]]\nstep = 9\naction = \"close_site\"\nsite = 5\n");
  ASSERT_EQ(replaced.events.size(), 1u);
  EXPECT_EQ(replaced.events[0].step, 9);

  const auto kept = load("extends = \"base.toml\"\n[run]\nsteps = 10\n");
  ASSERT_EQ(kept.events.size(), 2u);
  EXPECT_EQ(kept.events[0].pos.file, dir.str() + "/base.toml");

  const auto cleared = load("extends = \"base.toml\"\ncalendar.events = []\n");
  EXPECT_TRUE(cleared.events.empty());
}

// --- --set overrides ---------------------------------------------------------------------

TEST_F(LoaderTest, OverridesAreTypedAndRecorded) {
  const auto s =
      load("[run]\nsteps = 10\n",
           {"run.steps=20", "field.rate = 0.5", "field.size=3", "opinion.model=bounded_confidence",
            "field.label=2024", "opinion.enabled=false", "run.steps=30"});
  EXPECT_EQ(get<std::int64_t>(s, "run.steps"), 30); // the last one wins
  EXPECT_EQ(get<double>(s, "field.rate"), 0.5);
  EXPECT_EQ(get<double>(s, "field.size"), 3.0);
  EXPECT_EQ(get<std::string>(s, "opinion.model"), "bounded_confidence"); // bare text
  EXPECT_EQ(get<std::string>(s, "field.label"), "2024"); // a string parameter takes the text
  EXPECT_EQ(get<bool>(s, "opinion.enabled"), false);
  const auto& pos = s.positions[s.index_of("run.steps")];
  EXPECT_EQ(pos.file, "--set");
  EXPECT_EQ(pos.line, 0);
  EXPECT_EQ(get<std::string>(load("", {"field.label=\"a b\""}), "field.label"), "a b");
}

TEST_F(LoaderTest, OverrideErrors) {
  EXPECT_EQ(error_of("", {"pop.count=5"}), "--set: pop.count: must be >= 20 (got 5)");
  EXPECT_EQ(error_of("", {"run.steps=2.5"}),
            "--set: run.steps: expected an integer, got a float (2.5)");
  EXPECT_EQ(error_of("", {"run.steps=many"}),
            "--set: run.steps: expected an integer, got a string (\"many\")");
  EXPECT_EQ(error_of("", {"run.stesp=3"}),
            "--set: run.stesp: unknown key; did you mean 'run.steps'?");
  EXPECT_EQ(error_of("", {"run.steps"}), "--set: expected section.key=value, got \"run.steps\"");
  EXPECT_EQ(error_of("", {"=3"}), "--set: expected section.key=value, got \"=3\"");
  EXPECT_EQ(error_of("", {"run=3"}),
            "--set: run: names a table; --set takes one parameter, section.key");
  EXPECT_EQ(error_of("", {"field.free=nan"}), "--set: field.free: must be finite (got nan)");
}

// --- resolved TOML -----------------------------------------------------------------------

TEST_F(LoaderTest, ResolvedTomlRoundTrips) {
  specs.push_back(spec("top_level", ValueType::integer, std::int64_t{4}));
  const auto first = load("[run]\nsteps = 77\n"
                          "[field]\nrate = 0.1\nlabel = \"quote \\\" backslash \\\\ tab \\t é\"\n"
                          "free = -1e-300\n"
                          "[deep.a]\nb = 0.30000000000000004\n"
                          "[[calendar.events]]\nstep = 8\naction = \"set\"\nkey = \"field.free\"\n"
                          "value = 5\n"
                          "[[calendar.events]]\nstep = 2\naction = \"close_site\"\nsite = 3\n"
                          "weight = 0.7\n",
                          {"field.size=33.333333333333336"});
  const std::string text = resolved_toml(first, specs);
  EXPECT_NE(text.find("[field]\nsize = 33.333333333333336  # unit: km\n"), std::string::npos)
      << text;
  EXPECT_LT(text.find("top_level = 4"), text.find("[run]")) << text;

  const std::string path = dir.write("resolved.toml", text);
  const auto second = load_scenario(path, specs, events, {});
  ASSERT_EQ(second.values.size(), first.values.size());
  for (std::size_t i = 0; i < first.values.size(); ++i) {
    EXPECT_EQ(second.values[i], first.values[i]) << first.keys[i];
    EXPECT_EQ(second.values[i].index(), first.values[i].index()) << first.keys[i];
  }
  ASSERT_EQ(second.events.size(), first.events.size());
  for (std::size_t i = 0; i < first.events.size(); ++i) {
    EXPECT_EQ(second.events[i].step, first.events[i].step);
    EXPECT_EQ(second.events[i].action, first.events[i].action);
    EXPECT_EQ(second.events[i].fields, first.events[i].fields);
  }
  EXPECT_EQ(resolved_toml(second, specs), text); // a fixed point
}

// --- the bad-input corpus ----------------------------------------------------------------

/// tests/data/bad/EXPECTED.txt: "<file>\t<substring>" per line, '#' comments.
std::vector<std::pair<std::string, std::string>> read_expected(const fs::path& file) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

// The corpus is written against the model's own parameter table, so this test uses it: a
// change to a range or a key shows up here, before the slower end-to-end bad_input test.
TEST(BadInputCorpus, EveryFileFailsWithItsExpectedOneLineMessage) {
  const fs::path bad = fs::path(MINESIM_TEST_DATA) / "bad";
  const auto expected = read_expected(bad / "EXPECTED.txt");
  ASSERT_FALSE(expected.empty()) << bad;
  const auto specs = parameter_specs();
  const auto events = event_specs();
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(bad)) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    const auto it = std::find_if(expected.begin(), expected.end(),
                                 [&](const auto& e) { return e.first == name; });
    if (it == expected.end()) {
      ADD_FAILURE() << name << " has no line in EXPECTED.txt";
      continue;
    }
    try {
      (void)load_scenario(entry.path().string(), specs, events, {});
      ADD_FAILURE() << name << " loaded without error";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(it->second), std::string::npos)
          << name << "\n  got:  " << what << "\n  want: " << it->second;
      EXPECT_EQ(what.find('\n'), std::string::npos) << name;
    }
  }
  EXPECT_EQ(files, expected.size()) << "EXPECTED.txt lists a file that is not there";
}

} // namespace
} // namespace minesim
