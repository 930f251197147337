// Reading a batch file: its own keys, the overrides it lists, and the expansion of grids
// into arms. Parameter values are not judged here (plan.cpp loads the scenario with them).
#include "batch/batch_file.hpp"

#include "batch/toml_fields.hpp"

#include "engine/random.hpp"
#include "scenario/loader.hpp"
#include "scenario/toml_limits.hpp"
#include "scenario/toml_value.hpp"

#include <toml.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

namespace minesim::batch {
namespace {

using namespace detail;
using Entry = GridKey;

namespace fs = std::filesystem;

/// The counter-based stream of replicate seeds. It is keyed by the batch seed, never by a
/// run's seed, so it cannot collide with the model's streams in any way that matters; a
/// number far from theirs keeps the purposes visibly apart.
constexpr StreamId replicate_seed_stream = numbered_stream(0xBA7C, "batch_replicate_seed");
constexpr std::uint64_t seed_mask = (std::uint64_t{1} << 53) - 1;
constexpr std::int64_t max_replicates = BatchLimits::max_replicates;
constexpr std::size_t max_runs = BatchLimits::max_runs;
constexpr std::string_view set_prefix = "--set: ";
/// How many files an `extends` chain may hold: far more than any use needs, few enough that
/// a chain of generated files cannot make reading a batch slow.
constexpr std::size_t max_extends_depth = 16;

const std::vector<std::string> top_level_keys{"extends", "description", "scenario", "replicates",
                                              "seed",    "set",         "grid",     "arms"};
const std::vector<std::string> arm_keys{"name", "set", "grid"};

/// A key may be given once among an arm's set, its grid and the top-level grid: with two,
/// which one wins would be a guess.
void check_unique_keys(const std::vector<const std::vector<Entry>*>& groups) {
  std::map<std::string, const Entry*> seen;
  for (const auto* group : groups) {
    for (const Entry& entry : *group) {
      const auto [it, inserted] = seen.emplace(entry.key, &entry);
      if (!inserted) {
        fail(entry.values.front().pos, entry.field,
             "also given as " + it->second->field + " (line " +
                 std::to_string(it->second->values.front().pos.line) +
                 "); give each parameter once per arm");
      }
    }
  }
}

/// Text of a value in a generated arm name: strings without quotes.
std::string name_text(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return to_toml(v);
}

std::string last_component(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

/// Key `k` of the grid that group's arms cross: its own grid, then the top-level [grid].
const GridKey& grid_key(const BatchFile& batch, const ArmGroup& group, std::size_t k) {
  return k < group.grid.size() ? group.grid[k] : batch.grid[k - group.grid.size()];
}

/// The group of arm `index` and the position of its value in each of the group's grid lists
/// (the last key varies fastest).
std::pair<const ArmGroup*, std::vector<std::size_t>> locate(const BatchFile& batch,
                                                            std::size_t index) {
  if (index >= batch.arm_count) {
    throw std::out_of_range("arm " + std::to_string(index) + " of a batch of " +
                            std::to_string(batch.arm_count));
  }
  const auto after =
      std::upper_bound(batch.groups.begin(), batch.groups.end(), index,
                       [](std::size_t i, const ArmGroup& g) { return i < g.first_arm; });
  const ArmGroup& group = *std::prev(after);
  std::vector<std::size_t> point(group.grid.size() + batch.grid.size());
  std::size_t rest = index - group.first_arm;
  for (std::size_t k = point.size(); k-- > 0;) {
    const std::size_t n = grid_key(batch, group, k).values.size();
    point[k] = rest % n;
    rest /= n;
  }
  return {&group, std::move(point)};
}

/// Two arms may not share an id, since runs are files named by it. Ids are compared by a
/// 64-bit hash first (16 bytes an arm, not the ids themselves); equal hashes are compared
/// in full. The error names the first arm, in arm order, whose id an earlier arm has.
void check_unique_ids(const BatchFile& batch) {
  std::vector<std::pair<std::uint64_t, std::size_t>> hashes;
  hashes.reserve(batch.arm_count);
  for (std::size_t i = 0; i < batch.arm_count; ++i)
    hashes.emplace_back(std::hash<std::string>{}(sanitize_id(batch.arm_name(i))), i);
  std::sort(hashes.begin(), hashes.end());
  std::optional<std::pair<std::size_t, std::size_t>> first; // (earlier, later)
  for (std::size_t i = 0; i < hashes.size();) {
    std::size_t j = i + 1;
    while (j < hashes.size() && hashes[j].first == hashes[i].first)
      ++j;
    // Within a run of equal hashes, the later of the earliest pair with equal ids.
    for (std::size_t b = i + 1; b < j; ++b) {
      const std::string id = sanitize_id(batch.arm_name(hashes[b].second));
      for (std::size_t a = i; a < b; ++a) {
        if (sanitize_id(batch.arm_name(hashes[a].second)) != id) continue;
        if (!first || hashes[b].second < first->second) {
          first = std::pair{hashes[a].second, hashes[b].second};
        }
        break;
      }
    }
    i = j;
  }
  if (!first) return;
  const ArmSpec earlier = batch.arm(first->first);
  const ArmSpec later = batch.arm(first->second);
  fail(later.pos, "arms",
       "two arms have the id '" + later.id + "' (\"" + earlier.name + "\" and \"" + later.name +
           "\"); give arms names that differ in letters, digits, '.', '_' or '-'");
}

} // namespace

std::uint64_t replicate_seed(std::uint64_t batch_seed, std::int64_t replicate) {
  const CounterRng rng(batch_seed, replicate_seed_stream, 0, static_cast<std::uint64_t>(replicate));
  return rng.bits(0) & seed_mask;
}

[[noreturn]] void rethrow_placed(const InputError& e, std::span<const Override> overrides,
                                 const std::string& context) {
  const std::string what = e.what();
  if (what.rfind(set_prefix, 0) == 0) {
    const std::string rest = what.substr(set_prefix.size());
    // The last override of a key is the one in effect, and the one the loader judged last.
    for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
      const std::string head = it->key + ": ";
      if (rest.rfind(head, 0) == 0) {
        throw InputError(it->pos, it->field, rest.substr(head.size()));
      }
    }
  }
  throw InputError(what + context);
}

std::string sanitize_id(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty()) return "arm";
  if (out.front() == '.') out.front() = '_'; // no hidden files, no "." or ".."
  return out;
}

