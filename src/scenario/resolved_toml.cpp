// Writing parameter values back as TOML: literals that read back bit-exactly, and the
// resolved scenario (every parameter after defaults, `extends` and overrides) that a run
// records so it can be repeated from its output alone.
#include "scenario/loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace minesim {
namespace {

/// Shortest decimal text that parses back to the same double (std::to_chars without a
/// precision guarantees the round trip), with ".0" added when it would otherwise read back as a
/// TOML integer.
std::string double_literal(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  // Whole numbers in plain digits ("100000000.0", not "1e+08"): easier to read and to edit.
  const bool whole = std::trunc(d) == d && std::abs(d) < 1e16;
  const auto format = whole ? std::chars_format::fixed : std::chars_format::general;
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, format);
  std::string s = ec == std::errc{} ? std::string(buf, end) : std::string{};
  if (s.empty()) {
    // Unreachable with a 64-byte buffer; %.17g is also exact, only longer.
    std::snprintf(buf, sizeof buf, "%.17g", d);
    s = buf;
  }
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

/// A TOML basic string: quotes, backslashes and control characters escaped; other UTF-8
/// passes through unchanged.
std::string string_literal(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\f': out += "\\f"; break;
    case '\r': out += "\\r"; break;
    default: {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04X", static_cast<unsigned>(u));
        out += esc;
      } else {
        out += c;
      }
    }
    }
  }
  return out + "\"";
}

bool is_bare_key(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

/// A dotted key with each component quoted only where TOML requires it.
std::string key_text(std::string_view dotted) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto dot = dotted.find('.', start);
    const auto part =
        dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    out += is_bare_key(part) ? std::string(part) : string_literal(part);
    if (dot == std::string_view::npos) break;
    out += '.';
    start = dot + 1;
  }
  return out;
}

/// The table a spec key lives in ("households" for "households.count"; "" for a top-level
/// key) and its name within that table.
std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.rfind('.');
  if (dot == std::string::npos) return {"", key};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

std::string line_for(const std::string& name, const Value& value, const std::string& unit) {
  std::string line = key_text(name) + " = " + to_toml(value);
  if (!unit.empty()) line += "  # unit: " + unit;
  return line + "\n";
}

} // namespace

std::string type_name(ValueType t) {
  switch (t) {
  case ValueType::integer: return "integer";
  case ValueType::real: return "real";
  case ValueType::boolean: return "boolean";
  case ValueType::string: return "string";
  }
  return "unknown";
}

std::string to_toml(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return double_literal(x);
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else {
          return string_literal(x);
        }
      },
      v);
}

std::string resolved_toml(const LoadedScenario& scenario, std::span<const ParameterSpec> specs) {
  // No file names or dates: the document is a function of the parameter values alone, so
  // two runs with the same parameters record the same text wherever they were started.
  std::string out = "# Resolved scenario: every parameter after defaults, `extends` and --set\n"
                    "# overrides. Loading this file alone reproduces the run's parameters.\n";

  // Values come from the scenario by key, so a spec table and a scenario built from
  // different tables still produce a document that names what it writes. When both come
  // from one table (always, in minesim) the key is at the same index, and no search is made.
  auto value_of = [&](std::size_t i) -> const Value& {
    const std::string& key = specs[i].key;
    if (i < scenario.keys.size() && scenario.keys[i] == key) return scenario.values[i];
    return scenario.values.at(scenario.index_of(key));
  };

  // Each spec's table and name, split once; tables in the order the spec table first
  // mentions them, keys in spec order within.
  std::vector<std::pair<std::string, std::string>> split;
  split.reserve(specs.size());
  std::vector<std::string> tables;
  std::vector<std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    split.push_back(split_key(specs[i].key));
    const std::string& table = split.back().first;
    if (table.empty()) continue;
    const auto t =
        static_cast<std::size_t>(std::find(tables.begin(), tables.end(), table) - tables.begin());
    if (t == tables.size()) {
      tables.push_back(table);
      members.emplace_back();
    }
    members[t].push_back(i);
  }

  // Top-level keys must precede the first [table] header or TOML would put them in it.
  bool any_top = false;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!split[i].first.empty()) continue;
    if (!any_top) out += "\n";
    any_top = true;
    out += line_for(split[i].second, value_of(i), specs[i].unit);
  }
  for (std::size_t t = 0; t < tables.size(); ++t) {
    out += "\n[" + key_text(tables[t]) + "]\n";
    for (const std::size_t i : members[t])
      out += line_for(split[i].second, value_of(i), specs[i].unit);
  }

  for (const auto& event : scenario.events) {
    out += "\n[[calendar.events]]\n";
    out += "step = " + std::to_string(event.step) + "\n";
    out += "action = " + string_literal(event.action) + "\n";
    for (const auto& [field, value] : event.fields) {
      out += key_text(field) + " = " + to_toml(value) + "\n";
    }
  }
  return out;
}

} // namespace minesim
