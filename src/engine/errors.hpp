#pragma once
// Typed errors. Bad input is an InputError whose message is one line naming the file,
// line and key; the command line turns it into exit code 2.
#include <stdexcept>
#include <string>

namespace minesim {

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
