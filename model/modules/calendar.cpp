// The calendar (MODEL.md §3, phase 1): the scenario's scheduled events, applied at the start
// of their step in file order.
#include "model/module.hpp"

namespace minesim {
namespace {

void apply_calendar(World& w, std::int64_t step) {
  const auto& table = parameter_table();
  for (const ScheduledEvent& e : w.params.calendar) {
    if (e.step != step) continue;
    switch (e.action) {
    case ScheduledEvent::Action::close_mine: {
      const auto m = static_cast<std::size_t>(e.mine);
      if (w.mines.status[m] == MineStatus::active) {
        w.mines.status[m] = MineStatus::closed;
        w.mines.closure_step[m] = step;
      }
      break;
    }
    case ScheduledEvent::Action::set:
      if (e.parameter < table.size())
        table[e.parameter].set(w.params, e.value);
      else
        w.params.extension[e.key] = e.value;
      w.official_value_yuan_per_ha = official_value_yuan_per_ha(w.params.compensation);
      break;
    }
  }
}

class CalendarModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "calendar"; }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    return {{Slot::calendar, apply_calendar}};
  }
};

} // namespace

std::shared_ptr<const Module> calendar_module() {
  return std::make_shared<CalendarModule>();
}

} // namespace minesim
