#include "model/parameters.hpp"

#include "model/module.hpp"
#include "model/parameter_rows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace minesim {

std::vector<std::int64_t> parse_survey_steps(const std::string& text) {
  std::vector<std::int64_t> steps;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::string token = text.substr(start, end - start);
    token.erase(0, token.find_first_not_of(' '));
    token.erase(token.find_last_not_of(' ') + 1);
    if (token == "last")
      steps.push_back(-1);
    else if (!token.empty()) {
      std::size_t used = 0;
      steps.push_back(std::stoll(token, &used)); // validated before: digits only
    }
    start = end + 1;
  }
  return steps;
}

std::string survey_steps_text(const std::vector<std::int64_t>& steps) {
  std::string text;
  for (const std::int64_t s : steps) {
    if (!text.empty()) text += ", ";
    text += s < 0 ? std::string("last") : std::to_string(s);
  }
  return text.empty() ? "last" : text;
}

std::vector<ParameterBinding> game_parameter_rows();

namespace {

/// The rows of the region and its entities as built at the start (model/world.cpp), and of
/// the run itself.
std::vector<ParameterBinding> world_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;

  // [simulation]
  t.push_back(field("simulation.steps", &P::simulation, &SimulationParams::steps, 1, 12000,
                    {"month", "months simulated", "docs/odd.md §1.1 (20 years)"}, false));
  t.push_back(field("simulation.seed", &P::simulation, &SimulationParams::seed, 0,
                    9.007199254740992e15, {"1", "root of every random stream", chosen}, false));
  t.push_back(field("simulation.snapshot_interval", &P::simulation,
                    &SimulationParams::snapshot_interval, 1, 12000,
                    {"month", "months between household panel snapshots", "docs/output-format.md"},
                    false));
  t.push_back(field("simulation.panel_size", &P::simulation, &SimulationParams::panel_size, 0, 1e7,
                    {"household", "households in the sampled panel", chosen}, false));
  t.push_back(field(
      "simulation.record_events", &P::simulation, &SimulationParams::record_events, 0, 1,
      {"1", "write the /events tables (one row per negotiation outcome)", "docs/output-format.md"},
      false));
  t.push_back(field("simulation.spinup_steps", &P::simulation, &SimulationParams::spinup_steps, 0,
                    1200,
                    {"month",
                     "months run before step 0 with information, hearings, perceptions, influence "
                     "and participation only, so that step 0 is not the start-up transient",
                     m5},
                    false));
  t.push_back(field("simulation.landscape_seed", &P::simulation, &SimulationParams::landscape_seed,
                    -1, 9.007199254740992e15,
                    {"1",
                     "root of the draws that build the region (positions, mines, households' "
                     "land, size, offsets and thresholds, the network); -1: the run's seed",
                     m5},
                    false));
  // [region]
  t.push_back(field("region.side_km", &P::region, &RegionParams::side_km, 0.1, 1e4,
                    {"km", "side of the square region", m21}, false));
  t.push_back(field("region.villages", &P::region, &RegionParams::villages, 1, 1e6,
                    {"village", "number of villages", m23}, false));
  t.push_back(field("region.exposure_lambda_km", &P::region, &RegionParams::exposure_lambda_km,
                    0.01, 1e3, {"km", "decay length of exposure e = exp(-d / lambda)", m21},
                    false));
  t.push_back(field("region.damage_radius_km", &P::region, &RegionParams::damage_radius_km, 0, 1e3,
                    {"km", "villages this close to a mine are affected by it", m21}, false));
  t.push_back(field("region.counties", &P::region, &RegionParams::counties, 1, 255,
                    {"county",
                     "local governments, each governing a vertical strip of the region of "
                     "equal width (west to east)",
                     m25},
                    false));
  // [mines]
  t.push_back(field("mines.count", &P::mines, &MineParams::count, 1, 1e5,
                    {"mine", "mines in the region", m22}, false));
  t.push_back(field("mines.legacy_count", &P::mines, &MineParams::legacy_count, 0, 1e5,
                    {"mine", "of which historical legacy mines without owner", m22}, false));
  t.push_back(field("mines.output_median_t_per_month", &P::mines,
                    &MineParams::output_median_t_per_month, 0, 1e8,
                    {"t/month", "median production of an active mine (lognormal)", m22}, false));
  t.push_back(field("mines.output_sd_log", &P::mines, &MineParams::output_sd_log, 0, 3,
                    {"1", "standard deviation of log production across mines", m22}, false));
  t.push_back(field("mines.legacy_initial_damage_min_ha", &P::mines,
                    &MineParams::legacy_initial_damage_min_ha, 0, 1e6,
                    {"ha", "legacy mine damage at start: lower bound (uniform)", m22}, false));
  t.push_back(field("mines.legacy_initial_damage_max_ha", &P::mines,
                    &MineParams::legacy_initial_damage_max_ha, 0, 1e6,
                    {"ha", "legacy mine damage at start: upper bound", m22}, false));
  t.push_back(field("mines.active_initial_damage_min_ha", &P::mines,
                    &MineParams::active_initial_damage_min_ha, 0, 1e6,
                    {"ha", "active mine damage at start: lower bound (uniform)", m22}, false));
  t.push_back(field("mines.active_initial_damage_max_ha", &P::mines,
                    &MineParams::active_initial_damage_max_ha, 0, 1e6,
                    {"ha", "active mine damage at start: upper bound", m22}, false));
  t.push_back(
      field("mines.remaining_life_min_years", &P::mines, &MineParams::remaining_life_min_years, 0,
            1000, {"year", "remaining life of an active mine: lower bound (uniform)", m22}, false));
  t.push_back(field("mines.remaining_life_max_years", &P::mines,
                    &MineParams::remaining_life_max_years, 0, 1000,
                    {"year", "remaining life of an active mine: upper bound", m22}, false));
  t.push_back(field("mines.initial_uncompensated_share", &P::mines,
                    &MineParams::initial_uncompensated_share, 0, 1,
                    {"1", "share of initial farmland damage not yet compensated", m23}, false));
  // [enterprises]
  t.push_back(field("enterprises.count", &P::enterprises, &EnterpriseParams::count, 1, 1e5,
                    {"enterprise", "mining enterprises owning the active mines", m24}, false));
  // [households]
  t.push_back(field("households.count", &P::households, &HouseholdParams::count, 20, 1e8,
                    {"household", "households in the region", m23}, false));
  t.push_back(field("households.min_per_village", &P::households, &HouseholdParams::min_per_village,
                    1, 1e6, {"household", "smallest village; sizes are multinomial above it", m23},
                    false));
  t.push_back(
      field("households.size_mean_persons", &P::households, &HouseholdParams::size_mean_persons, 1,
            6, {"person", "mean household size: 1 + Binomial(5, (mean - 1) / 5)", m23}, false));
  t.push_back(field("households.land_median_ha", &P::households, &HouseholdParams::land_median_ha,
                    1e-6, 1e3, {"ha", "median farmland per household (lognormal)", m23}, false));
  t.push_back(field("households.land_sd_log", &P::households, &HouseholdParams::land_sd_log, 0, 3,
                    {"1", "standard deviation of log farmland", chosen}, false));
  t.push_back(field("households.expectation_median", &P::households,
                    &HouseholdParams::expectation_median, 0.01, 100,
                    {"1", "median expected / official compensation (lognormal)", m23}, false));
  t.push_back(field("households.expectation_sd_log", &P::households,
                    &HouseholdParams::expectation_sd_log, 0, 3,
                    {"1", "standard deviation of the log expectation multiplier", m23}, false));
  t.push_back(field("households.informed_min", &P::households, &HouseholdParams::informed_min, 0, 1,
                    {"1", "initial information level: lower bound (uniform)", m23}, false));
  t.push_back(field("households.informed_max", &P::households, &HouseholdParams::informed_max, 0, 1,
                    {"1", "initial information level: upper bound", m23}, false));
  t.push_back(field("households.threshold_mean", &P::households, &HouseholdParams::threshold_mean,
                    0, 1, {"1", "mean Granovetter threshold (normal, clipped to [0.01, 1])", m23},
                    false));
  t.push_back(field("households.threshold_sd", &P::households, &HouseholdParams::threshold_sd, 0, 1,
                    {"1", "standard deviation of the Granovetter threshold", m23}, false));
  // [network]
  t.push_back(field("network.small_world_degree", &P::network, &NetworkParams::small_world_degree,
                    2, 1000, {"tie", "Watts-Strogatz degree within a village (even)", m26}, false));
  t.push_back(field("network.rewiring", &P::network, &NetworkParams::rewiring, 0, 1,
                    {"1", "Watts-Strogatz rewiring probability", m26}, false));
  t.push_back(field("network.kinship_share", &P::network, &NetworkParams::kinship_share, 0, 1,
                    {"1", "share of households in a kinship clique", m26}, false));
  t.push_back(field("network.kinship_min_size", &P::network, &NetworkParams::kinship_min_size, 2,
                    1000, {"household", "smallest kinship clique", m26}, false));
  t.push_back(field("network.kinship_max_size", &P::network, &NetworkParams::kinship_max_size, 2,
                    1000, {"household", "largest kinship clique", m26}, false));
  t.push_back(field("network.inter_village_share", &P::network, &NetworkParams::inter_village_share,
                    0, 0.9, {"1", "share of all ties that join two villages", m26}, false));
  t.push_back(field("network.inter_village_distance_km", &P::network,
                    &NetworkParams::inter_village_distance_km, 0.01, 1e4,
                    {"km", "inter-village tie probability ~ exp(-distance / this)", m26}, false));
  t.push_back(field("perception.offset_sd", &P::perception, &PerceptionParams::offset_sd, 0, 10,
                    {"logit", "sd of persistent individual offsets of each latent", m23}, false));
  return t;
}

