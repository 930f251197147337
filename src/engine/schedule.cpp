#include "engine/schedule.hpp"

#include <chrono>

namespace minesim {

void Schedule::add(std::string name, Phase body, Cadence when) {
  phases_.push_back(Entry{std::move(name), std::move(body), std::move(when), 0.0});
}

void Schedule::run_step(std::int64_t step) {
  for (Entry& phase : phases_) {
    if (!phase.body || (phase.when && !phase.when(step))) continue;
    const auto start = std::chrono::steady_clock::now();
    phase.body(step);
    phase.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
}

} // namespace minesim