std::string run_id(const std::string& arm_id, std::int64_t replicate, std::int64_t replicates) {
  const std::size_t width = std::max<std::size_t>(3, std::to_string(replicates - 1).size());
  std::string number = std::to_string(replicate);
  if (number.size() < width) number.insert(0, width - number.size(), '0');
  return arm_id + "_r" + number;
}

bool is_batch_file(const std::string& path) {
  // Batch files have top-level keys that scenario files never have; a batch file that
  // extends another may give none of them, so its base decides.
  std::string file = path;
  for (std::size_t depth = 0; depth <= max_extends_depth; ++depth) {
    try {
      std::ifstream in(file, std::ios::binary);
      std::string text;
      if (!in || !read_toml_text(in, text)) return false;
      const toml::value doc = parse_toml(text, file);
      if (!doc.is_table()) return false;
      for (const char* key : {"scenario", "replicates", "grid", "arms"})
        if (doc.as_table().count(key) > 0) return true;
      // A key no batch file has (a scenario's table): a scenario, whatever it extends.
      for (const auto& [key, value] : doc.as_table())
        if (std::find(top_level_keys.begin(), top_level_keys.end(), key) == top_level_keys.end())
          return false;
      const toml::value* extends = toml_field(doc, "extends");
      if (extends == nullptr || !extends->is_string()) return false;
      const fs::path target(extends->as_string().str);
      file =
          target.is_absolute() ? target.string() : (fs::path(file).parent_path() / target).string();
    } catch (const std::exception&) {
      return false;
    }
  }
  return false;
}

/// An arm as written in one `[[arms]]` table.
struct WrittenArm {
  std::string name;
  std::vector<Entry> set;
  std::vector<Entry> grid;
  SourcePos pos;
};

/// What one batch file says, merged onto what its `extends` chain says. Keys a file does
/// not give come from the file it extends.
struct Layer {
  std::string text; ///< this file's text, then its bases' texts as comments
  std::optional<std::string> description;
  std::optional<std::string> scenario; ///< resolved against the folder of the file that gives it
  std::string scenario_as_written;
  SourcePos scenario_pos;
  std::optional<std::int64_t> replicates;
  std::optional<std::int64_t> seed;
  std::vector<Entry> common;
  std::vector<Entry> grid;
  std::optional<std::vector<WrittenArm>> arms;
};

/// `entries` with `own` applied: an entry of `own` replaces the entry of the same key, or
/// is added after the others.
void merge_entries(std::vector<Entry>& entries, std::vector<Entry> own) {
  for (Entry& e : own) {
    const auto same = std::find_if(entries.begin(), entries.end(),
                                   [&](const Entry& x) { return x.key == e.key; });
    if (same != entries.end()) {
      *same = std::move(e);
    } else {
      entries.push_back(std::move(e));
    }
  }
}

