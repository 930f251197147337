#pragma once
// The description of one scenario parameter: what the loader validates against and what
// the parameter dictionary documents. The model keeps all of them in one table
// (model/parameters.cpp).
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace minesim {

/// A validated parameter value. Real parameters accept TOML integers and floats.
using Value = std::variant<std::int64_t, double, bool, std::string>;

enum class ValueType { integer, real, boolean, string };

/// Inclusive numeric range; strings use `choices` instead.
struct ParameterSpec {
  std::string key; ///< dotted path, "households.count"
  ValueType type = ValueType::real;
  Value default_value;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices; ///< allowed values of a string parameter (empty: any)
  std::string unit;                 ///< "1" for dimensionless
  std::string meaning;              ///< one line
  std::string source;               ///< where the default comes from
  std::string owner;                ///< what reads it: a module, "region" or "game"
  bool calendar_settable = true;    ///< false for structural parameters fixed at initialisation
};

/// A scheduled event's field: validated like a parameter.
struct EventFieldSpec {
  std::string name;
  ValueType type = ValueType::integer;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool required = true;
};

/// One kind of calendar event (`action = "close_mine"`) and the fields it takes besides
/// `step` and `action`. The special field type for `set` events ("key" and "value") is
/// handled by the loader: the value is validated against the named parameter's spec.
struct EventSpec {
  std::string action;
  std::string meaning;
  std::vector<EventFieldSpec> fields;
};

[[nodiscard]] std::string type_name(ValueType t);
[[nodiscard]] std::string to_toml(const Value& v); ///< a TOML literal that reads back exactly

} // namespace minesim
