#include "model/parameters.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

using namespace minesim;

TEST(ParameterTable, KeysAreUniqueAndDefaultsLieInTheirRanges) {
  std::set<std::string> keys;
  for (const ParameterBinding& row : parameter_table()) {
    const ParameterSpec& s = row.spec;
    EXPECT_TRUE(keys.insert(s.key).second) << s.key;
    EXPECT_FALSE(s.unit.empty()) << s.key;
    EXPECT_FALSE(s.meaning.empty()) << s.key;
    EXPECT_FALSE(s.source.empty()) << s.key;
    if (s.type == ValueType::real || s.type == ValueType::integer) {
      const double v = std::holds_alternative<double>(s.default_value)
                           ? std::get<double>(s.default_value)
                           : static_cast<double>(std::get<std::int64_t>(s.default_value));
      EXPECT_GE(v, s.min) << s.key;
      EXPECT_LE(v, s.max) << s.key;
    }
  }
}

TEST(ParameterTable, EveryRowWritesAndReadsItsOwnField) {
  // Setting one key must change exactly that key: catches a row bound to the wrong field.
  const auto& table = parameter_table();
  for (std::size_t k = 0; k < table.size(); ++k) {
    const ParameterSpec& s = table[k].spec;
    if (s.type != ValueType::real) continue;
    Parameters p;
    const double v = std::get<double>(s.default_value);
    const double changed =
        v == s.max ? (v + s.min) / 2 : std::min(s.max, v + 0.5 * (1 + std::fabs(v)));
    table[k].set(p, Value{changed});
    for (std::size_t j = 0; j < table.size(); ++j) {
      const Value got = table[j].get(p);
      if (j == k)
        EXPECT_EQ(std::get<double>(got), changed) << s.key;
      else
        EXPECT_EQ(got, table[j].spec.default_value) << s.key << " changed " << table[j].spec.key;
    }
  }
}

TEST(ParameterTable, DictionaryFileMatchesTheTable) {
  std::ifstream in(std::string(MINESIM_SOURCE_DIR) + "/scenarios/PARAMETERS.md");
  ASSERT_TRUE(in) << "scenarios/PARAMETERS.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), parameter_dictionary_markdown())
      << "regenerate with: build/minesim params > scenarios/PARAMETERS.md";
}

TEST(ParameterTable, BaselineScenarioUsesTheModelDefaults) {
  const LoadedScenario s =
      load_scenario(std::string(MINESIM_SOURCE_DIR) + "/scenarios/baseline.toml", parameter_specs(),
                    event_specs(), {});
  const auto& specs = parameter_specs();
  for (std::size_t k = 0; k < specs.size(); ++k)
    EXPECT_EQ(s.values[k], specs[k].default_value) << specs[k].key;
}

TEST(ParameterTable, CrossFieldErrorsNameTheKey) {
  try {
    (void)scenarios_for_tests::baseline_with({"mines.legacy_count=13"});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mines.legacy_count"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)scenarios_for_tests::baseline_with({"network.small_world_degree=7"}),
               InputError);
  EXPECT_THROW((void)scenarios_for_tests::baseline_with({"households.count=700"}),
               InputError); // < 40 * 20
}