/// "# | line" for each line of `text`: a base file's text kept, as comments, in the text
/// that batch folders and indexes record.
std::string commented(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.append("# | ").append(text, start, end - start).append("\n");
    start = end + 1;
  }
  return out;
}

Layer read_layer(const std::string& path, std::vector<std::string>& chain) {
  Layer layer;
  const std::string text = read_text(path, "batch");
  const toml::value doc = parse_toml(text, path);
  if (doc.as_table().empty()) {
    fail(SourcePos{path, 0}, "",
         "empty batch file: it needs at least `scenario`, `replicates` and `seed` (docs/batch.md)");
  }
  check_keys(doc, top_level_keys, "", path);

  const toml::value* extends = toml_field(doc, "extends");
  if (extends != nullptr) {
    const SourcePos pos = toml_pos(*extends, path);
    if (!extends->is_string() || extends->as_string().str.empty()) {
      fail(pos, "extends", "expected the path of a batch file, got " + toml_kind(*extends));
    }
    const fs::path target(extends->as_string().str);
    const std::string base =
        target.is_absolute() ? target.lexically_normal().string()
                             : (fs::path(path).parent_path() / target).lexically_normal().string();
    std::error_code ec;
    if (!fs::is_regular_file(base, ec)) {
      fail(pos, "extends",
           "cannot read \"" + target.string() + "\" (looked for " + base +
               "): " + (fs::exists(base, ec) ? "not a file" : "file not found"));
    }
    const std::string identity = fs::weakly_canonical(base, ec).string();
    if (std::find(chain.begin(), chain.end(), identity) != chain.end()) {
      std::string cycle;
      for (const std::string& c : chain)
        cycle.append(c).append(" -> ");
      fail(pos, "extends", "circular extends: " + cycle + identity);
    }
    if (chain.size() >= max_extends_depth) {
      fail(pos, "extends",
           "an extends chain of more than " + std::to_string(max_extends_depth) + " files");
    }
    chain.push_back(identity);
    layer = read_layer(base, chain);
    chain.pop_back();
    layer.text = text + (text.empty() || text.back() == '\n' ? "" : "\n") + "# extends " + base +
                 ", which reads:\n" + commented(layer.text);
  } else {
    layer.text = text;
  }
  const bool required = extends == nullptr;

  if (const toml::value* d = toml_field(doc, "description")) {
    if (!d->is_string())
      fail(toml_pos(*d, path), "description", "expected a string, got " + toml_kind(*d));
    layer.description = d->as_string().str;
  }
  if (required || toml_field(doc, "scenario") != nullptr) {
    layer.scenario = read_scenario_path(doc, path, layer.scenario_as_written, layer.scenario_pos);
  }
  if (required || toml_field(doc, "replicates") != nullptr)
    layer.replicates = read_integer(doc, "replicates", 1, max_replicates, path);
  if (required || toml_field(doc, "seed") != nullptr) {
    layer.seed = read_integer(doc, "seed", 0, std::numeric_limits<std::int64_t>::max(), path);
  }
  merge_entries(layer.common, read_table(toml_field(doc, "set"), "set", false, path, "batch"));
  merge_entries(layer.grid, read_table(toml_field(doc, "grid"), "grid", true, path, "batch"));

  if (const toml::value* arms = toml_field(doc, "arms")) {
    if (!arms->is_array() || arms->as_array().empty()) {
      fail(toml_pos(*arms, path), "arms",
           "expected one or more [[arms]] tables, got " + toml_kind(*arms));
    }
    std::vector<WrittenArm> written;
    const auto& items = arms->as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string field = "arms[" + std::to_string(i) + "]";
      const toml::value& a = items[i];
      if (!a.is_table()) fail(toml_pos(a, path), field, "expected a table, got " + toml_kind(a));
      check_keys(a, arm_keys, field + ".", path);
      const toml::value* name = toml_field(a, "name");
      if (name == nullptr) fail(toml_pos(a, path), field, "missing required key 'name'");
      if (!name->is_string() || name->as_string().str.empty()) {
        fail(toml_pos(*name, path), field + ".name",
             "expected a non-empty string, got " + toml_kind(*name));
      }
      written.push_back(
          WrittenArm{name->as_string().str,
                     read_table(toml_field(a, "set"), field + ".set", false, path, "batch"),
                     read_table(toml_field(a, "grid"), field + ".grid", true, path, "batch"),
                     toml_pos(*name, path)});
    }
    layer.arms = std::move(written); // a file's arms replace those of the file it extends
  }
  return layer;
}