std::vector<ParameterSpec> specs_of(const std::vector<ParameterBinding>& table) {
  std::vector<ParameterSpec> specs;
  specs.reserve(table.size());
  for (const auto& row : table)
    specs.push_back(row.spec);
  return specs;
}

std::vector<EventSpec> build_events() {
  return {EventSpec{"close_mine",
                    "an active mine stops producing at this step",
                    {EventFieldSpec{"mine", ValueType::integer, 0, 1e5, true}}}};
}

double as_real(const Value& v) {
  return std::holds_alternative<double>(v) ? std::get<double>(v)
                                           : static_cast<double>(std::get<std::int64_t>(v));
}

} // namespace

const std::vector<ParameterBinding>& parameter_table() {
  static const std::vector<ParameterBinding> table = [] {
    std::vector<ParameterBinding> t = world_parameter_rows();
    for (ParameterBinding& row : t)
      row.spec.owner = "region";
    for (const auto& module : default_modules()) {
      for (ParameterBinding& row : module->parameter_rows()) {
        row.spec.owner = std::string(module->name());
        t.push_back(std::move(row));
      }
    }
    for (ParameterBinding& row : game_parameter_rows()) {
      row.spec.owner = "game";
      t.push_back(std::move(row));
    }
    return t;
  }();
  return table;
}

