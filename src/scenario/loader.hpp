#pragma once
// Loading a scenario file: TOML syntax (toml11), `extends` inheritance, command-line
// overrides, and validation of every key against the parameter table. All input errors are
// thrown as InputError with one line naming file, line and key.
#include "engine/errors.hpp"
#include "scenario/parameter_spec.hpp"

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace minesim {

/// A validated calendar event: `[[calendar.events]]` in a scenario.
struct CalendarEvent {
  std::int64_t step = 0;
  std::string action;
  std::map<std::string, Value> fields; ///< for `set`: "key" (string) and "value" (typed)
  SourcePos pos;
};

/// A scenario after `extends`, overrides and validation.
struct LoadedScenario {
  std::string path;                  ///< the file named on the command line
  std::string text;                  ///< that file's text as written
  std::vector<Value> values;         ///< one per spec, in spec order, defaults filled in
  std::vector<SourcePos> positions;  ///< where each value was set ({} for a default)
  std::vector<CalendarEvent> events; ///< sorted by step; file order within a step

  /// Index of a spec key; throws std::out_of_range for a key not in the table.
  [[nodiscard]] std::size_t index_of(const std::string& key) const;
  std::vector<std::string> keys; ///< spec keys, parallel to values
};

/// Load and validate `path`. `overrides` are "section.key=value" strings from --set, applied
/// after the files; a value that is not valid TOML is taken as a string.
[[nodiscard]] LoadedScenario load_scenario(const std::string& path,
                                           std::span<const ParameterSpec> specs,
                                           std::span<const EventSpec> events,
                                           std::span<const std::string> overrides);

/// Load and validate scenario text held in memory, as if it were the file `name` (messages
/// name it; a relative `extends` is looked up in its folder). The fuzz target's entry point.
[[nodiscard]] LoadedScenario load_scenario_text(const std::string& text, const std::string& name,
                                                std::span<const ParameterSpec> specs,
                                                std::span<const EventSpec> events,
                                                std::span<const std::string> overrides);

namespace detail {
class Loader;
}

/// Checks --set overrides ("section.key=value") one at a time, on their own: that the key
/// is a parameter and the value has its type and is in its range. Rules between parameters
/// need the whole scenario (load_scenario). Made once for a parameter table (the tables it
/// indexes must outlive it), then cheap to call.
class OverrideChecker {
public:
  OverrideChecker(std::span<const ParameterSpec> specs, std::span<const EventSpec> events);
  ~OverrideChecker();
  OverrideChecker(const OverrideChecker&) = delete;
  OverrideChecker& operator=(const OverrideChecker&) = delete;

  /// Throws InputError "--set: key: message", as load_scenario does for a bad override.
  void operator()(const std::string& text) const;

  /// A calendar `set` event at `step` given as "section.key=value" (a change made between
  /// steps, as the Python module's Simulation.set makes it): the value checked as for
  /// --set, and the key one that the calendar may set. Throws InputError "<source>: key:
  /// message". The step is not checked here (parameters_from checks it).
  [[nodiscard]] CalendarEvent set_event(std::int64_t step, const std::string& text,
                                        const std::string& source) const;

private:
  std::unique_ptr<const detail::Loader> loader_;
};

/// Every parameter after defaults, `extends` and overrides, as a TOML document that
/// loads back to the same values (tables in spec order, then the calendar).
[[nodiscard]] std::string resolved_toml(const LoadedScenario& scenario,
                                        std::span<const ParameterSpec> specs);

/// The spec key nearest to `key` by edit distance, or "" when none is close.
[[nodiscard]] std::string nearest_key(const std::string& key,
                                      std::span<const std::string> candidates);

} // namespace minesim
