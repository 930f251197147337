#pragma once
// Typed errors. Bad input is an InputError whose message is one line naming the file,
// line and key; the command line turns it into exit code 2.
#include <stdexcept>
#include <string>

namespace minesim {

/// Exit codes of the minesim command, shared by the command line (app/main.cpp) and the
/// batch runner (src/batch/runner.cpp), whose outcome the `batch` command exits with.
inline constexpr int exit_ok = 0;            ///< success
inline constexpr int exit_internal = 1;      ///< an internal error, or the environment's failure
inline constexpr int exit_bad_input = 2;     ///< bad input: one line on stderr
inline constexpr int exit_some_failed = 3;   ///< a batch finished but some of its runs failed
inline constexpr int exit_rerun_differs = 4; ///< `rerun` wrote a file whose results differ
inline constexpr int exit_interrupted = 130; ///< interrupted by SIGINT or SIGTERM

/// Where a value came from: a scenario file and line, or a command-line override.
struct SourcePos {
  std::string file; ///< file name, or "--set" for command-line overrides
  int line = 0;     ///< 1-based line; 0 when unknown (defaults)

  [[nodiscard]] std::string str() const {
    return line > 0 ? file + ":" + std::to_string(line) : file;
  }
};

/// Bad user input: a scenario, override or command-line value that cannot be used.
class InputError : public std::runtime_error {
public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  /// "file:line: key: message"
  InputError(const SourcePos& pos, const std::string& key, const std::string& message)
      : std::runtime_error(format(pos, key, message)) {}

private:
  static std::string format(const SourcePos& pos, const std::string& key,
                            const std::string& message) {
    std::string out = pos.str();
    if (!key.empty()) out += (out.empty() ? "" : ": ") + key;
    return out + ": " + message;
  }
};

} // namespace minesim
