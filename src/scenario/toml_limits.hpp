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
//  * a file name may name a device that never ends (/dev/zero);
//  * it looks back to the start of the line from each value it parses, so a single line
//    of many values takes time in the square of their number.
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

namespace minesim {

/// Largest TOML file read: far above any scenario or batch file (the calendar of a long
/// run is a few hundred KiB), far below anything that strains memory.
inline constexpr std::size_t max_toml_bytes = std::size_t{16} << 20;

/// Most files in one `extends` chain (the top file included). All of them are held at once
/// while the chain is read, and together they may hold at most max_toml_bytes.
inline constexpr std::size_t max_extends_depth = 16;

/// Deepest nesting accepted: open arrays and inline tables plus the dots of dotted keys and
/// table headers at any point of the text. Real files nest 3 or 4 levels.
inline constexpr int max_toml_nesting = 32;

/// The most memory the scenario, batch and plan loaders may hold for an input of `bytes`
/// bytes, above what the process held before: a fixed allowance (a file that names a
/// device is read up to max_toml_bytes; the parameter table; a planned batch of up to 64
/// runs) plus a multiple of the input's size, almost all of it toml11's tree (a value costs
/// it about 200 bytes, and takes two bytes of input at the least). A plan also holds about
/// 100 bytes for each run it lays out. The unit tests hold every corpus input, and
/// generated inputs of the costliest shapes, to it (tests/unit/loader_corpus_test.cpp).
[[nodiscard]] constexpr std::size_t max_loader_bytes(std::size_t bytes) {
  return max_toml_bytes + (std::size_t{16} << 20) + 400 * bytes;
}

/// Most values (commas of arrays and inline tables) on one line: toml11 scans back to the
/// start of the line for each value, so a long line costs time in the square of its length.
inline constexpr std::size_t max_toml_values_per_line = 4096;

/// Read all of `in` into `text`; false (with `text` holding the first max_toml_bytes) when
/// there is more than max_toml_bytes.
[[nodiscard]] bool read_toml_text(std::istream& in, std::string& text);

/// Throws InputError "<name>:<line>: syntax error: ..." when `text` is not UTF-8 (as TOML
/// requires; toml11 mishandles it), nests deeper than max_toml_nesting or has more than
/// max_toml_values_per_line values on a line. Call before toml::parse.
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
