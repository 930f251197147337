// Reading a study file: its own keys, the parameters and their distributions (checked
// against the parameters' ranges), the outputs or targets, a contrast's two arms, and the
// method's settings. Parameter values at the design points are judged later, by loading the
// scenario for each of them (study planning, app/study.cpp).
#include "batch/study_file.hpp"

#include "batch/toml_fields.hpp"
#include "scenario/loader.hpp"
#include "scenario/toml_value.hpp"

#include <toml.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace minesim::batch {
namespace {

using namespace detail;
using sensitivity::Distribution;
using sensitivity::DistributionKind;

const std::vector<std::string> top_level_keys{
    "description", "scenario", "model",    "method", "seed",  "replicates", "set", "parameters",
    "outputs",     "targets",  "contrast", "morris", "sobol", "sobol_g",    "abc"};
const std::vector<std::string> parameter_keys{"key",  "distribution", "low", "high",
                                              "mode", "mean",         "sd"};
const std::vector<std::string> output_keys{"name", "series", "stat",  "from",
                                           "to",   "step",   "better"};
const std::vector<std::string> target_keys{"name", "series", "stat",  "from",
                                           "to",   "step",   "value", "sd"};
const std::vector<std::string> methods{"morris", "sobol", "abc_smc"};
const std::vector<std::string> models{"ishigami", "sobol_g"};
const std::vector<std::string> distributions{"uniform", "log_uniform", "triangular",
                                             "truncated_normal"};
const std::vector<std::string> statistics{"final", "mean", "sum", "at"};

/// Reads one field of a table, its errors placed at `prefix` + key.
class Fields {
public:
  Fields(const toml::value& table, std::string prefix, std::string file)
      : table_(table), prefix_(std::move(prefix)), file_(std::move(file)) {}

