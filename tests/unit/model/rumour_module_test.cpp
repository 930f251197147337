// A module from outside the model: a rumour that spreads over the households' network. It
// adds a parameter, a household column, a phase, a random stream and a time series, and
// touches no file of the model: the worked example of docs/architecture.md.
#include "model/module.hpp"
#include "model/simulation.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <queue>

using namespace minesim;

namespace {

class RumourModule final : public Module {
public:
  static constexpr StreamId stream = named_stream("rumour");

  [[nodiscard]] std::string_view name() const override { return "rumour"; }

  [[nodiscard]] std::vector<ParameterSpec> parameters() const override {
    ParameterSpec p;
    p.key = "rumour.spread_probability";
    p.type = ValueType::real;
    p.default_value = Value{0.2};
    p.min = 0.0;
    p.max = 1.0;
    p.unit = "1/month";
    p.meaning = "chance a month to hear the rumour from each neighbour who has heard it";
    p.source = "test module";
    ParameterSpec v;
    v.key = "rumour.first_village";
    v.type = ValueType::integer;
    v.default_value = Value{std::int64_t{0}};
    v.min = 0.0;
    v.max = 1e6;
    v.unit = "1";
    v.meaning = "the village whose households have heard it at the start";
    v.source = "test module";
    v.calendar_settable = false;
    return {p, v};
  }

  [[nodiscard]] std::vector<StreamId> streams() const override { return {stream}; }

  void initialise(World& w) const override {
    const std::size_t n = w.households.size();
    auto& heard = w.households.extra.add("rumour_heard", n);
    w.households.extra.add("rumour_heard_next", n);
    const auto v = static_cast<std::size_t>(w.params.extension_real("rumour.first_village"));
    for (auto i = w.villages.first_household[v]; i < w.villages.first_household[v + 1]; ++i)
      heard[i] = 1.0;
  }

  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    // The only place that sees the world mutable: it binds what the phase writes.
    return {{Slot::perceptions,
             [](World& w, std::int64_t step) { spread(w, SpreadWrites::of(w), step); }}};
  }

  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {{"rumour_share", "1", "Share of households who have heard the rumour."}};
  }

  void measure(const World& w, std::int64_t, MetricScratch& scratch,
               std::span<double> value) const override {
    const auto& heard = *w.households.extra.find("rumour_heard");
    value[0] = scratch.sums.sum(heard.size(), [&](std::size_t i) { return heard[i]; }) /
               static_cast<double>(heard.size());
  }

private:
  /// What the spread phase writes: who has heard, updated synchronously.
  struct SpreadWrites {
    NextState<double> heard; ///< per household: 1 once it has heard the rumour

    static SpreadWrites of(World& w) {
      return {{*w.households.extra.find("rumour_heard"),
               *w.households.extra.find("rumour_heard_next")}};
    }
  };

  /// Synchronous: reads who had heard at the start of the phase, writes the next state.
  static void spread(const World& w, const SpreadWrites& out, std::int64_t step) {
    const double p = w.params.extension_real("rumour.spread_probability");
    const auto& heard = *w.households.extra.find("rumour_heard");
    const auto seed = static_cast<std::uint64_t>(w.params.simulation.seed);
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < heard.size(); ++i) {
      if (heard[i] != 0.0) {
        out.heard[i] = 1.0;
        continue;
      }
      double told = 0.0;
      for (const std::uint32_t j : w.network.neighbours(i))
        told += heard[j];
      const double chance = 1.0 - std::pow(1.0 - p, told);
      out.heard[i] =
          CounterRng(seed, stream, static_cast<std::uint64_t>(step), i).uniform(0) < chance ? 1.0
                                                                                            : 0.0;
    }
    out.heard.commit();
  }
};

ModuleList with_rumour() {
  ModuleList modules = default_modules();
  modules.push_back(std::make_shared<RumourModule>());
  return modules;
}

Parameters load(const ModuleList& modules, std::vector<std::string> overrides) {
  for (const char* o : {"households.count=600", "region.villages=12", "simulation.steps=12",
                        "simulation.panel_size=50", "region.side_km=15"})
    overrides.emplace_back(o);
  const auto specs = parameter_specs(modules);
  return parameters_from(load_scenario(std::string(MINESIM_SOURCE_DIR) + "/scenarios/baseline.toml",
                                       specs, event_specs(), overrides));
}

const std::vector<double>& heard_of(const Simulation& sim) {
  return *sim.world().households.extra.find("rumour_heard");
}

} // namespace

TEST(RumourModule, AddsItsSeriesAndLeavesEveryOtherResultBitIdentical) {
  const ModuleList modules = with_rumour();
  Simulation with(load(modules, {}), modules);
  Simulation without(load(default_modules(), {}));
  ASSERT_TRUE(with.run());
  ASSERT_TRUE(without.run());
  const auto& a = with.metrics().timeseries();
  const auto& b = without.metrics().timeseries();
  ASSERT_EQ(a.size(), b.size() + 1);
  EXPECT_EQ(a.back().name, "rumour_share"); // after the documented series
  for (std::size_t k = 0; k < b.size(); ++k) {
    EXPECT_EQ(a[k].name, b[k].name);
    EXPECT_EQ(a[k].values, b[k].values) << a[k].name;
  }
  EXPECT_EQ(with.world().households.latent[latent_S], without.world().households.latent[latent_S]);
  // Its stream is registered under its name, apart from every numbered stream.
  ASSERT_NE(with.streams().find("rumour"), nullptr);
  EXPECT_EQ(with.streams().find("rumour")->id, stream_id_from_name("rumour"));
}

