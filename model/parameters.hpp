#pragma once
// All parameters of a run, grouped by submodel, and the one table that names, documents,
// range-checks and binds every scenario key to its field. The defaults are the member
// initialisers of each group (docs/odd.md's values); the table reads them from there.
#include "agents/enterprise/enterprise.hpp"
#include "agents/game/tripartite.hpp"
#include "agents/government/government.hpp"
#include "agents/government/supervision.hpp"
#include "agents/mine/mine.hpp"
#include "agents/mine/restoration.hpp"
#include "agents/region/environment.hpp"
#include "agents/region/region.hpp"
#include "agents/resident/collective_action.hpp"
#include "agents/resident/compensation_fee.hpp"
#include "agents/resident/economy.hpp"
#include "agents/resident/household.hpp"
#include "agents/resident/influence.hpp"
#include "agents/resident/negotiation.hpp"
#include "agents/resident/participation.hpp"
#include "agents/resident/perception.hpp"
#include "agents/resident/survey.hpp"
#include "agents/social_capital/market.hpp"
#include "network/social_network.hpp"
#include "scenario/loader.hpp"

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace minesim {

/// [simulation] parameters.
struct SimulationParams {
  std::int64_t steps = 240;            ///< months simulated
  std::int64_t seed = 1;               ///< root of every random stream
  std::int64_t snapshot_interval = 12; ///< months between household panel snapshots
  std::int64_t panel_size = 500;       ///< households in the sampled panel
  bool record_events = true;           ///< write the /events tables
  std::int64_t spinup_steps = 24;      ///< months run before step 0 (docs/odd.md §1.3)
  std::int64_t landscape_seed = -1;    ///< root of the region's draws; -1: the run's seed
};

/// The root of the draws that build the region (positions, mines, households' land, size,
/// offsets and thresholds, the network): `landscape_seed`, or the run's seed when unset.
[[nodiscard]] inline std::uint64_t landscape_seed_of(const SimulationParams& s) {
  return static_cast<std::uint64_t>(s.landscape_seed < 0 ? s.seed : s.landscape_seed);
}

/// A validated calendar event, typed.
struct ScheduledEvent {
  enum class Action { close_mine, set };
  std::int64_t step = 0;
  Action action = Action::close_mine;
  std::int64_t mine = -1;    ///< close_mine
  std::size_t parameter = 0; ///< set: index into parameter_table(), or past it for a
                             ///< module's own parameter (then `key` names it)
  std::string key;           ///< set: the parameter's key
  Value value;               ///< set: the new value
};

struct Parameters {
  SimulationParams simulation;
  RegionParams region;
  MineParams mines;
  EnterpriseParams enterprises;
  GovernmentParams government;
  HouseholdParams households;
  EconomyParams economy;
  RestorationParams restoration;
  MarketParams market;
  EnvironmentParams environment;
  NetworkParams network;
  InfluenceParams influence;
  PerceptionParams perception;
  FeeParams compensation;
  NegotiationParams negotiation; ///< the [compensation] keys beyond the fee
  ParticipationParams participation;
  PolicyParams policy;
  SurveyParams survey;
  SupervisionParams supervision;
  SupervisionPolicy supervision_policy;     ///< the [policy] supervision measures
  CollectiveActionParams collective_action; ///< [participation] reporting and petitions
  GameParams game;
  std::vector<ScheduledEvent> calendar; ///< sorted by step, file order within a step
  /// Parameters of modules outside the model, by key ("rumour.spread_probability"): the
  /// specs a module declares (Module::parameters) are loaded after the table's.
  std::map<std::string, Value> extension;

  /// A module's real (or integer) parameter; throws std::logic_error when it was not loaded.
  [[nodiscard]] double extension_real(const std::string& key) const;
};

/// One row of the parameter table: the spec and how to read and write the field.
struct ParameterBinding {
  ParameterSpec spec;
  std::function<void(Parameters&, const Value&)> set;
  std::function<Value(const Parameters&)> get;
};

/// The parameter table, in dictionary order.
[[nodiscard]] const std::vector<ParameterBinding>& parameter_table();
/// The specs of the table, for the loader.
[[nodiscard]] std::span<const ParameterSpec> parameter_specs();
/// The kinds of calendar event.
[[nodiscard]] std::span<const EventSpec> event_specs();

/// Typed parameters from a loaded scenario, with the checks that involve several keys
/// (each error names the file and line of one of the keys involved).
[[nodiscard]] Parameters parameters_from(const LoadedScenario& scenario);

/// The parameter dictionary as a Markdown document (scenarios/PARAMETERS.md).
[[nodiscard]] std::string parameter_dictionary_markdown();

} // namespace minesim
