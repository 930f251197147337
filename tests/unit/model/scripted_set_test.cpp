// A parameter changed between steps from outside the scenario (Simulation::schedule, what the
// Python module's Simulation.set does) acts exactly as the same change written in the
// scenario's calendar: the runs are bit-identical.
#include "model/simulation.hpp"
#include "scenario/loader.hpp"
#include "tests/support/same_series.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace minesim {
namespace {

const std::vector<std::string> small{"households.count=400", "region.villages=10",
                                     "simulation.steps=30", "region.side_km=15"};

std::string baseline() {
  return std::string(MINESIM_SOURCE_DIR) + "/scenarios/baseline.toml";
}

TEST(ScriptedSet, ScheduledBetweenStepsEqualsTheScenariosCalendarEvent) {
  // The change in the scenario file: hearings every 2 months from step 13.
  const std::string text = "extends = \"" + baseline() +
                           "\"\n[[calendar.events]]\nstep = 13\naction = \"set\"\n"
                           "key = \"participation.hearing_interval_months\"\nvalue = 2\n";
  const LoadedScenario written =
      load_scenario_text(text, std::string(MINESIM_SOURCE_DIR) + "/scenarios/hearings.toml",
                         parameter_specs(), event_specs(), small);
  Simulation reference(parameters_from(written));
  reference.run();

  // The same change made after step 12 of a run of the plain scenario.
  LoadedScenario plain = load_scenario(baseline(), parameter_specs(), event_specs(), small);
  Simulation scripted(parameters_from(plain));
  ASSERT_TRUE(scripted.run_until(12));
  const OverrideChecker checker(parameter_specs(), event_specs());
  plain.events.push_back(
      checker.set_event(13, "participation.hearing_interval_months=2", "Simulation.set"));
  const Parameters changed = parameters_from(plain);
  ASSERT_EQ(changed.calendar.size(), 1U);
  scripted.schedule(changed.calendar.back());
  EXPECT_EQ(scripted.world().params.participation.hearing_interval_months, 6);
  scripted.run();
  EXPECT_EQ(scripted.world().params.participation.hearing_interval_months, 2);
  test_support::expect_same_series(scripted.metrics().timeseries(),
                                   reference.metrics().timeseries());

  // And the change matters: without it the run differs.
  Simulation unchanged(
      parameters_from(load_scenario(baseline(), parameter_specs(), event_specs(), small)));
  unchanged.run();
  bool differs = false;
  const auto& a = unchanged.metrics().timeseries();
  const auto& b = reference.metrics().timeseries();
  for (std::size_t k = 0; k < a.size(); ++k)
    differs = differs || a[k].values != b[k].values;
  EXPECT_TRUE(differs);
}

TEST(ScriptedSet, EventsOfOneStepKeepTheirOrder) {
  // Two changes of one key at one step: the later one wins, as in a scenario file.
  LoadedScenario plain = load_scenario(baseline(), parameter_specs(), event_specs(), small);
  Simulation sim(parameters_from(plain));
  const OverrideChecker checker(parameter_specs(), event_specs());
  for (const char* value : {"3", "4"}) {
    plain.events.push_back(checker.set_event(
        1, std::string("participation.hearing_interval_months=") + value, "Simulation.set"));
    sim.schedule(parameters_from(plain).calendar.back());
  }
  ASSERT_TRUE(sim.run_until(1));
  EXPECT_EQ(sim.world().params.participation.hearing_interval_months, 4);
}

TEST(ScriptedSet, RefusesAStepAlreadyDone) {
  Simulation sim(
      parameters_from(load_scenario(baseline(), parameter_specs(), event_specs(), small)));
  ASSERT_TRUE(sim.run_until(5));
  ScheduledEvent e;
  e.step = 5;
  e.action = ScheduledEvent::Action::set;
  EXPECT_THROW(sim.schedule(e), std::logic_error);
}

} // namespace
} // namespace minesim
