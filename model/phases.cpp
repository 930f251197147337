#include "model/phases.hpp"

#include <array>
#include <functional>
#include <vector>

namespace minesim {

std::vector<Phase> collect_phases(const ModuleList& modules, const World& world) {
  std::vector<Phase> phases;
  for (const auto& module : modules)
    for (Phase& phase : module->phases(world))
      phases.push_back(std::move(phase));
  return phases;
}

void spin_up(World& w, const std::vector<Phase>& phases, std::int64_t steps) {
  std::array<std::vector<const Phase*>, slot_count> slots;
  for (const Phase& phase : phases)
    if (phase.in_spinup) slots[static_cast<std::size_t>(phase.slot)].push_back(&phase);
  for (std::int64_t step = -steps; step < 0; ++step) {
    w.step_now = step;
    for (const auto& slot : slots)
      for (const Phase* phase : slot)
        phase->run(w, step);
  }
  w.step_now = 0;
}

void record_step(World& w, Metrics& metrics, const std::vector<Phase>& phases, std::int64_t step) {
  for (const Phase& phase : phases)
    if (phase.slot == Slot::record) phase.run(w, step);
  metrics.record(w, step);
}

Schedule make_schedule(World& w, Metrics& metrics, std::vector<Phase> phases) {
  std::array<std::vector<std::function<void(World&, std::int64_t)>>, slot_count> slots;
  for (Phase& phase : phases)
    slots[static_cast<std::size_t>(phase.slot)].push_back(std::move(phase.run));
  Schedule s;
  for (std::size_t k = 0; k < slot_count; ++k) {
    auto body = [&w, &metrics, runs = std::move(slots[k]),
                 record = k == static_cast<std::size_t>(Slot::record)](std::int64_t t) {
      for (const auto& run : runs)
        run(w, t);
      if (record) metrics.record(w, t);
    };
    if (k == static_cast<std::size_t>(Slot::yearly))
      s.add(slot_names[k], std::move(body), is_year_end);
    else
      s.add(slot_names[k], std::move(body));
  }
  return s;
}

} // namespace minesim
