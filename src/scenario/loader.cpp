// Loading a scenario: read the file, follow `extends`, walk the TOML tables against the
// parameter table, validate the calendar, apply --set overrides. Every problem becomes one
// InputError naming file, line and key; nothing here prints or exits.
//
// Inheritance rules (the scenario format of docs/odd.md §3.2):
//   * `extends = "base.toml"` (top level, path relative to the including file's folder)
//     loads the base first; every key the child sets replaces the base's value, key by key.
//   * The calendar is the exception: when a child has `calendar.events` at all, its list
//     REPLACES the base's list entirely (an empty `calendar.events = []` clears it). Merging
//     two event lists would silently keep events the child's author cannot see in the
//     child file; replacing keeps "what you read is what runs".
//   * --set overrides apply after all files, in command-line order.
#include "scenario/loader.hpp"

#include "scenario/toml_limits.hpp"
#include "scenario/toml_value.hpp"

#include <toml.hpp>

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

namespace minesim {

std::size_t LoadedScenario::index_of(const std::string& key) const {
  const auto it = std::find(keys.begin(), keys.end(), key);
  if (it == keys.end()) throw std::out_of_range("unknown parameter key: " + key);
  return static_cast<std::size_t>(it - keys.begin());
}

namespace {

namespace fs = std::filesystem;

constexpr std::string_view extends_key = "extends";
constexpr std::string_view events_key = "calendar.events";
constexpr std::string_view calendar_table = "calendar";
constexpr std::string_view set_action = "set";
constexpr std::string_view set_source = "--set";
constexpr double inf = std::numeric_limits<double>::infinity();

/// A validated value and where it was written.
struct Entry {
  Value value;
  SourcePos pos;
};

/// What one file, together with everything it extends, contributes.
struct Layer {
  std::map<std::string, Entry> values;
  /// nullopt when no file in the chain mentions `calendar.events`.
  std::optional<std::vector<CalendarEvent>> events;
};

/// The files being loaded, outermost first, to detect `extends` cycles.
struct ChainLink {
  std::string identity;  ///< canonical path: the same file under two spellings is one link
  std::string name;      ///< the path as given or joined, for messages
  std::size_t bytes = 0; ///< the file's size: all files of a chain are held at once
};

/// Where a file was asked for: the `extends` key that names it (absent for the top file).
struct Origin {
  SourcePos pos;
  std::string target; ///< the file name as written after `extends =`
};

[[noreturn]] void fail(const SourcePos& pos, const std::string& key, const std::string& message) {
  throw InputError(SourcePos{one_line(pos.file), pos.line}, one_line(key), one_line(message));
}

// --- text helpers ------------------------------------------------------------------------

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

/// Shortest decimal text that reads back as `d`, whole numbers in plain digits and without
/// a forced ".0": for bounds in messages, where "[0, 100000]" reads better than
/// "[0.0, 1e+05]".
std::string number_text(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  const bool whole = std::trunc(d) == d && std::abs(d) < 1e16;
  const auto format = whole ? std::chars_format::fixed : std::chars_format::general;
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, format);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(d);
}

/// A string as the TOML literal the user would type, for messages.
std::string literal(const std::string& s) {
  return to_toml(Value{s});
}

std::string literal_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + literal(item);
  return out;
}

// --- TOML values -------------------------------------------------------------------------

/// " (2.5)", " (\"120\")": the offending scalar, so a message can be acted on without
/// opening the file; "" for arrays, tables and dates.
std::string shown(const toml::value& v) {
  switch (v.type()) {
  case toml::value_t::boolean: return v.as_boolean() ? " (true)" : " (false)";
  case toml::value_t::integer: return " (" + std::to_string(v.as_integer()) + ")";
  case toml::value_t::floating: return " (" + to_toml(Value{v.as_floating()}) + ")";
  case toml::value_t::string: return " (" + literal(v.as_string().str) + ")";
  default: return "";
  }
}

std::string got(const toml::value& v) {
  return "got " + toml_kind(v) + shown(v);
}

