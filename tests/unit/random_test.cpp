#include "engine/random.hpp"
#include "model/streams.hpp"
#include "network/social_network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace minesim;

TEST(CounterRng, IsAPureFunctionOfItsKeys) {
  const CounterRng a(7, streams::damage, 3, 11);
  const CounterRng b(7, streams::damage, 3, 11);
  for (std::uint64_t k = 0; k < 16; ++k)
    EXPECT_EQ(a.bits(k), b.bits(k));
  // Order of calls does not matter: draw 9 first, then 0.
  const double nine = b.uniform(9);
  EXPECT_EQ(b.uniform(0), a.uniform(0));
  EXPECT_EQ(nine, a.uniform(9));
}

TEST(CounterRng, EveryKeyComponentChangesTheStream) {
  const std::uint64_t base = CounterRng(7, streams::damage, 3, 11, 0).bits(0);
  std::set<std::uint64_t> seen{base};
  seen.insert(CounterRng(8, streams::damage, 3, 11, 0).bits(0));
  seen.insert(CounterRng(7, streams::perception, 3, 11, 0).bits(0));
  seen.insert(CounterRng(7, streams::damage, 4, 11, 0).bits(0));
  seen.insert(CounterRng(7, streams::damage, 3, 12, 0).bits(0));
  seen.insert(CounterRng(7, streams::damage, 3, 11, 1).bits(0));
  seen.insert(CounterRng(7, streams::damage, 3, 11, 0).bits(1));
  EXPECT_EQ(seen.size(), 7u);
}

TEST(CounterRng, UniformMomentsWithinStandardErrors) {
  const int n = 200000;
  double sum = 0.0, sum_sq = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = CounterRng(1, streams::damage, 0, static_cast<std::uint64_t>(i)).uniform(0);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / n;
  const double var = sum_sq / n - mean * mean;
  // SE of the mean: sqrt(1/12 / n); SE of the variance: sqrt(1/180 / n). 4 SE.
  EXPECT_NEAR(mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
  EXPECT_NEAR(var, 1.0 / 12.0, 4.0 * std::sqrt(1.0 / 180.0 / n));
}

TEST(CounterRng, NormalMomentsWithinStandardErrors) {
  const int n = 200000;
  double sum = 0.0, sum_sq = 0.0, below_minus_1 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = CounterRng(2, streams::damage, 0, static_cast<std::uint64_t>(i)).normal(0);
    sum += z;
    sum_sq += z * z;
    below_minus_1 += z < -1.0 ? 1.0 : 0.0;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 4.0 / std::sqrt(n));
  EXPECT_NEAR(sum_sq / n - mean * mean, 1.0, 4.0 * std::sqrt(2.0 / n));
  const double p = 0.15865525393145707; // Phi(-1)
  EXPECT_NEAR(below_minus_1 / n, p, 4.0 * std::sqrt(p * (1 - p) / n));
}

TEST(CounterRng, BelowIsUniformOverItsRange) {
  const int n = 60000;
  std::array<int, 6> count{};
  for (int i = 0; i < n; ++i)
    ++count[CounterRng(3, streams::damage, 0, static_cast<std::uint64_t>(i)).below(0, 6)];
  const double expected = n / 6.0;
  for (const int c : count)
    EXPECT_NEAR(c, expected, 4.0 * std::sqrt(expected * (5.0 / 6.0)));
}

TEST(CounterRng, LognormalHasTheRequestedMedian) {
  const int n = 100001;
  std::vector<double> x(n);
  for (int i = 0; i < n; ++i)
    x[i] = CounterRng(4, streams::damage, 0, static_cast<std::uint64_t>(i)).lognormal(0, 0.4, 0.5);
  std::nth_element(x.begin(), x.begin() + n / 2, x.end());
  // The sample median's SE for a lognormal: median * sd / sqrt(n) * sqrt(pi / 2).
  EXPECT_NEAR(x[n / 2], 0.4, 4.0 * 0.4 * 0.5 * std::sqrt(3.14159265 / 2.0 / n));
}

TEST(CounterUrbg, CopiesShareTheirCounter) {
  std::uint64_t counter = 0;
  minesim::CounterUrbg g(CounterRng(5, streams::network_small_world, 0, 0), counter);
  minesim::CounterUrbg copy = g;
  const auto first = g();
  const auto second = copy();
  EXPECT_NE(first, second);
  EXPECT_EQ(counter, 2u);
}

TEST(CounterRng, BlocksHoldTheSameDrawsAsSingleCalls) {
  const CounterRng rng(9, streams::diffusion, 4, 77);
  for (std::uint64_t b = 0; b < 3; ++b) {
    const auto block = rng.block(b);
    for (std::uint64_t k = 0; k < 4; ++k) {
      EXPECT_EQ(block[k], rng.bits(4 * b + k));
      EXPECT_EQ(CounterRng::to_uniform(block[k]), rng.uniform(4 * b + k));
    }
  }
}

TEST(StreamRegistry, NumberedStreamsKeepTheirIdsAndNamedOnesAreDerivedFromTheName) {
  EXPECT_EQ(streams::damage.id, 10u);
  EXPECT_EQ(streams::game.id, 27u);
  constexpr StreamId rumour = named_stream("rumour");
  // FNV-1a 32 of "rumour", computed by hand from the published offset basis and prime,
  // with the top bit set.
  std::uint32_t h = 2166136261u;
  for (const char c : std::string("rumour")) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619u;
  }
  EXPECT_EQ(rumour.id, h | 0x80000000u);
  EXPECT_GE(rumour.id, 0x80000000u) << "derived ids never meet numbered ones";
  EXPECT_NE(named_stream("rumours").id, rumour.id);
}

TEST(StreamRegistry, RefusesTwoStreamsWithOneIdOrOneNameWithTwoIds) {
  StreamRegistry r;
  r.add(streams::damage, "environment");
  r.add(streams::damage, "compensation"); // shared by two owners: allowed
  EXPECT_EQ(r.size(), 1u);
  r.add(named_stream("rumour"), "rumour");
  EXPECT_EQ(r.size(), 2u);
  ASSERT_NE(r.find("rumour"), nullptr);
  EXPECT_EQ(r.find("rumour")->id, named_stream("rumour").id);
  EXPECT_EQ(r.find("gossip"), nullptr);
  try {
    r.add(numbered_stream(10, "gossip"), "gossip module");
    FAIL() << "an id collision was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("'gossip' of gossip module has the id 10 of stream "
                                         "'damage' of environment"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(r.add(numbered_stream(99, "rumour"), "other"), std::logic_error);
}
