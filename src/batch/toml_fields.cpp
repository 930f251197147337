// Fields of the batch layer's TOML files: see toml_fields.hpp.
#include "batch/toml_fields.hpp"

#include "scenario/loader.hpp"
#include "scenario/toml_limits.hpp"
#include "scenario/toml_value.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

namespace minesim::batch::detail {
namespace {

namespace fs = std::filesystem;

/// The leaves of a [set] or [grid] table as dotted keys, in document order. TOML's dotted
/// keys (`influence.epsilon = 0.1`), sub-tables and quoted keys ("influence.epsilon") all
/// name the same parameter.
void flatten(const toml::value& table, const std::string& key_prefix,
             const std::string& field_prefix, bool grid, const std::string& file,
             const std::string& what, std::vector<GridKey>& out) {
  for (const auto& [name, value] : toml_in_document_order(table)) {
    const std::string key = key_prefix.empty() ? *name : key_prefix + "." + *name;
    const std::string field = field_prefix + "." + *name;
    const toml::value& v = *value;
    if (v.is_table()) {
      flatten(v, key, field, grid, file, what, out);
      continue;
    }
    if (key == "simulation.seed") {
      fail(toml_pos(v, file), field,
           "each run's seed comes from the " + what + " `seed` and its replicate; remove this key");
    }
    GridKey entry{key, field, {}};
    if (!grid) {
      const std::optional<Value> s = toml_scalar(v);
      if (!s) {
        fail(toml_pos(v, file), field,
             "expected one value, got " + toml_kind(v) +
                 (v.is_array() ? " (lists of values go in a grid)" : ""));
      }
      entry.values.push_back(Override{key, *s, field, toml_pos(v, file)});
    } else {
      if (!v.is_array()) {
        fail(toml_pos(v, file), field, "expected a list of values, got " + toml_kind(v));
      }
      const auto& items = v.as_array();
      if (items.empty()) fail(toml_pos(v, file), field, "expected a list of values, got []");
      for (std::size_t i = 0; i < items.size(); ++i) {
        const std::optional<Value> s = toml_scalar(items[i]);
        const std::string item_field = field + "[" + std::to_string(i) + "]";
        if (!s)
          fail(toml_pos(items[i], file), item_field,
               "expected a value, got " + toml_kind(items[i]));
        for (const Override& earlier : entry.values) {
          if (earlier.value == *s) {
            fail(toml_pos(items[i], file), item_field,
                 "duplicate value " + to_toml(*s) + " (also " + earlier.field + ")");
          }
        }
        entry.values.push_back(Override{key, *s, item_field, toml_pos(items[i], file)});
      }
    }
    out.push_back(std::move(entry));
  }
}

} // namespace

[[noreturn]] void fail(const SourcePos& pos, const std::string& key, const std::string& message) {
  throw InputError(pos, one_line(key), one_line(message));
}

std::string read_text(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(SourcePos{path, 0}, "", "file not found");
  if (fs::is_directory(path, ec)) {
    throw InputError(SourcePos{path, 0}, "", "is a directory, not a " + what + " file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourcePos{path, 0}, "", "cannot be opened for reading");
  std::string text;
  if (!read_toml_text(in, text)) {
    throw InputError(SourcePos{path, 0}, "",
                     "larger than " + std::to_string(max_toml_bytes >> 20) + " MiB, not a " + what +
                         " file");
  }
  return text;
}

void check_keys(const toml::value& table, const std::vector<std::string>& known,
                const std::string& prefix, const std::string& file) {
  for (const auto& [key, value] : toml_in_document_order(table)) {
    if (std::find(known.begin(), known.end(), *key) != known.end()) continue;
    const std::string near = nearest_key(*key, known);
    fail(toml_pos(*value, file), prefix + *key,
         near.empty() ? "unknown key" : "unknown key; did you mean '" + near + "'?");
  }
}

std::vector<GridKey> read_table(const toml::value* table, const std::string& field, bool grid,
                                const std::string& file, const std::string& what) {
  std::vector<GridKey> out;
  if (table == nullptr) return out;
  if (!table->is_table()) {
    fail(toml_pos(*table, file), field, "expected a table, got " + toml_kind(*table));
  }
  flatten(*table, "", field, grid, file, what, out);
  return out;
}

std::int64_t read_integer(const toml::value& doc, const std::string& key, std::int64_t min,
                          std::int64_t max, const std::string& file) {
  const toml::value* v = toml_field(doc, key);
  if (v == nullptr) fail(SourcePos{file, 0}, key, "missing required key");
  if (!v->is_integer()) fail(toml_pos(*v, file), key, "expected an integer, got " + toml_kind(*v));
  const std::int64_t i = v->as_integer();
  if (i < min || i > max) {
    fail(toml_pos(*v, file), key,
         "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "] (got " +
             std::to_string(i) + ")");
  }
  return i;
}

std::string read_scenario_path(const toml::value& doc, const std::string& file,
                               std::string& as_written, SourcePos& pos) {
  const toml::value* scenario = toml_field(doc, "scenario");
  if (scenario == nullptr) fail(SourcePos{file, 0}, "scenario", "missing required key");
  pos = toml_pos(*scenario, file);
  if (!scenario->is_string() || scenario->as_string().str.empty()) {
    fail(pos, "scenario", "expected the path of a scenario file, got " + toml_kind(*scenario));
  }
  as_written = scenario->as_string().str;
  const fs::path target(as_written);
  const std::string path =
      target.is_absolute() ? target.lexically_normal().string()
                           : (fs::path(file).parent_path() / target).lexically_normal().string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    fail(pos, "scenario",
         "cannot read \"" + as_written + "\" (looked for " + path +
             "): " + (fs::exists(path, ec) ? "not a file" : "file not found"));
  }
  return path;
}

} // namespace minesim::batch::detail