std::string expected_text(ValueType t) {
  switch (t) {
  case ValueType::integer: return "an integer";
  case ValueType::real: return "a number";
  case ValueType::boolean: return "a boolean (true or false)";
  case ValueType::string: return "a string";
  }
  return "a value";
}

/// The scalar's text as written in the source, "" when toml11 kept no source (a value
/// built in memory).
std::string literal_text(const toml::value& v) {
  const toml::source_location loc = v.location();
  const std::string& line = loc.line_str();
  const std::size_t column = loc.column() > 0 ? loc.column() - 1 : 0;
  if (column >= line.size()) return "";
  std::string out;
  for (const char c : line.substr(column, loc.region())) {
    if (c != '_') out += c; // TOML digit separators
  }
  return out;
}

/// toml11 3.7 reads an integer literal beyond 64 bits as INT64_MAX/MIN without complaint;
/// re-read the literal to tell a real extreme value from an overflow.
bool integer_overflowed(const toml::value& v) {
  const std::int64_t i = v.as_integer();
  if (i != std::numeric_limits<std::int64_t>::max() &&
      i != std::numeric_limits<std::int64_t>::min()) {
    return false;
  }
  std::string text = literal_text(v);
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o' || text[1] == 'b')) {
    base = text[1] == 'x' ? 16 : text[1] == 'o' ? 8 : 2;
    text.erase(0, 2);
  }
  std::int64_t parsed = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed, base);
  return result.ec == std::errc::result_out_of_range;
}

/// toml11 3.7 likewise reads "1e400" as DBL_MAX rather than infinity.
bool float_overflowed(const toml::value& v) {
  if (std::abs(v.as_floating()) != DBL_MAX) return false;
  std::string text = literal_text(v);
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  double parsed = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
  return result.ec == std::errc::result_out_of_range;
}

/// The parameter table can only say "> 0" for a real as "at least the smallest positive
/// double"; print that as what it means.
bool is_smallest_positive(double b) {
  return b == std::numeric_limits<double>::denorm_min() || b == DBL_MIN;
}

std::string range_text(double min, double max) {
  const bool lo = std::isfinite(min);
  const bool hi = std::isfinite(max);
  if (lo && hi) {
    const std::string lower = is_smallest_positive(min) ? "(0" : "[" + number_text(min);
    return "must be in " + lower + ", " + number_text(max) + "]";
  }
  if (lo) return is_smallest_positive(min) ? "must be > 0" : "must be >= " + number_text(min);
  if (hi) return "must be <= " + number_text(max);
  return "";
}

/// What a value must be: a parameter's or an event field's type, range and choices.
struct Rule {
  ValueType type = ValueType::real;
  double min = -inf;
  double max = inf;
  const std::vector<std::string>* choices = nullptr;
};

Rule rule_of(const ParameterSpec& spec) {
  return Rule{spec.type, spec.min, spec.max, &spec.choices};
}
Rule rule_of(const EventFieldSpec& spec) {
  return Rule{spec.type, spec.min, spec.max, nullptr};
}

/// A validated value, or why the TOML value is not acceptable (a message without file or
/// key, so callers can place it).
struct Checked {
  std::optional<Value> value;
  std::string error;
};

Checked reject(std::string why) {
  return Checked{std::nullopt, std::move(why)};
}

Checked check_range(double x, const Value& value, const Rule& rule) {
  if (x < rule.min || x > rule.max) {
    return reject(range_text(rule.min, rule.max) + " (got " + to_toml(value) + ")");
  }
  return Checked{value, ""};
}

