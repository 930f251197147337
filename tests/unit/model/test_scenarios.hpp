#pragma once
// Small scenarios for model tests, built through the real loader and parameter table.
#include "model/parameters.hpp"

#include <string>
#include <vector>

namespace minesim::scenarios_for_tests {

/// Parameters of scenarios/baseline.toml with `overrides` ("section.key=value") applied.
inline Parameters baseline_with(std::vector<std::string> overrides) {
  const LoadedScenario s =
      load_scenario(std::string(MINESIM_SOURCE_DIR) + "/scenarios/baseline.toml", parameter_specs(),
                    event_specs(), overrides);
  return parameters_from(s);
}

/// A small region: 600 households in 12 villages, 36 steps.
inline Parameters small_region(std::vector<std::string> extra = {}) {
  std::vector<std::string> o{"households.count=600", "region.villages=12", "simulation.steps=36",
                             "simulation.panel_size=50", "region.side_km=15"};
  o.insert(o.end(), extra.begin(), extra.end());
  return baseline_with(o);
}

} // namespace minesim::scenarios_for_tests