/// The field and line where the batch file gives `key` to some arm, or nullptr.
const Entry* varied_entry(const std::vector<Entry>& grid, const std::vector<WrittenArm>& arms,
                          const std::string& key) {
  for (const Entry& e : grid)
    if (e.key == key) return &e;
  for (const WrittenArm& a : arms) {
    for (const auto* list : {&a.set, &a.grid})
      for (const Entry& e : *list)
        if (e.key == key) return &e;
  }
  return nullptr;
}

/// The command line's `--set key=value` for every run: checked with `check_value`, refused
/// when the batch varies the key (its arms would become one), and otherwise applied after
/// the batch file's [set], replacing its value of the same key.
void apply_command_line_set(std::vector<Entry>& common, const std::vector<Entry>& grid,
                            const std::vector<WrittenArm>& arms,
                            const std::vector<std::string>& assignments,
                            const ValueChecker& check_value) {
  for (const std::string& assignment : assignments) {
    const auto eq = assignment.find('=');
    const std::string key = eq == std::string::npos ? assignment : assignment.substr(0, eq);
    if (key == "simulation.seed") {
      throw InputError("--set simulation.seed: a batch's runs take their seeds from the batch "
                       "file's `seed`; change that instead");
    }
    check_value(assignment); // "--set: key: message" for a bad key or value
    if (const Entry* varied = varied_entry(grid, arms, key)) {
      throw InputError("--set " + key + ": the batch varies this parameter (" + varied->field +
                       ", " + varied->values.front().pos.file + " line " +
                       std::to_string(varied->values.front().pos.line) +
                       "); --set applies to every run, so it would make those arms one");
    }
    // The value as the scenario loader reads a --set value: TOML, else a bare string.
    Value value = assignment.substr(eq + 1);
    try {
      const toml::value doc = parse_toml("v = " + assignment.substr(eq + 1), "--set");
      if (const auto scalar = toml_scalar(toml::find(doc, "v"))) value = *scalar;
    } catch (const std::exception&) {
      // not TOML: a bare string, as `minesim run --set` takes it
    }
    Entry entry;
    entry.key = key;
    entry.field = "--set " + key;
    entry.values.push_back(Override{key, value, entry.field, SourcePos{"--set", 0}});
    merge_entries(common, {std::move(entry)});
  }
}