std::span<const ParameterSpec> parameter_specs() {
  static const std::vector<ParameterSpec> specs = specs_of(parameter_table());
  return specs;
}

std::span<const EventSpec> event_specs() {
  static const std::vector<EventSpec> events = build_events();
  return events;
}

Parameters parameters_from(const LoadedScenario& scenario) {
  const auto& table = parameter_table();
  {
    // survey.steps is a list in a string: check it before it is parsed.
    const auto k = scenario.index_of("survey.steps");
    const auto& text = std::get<std::string>(scenario.values[k]);
    const auto steps_k = scenario.index_of("simulation.steps");
    const std::int64_t last = std::get<std::int64_t>(scenario.values[steps_k]);
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find(',', start), text.size());
      std::string token = text.substr(start, end - start);
      token.erase(0, token.find_first_not_of(' '));
      token.erase(token.find_last_not_of(' ') + 1);
      const bool digits = !token.empty() && token.size() < 10 &&
                          token.find_first_not_of("0123456789") == std::string::npos;
      if (token != "last" && (!digits || std::stoll(token) > last))
        throw InputError(scenario.positions[k], "survey.steps",
                         "each entry must be \"last\" or a step in [0, " + std::to_string(last) +
                             "] (got \"" + token + "\")");
      start = end + 1;
    }
  }
  Parameters p;
  for (std::size_t k = 0; k < table.size(); ++k)
    table[k].set(p, scenario.values[k]);
  // Specs past the table are parameters of modules outside the model (model/module.hpp).
  for (std::size_t k = table.size(); k < scenario.values.size(); ++k)
    p.extension[scenario.keys[k]] = scenario.values[k];

  auto fail = [&](const std::string& key, const std::string& message) {
    throw InputError(scenario.positions[scenario.index_of(key)], key, message);
  };
  auto require_le = [&](const std::string& lo, const std::string& hi) {
    if (as_real(scenario.values[scenario.index_of(lo)]) >
        as_real(scenario.values[scenario.index_of(hi)]))
      fail(lo, "must not exceed " + hi);
  };
  if (p.mines.legacy_count > p.mines.count)
    fail("mines.legacy_count", "must not exceed mines.count");
  require_le("mines.legacy_initial_damage_min_ha", "mines.legacy_initial_damage_max_ha");
  require_le("mines.active_initial_damage_min_ha", "mines.active_initial_damage_max_ha");
  require_le("mines.remaining_life_min_years", "mines.remaining_life_max_years");
  require_le("households.informed_min", "households.informed_max");
  require_le("network.kinship_min_size", "network.kinship_max_size");
  if (p.network.small_world_degree % 2 != 0)
    fail("network.small_world_degree", "must be even (a ring lattice links k/2 on each side)");
  if (p.households.count < p.region.villages * p.households.min_per_village)
    fail("households.count", "must be at least region.villages * households.min_per_village = " +
                                 std::to_string(p.region.villages * p.households.min_per_village));
  if (p.households.count > std::numeric_limits<std::uint32_t>::max() / 2)
    fail("households.count", "too many households for 32-bit network ids");

  for (const CalendarEvent& e : scenario.events) {
    ScheduledEvent out;
    out.step = e.step;
    if (e.step < 1 || e.step > p.simulation.steps)
      throw InputError(e.pos, "calendar.events.step",
                       "must be in [1, simulation.steps = " + std::to_string(p.simulation.steps) +
                           "] (got " + std::to_string(e.step) + ")");
    if (e.action == "close_mine") {
      out.action = ScheduledEvent::Action::close_mine;
      out.mine = std::get<std::int64_t>(e.fields.at("mine"));
      if (out.mine < p.mines.legacy_count || out.mine >= p.mines.count)
        throw InputError(e.pos, "calendar.events.mine",
                         "must name an active mine: ids " + std::to_string(p.mines.legacy_count) +
                             " to " + std::to_string(p.mines.count - 1) + " (got " +
                             std::to_string(out.mine) + ")");
    } else { // "set", validated by the loader against the parameter's spec
      out.action = ScheduledEvent::Action::set;
      const auto& key = std::get<std::string>(e.fields.at("key"));
      out.parameter = scenario.index_of(key); // past the table: a module's own parameter
      out.key = key;
      out.value = e.fields.at("value");
    }
    p.calendar.push_back(std::move(out));
  }
  return p;
}

