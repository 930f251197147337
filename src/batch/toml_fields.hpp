#pragma once
// Reading the fields of the batch layer's TOML files (batch files, study files): one-line
// errors that name the file, the line and the place of a key, unknown keys with the nearest
// known one, and [set] / [grid] tables flattened to dotted parameter keys. `what` names the
// kind of file in messages ("batch", "study").
#include "batch/batch_file.hpp"

#include <toml.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace minesim::batch::detail {

/// Throws InputError "<file>:<line>: <key>: <message>".
[[noreturn]] void fail(const SourcePos& pos, const std::string& key, const std::string& message);

/// The text of the `what` file at `path`, within the TOML size limit.
[[nodiscard]] std::string read_text(const std::string& path, const std::string& what);

/// Refuses a key of `table` that is not in `known`, suggesting the nearest.
void check_keys(const toml::value& table, const std::vector<std::string>& known,
                const std::string& prefix, const std::string& file);

/// The leaves of a [set] (`grid` false: one value each) or [grid] table (lists) as dotted
/// parameter keys with their values, in document order. `simulation.seed` is refused:
/// seeds come from the `what` file's own `seed`.
[[nodiscard]] std::vector<GridKey> read_table(const toml::value* table, const std::string& field,
                                              bool grid, const std::string& file,
                                              const std::string& what);

/// A required integer key within [min, max].
[[nodiscard]] std::int64_t read_integer(const toml::value& doc, const std::string& key,
                                        std::int64_t min, std::int64_t max,
                                        const std::string& file);

/// The `scenario` key as an existing file's path, resolved against the folder of `file`.
/// `as_written` and `pos` receive the value as written and its place.
[[nodiscard]] std::string read_scenario_path(const toml::value& doc, const std::string& file,
                                             std::string& as_written, SourcePos& pos);

} // namespace minesim::batch::detail