TEST(RumourModule, CertainSpreadReachesExactlyTheHouseholdsWithinTStepsOfTheFirstVillage) {
  const ModuleList modules = with_rumour();
  const Parameters p = load(modules, {"rumour.spread_probability=1", "rumour.first_village=3"});
  Simulation sim(p, modules);
  // Breadth-first distances from the first village's households over the network.
  const World& w = sim.world();
  const std::size_t n = w.households.size();
  std::vector<int> distance(n, -1);
  std::queue<std::size_t> frontier;
  for (auto i = w.villages.first_household[3]; i < w.villages.first_household[4]; ++i) {
    distance[i] = 0;
    frontier.push(i);
  }
  while (!frontier.empty()) {
    const std::size_t i = frontier.front();
    frontier.pop();
    for (const std::uint32_t j : w.network.neighbours(i))
      if (distance[j] < 0) {
        distance[j] = distance[i] + 1;
        frontier.push(j);
      }
  }
  for (int t = 0; t <= 4; ++t) {
    const auto& heard = heard_of(sim);
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_EQ(heard[i] != 0.0, distance[i] >= 0 && distance[i] <= t)
          << "household " << i << " at distance " << distance[i] << " after " << t << " steps";
    ASSERT_TRUE(sim.run_until(t + 1));
  }
}

TEST(RumourModule, FirstMonthSpreadAgreesWithItsExpectationWithinFourStandardErrors) {
  const ModuleList modules = with_rumour();
  const double p = 0.3;
  Simulation sim(load(modules, {"rumour.spread_probability=0.3"}), modules);
  const World& w = sim.world();
  const std::vector<double> before = heard_of(sim);
  // Household i, not yet told, hears with chance q = 1 - (1 - p)^k for k told neighbours.
  double expected = 0.0, variance = 0.0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] != 0.0) continue;
    double k = 0.0;
    for (const std::uint32_t j : w.network.neighbours(i))
      k += before[j];
    const double q = 1.0 - std::pow(1.0 - p, k);
    expected += q;
    variance += q * (1.0 - q);
  }
  ASSERT_GT(variance, 1.0);
  ASSERT_TRUE(sim.run_until(1));
  double newly = 0.0;
  for (std::size_t i = 0; i < before.size(); ++i)
    newly += heard_of(sim)[i] - before[i];
  EXPECT_NEAR(newly, expected, 4.0 * std::sqrt(variance));
}

TEST(RumourModule, OneAndTwoThreadsGiveTheSameSpread) {
  const ModuleList modules = with_rumour();
  const Parameters p = load(modules, {"rumour.spread_probability=0.1"});
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  Simulation one(p, modules);
  ASSERT_TRUE(one.run());
  omp_set_num_threads(2);
  Simulation two(p, modules);
  ASSERT_TRUE(two.run());
  omp_set_num_threads(saved);
  EXPECT_EQ(heard_of(one), heard_of(two));
  EXPECT_EQ(one.metrics().timeseries().back().values, two.metrics().timeseries().back().values);
}

TEST(RumourModule, ItsParameterIsValidatedLikeAnyOther) {
  const ModuleList modules = with_rumour();
  try {
    (void)load(modules, {"rumour.spread_probability=2"});
    FAIL() << "an out-of-range value was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("rumour.spread_probability"), std::string::npos)
        << e.what();
  }
  // Without the module, its key is unknown.
  EXPECT_THROW((void)load(default_modules(), {"rumour.spread_probability=0.5"}), InputError);
}

namespace {
/// A module whose stream takes a number that a model stream holds.
class CollidingModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "gossip"; }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {numbered_stream(10, "gossip")};
  }
};
} // namespace

TEST(RumourModule, AStreamCollisionIsRefusedAtStartUp) {
  ModuleList modules = default_modules();
  modules.push_back(std::make_shared<CollidingModule>());
  try {
    Simulation sim(load(default_modules(), {}), modules);
    FAIL() << "a colliding stream was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("'gossip' of gossip has the id 10"), std::string::npos)
        << e.what();
  }
}

TEST(RumourModule, ACalendarEventSetsItsParameter) {
  // The rumour stops spreading from step 3 on: a calendar event sets its probability to 0.
  const auto path = std::filesystem::temp_directory_path() /
                    ("minesim_rumour_calendar_" + std::to_string(::getpid()) + ".toml");
  {
    std::ofstream f(path);
    f << "extends = \"" << MINESIM_SOURCE_DIR << "/scenarios/baseline.toml\"\n"
      << "[[calendar.events]]\nstep = 3\naction = \"set\"\n"
      << "key = \"rumour.spread_probability\"\nvalue = 0.0\n";
  }
  const ModuleList modules = with_rumour();
  const auto specs = parameter_specs(modules);
  const Parameters p = parameters_from(load_scenario(
      path.string(), specs, event_specs(),
      std::vector<std::string>{"households.count=600", "region.villages=12", "simulation.steps=8",
                               "simulation.panel_size=50", "region.side_km=15",
                               "rumour.spread_probability=0.5"}));
  std::filesystem::remove(path);
  Simulation sim(p, modules);
  ASSERT_TRUE(sim.run_until(2));
  const std::vector<double> at_two = heard_of(sim);
  ASSERT_TRUE(sim.run_until(8));
  EXPECT_EQ(sim.world().params.extension_real("rumour.spread_probability"), 0.0);
  // Step 3 applies the event before the rumour's phase: nobody hears after step 2.
  EXPECT_EQ(heard_of(sim), at_two);
  const auto& share = sim.metrics().timeseries().back().values;
  EXPECT_LT(share[0], share[2]) << "the rumour spread before the event";
}
