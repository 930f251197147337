// Parsing TOML text and reading toml11 values, for every TOML reader (toml_value.hpp).
#include "scenario/toml_value.hpp"

#include "scenario/toml_limits.hpp"
#include "scenario/toml_position.hpp"

#include <algorithm>
#include <sstream>
#include <tuple>

namespace minesim {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::string one_line(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string toml_error_reason(std::string_view what) {
  const std::string_view line = what.substr(0, what.find('\n'));
  std::string clean;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') { // ANSI colour: ESC [ ... m
      while (i < line.size() && line[i] != 'm')
        ++i;
      continue;
    }
    clean += line[i];
  }
  clean = trim(clean);
  if (clean.rfind("[error]", 0) == 0) clean = trim(clean.substr(7));
  if (clean.rfind("toml::", 0) == 0) {
    const auto colon = clean.find(": ");
    if (colon != std::string::npos) clean = trim(clean.substr(colon + 2));
  }
  return clean.empty() ? "invalid TOML" : clean;
}

toml::value parse_toml(const std::string& text, const std::string& name) {
  check_toml_text(text, one_line(name)); // what toml11 cannot survive
  const auto syntax_error = [&name](int line, const char* what) {
    return InputError(SourcePos{one_line(name), line}, "syntax error",
                      one_line(toml_error_reason(what)));
  };
  std::istringstream in(text);
  try {
    return toml::parse(in, name);
  } catch (const toml::exception& e) {
    throw syntax_error(static_cast<int>(e.location().line()), e.what());
  } catch (const std::exception& e) {
    throw syntax_error(0, e.what());
  }
}

SourcePos toml_pos(const toml::value& v, const std::string& file) {
  return SourcePos{file, toml_line(v)};
}

std::string toml_kind(const toml::value& v) {
  switch (v.type()) {
  case toml::value_t::boolean: return "a boolean";
  case toml::value_t::integer: return "an integer";
  case toml::value_t::floating: return "a float";
  case toml::value_t::string: return "a string";
  case toml::value_t::offset_datetime:
  case toml::value_t::local_datetime:
  case toml::value_t::local_date:
  case toml::value_t::local_time: return "a date/time";
  case toml::value_t::array: return "an array";
  case toml::value_t::table: return "a table";
  case toml::value_t::empty: break;
  }
  return "nothing";
}

std::optional<Value> toml_scalar(const toml::value& v) {
  switch (v.type()) {
  case toml::value_t::boolean: return Value{v.as_boolean()};
  case toml::value_t::integer: return Value{static_cast<std::int64_t>(v.as_integer())};
  case toml::value_t::floating: return Value{v.as_floating()};
  case toml::value_t::string: return Value{v.as_string().str};
  default: return std::nullopt;
  }
}

const toml::value* toml_field(const toml::value& table, const std::string& name) {
  const auto& t = table.as_table();
  const auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

std::vector<std::pair<const std::string*, const toml::value*>>
toml_in_document_order(const toml::value& table) {
  // Ranked by offset in the file, each found once (location() is slow: toml_position.hpp).
  std::vector<std::tuple<std::size_t, const std::string*, const toml::value*>> ranked;
  for (const auto& [k, v] : table.as_table())
    ranked.emplace_back(toml_offset(v), &k, &v);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) < std::get<0>(b)
                                            : *std::get<1>(a) < *std::get<1>(b);
  });
  std::vector<std::pair<const std::string*, const toml::value*>> out;
  out.reserve(ranked.size());
  for (const auto& [offset, key, value] : ranked)
    out.emplace_back(key, value);
  return out;
}

} // namespace minesim