Checked check_value(const toml::value& v, const Rule& rule) {
  switch (rule.type) {
  case ValueType::integer: {
    if (!v.is_integer()) return reject("expected an integer, " + got(v));
    if (integer_overflowed(v)) {
      return reject("integer does not fit in 64 bits (got " + literal_text(v) + ")");
    }
    const std::int64_t i = v.as_integer();
    return check_range(static_cast<double>(i), Value{i}, rule);
  }
  case ValueType::real: {
    // A real parameter takes TOML integers too: researchers write `side_km = 10`.
    double d = 0.0;
    if (v.is_integer()) {
      if (integer_overflowed(v)) {
        return reject("integer does not fit in 64 bits (got " + literal_text(v) + ")");
      }
      d = static_cast<double>(v.as_integer());
    } else if (v.is_floating()) {
      if (float_overflowed(v)) return reject("must be finite (got " + literal_text(v) + ")");
      d = v.as_floating();
    } else {
      return reject("expected a number, " + got(v));
    }
    if (!std::isfinite(d)) return reject("must be finite (got " + to_toml(Value{d}) + ")");
    return check_range(d, Value{d}, rule);
  }
  case ValueType::boolean:
    if (!v.is_boolean()) return reject("expected a boolean (true or false), " + got(v));
    return Checked{Value{v.as_boolean()}, ""};
  case ValueType::string: {
    if (!v.is_string()) return reject("expected a string, " + got(v));
    const std::string s = v.as_string().str;
    if (rule.choices && !rule.choices->empty() &&
        std::find(rule.choices->begin(), rule.choices->end(), s) == rule.choices->end()) {
      std::string why =
          "must be one of " + literal_list(*rule.choices) + " (got " + literal(s) + ")";
      const std::string near = nearest_key(s, *rule.choices);
      if (!near.empty()) why += "; did you mean " + literal(near) + "?";
      return reject(why);
    }
    return Checked{Value{s}, ""};
  }
  }
  return reject("unsupported parameter type");
}

// --- files -------------------------------------------------------------------------------

/// The file's bytes. Failures name the file; for an `extends` target they are placed at
/// the `extends` key that asked for it.
/// `budget` is what is left of max_toml_bytes after the files that extend this one.
std::string read_text(const std::string& path, const Origin* origin, std::size_t budget) {
  auto failure = [&](const std::string& reason) {
    if (origin) {
      const std::string where = origin->target == path ? "" : " (looked for " + path + ")";
      return InputError(origin->pos, std::string(extends_key),
                        "cannot read " + literal(origin->target) + where + ": " + reason);
    }
    return InputError(SourcePos{path, 0}, "", reason);
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) throw failure(ec.message());
  if (!fs::exists(status)) throw failure("file not found");
  if (fs::is_directory(status)) throw failure("is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw failure("cannot be opened for reading");
  std::string text;
  // A device such as /dev/zero never ends: stop at a size no scenario reaches.
  if (!read_toml_text(in, text)) {
    throw failure("larger than " + std::to_string(max_toml_bytes >> 20) +
                  " MiB, not a scenario file");
  }
  if (in.bad()) throw failure("read error");
  if (text.size() > budget) {
    throw failure("the extends chain holds more than " + std::to_string(max_toml_bytes >> 20) +
                  " MiB of TOML, more than any scenario needs");
  }
  return text;
}

/// The base of `extends = target` in `including`: relative to the including file's folder,
/// kept relative when that folder is, so messages show paths the user recognises.
std::string resolve(const std::string& including, const std::string& target) {
  const fs::path t(target);
  if (t.is_absolute()) return t.lexically_normal().string();
  return (fs::path(including).parent_path() / t).lexically_normal().string();
}

std::string identity(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  if (ec) p = fs::absolute(path, ec).lexically_normal();
  return p.string();
}

// --- the loader --------------------------------------------------------------------------

} // namespace

