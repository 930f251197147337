// The 16-bit draws of CounterRng (src/engine/random.hpp) that the neighbourhood pass uses for
// its Bernoulli trials: thresholds within 2^-17 of the probability, lanes uniform.
#include "engine/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace minesim {
namespace {

TEST(CounterRng16, ThresholdIsTheNearestMultipleOfTwoToTheMinus16) {
  EXPECT_EQ(CounterRng::threshold16(0.0), 0U);
  EXPECT_EQ(CounterRng::threshold16(-0.5), 0U);
  EXPECT_EQ(CounterRng::threshold16(1.0), 65536U);
  EXPECT_EQ(CounterRng::threshold16(0.35), 22938U); // 0.35 * 65536 = 22937.6
  EXPECT_EQ(CounterRng::threshold16(0.05), 3277U);  // 3276.8
  for (int k = 0; k <= 1000; ++k) {
    const double p = k / 1000.0;
    EXPECT_LE(std::fabs(CounterRng::threshold16(p) / 65536.0 - p), 0x1p-17) << p;
  }
}

TEST(CounterRng16, LanesAreUniformAndEachBlockServesSixteenDraws) {
  // 2^20 lanes from 65,536 blocks: every lane position and every threshold hits its share.
  const CounterRng rng(11, numbered_stream(1, "test"), 3, 5);
  const std::uint32_t t = CounterRng::threshold16(0.35);
  std::array<double, 16> hits{};
  const int blocks = 65536;
  for (int b = 0; b < blocks; ++b) {
    const auto block = rng.block(static_cast<std::uint64_t>(b));
    for (std::uint64_t k = 0; k < 16; ++k)
      hits[k] += CounterRng::lane16(block, k) < t ? 1.0 : 0.0;
    // Lane k is bits 16 (k % 4) .. 16 (k % 4) + 15 of word k / 4.
    EXPECT_EQ(CounterRng::lane16(block, 6), (block[1] >> 32) & 0xFFFF);
  }
  const double p = t / 65536.0;
  const double se = std::sqrt(p * (1 - p) / blocks);
  for (std::size_t k = 0; k < 16; ++k)
    EXPECT_NEAR(hits[k] / blocks, p, 4.5 * se) << "lane " << k;
}

} // namespace
} // namespace minesim
