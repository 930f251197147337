#pragma once
// Limits on TOML input that toml11 3.7 does not enforce itself, checked before toml11 sees
// scenario, batch and plan files:
//  * its parser recurses once per nested array or inline table, and a toml::value is
//    destroyed recursively, so text nested a few thousand levels deep (a few KiB) overflows
//    the stack;
//  * invalid UTF-8 inside a string sends it out of bounds: its error path rewinds a
//    location over the string's copy with an iterator into the whole file (parser.hpp,
//    parse_*_string, "invalid utf8 sequence found"), which read past the heap block, or
//    threw std::length_error;
//  * a file name may name a device that never ends (/dev/zero).
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

namespace minesim {

/// Largest TOML file read: far above any scenario or batch file (the calendar of a long
/// run is a few hundred KiB), far below anything that strains memory.
inline constexpr std::size_t max_toml_bytes = std::size_t{16} << 20;

/// Deepest nesting accepted: open arrays and inline tables plus the dots of dotted keys and
/// table headers at any point of the text. Real files nest 3 or 4 levels.
inline constexpr int max_toml_nesting = 32;

/// Read all of `in` into `text`; false (with `text` holding the first max_toml_bytes) when
/// there is more than max_toml_bytes.
[[nodiscard]] bool read_toml_text(std::istream& in, std::string& text);

/// Throws InputError "<name>:<line>: syntax error: ..." when `text` is not UTF-8 (as TOML
/// requires; toml11 mishandles it) or nests deeper than max_toml_nesting. Call before
/// toml::parse.
void check_toml_text(std::string_view text, const std::string& name);

/// Throws InputError "<name>:<line>: syntax error: not UTF-8 ..." at the first byte that does
/// not belong to a well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
/// nothing above U+10FFFF).
void check_toml_utf8(std::string_view text, const std::string& name);

/// Throws InputError "<name>:<line>: syntax error: nested more than 32 levels deep ..." when
/// `text` nests deeper than max_toml_nesting, outside strings and comments. A conservative
/// scan of TOML's lexical structure, not a parser: malformed text it lets through is left to
/// toml11 to report.
void check_toml_nesting(std::string_view text, const std::string& name);

} // namespace minesim
