#include "model/compensation.hpp"
#include "model/finance.hpp"
#include "model/simulation.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <numeric>

using namespace minesim;
using scenarios_for_tests::small_region;

namespace {

double total_received(const World& w) {
  const auto& r = w.households.received_yuan;
  return std::accumulate(r.begin(), r.end(), 0.0);
}

} // namespace

class CompensationModels : public ::testing::TestWithParam<const char*> {};

TEST_P(CompensationModels, HouseholdsReceiveExactlyWhatPayersPay) {
  Simulation sim(small_region({std::string("compensation.model=") + GetParam(),
                               "simulation.steps=72", "compensation.development_right_share=0.2"}));
  const World& w = sim.world();
  double before = total_received(w);
  Yuan in_kind_before = w.jobs.in_kind_yuan;
  RunControl control;
  control.after_step = [&](std::int64_t step) {
    const Ledger& l = w.ledger;
    const Yuan paid = l.step_flow(flow_compensation_enterprise) +
                      l.step_flow(flow_compensation_local) + l.step_flow(flow_compensation_state) +
                      l.step_flow(flow_compensation_social) + l.step_flow(flow_dividends);
    const double after = total_received(w);
    // Payments are whole yuan; the totals carry the fractional initial compensation, so
    // compare to well under a yuan.
    ASSERT_NEAR(after - before, static_cast<double>(paid + (w.jobs.in_kind_yuan - in_kind_before)),
                1e-3)
        << "step " << step;
    ASSERT_EQ(l.sum_of_balances(), 0);
    before = after;
    in_kind_before = w.jobs.in_kind_yuan;
  };
  ASSERT_TRUE(sim.run(control));
  EXPECT_GT(before, 0.0);
}

INSTANTIATE_TEST_SUITE_P(AllFive, CompensationModels,
                         ::testing::Values("enterprise_direct", "enterprise_funded_gov_organized",
                                           "joint", "state_funded", "investment_promotion"));

TEST(Compensation, EventRowsAreSortedAndMatchTheCounters) {
  Simulation sim(small_region({"simulation.steps=48"}));
  ASSERT_TRUE(sim.run());
  const auto& events = sim.world().negotiation_events;
  ASSERT_FALSE(events.empty());
  for (std::size_t k = 1; k < events.size(); ++k) {
    const auto& a = events[k - 1];
    const auto& b = events[k];
    EXPECT_TRUE(std::tie(a.step, a.household, a.mine) < std::tie(b.step, b.household, b.mine));
  }
  double agreements = 0.0;
  for (const TimeSeries& t : sim.metrics().timeseries())
    if (t.name == "agreements") agreements = std::accumulate(t.values.begin(), t.values.end(), 0.0);
  double agreed_rows = 0.0;
  for (const auto& e : events) {
    agreed_rows += static_cast<double>(e.agreed);
    if (e.agreed) {
      EXPECT_GE(e.offer_yuan, e.demand_yuan);
      EXPECT_EQ(e.amount_yuan, std::llround((e.offer_yuan + e.demand_yuan) / 2));
    } else {
      EXPECT_EQ(e.rounds, 6);
      EXPECT_LT(e.offer_yuan, e.demand_yuan);
    }
  }
  EXPECT_EQ(agreed_rows, agreements);
}
