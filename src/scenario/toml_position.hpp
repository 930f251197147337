#pragma once
// Where a parsed TOML value was written, found fast. toml11 3.7's value.location() counts
// the newlines from the start of the file on every call, so placing every value of a long
// file (a calendar of 20,000 events) took minutes; these count them once per file.
#include <toml.hpp>

#include <cstddef>

namespace minesim {

/// The 1-based line of `v` in the text it was parsed from; 0 for a value built in memory.
[[nodiscard]] int toml_line(const toml::value& v);

/// The offset of `v` in the text it was parsed from, for ordering values as written;
/// SIZE_MAX for a value built in memory.
[[nodiscard]] std::size_t toml_offset(const toml::value& v);

} // namespace minesim
