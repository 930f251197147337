#pragma once
// Columns of the run record's tables from the model's columns and event lists.
#include "engine/record.hpp"

#include <string>
#include <type_traits>
#include <vector>

namespace minesim {

/// A static column of an entity table (/households, /villages, ...), as int64 or float64.
template <class T>
[[nodiscard]] Column column(std::string name, std::string units, std::string description,
                            const std::vector<T>& values) {
  Column c{std::move(name),
           std::move(units),
           std::move(description),
           {},
           {},
           !std::is_floating_point_v<T>};
  if constexpr (std::is_floating_point_v<T>) {
    c.real.assign(values.begin(), values.end());
  } else {
    c.integer.reserve(values.size());
    for (const T& v : values)
      c.integer.push_back(static_cast<std::int64_t>(v));
  }
  return c;
}

/// A column of an event table: one member of every event, as int64 or float64.
template <class Event, class T>
void add_event_column(EventTable& table, const char* name, const char* units,
                      const std::vector<Event>& events, T Event::*member) {
  Column c{name, units, "", {}, {}, !std::is_floating_point_v<T>};
  auto& values = [&]() -> auto& {
    if constexpr (std::is_floating_point_v<T>)
      return c.real;
    else
      return c.integer;
  }
  ();
  values.reserve(events.size());
  for (const Event& e : events)
    values.push_back(e.*member);
  table.columns.push_back(std::move(c));
}

} // namespace minesim
