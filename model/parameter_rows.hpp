#pragma once
// Building blocks of parameter rows: a module's rows (model/modules/<name>/parameters.cpp)
// bind its scenario keys to fields of Parameters, with unit, range, meaning and source. The
// parameter table (model/parameters.cpp) is the region's rows followed by each module's,
// in registry order.
#include "model/parameters.hpp"

// g++ 12 reports a false -Wrestrict inside std::string assignment when it inlines the
// row builders (GCC bug 105329); the code has no overlapping copies.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace minesim {

inline constexpr double inf = std::numeric_limits<double>::infinity();

/// The documentation of a row.
struct Doc {
  std::string unit;
  std::string meaning;
  std::string source;
};

template <class T> constexpr ValueType value_type_of() {
  if constexpr (std::is_same_v<T, std::int64_t>)
    return ValueType::integer;
  else if constexpr (std::is_same_v<T, double>)
    return ValueType::real;
  else
    return ValueType::boolean;
}

/// A row binding `key` to `group.member`; the default is read from Parameters{}.
template <class Group, class T>
ParameterBinding field(std::string key, Group Parameters::*group, T Group::*member, double min,
                       double max, Doc doc, bool calendar_settable = true) {
  ParameterBinding row;
  row.spec.key = std::move(key);
  row.spec.type = value_type_of<T>();
  row.spec.default_value = Value{Parameters{}.*group.*member};
  row.spec.min = min;
  row.spec.max = max;
  row.spec.unit = std::move(doc.unit);
  row.spec.meaning = std::move(doc.meaning);
  row.spec.source = std::move(doc.source);
  row.spec.calendar_settable = calendar_settable;
  row.set = [group, member](Parameters& p, const Value& v) {
    if constexpr (std::is_same_v<T, double>) {
      (p.*group).*member = std::holds_alternative<double>(v)
                               ? std::get<double>(v)
                               : static_cast<double>(std::get<std::int64_t>(v));
    } else {
      (p.*group).*member = std::get<T>(v);
    }
  };
  row.get = [group, member](const Parameters& p) { return Value{(p.*group).*member}; };
  return row;
}

/// A row binding `table.key` to `group.member`: for the rows of one scenario table.
template <class Group, class T>
ParameterBinding field_in(std::string_view table, std::string_view key, Group Parameters::*group,
                          T Group::*member, double min, double max, Doc doc,
                          bool calendar_settable = true) {
  std::string path(table); // built with append: g++ 12 warns falsely on "x." + key
  path.append(".").append(key);
  return field(std::move(path), group, member, min, max, std::move(doc), calendar_settable);
}

/// Where a default comes from: the sections of the model description.
namespace parameter_sources {
inline const std::string m21 = "docs/odd.md §1.2", m22 = "docs/odd.md §1.2",
                         m23 = "docs/odd.md §1.2", m24 = "docs/odd.md §1.2",
                         m25 = "docs/odd.md §1.2", m26 = "docs/odd.md §1.2",
                         m41 = "docs/odd.md §3.4", m42 = "docs/odd.md §3.5",
                         m43 = "docs/odd.md §3.6", m44 = "docs/odd.md §3.7",
                         m45 = "docs/odd.md §3.8", m46 = "docs/odd.md §3.9",
                         m47 = "docs/odd.md §3.10", m48 = "docs/odd.md §3.11",
                         m49 = "docs/odd.md §3.12", m410 = "docs/odd.md §3.13",
                         m5 = "docs/odd.md §3.2", chosen = "modelling choice (docs/model.md)";
} // namespace parameter_sources

/// Survey steps as written: "last", or a comma-separated list of steps and "last" (-1).
[[nodiscard]] std::vector<std::int64_t> parse_survey_steps(const std::string& text);
/// The inverse of parse_survey_steps.
[[nodiscard]] std::string survey_steps_text(const std::vector<std::int64_t>& steps);

} // namespace minesim
