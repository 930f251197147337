#pragma once
// Help for people typing at the command line: suggestions for mistyped commands and options,
// the subcommand whose --help an error should point to, checked numbers, plurals and the
// version text.
#include <CLI/CLI.hpp>

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace minesim::cli {

/// What is wrong with a command line that CLI11 would refuse with a less helpful message: an
/// unknown command ("minesim runn": did you mean run?) or an unknown option of a command
/// ("--thread": did you mean --threads?). Empty when every command and option is known.
/// Option values and positional arguments are not judged here; CLI11 checks those.
[[nodiscard]] std::optional<std::string> unknown_name_message(const CLI::App& app, int argc,
                                                              const char* const* argv);

/// The command the user asked for ("minesim run"), or "minesim" when none: the text that
/// an error message's "see ... --help" names.
[[nodiscard]] std::string command_named(const CLI::App& app, int argc, const char* const* argv);

/// A seed given on the command line: a whole number from 0 to 2^63 - 1. Anything else
/// throws InputError("--seed: expected a whole number ...").
[[nodiscard]] std::int64_t parse_seed(const std::string& text);

/// "1 thread", "2 threads": `count` and the word, with an "s" unless count is 1.
template <std::integral Count>
[[nodiscard]] std::string plural(Count count, std::string_view word) {
  std::string text = std::to_string(count);
  text.append(" ").append(word);
  if (count != 1) text.append("s");
  return text;
}

/// What `minesim --version` prints: version, git commit, build type, compiler, HDF5.
[[nodiscard]] std::string version_text();

} // namespace minesim::cli