  [[nodiscard]] const toml::value* get(const std::string& key) const {
    return toml_field(table_, key);
  }
  [[nodiscard]] SourcePos pos_of(const std::string& key) const {
    const toml::value* v = get(key);
    return v != nullptr ? toml_pos(*v, file_) : toml_pos(table_, file_);
  }
  [[noreturn]] void fail_at(const std::string& key, const std::string& message) const {
    fail(pos_of(key), prefix_ + key, message);
  }
  [[nodiscard]] const toml::value& require(const std::string& key) const {
    const toml::value* v = get(key);
    if (v == nullptr) fail(toml_pos(table_, file_), prefix_ + key, "missing required key");
    return *v;
  }
  [[nodiscard]] std::string string(const std::string& key, bool required,
                                   const std::vector<std::string>& choices = {}) const {
    const toml::value* v = required ? &require(key) : get(key);
    if (v == nullptr) return "";
    if (!v->is_string() || v->as_string().str.empty())
      fail_at(key, "expected a non-empty string, got " + toml_kind(*v));
    const std::string s = v->as_string().str;
    if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) {
      std::string list;
      for (const std::string& c : choices)
        list += (list.empty() ? "" : ", ") + c;
      const std::string near = nearest_key(s, choices);
      fail_at(key, "unknown value \"" + s + "\"" +
                       (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                       "; expected one of " + list);
    }
    return s;
  }
  [[nodiscard]] double number(const std::string& key, double fallback, bool required) const {
    const toml::value* v = required ? &require(key) : get(key);
    if (v == nullptr) return fallback;
    double x = 0.0;
    if (v->is_integer()) {
      x = static_cast<double>(v->as_integer());
    } else if (v->is_floating()) {
      x = v->as_floating();
    } else {
      fail_at(key, "expected a number, got " + toml_kind(*v));
    }
    if (!std::isfinite(x)) fail_at(key, "expected a finite number");
    return x;
  }
  [[nodiscard]] std::int64_t integer(const std::string& key, std::int64_t fallback,
                                     std::int64_t min, std::int64_t max) const {
    const toml::value* v = get(key);
    if (v == nullptr) return fallback;
    if (!v->is_integer()) fail_at(key, "expected an integer, got " + toml_kind(*v));
    const std::int64_t i = v->as_integer();
    if (i < min || i > max) {
      fail_at(key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "] (got " +
                       std::to_string(i) + ")");
    }
    return i;
  }
  [[nodiscard]] double fraction(const std::string& key, double fallback, bool open_low,
                                bool open_high) const {
    const double x = number(key, fallback, false);
    if ((open_low ? x <= 0.0 : x < 0.0) || (open_high ? x >= 1.0 : x > 1.0)) {
      fail_at(key, std::string("must be in ") + (open_low ? "(" : "[") + "0, 1" +
                       (open_high ? ")" : "]") + " (got " + to_toml(Value{x}) + ")");
    }
    return x;
  }

private:
  const toml::value& table_;
  std::string prefix_;
  std::string file_;
};

/// The tables of an array of tables `key` (`[[parameters]]`), each checked to be a table.
std::vector<const toml::value*> table_array(const toml::value& doc, const std::string& key,
                                            const std::string& file, bool required) {
  const toml::value* v = toml_field(doc, key);
  if (v == nullptr) {
    if (required) fail(SourcePos{file, 0}, key, "missing: give one or more [[" + key + "]] tables");
    return {};
  }
  if (!v->is_array() || v->as_array().empty())
    fail(toml_pos(*v, file), key,
         "expected one or more [[" + key + "]] tables, got " + toml_kind(*v));
  std::vector<const toml::value*> out;
  for (std::size_t i = 0; i < v->as_array().size(); ++i) {
    const toml::value& t = v->as_array()[i];
    if (!t.is_table()) {
      fail(toml_pos(t, file), key + "[" + std::to_string(i) + "]",
           "expected a table, got " + toml_kind(t));
    }
    out.push_back(&t);
  }
  return out;
}

std::string number_text(double x) {
  return to_toml(Value{x});
}

StudyParameter read_parameter(const toml::value& t, std::size_t i, const StudyFile& study,
                              std::span<const ParameterSpec> specs,
                              const ValueChecker& check_value) {
  StudyParameter p;
  p.field = "parameters[" + std::to_string(i) + "]";
  const Fields f(t, p.field + ".", study.path);
  check_keys(t, parameter_keys, p.field + ".", study.path);
  p.key = f.string("key", true);
  p.pos = f.pos_of("key");
  const std::string kind = f.string("distribution", true, distributions);
  Distribution& d = p.distribution;
  if (kind == "uniform" || kind == "log_uniform") {
    for (const char* unused : {"mode", "mean", "sd"})
      if (f.get(unused) != nullptr) f.fail_at(unused, "not used by a " + kind + " distribution");
    const double lo = f.number("low", 0.0, true);
    const double hi = f.number("high", 0.0, true);
    d = kind == "uniform" ? sensitivity::uniform_distribution(lo, hi)
                          : sensitivity::log_uniform_distribution(lo, hi);
  } else if (kind == "triangular") {
    for (const char* unused : {"mean", "sd"})
      if (f.get(unused) != nullptr) f.fail_at(unused, "not used by a triangular distribution");
    d = sensitivity::triangular_distribution(
        f.number("low", 0.0, true), f.number("mode", 0.0, true), f.number("high", 0.0, true));
  } else {
    if (f.get("mode") != nullptr) f.fail_at("mode", "not used by a truncated_normal distribution");
    d = sensitivity::truncated_normal_distribution(
        f.number("mean", 0.0, true), f.number("sd", 0.0, true), f.number("low", 0.0, true),
        f.number("high", 0.0, true));
  }
  if (const std::string why = sensitivity::validate(d); !why.empty())
    f.fail_at("distribution", kind + ": " + why);
  if (study.method == "abc_smc" && kind == "triangular") {
    f.fail_at("distribution", "a calibration prior is uniform, log_uniform or truncated_normal");
  }

  if (study.is_analytic()) return p;
  // A scenario parameter: a number whose whole support lies within its valid range.
  const auto spec = std::find_if(specs.begin(), specs.end(),
                                 [&](const ParameterSpec& s) { return s.key == p.key; });
  if (spec == specs.end()) {
    try {
      check_value(p.key + "=0"); // the loader's message, with the nearest key
    } catch (const InputError& e) {
      // "--set: <key>: unknown key (did you mean ...)" placed at the parameter's key.
      const std::string what = e.what();
      const std::string head = "--set: " + p.key + ": ";
      f.fail_at("key", what.rfind(head, 0) == 0 ? what.substr(head.size()) : what);
    }
    f.fail_at("key", "not a scenario parameter");
  }
  if (p.key == "simulation.seed") {
    f.fail_at("key", "seeds come from the study's `seed` and `replicates`, not a distribution");
  }
  if (spec->type != ValueType::integer && spec->type != ValueType::real) {
    f.fail_at("key", "is a " + type_name(spec->type) +
                         " parameter; only numbers can be varied "
                         "(use a contrast's arms for other values)");
  }
  p.integer = spec->type == ValueType::integer;
  if (d.lo < spec->min || d.hi > spec->max) {
    f.fail_at(d.lo < spec->min ? "low" : "high",
              "the distribution's support [" + number_text(d.lo) + ", " + number_text(d.hi) +
                  "] must lie within " + p.key + "'s range [" + number_text(spec->min) + ", " +
                  number_text(spec->max) + "]");
  }
  if (p.integer && std::floor(d.hi + 0.5) == std::floor(d.lo + 0.5)) {
    f.fail_at("high", "an integer parameter's range must span more than one whole number");
  }
  return p;
}

StudyOutput read_output(const toml::value& t, const std::string& field, const StudyFile& study,
                        bool target) {
  StudyOutput o;
  o.field = field;
  const Fields f(t, field + ".", study.path);
  check_keys(t, target ? target_keys : output_keys, field + ".", study.path);
  o.series = f.string("series", !study.is_analytic());
  o.name = f.string("name", false);
  if (o.name.empty()) o.name = o.series.empty() ? "y" : o.series;
  o.pos = f.pos_of("name");
  if (o.name != sanitize_id(o.name)) {
    f.fail_at("name", "use letters, digits, '.', '_' or '-' only (it names a column)");
  }
  if (study.is_analytic() && !o.series.empty()) {
    f.fail_at("series", "a test function has one output, y; give no series");
  }
  const std::string stat = f.string("stat", false, statistics);
  o.stat = stat == "mean"  ? Statistic::mean
           : stat == "sum" ? Statistic::sum
           : stat == "at"  ? Statistic::at
                           : Statistic::final;
  constexpr std::int64_t max_step = 1000000;
  if (o.stat == Statistic::mean || o.stat == Statistic::sum) {
    o.from = f.integer("from", 1, 0, max_step);
    o.to = f.integer("to", -1, -1, max_step);
    if (o.to >= 0 && o.to < o.from) f.fail_at("to", "must not be before `from`");
  } else {
    for (const char* k : {"from", "to"})
      if (f.get(k) != nullptr) f.fail_at(k, "used by stat = \"mean\" or \"sum\" only");
  }
  if (o.stat == Statistic::at) {
    o.step = f.integer("step", -1, 0, max_step);
    if (f.get("step") == nullptr) f.fail_at("step", "missing: stat = \"at\" needs a step");
  } else if (f.get("step") != nullptr && !o.is_survey()) {
    f.fail_at("step", "used by stat = \"at\" or a survey statistic only");
  }
  if (o.is_survey()) {
    if (o.stat != Statistic::final && o.stat != Statistic::at)
      f.fail_at("stat", "a survey statistic is read at one survey: \"final\" or \"at\"");
    if (o.survey_value().empty()) f.fail_at("series", "name the survey value: \"survey:kmo\"");
    o.step = f.integer("step", -1, -1, max_step);
  }
  if (target) {
    o.target = f.number("value", 0.0, true);
    o.sd = f.number("sd", 0.0, true);
    if (o.sd <= 0.0) f.fail_at("sd", "must be above 0: it scales the target in the distance");
  } else {
    o.better = f.string("better", false, {"higher", "lower"});
    if (study.is_contrast() && o.better.empty()) {
      f.fail_at("better", "missing: in a contrast, say whether \"higher\" or \"lower\" is better");
    }
    if (!study.is_contrast() && !o.better.empty()) {
      f.fail_at("better", "used by a contrast only");
    }
  }
  return o;
}

} // namespace