std::string parameter_dictionary_markdown() {
  std::ostringstream md;
  md << "# Parameter dictionary\n\n"
     << "Generated by `minesim params` from the parameter table: the region's rows in "
        "`model/parameters.cpp`, then each module's in `model/modules/<module>/parameters.cpp` "
        "(the \"read by\" column). A test checks that this file matches it. Every key can be set "
        "in a scenario file "
        "(`[table]` then `key = value`) or on the command line (`--set table.key=value`). "
        "Ranges are inclusive. Keys marked *init* describe the initial state and cannot be "
        "changed by a calendar `set` event. The \"rule\" column names the section of the "
        "model description whose rule reads the key; where each default value comes from (a "
        "published value, the source study, or an assumption) is in docs/odd.md §4.\n";
  // Tables in the order the parameter table first names them, keys in table order within:
  // the layout of a resolved scenario.
  std::vector<std::string> tables;
  for (const auto& row : parameter_table()) {
    const std::string group = row.spec.key.substr(0, row.spec.key.find('.'));
    if (std::find(tables.begin(), tables.end(), group) == tables.end()) tables.push_back(group);
  }
  for (const std::string& group : tables) {
    md << "\n## [" << group << "]\n\n"
       << "| key | default | unit | range | meaning | read by | rule |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (const auto& row : parameter_table()) {
      const ParameterSpec& s = row.spec;
      if (s.key.compare(0, group.size() + 1, group + ".") != 0) continue;
      std::string range;
      if (s.type == ValueType::string) {
        for (const auto& c : s.choices)
          range += (range.empty() ? "" : ", ") + ("`" + c + "`");
      } else if (s.type == ValueType::boolean) {
        range = "true, false";
      } else {
        std::ostringstream r;
        r << "[" << s.min << ", " << s.max << "]";
        range = r.str();
      }
      md << "| `" << s.key.substr(group.size() + 1) << "` | `" << to_toml(s.default_value) << "` | "
         << s.unit << " | " << range << " | " << s.meaning
         << (s.calendar_settable ? "" : " (*init*)") << " | " << s.owner << " | " << s.source
         << " |\n";
    }
  }
  md << "\n## [[calendar.events]]\n\n"
     << "Scheduled events, applied at the start of their step (phase 1), in file order within "
        "a step. Every event has `step` (1 to `simulation.steps`) and `action`.\n\n"
     << "| action | fields | meaning |\n|---|---|---|\n"
     << "| `set` | `key` (a parameter not marked *init*), `value` | change a parameter from "
        "this step on |\n";
  for (const EventSpec& e : event_specs()) {
    std::string fields;
    for (const auto& f : e.fields)
      fields += (fields.empty() ? "" : ", ") + ("`" + f.name + "` (" + type_name(f.type) + ")");
    md << "| `" << e.action << "` | " << fields << " | " << e.meaning << " |\n";
  }
  return md.str();
}

} // namespace minesim

namespace minesim {

double Parameters::extension_real(const std::string& key) const {
  const auto it = extension.find(key);
  if (it == extension.end())
    throw std::logic_error("no parameter " + key + ": its module's parameters were not loaded");
  return std::holds_alternative<double>(it->second)
             ? std::get<double>(it->second)
             : static_cast<double>(std::get<std::int64_t>(it->second));
}

} // namespace minesim
