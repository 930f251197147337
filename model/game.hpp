#pragma once
// Game mode (docs/odd.md §3.12): three large well-mixed populations play the tripartite game of
// mine restoration and revise by proportional imitation; the replicator equations are
// integrated alongside with RK4 for comparison.
#include "agents/game/tripartite.hpp"
#include "engine/record.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace minesim {

class TripartiteGame {
public:
  TripartiteGame(const GameParams& params, std::uint64_t seed, std::int64_t steps);

  /// One step: a share revision_rate of each population meets a random member of its own
  /// population (as it was at the start of the step) and copies its strategy with
  /// probability max(0, payoff advantage) / delta_max; the RK4 solution advances by
  /// dt = revision_rate / delta_max.
  void step(std::int64_t t);

  [[nodiscard]] Shares shares() const { return shares_; }
  [[nodiscard]] Shares replicator() const { return rk4_; }
  [[nodiscard]] const std::vector<TimeSeries>& timeseries() const { return series_; }

  /// The game's state, for checkpoints (engine/state_archive.hpp); `steps_done` values of
  /// each series are kept.
  template <class Archive> void fields(Archive& a, std::int64_t steps_done);

private:
  void record();

  GameParams g_;
  std::uint64_t seed_;
  std::array<std::vector<std::uint8_t>, 3> strategy_; ///< 1: restore / strict / monitor
  std::array<std::vector<std::uint8_t>, 3> next_;
  Shares shares_{};
  Shares rk4_{};
  std::vector<TimeSeries> series_;
};

template <class Archive> void TripartiteGame::fields(Archive& a, std::int64_t steps_done) {
  a("game.strategy", strategy_);
  a("game.next", next_);
  a("game.shares", shares_);
  a("game.replicator", rk4_);
  for (TimeSeries& series : series_)
    a.series(series.name.c_str(), series.values, static_cast<std::uint64_t>(steps_done) + 1);
}

} // namespace minesim
