#include "model/game.hpp"
#include "model/streams.hpp"

#include "engine/random.hpp"

#include <cmath>

namespace minesim {
namespace {

Shares count_shares(const std::array<std::vector<std::uint8_t>, 3>& strategy) {
  Shares s{};
  for (std::size_t p = 0; p < 3; ++p) {
    double ones = 0.0;
    for (const std::uint8_t x : strategy[p])
      ones += x;
    s[p] = ones / static_cast<double>(strategy[p].size());
  }
  return s;
}

} // namespace

TripartiteGame::TripartiteGame(const GameParams& params, std::uint64_t seed, std::int64_t steps)
    : g_(params), seed_(seed) {
  const auto n = static_cast<std::size_t>(g_.population);
  const Shares initial{g_.x0, g_.y0, g_.z0};
  for (std::size_t p = 0; p < 3; ++p) {
    // Exactly round(share * n) members start with strategy 1: the initial state is the
    // requested one, not a draw around it.
    const auto ones = static_cast<std::size_t>(std::llround(initial[p] * static_cast<double>(n)));
    strategy_[p].assign(n, 0);
    std::fill(strategy_[p].begin(), strategy_[p].begin() + static_cast<std::ptrdiff_t>(ones), 1);
    next_[p].assign(n, 0);
  }
  shares_ = count_shares(strategy_);
  rk4_ = shares_;
  const char* names[] = {"share_enterprises_restoring", "share_governments_strict",
                         "share_residents_monitoring"};
  const char* what[] = {"enterprises restoring (x)", "local governments supervising strictly (y)",
                        "residents monitoring (z)"};
  for (std::size_t p = 0; p < 3; ++p)
    series_.push_back(TimeSeries{names[p], "1", std::string("Share of ") + what[p] + ".", {}});
  for (std::size_t p = 0; p < 3; ++p)
    series_.push_back(TimeSeries{std::string("replicator_") + names[p],
                                 "1",
                                 std::string("RK4 solution of the replicator equation for the "
                                             "share of ") +
                                     what[p] + ".",
                                 {}});
  series_.push_back(TimeSeries{
      "replicator_time", "1", "Replicator time t = steps * revision_rate / delta_max.", {}});
  for (auto& s : series_)
    s.values.reserve(static_cast<std::size_t>(steps) + 1);
  record();
}

void TripartiteGame::step(std::int64_t t) {
  const Shares advantage = payoff_differences(g_, shares_); // of strategy 1 over strategy 0
  const auto n = static_cast<std::uint64_t>(g_.population);
  for (std::size_t p = 0; p < 3; ++p) {
    const auto& now = strategy_[p];
    auto& next = next_[p];
    // Threads only pay off for large populations: a parallel region per population and step
    // costs more than ten thousand cheap updates.
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (std::uint64_t i = 0; i < n; ++i) {
      const CounterRng rng(seed_, streams::game, static_cast<std::uint64_t>(t), i, p);
      next[i] = now[i];
      if (rng.uniform(0) >= g_.revision_rate) continue;
      const std::uint8_t other = now[rng.below(1, n)];
      if (other == now[i]) continue;
      const double gain = other == 1 ? advantage[p] : -advantage[p];
      if (rng.uniform(2) < copy_probability(gain, g_.delta_max)) next[i] = other;
    }
    strategy_[p].swap(next);
  }
  shares_ = count_shares(strategy_);
  rk4_ = rk4_step(g_, rk4_, g_.revision_rate / g_.delta_max);
  record();
}

void TripartiteGame::record() {
  for (std::size_t p = 0; p < 3; ++p) {
    series_[p].values.push_back(shares_[p]);
    series_[3 + p].values.push_back(rk4_[p]);
  }
  const auto steps = static_cast<double>(series_[0].values.size() - 1);
  series_[6].values.push_back(steps * g_.revision_rate / g_.delta_max);
}

} // namespace minesim
