#pragma once
// What the TOML readers (the scenario loader, batch files, batch plans) share: parsing text
// with toml11's errors turned into one-line InputErrors that name file and line, and
// reading toml11 values (where each was written, what kind it is, scalars as parameter
// Values, a table's children in document order).
#include "engine/errors.hpp"
#include "scenario/parameter_spec.hpp"

#include <toml.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minesim {

/// `s` with control characters shown as escapes ("\n", "\r") or spaces: keys and paths
/// come from user input (a quoted TOML key may hold a newline) and an error must stay one
/// line.
[[nodiscard]] std::string one_line(const std::string& s);

/// `s` without leading and trailing spaces, tabs and line breaks.
[[nodiscard]] std::string trim(std::string_view s);

/// toml11's error messages are several lines with a source gutter; the first line's reason,
/// without the "[error] " tag, the "toml::parse_xxx: " function name or colours ("invalid
/// TOML" when nothing is left).
[[nodiscard]] std::string toml_error_reason(std::string_view what);

/// `text` parsed as the TOML document `name`, after check_toml_text (toml_limits.hpp). Every
/// problem is an InputError "<name>:<line>: syntax error: <reason>" at the line toml11
/// blames (no line when it blames none).
[[nodiscard]] toml::value parse_toml(const std::string& text, const std::string& name);

/// Where `v` was written: `file` and its line (0 for a value built in memory).
[[nodiscard]] SourcePos toml_pos(const toml::value& v, const std::string& file);

/// "an integer", "a float", "a table", ...: what the user wrote, for a message.
[[nodiscard]] std::string toml_kind(const toml::value& v);

/// A boolean, integer, float or string as a parameter Value; nullopt for arrays, tables
/// and dates.
[[nodiscard]] std::optional<Value> toml_scalar(const toml::value& v);

/// The child `name` of the table `table`, or nullptr.
[[nodiscard]] const toml::value* toml_field(const toml::value& table, const std::string& name);

/// The children of a TOML table in document order (by position in the file, then by key).
/// toml11 keeps tables in unordered maps; this order makes the first error reported the
/// first one in the file, and the same one on every run. The pointers point into `table`.
[[nodiscard]] std::vector<std::pair<const std::string*, const toml::value*>>
toml_in_document_order(const toml::value& table);

} // namespace minesim