/// The loader proper, named so that OverrideChecker (loader.hpp) can hold one.
class detail::Loader {
public:
  Loader(std::span<const ParameterSpec> specs, std::span<const EventSpec> events)
      : specs_(specs), events_(events) {
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const std::string& key = specs_[i].key;
      index_.emplace(key, i);
      key_candidates_.push_back(key);
      for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) {
        add_table(key.substr(0, dot));
      }
    }
    add_table(std::string(calendar_table));
    key_candidates_.emplace_back(extends_key);
    key_candidates_.emplace_back(events_key);
    for (const auto& e : events_)
      actions_.push_back(e.action);
    if (std::find(actions_.begin(), actions_.end(), set_action) == actions_.end()) {
      actions_.emplace_back(set_action);
    }
  }

  /// `path` and everything it extends, validated; `text` receives the file's own text.
  Layer load_file(const std::string& path, const Origin* origin, std::vector<ChainLink>& chain,
                  std::string* text, std::size_t budget = max_toml_bytes) const {
    std::string source = read_text(path, origin, budget);
    Layer layer = load_source(source, path, origin, chain);
    if (text) *text = std::move(source);
    return layer;
  }

  /// `source`, the text of the file `path` names, and everything it extends, validated.
  Layer load_source(const std::string& source, const std::string& path, const Origin* origin,
                    std::vector<ChainLink>& chain) const {
    const toml::value doc = parse_toml(source, path);
    // A batch file's keys would each be "unknown"; say what the file is instead.
    if (origin && toml_field(doc, "scenario")) {
      fail(origin->pos, std::string(extends_key),
           "cannot extend " + literal(origin->target) +
               ": it is a batch file (it has a top-level `scenario`), not a scenario");
    }

    Layer layer;
    if (const toml::value* ext = toml_field(doc, std::string(extends_key))) {
      layer = load_base(*ext, path, source.size(), chain);
    }
    walk(doc, "", path, layer);
    return layer;
  }

  /// One --set override, "section.key=value": the key and its validated value. Messages
  /// name `source` as the file.
  std::pair<std::string, Entry> read_override(const std::string& text,
                                              std::string_view source = set_source) const {
    const SourcePos pos{std::string(source), 0};
    const auto eq = text.find('=');
    const std::string key = eq == std::string::npos ? "" : trim(text.substr(0, eq));
    if (key.empty()) fail(pos, "", "expected section.key=value, got " + literal(text));
    const ParameterSpec* spec = find_spec(key);
    if (!spec) {
      if (key == events_key) fail(pos, key, "the calendar cannot be changed with --set");
      if (is_table(key)) fail(pos, key, "names a table; --set takes one parameter, section.key");
      fail(pos, key, unknown_key_message(key));
    }
    const std::string raw = trim(text.substr(eq + 1));
    try {
      check_toml_utf8(raw, std::string(source));
    } catch (const InputError&) {
      fail(pos, key, "not UTF-8 text");
    }
    std::optional<toml::value> parsed = parse_override_value(raw);
    // A value that is not TOML is a bare string (`--set influence.kind=degroot`); so is any
    // value given for a string parameter, so shells need no nested quotes for "2024".
    if (!parsed || (spec->type == ValueType::string && !parsed->is_string())) {
      parsed = toml::value(raw);
    }
    const Checked checked = check_value(*parsed, rule_of(*spec));
    if (!checked.value) fail(pos, key, checked.error);
    return {key, Entry{*checked.value, pos}};
  }

  /// A calendar `set` event given as "section.key=value" outside a file: validated as an
  /// override is, and the key must be one the calendar may set.
  CalendarEvent read_set_event(std::int64_t step, const std::string& text,
                               const std::string& source) const {
    const SourcePos pos{source, 0};
    // A key fixed at initialisation is refused whatever its value.
    const std::string named = trim(text.substr(0, text.find('=')));
    if (const ParameterSpec* spec = find_spec(named); spec && !spec->calendar_settable)
      fail(pos, named, named + " cannot be set during a run; it is fixed at initialisation");
    auto [key, entry] = read_override(text, source);
    CalendarEvent ev;
    ev.step = step;
    ev.action = std::string(set_action);
    ev.fields["key"] = Value{key};
    ev.fields["value"] = std::move(entry.value);
    ev.pos = pos;
    return ev;
  }

  [[nodiscard]] const ParameterSpec* find_spec(const std::string& key) const {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &specs_[it->second];
  }

