#include "model/parameters.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

namespace {

/// Values for string rows without a list of choices (free text the model parses), keyed by
/// the row's key: each valid for its row, not its default, and in the form its getter gives
/// back. A free-text row missing here fails EveryRowWritesAndReadsItsOwnField.
const std::map<std::string, std::string> free_text_values{
    {"survey.steps", "60, 120, last"}, // "last" or a list of steps and "last" (docs/odd.md §3.13)
};

/// A value for the row `s` that is valid for it and differs from its default: reals and
/// integers move within [min, max], booleans flip, a string with choices takes another
/// choice, free text a value of free_text_values; nullopt when there is none.
std::optional<Value> changed_value(const ParameterSpec& s) {
  switch (s.type) {
  case ValueType::real: {
    const double v = std::get<double>(s.default_value);
    const double step = 0.5 * (1 + std::fabs(v));
    if (v < s.max) return Value{std::min(s.max, v + step)};
    return Value{std::isfinite(s.min) ? (v + s.min) / 2 : v - step};
  }
  case ValueType::integer: {
    const std::int64_t v = std::get<std::int64_t>(s.default_value);
    if (static_cast<double>(v) + 1 <= s.max) return Value{v + 1};
    if (static_cast<double>(v) - 1 >= s.min) return Value{v - 1};
    return std::nullopt;
  }
  case ValueType::boolean: return Value{!std::get<bool>(s.default_value)};
  case ValueType::string: {
    const std::string& v = std::get<std::string>(s.default_value);
    for (const std::string& choice : s.choices)
      if (choice != v) return Value{choice};
    const auto it = free_text_values.find(s.key);
    if (s.choices.empty() && it != free_text_values.end() && it->second != v) {
      return Value{it->second};
    }
    return std::nullopt;
  }
  }
  return std::nullopt;
}

/// Whether `v` is a value `s` accepts: its type, within [min, max] or among its choices.
bool valid_for(const ParameterSpec& s, const Value& v) {
  switch (s.type) {
  case ValueType::real: {
    const double* d = std::get_if<double>(&v);
    return d != nullptr && *d >= s.min && *d <= s.max;
  }
  case ValueType::integer: {
    const std::int64_t* i = std::get_if<std::int64_t>(&v);
    return i != nullptr && static_cast<double>(*i) >= s.min && static_cast<double>(*i) <= s.max;
  }
  case ValueType::boolean: return std::holds_alternative<bool>(v);
  case ValueType::string: {
    const std::string* t = std::get_if<std::string>(&v);
    return t != nullptr && (s.choices.empty() ||
                            std::find(s.choices.begin(), s.choices.end(), *t) != s.choices.end());
  }
  }
  return false;
}

/// What is wrong with the rows of `table`, one line each. For every row: set a value
/// other than its default through the row's setter on default Parameters, then the row's
/// getter must return it and every other row's getter its default, so that a row bound to
/// the wrong field is found. `checked` receives the number of rows so checked.
std::vector<std::string> row_ownership_problems(const std::vector<ParameterBinding>& table,
                                                std::size_t& checked) {
  std::vector<std::string> problems;
  const auto problem = [&problems](const std::string& key, const std::string& what) {
    problems.push_back(std::string(key).append(": ").append(what));
  };
  const Parameters defaults;
  for (const ParameterBinding& row : table) {
    const Value got = row.get(defaults);
    if (got != row.spec.default_value) {
      problem(row.spec.key, std::string("reads ")
                                .append(to_toml(got))
                                .append(" from default parameters, not its default ")
                                .append(to_toml(row.spec.default_value)));
    }
  }
  checked = 0;
  for (std::size_t k = 0; k < table.size(); ++k) {
    const ParameterSpec& s = table[k].spec;
    const std::optional<Value> changed = changed_value(s);
    if (!changed || *changed == s.default_value || !valid_for(s, *changed)) {
      problem(s.key, s.type == ValueType::string && s.choices.empty()
                         ? "free text without a value in free_text_values"
                         : "no valid value other than the default to set");
      continue;
    }
    Parameters p;
    table[k].set(p, *changed);
    for (std::size_t j = 0; j < table.size(); ++j) {
      const Value got = table[j].get(p);
      if (j == k && got != *changed) {
        problem(s.key, std::string("set to ")
                           .append(to_toml(*changed))
                           .append(", reads back ")
                           .append(to_toml(got)));
      } else if (j != k && got != table[j].spec.default_value) {
        problem(s.key, std::string("set to ")
                           .append(to_toml(*changed))
                           .append(", changed ")
                           .append(table[j].spec.key)
                           .append(" to ")
                           .append(to_toml(got)));
      }
    }
    ++checked;
  }
  return problems;
}

} // namespace