BatchFile read_batch_file(const std::string& path, const ValueChecker& check_value,
                          const BatchLimits& limits, const CommandLineChanges& changes) {
  BatchFile batch;
  batch.path = path;
  std::vector<std::string> chain;
  std::error_code ec;
  chain.push_back(fs::weakly_canonical(path, ec).string());
  Layer layer = read_layer(path, chain);
  // Keys that only an extended file may leave out must come from somewhere in the chain.
  for (const auto& [key, given] : {std::pair{"scenario", layer.scenario.has_value()},
                                   std::pair{"replicates", layer.replicates.has_value()},
                                   std::pair{"seed", layer.seed.has_value()}}) {
    if (!given)
      fail(SourcePos{path, 0}, key, "missing required key (in this file or those it extends)");
  }
  batch.text = std::move(layer.text);
  batch.description = layer.description.value_or("");
  batch.scenario = *layer.scenario;
  batch.scenario_as_written = layer.scenario_as_written;
  batch.scenario_pos = layer.scenario_pos;
  batch.replicates = *layer.replicates;
  batch.seed = static_cast<std::uint64_t>(*layer.seed);
  std::vector<WrittenArm> written =
      layer.arms ? std::move(*layer.arms)
                 : std::vector<WrittenArm>{WrittenArm{"", {}, {}, SourcePos{path, 0}}};
  const std::vector<Entry>& top_grid = layer.grid;
  std::vector<Entry>& common = layer.common;

  if (changes.replicates) {
    if (*changes.replicates < 1 || *changes.replicates > max_replicates) {
      throw InputError("--replicates: must be in [1, " + std::to_string(max_replicates) +
                       "] (got " + std::to_string(*changes.replicates) + ")");
    }
    batch.replicates = *changes.replicates;
  }
  apply_command_line_set(common, top_grid, written, changes.set, check_value);
  if (changes.replicates || !changes.set.empty()) {
    batch.text.append("# minesim batch, from the command line:");
    if (changes.replicates) batch.text.append(" --replicates " + std::to_string(batch.replicates));
    for (const std::string& a : changes.set)
      batch.text.append(" --set ").append(a);
    batch.text.append("\n");
  }

  for (const Entry& g : top_grid) {
    for (const Entry& c : common) {
      if (c.key == g.key) {
        fail(g.values.front().pos, g.field,
             "also set by " + c.field + " (line " + std::to_string(c.values.front().pos.line) +
                 "); a parameter is either common to all runs or varied");
      }
    }
  }
  for (const WrittenArm& arm : written)
    check_unique_keys({&arm.set, &arm.grid, &top_grid});

  std::set<std::string> varied_seen;
  const auto note_varied = [&](const std::vector<Entry>& entries) {
    for (const Entry& e : entries)
      if (varied_seen.insert(e.key).second) batch.varied_keys.push_back(e.key);
  };
  for (const Entry& e : common)
    batch.common.push_back(e.values.front());

  // Count the grid points without making them: a few short grids multiply into billions.
  // Counts saturate just above the run limit, so the products cannot overflow.
  std::size_t arm_count = 0;
  for (WrittenArm& w : written) {
    note_varied(w.set);
    note_varied(w.grid);
    ArmGroup group;
    group.name = std::move(w.name);
    group.pos = w.pos;
    for (Entry& e : w.set)
      group.set.push_back(std::move(e.values.front()));
    group.grid = std::move(w.grid);
    group.first_arm = arm_count;
    const std::vector<Entry>& own_grid = group.grid;
    for (const auto* grid : {&own_grid, &top_grid}) {
      for (const Entry& e : *grid) {
        group.arm_count = group.arm_count > max_runs / e.values.size()
                              ? max_runs + 1
                              : group.arm_count * e.values.size();
      }
    }
    arm_count = std::min(arm_count + group.arm_count, max_runs + 1);
    batch.groups.push_back(std::move(group));
  }
  note_varied(top_grid);
  batch.grid = top_grid;

  // Every value as written, once: first each key with its first value, before the arms are
  // counted (so a misspelt key in a huge grid is named, not the size), then, within the
  // limits, the other values of each list.
  const auto check_one = [&](const Override& o) {
    try {
      check_value(o.assignment());
    } catch (const InputError& e) {
      rethrow_placed(e, std::span(&o, 1), " (" + o.field + " of " + path + ")");
    }
  };
  const auto check_values = [&](bool firsts) {
    const auto check_list = [&](const std::vector<Override>& values) {
      for (std::size_t i = firsts ? 0 : 1; i < (firsts ? 1 : values.size()); ++i)
        check_one(values[i]);
    };
    for (const Override& o : batch.common)
      if (firsts) check_one(o);
    for (const ArmGroup& group : batch.groups) {
      for (const Override& o : group.set)
        if (firsts) check_one(o);
      for (const GridKey& key : group.grid)
        check_list(key.values);
    }
    for (const GridKey& key : batch.grid)
      check_list(key.values);
  };
  check_values(true);

  const auto replicates = static_cast<std::size_t>(batch.replicates);
  if (arm_count > max_runs / replicates) {
    fail(SourcePos{path, 0}, "arms",
         (arm_count > max_runs ? "more than " + std::to_string(max_runs)
                               : std::to_string(arm_count)) +
             " arms x " + std::to_string(batch.replicates) + " replicates is more than " +
             std::to_string(max_runs) + " runs");
  }
  if (arm_count > limits.max_arms) {
    fail(SourcePos{path, 0}, "arms",
         std::to_string(arm_count) + " arms is more than the limit of " +
             std::to_string(limits.max_arms) +
             ": planning loads the scenario once per arm, about 1 ms and 3 KiB each; make "
             "the grid smaller or split it over several batch files, or raise the limit with "
             "--max-arms " +
             std::to_string(arm_count));
  }
  batch.arm_count = arm_count;
  check_values(false);
  check_unique_ids(batch);
  return batch;
}

std::string BatchFile::arm_name(std::size_t index) const {
  const auto [group, point] = locate(*this, index);
  std::string name = group->name;
  for (std::size_t k = 0; k < point.size(); ++k) {
    const Override& o = grid_key(*this, *group, k).values[point[k]];
    if (!name.empty()) name += '_';
    name += last_component(o.key);
    name += '-';
    name += name_text(o.value);
  }
  return name.empty() ? "base" : name;
}

ArmSpec BatchFile::arm(std::size_t index) const {
  const auto [group, point] = locate(*this, index);
  ArmSpec arm;
  arm.name = arm_name(index);
  arm.id = sanitize_id(arm.name);
  arm.pos = group->pos;
  arm.overrides = common;
  arm.overrides.insert(arm.overrides.end(), group->set.begin(), group->set.end());
  for (std::size_t k = 0; k < point.size(); ++k) {
    arm.overrides.push_back(grid_key(*this, *group, k).values[point[k]]);
    arm.pos = arm.overrides.back().pos;
  }
  return arm;
}

} // namespace minesim::batch