private:
  void add_table(const std::string& name) {
    if (tables_.insert(name).second) table_list_.push_back(name);
  }

  [[nodiscard]] bool is_table(const std::string& name) const { return tables_.count(name) > 0; }

  [[nodiscard]] std::string unknown_key_message(const std::string& key) const {
    const std::string near = nearest_key(key, key_candidates_);
    return near.empty() ? "unknown key" : "unknown key; did you mean '" + near + "'?";
  }

  [[nodiscard]] std::string unknown_table_message(const std::string& name) const {
    std::string near = nearest_key(name, table_list_);
    if (near.empty()) near = nearest_key(name, key_candidates_);
    if (!near.empty()) return "unknown table; did you mean '" + near + "'?";
    if (name.find('.') != std::string::npos) return "unknown table";
    std::string known;
    for (const auto& t : table_list_) {
      if (t.find('.') == std::string::npos) known += (known.empty() ? "" : ", ") + t;
    }
    return "unknown table (known tables: " + known + ")";
  }

  /// The layer `extends = ...` names, checked for cycles before it is read.
  Layer load_base(const toml::value& ext, const std::string& path, std::size_t bytes,
                  std::vector<ChainLink>& chain) const {
    const SourcePos pos = toml_pos(ext, path);
    const std::string key(extends_key);
    if (!ext.is_string()) fail(pos, key, "expected a string (a scenario file), " + got(ext));
    const std::string target = ext.as_string().str;
    if (target.empty()) fail(pos, key, "expected a scenario file, got an empty string");

    chain.push_back(ChainLink{identity(path), path, bytes});
    const std::string base = resolve(path, target);
    const std::string base_id = identity(base);
    for (std::size_t i = 0; i < chain.size(); ++i) {
      if (chain[i].identity != base_id) continue;
      std::string cycle;
      for (std::size_t j = i; j < chain.size(); ++j)
        cycle += chain[j].name + " -> ";
      fail(pos, key, "circular extends: " + cycle + base);
    }
    // Every file of a chain is held, parsed, until the chain is read: bound the chain's
    // length and its total size as a single file's size is bounded.
    if (chain.size() >= max_extends_depth) {
      fail(pos, key,
           "more than " + std::to_string(max_extends_depth) +
               " files in the extends chain; extend a file with fewer layers");
    }
    const Origin origin{pos, target};
    std::size_t held = 0;
    for (const ChainLink& link : chain)
      held += link.bytes;
    Layer layer =
        load_file(base, &origin, chain, nullptr, max_toml_bytes - std::min(held, max_toml_bytes));
    chain.pop_back();
    return layer;
  }

  /// Validate a table's keys against the parameter table, recursing into sub-tables, and
  /// record each value over whatever a base file set.
  void walk(const toml::value& table, const std::string& prefix, const std::string& file,
            Layer& layer) const {
    for (const auto& [name, value] : toml_in_document_order(table)) {
      const toml::value& v = *value;
      const std::string key = join(prefix, *name);
      const SourcePos pos = toml_pos(v, file);
      if (prefix.empty() && *name == extends_key) continue; // followed before the walk
      if (prefix.empty() && *name == "scenario") {
        fail(pos, key, "this is a batch file's key: the file is a batch file, not a scenario");
      }
      if (key == events_key) {
        layer.events = read_events(v, file);
        continue;
      }
      if (const ParameterSpec* spec = find_spec(key)) {
        if (v.is_table()) fail(pos, key, "expected " + expected_text(spec->type) + ", got a table");
        const Checked checked = check_value(v, rule_of(*spec));
        if (!checked.value) fail(pos, key, checked.error);
        layer.values[key] = Entry{*checked.value, pos};
        continue;
      }
      if (is_table(key)) {
        if (!v.is_table()) fail(pos, key, "expected a table ([" + key + "]), " + got(v));
        walk(v, key, file, layer);
        continue;
      }
      fail(pos, key, v.is_table() ? unknown_table_message(key) : unknown_key_message(key));
    }
  }

  [[nodiscard]] std::vector<CalendarEvent> read_events(const toml::value& v,
                                                       const std::string& file) const {
    const std::string key(events_key);
    if (!v.is_array()) {
      fail(toml_pos(v, file), key, "expected an array of tables ([[calendar.events]]), " + got(v));
    }
    std::vector<CalendarEvent> out;
    const auto& items = v.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      // Events are named by their 0-based index; the line number locates them anyway.
      const std::string name = key + "[" + std::to_string(i) + "]";
      if (!items[i].is_table()) {
        fail(toml_pos(items[i], file), name,
             "expected a table with step and action, " + got(items[i]));
      }
      out.push_back(read_event(items[i], name, file));
    }
    return out;
  }

  [[nodiscard]] CalendarEvent read_event(const toml::value& e, const std::string& name,
                                         const std::string& file) const {
    CalendarEvent ev;
    ev.pos = toml_pos(e, file);

    const toml::value* step = toml_field(e, "step");
    if (!step) fail(ev.pos, name, "missing required field 'step'");
    const Checked s = check_value(*step, Rule{ValueType::integer, 0.0, inf, nullptr});
    if (!s.value) fail(toml_pos(*step, file), name + ".step", s.error);
    ev.step = std::get<std::int64_t>(*s.value);

    const toml::value* action = toml_field(e, "action");
    if (!action) fail(ev.pos, name, "missing required field 'action'");
    if (!action->is_string()) {
      fail(toml_pos(*action, file), name + ".action", "expected a string, " + got(*action));
    }
    ev.action = action->as_string().str;

    if (ev.action == set_action) {
      read_set_fields(e, name, file, ev);
      return ev;
    }
    const auto spec = std::find_if(events_.begin(), events_.end(),
                                   [&](const EventSpec& es) { return es.action == ev.action; });
    if (spec == events_.end()) {
      const std::string near = nearest_key(ev.action, actions_);
      fail(toml_pos(*action, file), name + ".action",
           "unknown action " + literal(ev.action) +
               (near.empty() ? " (known actions: " + literal_list(actions_) + ")"
                             : "; did you mean " + literal(near) + "?"));
    }

    std::vector<std::string> known{"step", "action"};
    for (const auto& f : spec->fields)
      known.push_back(f.name);
    for (const auto& [field, value] : toml_in_document_order(e)) {
      if (*field == "step" || *field == "action") continue;
      const std::string& field_name = *field; // clang 14 cannot capture a structured binding
      const auto fspec =
          std::find_if(spec->fields.begin(), spec->fields.end(),
                       [&](const EventFieldSpec& f) { return f.name == field_name; });
      const SourcePos pos = toml_pos(*value, file);
      if (fspec == spec->fields.end()) {
        fail(pos, name + "." + *field, unknown_field_message(ev.action, *field, known));
      }
      const Checked c = check_value(*value, rule_of(*fspec));
      if (!c.value) fail(pos, name + "." + *field, c.error);
      ev.fields[*field] = *c.value;
    }
    for (const auto& f : spec->fields) {
      if (f.required && !ev.fields.count(f.name)) {
        fail(ev.pos, name,
             "missing required field '" + f.name + "' for action " + literal(ev.action));
      }
    }
    return ev;
  }

  /// `action = "set"`: `key` names a calendar-settable parameter and `value` is validated
  /// against that parameter's spec, so a scheduled change obeys the same rules as the file.
  void read_set_fields(const toml::value& e, const std::string& name, const std::string& file,
                       CalendarEvent& ev) const {
    const std::vector<std::string> known{"step", "action", "key", "value"};
    for (const auto& [field, value] : toml_in_document_order(e)) {
      if (std::find(known.begin(), known.end(), *field) == known.end()) {
        fail(toml_pos(*value, file), name + "." + *field,
             unknown_field_message(ev.action, *field, known));
      }
    }
    const toml::value* key = toml_field(e, "key");
    if (!key) fail(ev.pos, name, "missing required field 'key' for action \"set\"");
    const SourcePos key_pos = toml_pos(*key, file);
    if (!key->is_string()) fail(key_pos, name + ".key", "expected a string, " + got(*key));
    const std::string target = key->as_string().str;
    const ParameterSpec* spec = find_spec(target);
    if (!spec) {
      const std::string near = nearest_key(target, key_candidates_);
      fail(key_pos, name + ".key",
           "unknown parameter " + literal(target) +
               (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
    if (!spec->calendar_settable) {
      fail(key_pos, name + ".key",
           target + " cannot be set by the calendar; it is fixed at initialisation");
    }
    const toml::value* value = toml_field(e, "value");
    if (!value) fail(ev.pos, name, "missing required field 'value' for action \"set\"");
    const Checked c = check_value(*value, rule_of(*spec));
    if (!c.value) fail(toml_pos(*value, file), name + ".value", "for " + target + ": " + c.error);
    ev.fields["key"] = Value{target};
    ev.fields["value"] = *c.value;
  }

  static std::string unknown_field_message(const std::string& action, const std::string& field,
                                           const std::vector<std::string>& known) {
    const std::string near = nearest_key(field, known);
    return "unknown field for action " + literal(action) +
           (near.empty() ? "" : "; did you mean '" + near + "'?");
  }

  /// A --set value as TOML (`x = <value>`), or nullopt when it is not one TOML value.
  static std::optional<toml::value> parse_override_value(const std::string& raw) {
    try {
      const toml::value doc = parse_toml("x = " + raw, std::string(set_source));
      const auto& table = doc.as_table();
      // "1\ny = 2" parses, but is not one value: treat it as text like any other non-TOML.
      if (table.size() == 1 && table.count("x")) return table.at("x");
    } catch (const std::exception&) {
      // Not TOML: the caller takes the raw text as a string.
    }
    return std::nullopt;
  }

  std::span<const ParameterSpec> specs_;
  std::span<const EventSpec> events_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::string> key_candidates_; ///< spec keys plus `extends`, `calendar.events`
  std::set<std::string> tables_;            ///< every proper prefix of a spec key
  std::vector<std::string> table_list_;     ///< the same, in spec order, for suggestions
  std::vector<std::string> actions_;        ///< event actions including "set"
};

namespace {

/// The loaded scenario from the top file's layer: defaults filled in, then the overrides.
LoadedScenario resolve_layer(const detail::Loader& loader, Layer layer, std::string path,
                             std::string source, std::span<const ParameterSpec> specs,
                             std::span<const std::string> overrides) {
  LoadedScenario out;
  out.path = std::move(path);
  out.text = std::move(source);

  out.keys.reserve(specs.size());
  out.values.reserve(specs.size());
  out.positions.reserve(specs.size());
  for (const auto& spec : specs) {
    out.keys.push_back(spec.key);
    const auto it = layer.values.find(spec.key);
    out.values.push_back(it == layer.values.end() ? spec.default_value : it->second.value);
    out.positions.push_back(it == layer.values.end() ? SourcePos{} : it->second.pos);
  }
  for (const auto& text : overrides) {
    auto [key, entry] = loader.read_override(text);
    const std::size_t i = out.index_of(key);
    out.values[i] = std::move(entry.value);
    out.positions[i] = std::move(entry.pos);
  }
  out.events = std::move(layer.events).value_or(std::vector<CalendarEvent>{});
  std::stable_sort(out.events.begin(), out.events.end(),
                   [](const CalendarEvent& a, const CalendarEvent& b) { return a.step < b.step; });
  return out;
}

} // namespace

LoadedScenario load_scenario(const std::string& path, std::span<const ParameterSpec> specs,
                             std::span<const EventSpec> events,
                             std::span<const std::string> overrides) {
  const detail::Loader loader(specs, events);
  std::vector<ChainLink> chain;
  std::string text;
  Layer layer = loader.load_file(path, nullptr, chain, &text);
  return resolve_layer(loader, std::move(layer), path, std::move(text), specs, overrides);
}

OverrideChecker::OverrideChecker(std::span<const ParameterSpec> specs,
                                 std::span<const EventSpec> events)
    : loader_(std::make_unique<const detail::Loader>(specs, events)) {}

OverrideChecker::~OverrideChecker() = default;

void OverrideChecker::operator()(const std::string& text) const {
  (void)loader_->read_override(text);
}

CalendarEvent OverrideChecker::set_event(std::int64_t step, const std::string& text,
                                         const std::string& source) const {
  return loader_->read_set_event(step, text, source);
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& name,
                                  std::span<const ParameterSpec> specs,
                                  std::span<const EventSpec> events,
                                  std::span<const std::string> overrides) {
  const detail::Loader loader(specs, events);
  std::vector<ChainLink> chain;
  Layer layer = loader.load_source(text, name, nullptr, chain);
  return resolve_layer(loader, std::move(layer), name, text, specs, overrides);
}

} // namespace minesim