std::string StudyParameter::assignment(double value) const {
  if (integer) return key + "=" + to_toml(Value{static_cast<std::int64_t>(std::llround(value))});
  return key + "=" + to_toml(Value{value});
}

std::string StudyOutput::statistic_text() const {
  const auto step_text = [](std::int64_t s) {
    return s < 0 ? std::string("end") : std::to_string(s);
  };
  switch (stat) {
  case Statistic::final: return is_survey() && step >= 0 ? "at " + std::to_string(step) : "final";
  case Statistic::mean: return "mean " + std::to_string(from) + "-" + step_text(to);
  case Statistic::sum: return "sum " + std::to_string(from) + "-" + step_text(to);
  case Statistic::at: return "at " + std::to_string(step);
  }
  return "";
}

StudyFile read_study_file(const std::string& path, std::span<const ParameterSpec> specs,
                          const ValueChecker& check_value) {
  StudyFile study;
  study.path = path;
  study.text = read_text(path, "study");
  const toml::value doc = parse_toml(study.text, path);
  if (doc.as_table().empty()) {
    fail(SourcePos{path, 0}, "",
         "empty study file: it needs a `scenario` (or `model`), `method`, `seed`, "
         "[[parameters]] and [[outputs]] (docs/sensitivity.md)");
  }
  check_keys(doc, top_level_keys, "", path);
  const Fields top(doc, "", path);
  study.description = top.string("description", false);
  study.method = top.string("method", true, methods);
  study.kind =
      study.method == "abc_smc" ? StudyFile::Kind::calibration : StudyFile::Kind::sensitivity;
  const bool calibration = study.kind == StudyFile::Kind::calibration;

  const bool has_scenario = top.get("scenario") != nullptr;
  const bool has_model = top.get("model") != nullptr;
  if (has_scenario == has_model) {
    fail(SourcePos{path, 0}, "scenario",
         has_scenario ? "give `scenario` or `model`, not both"
                      : "missing: give the `scenario` to run (or `model` = \"ishigami\" or "
                        "\"sobol_g\", an analytic test function)");
  }
  if (has_model) {
    study.model = top.string("model", true, models);
    if (calibration) top.fail_at("model", "a calibration runs a scenario");
  } else {
    SourcePos scenario_pos;
    study.scenario = read_scenario_path(doc, path, study.scenario_as_written, scenario_pos);
  }
  study.seed = static_cast<std::uint64_t>(
      read_integer(doc, "seed", 0, std::numeric_limits<std::int64_t>::max(), path));
  study.replicates = top.integer("replicates", 1, 1, 10000);
  if (study.is_analytic() && study.replicates != 1) {
    top.fail_at("replicates", "a test function is deterministic: leave replicates at 1");
  }

  for (const GridKey& g : read_table(toml_field(doc, "set"), "set", false, path, "study"))
    study.common.push_back(g.values.front());
  if (study.is_analytic() && !study.common.empty()) {
    fail(study.common.front().pos, study.common.front().field,
         "a test function has no scenario to set");
  }

  // The contrast comes before the outputs, which need to know whether there is one.
  if (const toml::value* c = toml_field(doc, "contrast")) {
    if (calibration) fail(toml_pos(*c, path), "contrast", "a calibration has no contrast");
    if (study.is_analytic()) fail(toml_pos(*c, path), "contrast", "a test function has no arms");
    if (!c->is_table())
      fail(toml_pos(*c, path), "contrast", "expected a table, got " + toml_kind(*c));
    check_keys(*c, {"a", "b"}, "contrast.", path);
    StudyArm arms[2];
    for (int i = 0; i < 2; ++i) {
      const std::string key = i == 0 ? "a" : "b";
      const toml::value* a = toml_field(*c, key);
      if (a == nullptr || !a->is_table()) {
        fail(a == nullptr ? toml_pos(*c, path) : toml_pos(*a, path), "contrast." + key,
             "expected a table [contrast." + key + "] with a `name` and a `set` table");
      }
      check_keys(*a, {"name", "set"}, "contrast." + key + ".", path);
      const Fields f(*a, "contrast." + key + ".", path);
      arms[i].name = f.string("name", true);
      if (arms[i].name != sanitize_id(arms[i].name)) {
        f.fail_at("name", "use letters, digits, '.', '_' or '-' only (it names runs)");
      }
      for (const GridKey& g :
           read_table(toml_field(*a, "set"), "contrast." + key + ".set", false, path, "study"))
        arms[i].set.push_back(g.values.front());
    }
    if (arms[0].name == arms[1].name) {
      fail(toml_pos(*c, path), "contrast.b.name", "the two arms need different names");
    }
    study.contrast = std::pair{arms[0], arms[1]};
  }

  const auto tables = table_array(doc, "parameters", path, true);
  std::set<std::string> keys;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    StudyParameter p = read_parameter(*tables[i], i, study, specs, check_value);
    if (!keys.insert(p.key).second)
      fail(p.pos, p.field + ".key", "\"" + p.key + "\" is given twice");
    study.parameters.push_back(std::move(p));
  }
  const auto set_elsewhere = [&](const std::vector<Override>& set) {
    for (const Override& o : set) {
      if (keys.count(o.key) > 0) {
        fail(o.pos, o.field, "is also an uncertain parameter; a parameter is either set or drawn");
      }
      try {
        check_value(o.assignment());
      } catch (const InputError& e) {
        rethrow_placed(e, std::span(&o, 1), " (" + o.field + " of " + path + ")");
      }
    }
  };
  set_elsewhere(study.common);
  if (study.contrast) {
    set_elsewhere(study.contrast->first.set);
    set_elsewhere(study.contrast->second.set);
  }

  if (study.model == "sobol_g") {
    if (const toml::value* g = toml_field(doc, "sobol_g")) {
      check_keys(*g, {"a"}, "sobol_g.", path);
      const Fields f(*g, "sobol_g.", path);
      const toml::value& a = f.require("a");
      if (!a.is_array() || a.as_array().empty()) f.fail_at("a", "expected a list of numbers");
      study.g_a.clear();
      for (const toml::value& x : a.as_array()) {
        const double v = x.is_integer()    ? static_cast<double>(x.as_integer())
                         : x.is_floating() ? x.as_floating()
                                           : -1.0;
        if (!(v >= 0.0) || !std::isfinite(v)) f.fail_at("a", "expected numbers of at least 0");
        study.g_a.push_back(v);
      }
    }
  } else if (toml_field(doc, "sobol_g") != nullptr) {
    top.fail_at("sobol_g", "used with model = \"sobol_g\" only");
  }
  if (study.is_analytic()) {
    const std::size_t inputs = study.model == "ishigami" ? 3 : study.g_a.size();
    if (study.parameters.size() != inputs) {
      fail(SourcePos{path, 0}, "parameters",
           study.model + " has " + std::to_string(inputs) +
               " inputs; give one [[parameters]] "
               "table each (got " +
               std::to_string(study.parameters.size()) + ")");
    }
  }

  const char* list = calibration ? "targets" : "outputs";
  if (toml_field(doc, calibration ? "outputs" : "targets") != nullptr) {
    top.fail_at(calibration ? "outputs" : "targets",
                calibration ? "a calibration names [[targets]] (with value and sd)"
                            : "a sensitivity study names [[outputs]]; [[targets]] are for "
                              "method = \"abc_smc\"");
  }
  const auto outputs = table_array(doc, list, path, !study.is_analytic());
  std::set<std::string> names;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    StudyOutput o = read_output(*outputs[i], std::string(list) + "[" + std::to_string(i) + "]",
                                study, calibration);
    if (!names.insert(o.name).second) {
      fail(o.pos, o.field + ".name",
           "\"" + o.name + "\" is given twice; give outputs different names");
    }
    study.outputs.push_back(std::move(o));
  }
  if (study.is_analytic() && study.outputs.empty()) {
    StudyOutput y;
    y.name = "y";
    study.outputs.push_back(y);
  }

  // The method's own table; the others may not be given.
  for (const std::string& m : {std::string("morris"), std::string("sobol"), std::string("abc")}) {
    const std::string own = study.method == "abc_smc" ? "abc" : study.method;
    if (m != own && toml_field(doc, m) != nullptr) {
      top.fail_at(m, "is the [" + m + "] table of another method (this study's method is \"" +
                         study.method + "\")");
    }
  }
  static const toml::value empty_table = toml::table{};
  const auto method_table = [&](const std::string& name) -> const toml::value& {
    const toml::value* t = toml_field(doc, name);
    if (t == nullptr) return empty_table;
    if (!t->is_table()) fail(toml_pos(*t, path), name, "expected a table, got " + toml_kind(*t));
    return *t;
  };
  if (study.method == "morris") {
    const toml::value& t = method_table("morris");
    check_keys(t, {"trajectories", "levels", "bootstrap", "confidence"}, "morris.", path);
    const Fields f(t, "morris.", path);
    study.trajectories = f.integer("trajectories", study.trajectories, 2, 10000);
    study.levels = f.integer("levels", study.levels, 2, 1000);
    if (study.levels % 2 != 0) f.fail_at("levels", "must be even, so that a step is p/2 levels");
    study.bootstrap = f.integer("bootstrap", study.bootstrap, 0, 100000);
    study.confidence = f.fraction("confidence", study.confidence, true, true);
  } else if (study.method == "sobol") {
    const toml::value& t = method_table("sobol");
    check_keys(t, {"samples", "bootstrap", "confidence"}, "sobol.", path);
    const Fields f(t, "sobol.", path);
    study.samples = f.integer("samples", study.samples, 2, 1 << 20);
    study.bootstrap = f.integer("bootstrap", study.bootstrap, 0, 100000);
    study.confidence = f.fraction("confidence", study.confidence, true, true);
    if (2 * study.parameters.size() > 1024) {
      fail(SourcePos{path, 0}, "parameters", "a Sobol' study takes at most 512 parameters");
    }
  } else {
    const toml::value& t = method_table("abc");
    check_keys(t, {"particles", "quantile", "generations", "min_acceptance", "batch_size"}, "abc.",
               path);
    const Fields f(t, "abc.", path);
    study.particles = f.integer("particles", study.particles, 10, 100000);
    study.quantile = f.fraction("quantile", study.quantile, true, true);
    study.generations = f.integer("generations", study.generations, 1, 100);
    study.min_acceptance = f.fraction("min_acceptance", study.min_acceptance, false, true);
    study.batch_size = f.integer("batch_size", study.batch_size, 0, 100000);
    if (study.batch_size == 0) study.batch_size = study.particles;
  }
  return study;
}

double output_statistic(const StudyOutput& output, const std::vector<double>& series) {
  if (series.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto last = static_cast<std::int64_t>(series.size()) - 1;
  const auto out_of_run = [&](std::int64_t s) {
    throw InputError(output.field + " (" + output.name + "): step " + std::to_string(s) +
                     " is outside the run's steps 0-" + std::to_string(last));
  };
  switch (output.stat) {
  case Statistic::final: return series.back();
  case Statistic::at:
    if (output.step > last) out_of_run(output.step);
    return series[static_cast<std::size_t>(output.step)];
  case Statistic::mean:
  case Statistic::sum: {
    const std::int64_t to = output.to < 0 ? last : output.to;
    if (to > last) out_of_run(to);
    if (output.from > to) out_of_run(output.from);
    double sum = 0.0;
    for (std::int64_t s = output.from; s <= to; ++s)
      sum += series[static_cast<std::size_t>(s)];
    return output.stat == Statistic::sum ? sum : sum / static_cast<double>(to - output.from + 1);
  }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

} // namespace minesim::batch
