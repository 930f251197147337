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

/// Where a default comes from: the sections of the model description.
namespace parameter_sources {
inline const std::string m21 = "MODEL.md §2.1", m22 = "MODEL.md §2.2", m23 = "MODEL.md §2.3",
                         m24 = "MODEL.md §2.4", m25 = "MODEL.md §2.5", m26 = "MODEL.md §2.6",
                         m41 = "MODEL.md §4.1", m42 = "MODEL.md §4.2", m43 = "MODEL.md §4.3",
                         m44 = "MODEL.md §4.4", m45 = "MODEL.md §4.5", m46 = "MODEL.md §4.6",
                         m47 = "MODEL.md §4.7", m48 = "MODEL.md §4.8", m49 = "MODEL.md §4.9",
                         m410 = "MODEL.md §4.10", chosen = "modelling choice (docs/model.md)";
} // namespace parameter_sources

/// Survey steps as written: "last", or a comma-separated list of steps and "last" (-1).
[[nodiscard]] std::vector<std::int64_t> parse_survey_steps(const std::string& text);
/// The inverse of parse_survey_steps.
[[nodiscard]] std::string survey_steps_text(const std::vector<std::int64_t>& steps);

} // namespace minesim