TEST(ParameterTable, EveryRowWritesAndReadsItsOwnField) {
  // Setting one key must change exactly that key, for rows of every type.
  const auto& table = parameter_table();
  std::size_t checked = 0;
  for (const std::string& problem : row_ownership_problems(table, checked))
    ADD_FAILURE() << problem;
  EXPECT_EQ(checked, table.size());
  RecordProperty("rows_checked", static_cast<int>(checked));
  std::map<ValueType, int> per_type;
  for (const ParameterBinding& row : table)
    ++per_type[row.spec.type];
  for (const ValueType t :
       {ValueType::real, ValueType::integer, ValueType::boolean, ValueType::string}) {
    EXPECT_GT(per_type[t], 0) << "no " << type_name(t) << " row left to check";
    RecordProperty(std::string("rows_").append(type_name(t)), per_type[t]);
  }
}

TEST(ParameterTable, RowOwnershipCheckFindsARowWiredToAnotherField) {
  // The check above, on copies of the table where one row is bound to the field of another
  // row of its type (a copy-paste slip in the table), must name the slip: for reals,
  // integers, booleans and strings alike, and whether the getter, the setter or both are
  // wrong.
  const auto& table = parameter_table();
  const auto mentions = [](const std::vector<std::string>& problems, const std::string& key) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(key) != std::string::npos; });
  };
  for (const ValueType t :
       {ValueType::real, ValueType::integer, ValueType::boolean, ValueType::string}) {
    // The first two rows of type t with the same choices (none for numbers and booleans).
    std::size_t a = table.size();
    std::size_t b = table.size();
    for (std::size_t k = 0; k < table.size() && b == table.size(); ++k) {
      for (std::size_t j = k + 1; j < table.size() && b == table.size(); ++j) {
        if (table[k].spec.type == t && table[j].spec.type == t &&
            table[k].spec.choices == table[j].spec.choices) {
          a = k;
          b = j;
        }
      }
    }
    ASSERT_LT(b, table.size()) << "two " << type_name(t) << " rows with the same choices";
    const std::string& wrong = table[b].spec.key;
    for (const bool set : {true, false}) {
      for (const bool get : {true, false}) {
        if (!set && !get) continue;
        std::vector<ParameterBinding> miswired = table;
        if (set) miswired[b].set = table[a].set;
        if (get) miswired[b].get = table[a].get;
        std::size_t checked = 0;
        const std::vector<std::string> problems = row_ownership_problems(miswired, checked);
        EXPECT_TRUE(mentions(problems, wrong))
            << wrong << " bound to the field of " << table[a].spec.key << " (setter " << set
            << ", getter " << get << ") went unnoticed";
      }
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

TEST(ParameterTable, ModelDescriptionGivesASourceForExactlyTheTableKeys) {
  // docs/odd.md §4 says where each default comes from; its tables must name every key of
  // the parameter table and no key that does not exist. A row may name several keys of one
  // table: "`game.x0`, `y0`, `z0`".
  std::ifstream in(std::string(MINESIM_SOURCE_DIR) + "/docs/odd.md");
  ASSERT_TRUE(in) << "docs/odd.md";
  std::set<std::string> documented;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## §", 0) == 0) in_section = line.rfind("## §4 ", 0) == 0;
    if (!in_section || line.rfind("| `", 0) != 0) continue;
    const std::string first = line.substr(2, line.find(" | ", 2) - 2);
    std::string table;
    for (std::size_t at = first.find('`'); at != std::string::npos;
         at = first.find('`', first.find('`', at + 1) + 1)) {
      const std::size_t close = first.find('`', at + 1);
      std::string key = first.substr(at + 1, close - at - 1);
      const std::size_t dot = key.find('.');
      if (dot != std::string::npos) {
        table = key.substr(0, dot);
      } else {
        key = table + "." + key;
      }
      documented.insert(key);
    }
  }
  std::set<std::string> keys;
  for (const auto& row : parameter_table())
    keys.insert(row.spec.key);
  for (const auto& key : keys)
    EXPECT_TRUE(documented.count(key)) << key << ": no source in §4";
  for (const auto& key : documented)
    EXPECT_TRUE(keys.count(key)) << key << ": not a key";
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
