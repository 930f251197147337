// The calendar (docs/odd.md §1.3, phase 1): the scenario's scheduled events, applied at the start
// of their step in file order.
#include "model/module.hpp"

namespace minesim {
namespace {

/// What the calendar writes.
struct CalendarWrites {
  std::span<MineStatus> status;         ///< per mine: closures
  std::span<std::int64_t> closure_step; ///< per mine
  Parameters& params;                   ///< parameters set from their step on
  double& official_value_yuan_per_ha;   ///< follows the compensation parameters

  static CalendarWrites of(World& w) {
    return {w.mines.status, w.mines.closure_step, w.params, w.official_value_yuan_per_ha};
  }
};

void apply_calendar(const World& w, const CalendarWrites& out, std::int64_t step) {
  const auto& table = parameter_table();
  for (const ScheduledEvent& e : w.params.calendar) {
    if (e.step != step) continue;
    switch (e.action) {
    case ScheduledEvent::Action::close_mine: {
      const auto m = static_cast<std::size_t>(e.mine);
      if (w.mines.status[m] == MineStatus::active) {
        out.status[m] = MineStatus::closed;
        out.closure_step[m] = step;
      }
      break;
    }
    case ScheduledEvent::Action::set:
      if (e.parameter < table.size())
        table[e.parameter].set(out.params, e.value);
      else
        out.params.extension[e.key] = e.value;
      // Reads the parameters just set.
      out.official_value_yuan_per_ha = official_value_yuan_per_ha(out.params.compensation);
      break;
    }
  }
}

class CalendarModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "calendar"; }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    return {{Slot::calendar,
             [](World& w, std::int64_t step) { apply_calendar(w, CalendarWrites::of(w), step); }}};
  }
};

} // namespace

std::shared_ptr<const Module> calendar_module() {
  return std::make_shared<CalendarModule>();
}

} // namespace minesim
