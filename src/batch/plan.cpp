// Planning a batch: validating each arm through the scenario loader (via the ArmChecker),
// placing errors at the batch file's lines, laying out the runs, and the plan.toml that
// lets a rerun, a shard or batch-merge know which runs a folder holds.
#include "batch/plan.hpp"

#include "scenario/toml_value.hpp"

#include <toml.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace minesim::batch {
namespace {

constexpr std::int64_t plan_version = 1;

/// FNV-1a, 64 bits: a stable fingerprint of text (std::hash may differ between builds).
std::string fingerprint(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

/// The resolved parameters without the `seed = ...` line, which differs between replicates
/// of one arm and is recorded separately.
std::string without_seed_line(const std::string& resolved) {
  std::istringstream in(resolved);
  std::string out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("seed = ", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

std::string toml_string(const std::string& s) {
  return to_toml(Value{s});
}

std::string toml_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + toml_string(items[i]);
  return out + "]";
}

std::vector<std::string> string_list(const toml::value& v) {
  std::vector<std::string> out;
  for (const toml::value& item : v.as_array())
    out.push_back(item.as_string().str);
  return out;
}

void set_replicate_seeds(BatchPlan& plan) {
  plan.seeds.clear();
  for (std::int64_t r = 0; r < plan.replicates; ++r)
    plan.seeds.push_back(replicate_seed(plan.seed, r));
}

std::int64_t parse_int(const std::string& text, bool& ok) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  ok = ec == std::errc{} && end == text.data() + text.size() && !text.empty();
  return value;
}

} // namespace

std::size_t RunList::size() const {
  return plan_->arms.size() * static_cast<std::size_t>(plan_->replicates);
}

PlannedRun RunList::operator[](std::size_t index) const {
  const auto replicates = static_cast<std::size_t>(plan_->replicates);
  const std::size_t arm = index / replicates;
  const auto replicate = static_cast<std::int64_t>(index % replicates);
  return PlannedRun{index, run_id(plan_->arms[arm].id, replicate, plan_->replicates), arm,
                    replicate, plan_->seeds[static_cast<std::size_t>(replicate)]};
}

PlannedRun RunList::at(std::size_t index) const {
  if (index >= size()) {
    throw std::out_of_range("run " + std::to_string(index) + " of a plan of " +
                            std::to_string(size()));
  }
  return (*this)[index];
}

std::vector<std::string> BatchPlan::overrides_of(const PlannedRun& run) const {
  std::vector<std::string> out = arms.at(run.arm).overrides;
  out.push_back("simulation.seed=" + std::to_string(run.seed));
  return out;
}

BatchPlan make_plan(const BatchFile& file, const ArmChecker& check) {
  BatchPlan plan;
  plan.batch_path = file.path;
  plan.batch_text = file.text;
  plan.scenario = file.scenario;
  plan.description = file.description;
  plan.replicates = file.replicates;
  plan.seed = file.seed;
  plan.varied_keys = file.varied_keys;
  plan.arms.reserve(file.arm_count);
  const std::string first_seed = "simulation.seed=" + std::to_string(replicate_seed(file.seed, 0));
  std::vector<std::string> with_seed;
  for (std::size_t a = 0; a < file.arm_count; ++a) {
    const ArmSpec spec = file.arm(a);
    PlannedArm arm;
    arm.name = spec.name;
    arm.id = spec.id;
    for (const Override& o : spec.overrides)
      arm.overrides.push_back(o.assignment());
    with_seed = arm.overrides;
    with_seed.push_back(first_seed);
    ArmCheck checked;
    try {
      checked = check(with_seed, plan.varied_keys);
    } catch (const InputError& e) {
      rethrow_placed(e, spec.overrides,
                     " (loading the scenario for arm \"" + spec.name + "\" of " + spec.pos.file +
                         ")");
    }
    arm.values = std::move(checked.values);
    arm.fingerprint = fingerprint(without_seed_line(checked.resolved_text));
    arm.needs = checked.needs;
    if (plan.varied_info.empty()) plan.varied_info = std::move(checked.info);
    plan.arms.push_back(std::move(arm));
  }
  set_replicate_seeds(plan);
  return plan;
}

std::string plan_toml(const BatchPlan& plan) {
  std::string out =
      "# The plan of a batch, written by `minesim batch`: the runs this folder holds. A rerun\n"
      "# (resume), a shard and `minesim batch-merge` read it. Do not edit it.\n";
  out += "plan_version = " + std::to_string(plan_version) + "\n";
  out += "batch_file = " + toml_string(plan.batch_path) + "\n";
  out += "scenario = " + toml_string(plan.scenario) + "\n";
  out += "description = " + toml_string(plan.description) + "\n";
  out += "replicates = " + std::to_string(plan.replicates) + "\n";
  out += "seed = " + std::to_string(plan.seed) + "\n";
  out += "varied_keys = " + toml_string_list(plan.varied_keys) + "\n";
  std::vector<std::string> units;
  std::vector<std::string> meanings;
  for (const ParameterInfo& info : plan.varied_info) {
    units.push_back(info.unit);
    meanings.push_back(info.meaning);
  }
  out += "varied_units = " + toml_string_list(units) + "\n";
  out += "varied_meanings = " + toml_string_list(meanings) + "\n";
  out += "batch_toml = " + toml_string(plan.batch_text) + "\n";
  for (const PlannedArm& arm : plan.arms) {
    out += "\n[[arms]]\n";
    out += "name = " + toml_string(arm.name) + "\n";
    out += "id = " + toml_string(arm.id) + "\n";
    out += "fingerprint = " + toml_string(arm.fingerprint) + "\n";
    out += "overrides = " + toml_string_list(arm.overrides) + "\n";
    out += "values = [";
    for (std::size_t i = 0; i < arm.values.size(); ++i)
      out += (i ? ", " : "") + to_toml(arm.values[i]);
    out += "]\n";
  }
  return out;
}

BatchPlan read_plan_toml(const std::string& text, const std::string& path) {
  BatchPlan plan;
  try {
    const toml::value doc = parse_toml(text, path);
    if (toml::find<std::int64_t>(doc, "plan_version") != plan_version) {
      throw InputError(SourcePos{path, 0}, "plan_version",
                       "written by another version of minesim; rerun the batch into a new folder");
    }
    plan.batch_path = toml::find<std::string>(doc, "batch_file");
    plan.scenario = toml::find<std::string>(doc, "scenario");
    plan.description = toml::find<std::string>(doc, "description");
    plan.replicates = toml::find<std::int64_t>(doc, "replicates");
    plan.seed = static_cast<std::uint64_t>(toml::find<std::int64_t>(doc, "seed"));
    plan.varied_keys = string_list(toml::find(doc, "varied_keys"));
    const std::vector<std::string> units = string_list(toml::find(doc, "varied_units"));
    const std::vector<std::string> meanings = string_list(toml::find(doc, "varied_meanings"));
    for (std::size_t i = 0; i < units.size() && i < meanings.size(); ++i)
      plan.varied_info.push_back(ParameterInfo{units[i], meanings[i]});
    plan.batch_text = toml::find<std::string>(doc, "batch_toml");
    for (const toml::value& a : toml::find(doc, "arms").as_array()) {
      PlannedArm arm;
      arm.name = toml::find<std::string>(a, "name");
      arm.id = toml::find<std::string>(a, "id");
      arm.fingerprint = toml::find<std::string>(a, "fingerprint");
      arm.overrides = string_list(toml::find(a, "overrides"));
      for (const toml::value& v : toml::find(a, "values").as_array()) {
        const std::optional<Value> value = toml_scalar(v);
        if (!value) throw std::runtime_error("a value is not a scalar");
        arm.values.push_back(*value);
      }
      plan.arms.push_back(std::move(arm));
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(SourcePos{path, 0}, "",
                     "not a batch plan written by minesim (" + toml_error_reason(e.what()) + ")");
  }
  // A batch file allows at most 100000 replicates and 1000000 runs (BatchLimits); a plan
  // beyond them is damaged.
  constexpr std::int64_t most_replicates = BatchLimits::max_replicates;
  constexpr std::size_t most_runs = BatchLimits::max_runs;
  if (plan.replicates < 1 || plan.replicates > most_replicates ||
      plan.arms.size() > most_runs / static_cast<std::size_t>(plan.replicates) ||
      plan.varied_info.size() != plan.varied_keys.size()) {
    throw InputError(SourcePos{path, 0}, "", "not a batch plan written by minesim");
  }
  set_replicate_seeds(plan);
  return plan;
}

std::optional<std::string> plan_difference(const BatchPlan& a, const BatchPlan& b) {
  if (a.replicates != b.replicates) return "replicates differ";
  if (a.seed != b.seed) return "the batch seed differs";
  if (a.varied_keys != b.varied_keys) return "the varied parameters differ";
  if (a.arms.size() != b.arms.size()) return "the number of arms differs";
  for (std::size_t i = 0; i < a.arms.size(); ++i) {
    const PlannedArm& x = a.arms[i];
    const PlannedArm& y = b.arms[i];
    if (x.id != y.id) return "arm " + std::to_string(i) + " is '" + x.id + "', not '" + y.id + "'";
    if (x.overrides != y.overrides || x.values != y.values) {
      return "the overrides of arm '" + x.id + "' differ";
    }
    if (x.fingerprint != y.fingerprint) {
      return "arm '" + x.id + "' resolves to other parameters (was the scenario edited?)";
    }
  }
  return std::nullopt;
}

Shard parse_shard(const std::string& text, const std::string& option) {
  const auto slash = text.find('/');
  bool ok_index = false;
  bool ok_count = false;
  Shard shard;
  if (slash != std::string::npos) {
    shard.index = parse_int(text.substr(0, slash), ok_index);
    shard.count = parse_int(text.substr(slash + 1), ok_count);
  }
  if (!ok_index || !ok_count || shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    throw InputError(option + ": expected I/N with 0 <= I < N, got \"" + text + "\"");
  }
  return shard;
}

std::optional<Shard> shard_from_environment(const std::function<const char*(const char*)>& getenv) {
  const auto read = [&](const char* name, std::int64_t fallback) {
    const char* v = getenv(name);
    if (v == nullptr || *v == '\0') return std::optional<std::int64_t>(fallback);
    bool ok = false;
    const std::int64_t value = parse_int(v, ok);
    if (!ok) {
      throw InputError(std::string(name) + ": expected an integer, got \"" + v + "\"");
    }
    return std::optional<std::int64_t>(value);
  };
  if (getenv("SLURM_ARRAY_TASK_ID") == nullptr || getenv("SLURM_ARRAY_TASK_COUNT") == nullptr) {
    return std::nullopt;
  }
  const std::int64_t id = *read("SLURM_ARRAY_TASK_ID", 0);
  const std::int64_t count = *read("SLURM_ARRAY_TASK_COUNT", 1);
  const std::int64_t min = *read("SLURM_ARRAY_TASK_MIN", 0);
  const std::int64_t step = std::max<std::int64_t>(1, *read("SLURM_ARRAY_TASK_STEP", 1));
  // `--array=1-8:2` numbers tasks 1, 3, 5, 7: the shard is the task's position in the array.
  const std::int64_t index = (id - min) / step;
  if (count < 1 || index < 0 || index >= count || (id - min) % step != 0) {
    throw InputError("SLURM_ARRAY_TASK_ID " + std::to_string(id) +
                     " is not a task of an array of " + std::to_string(count) + " from " +
                     std::to_string(min) + " in steps of " + std::to_string(step) +
                     "; pass --shard I/N");
  }
  return Shard{index, count};
}

} // namespace minesim::batch
