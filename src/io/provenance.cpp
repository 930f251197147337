// Provenance of run files: the command line as a shell would read it back.
#include "io/provenance.hpp"

#include <fstream>
#include <iterator>

namespace minesim {
namespace {

/// Characters a POSIX shell takes literally in an unquoted word (no globbing, no expansion,
/// no word splitting): such an argument needs no quotes.
bool plain_word(const std::string& word) {
  if (word.empty()) return false;
  for (const char c : word) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-' || c == '.' || c == '/' || c == ',' || c == ':' ||
                       c == '+' || c == '@' || c == '%' || c == '=';
    if (!plain) return false;
  }
  // '=' is literal here: only a NAME=value word before the command is an assignment.
  return true;
}

std::string quoted(const std::string& word) {
  if (plain_word(word)) return word;
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'') {
      out.append("'\\''"); // close the quotes, an escaped quote, reopen
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

} // namespace

std::string shell_command_line(const std::vector<std::string>& arguments) {
  std::string line;
  for (const std::string& argument : arguments) {
    if (!line.empty()) line.push_back(' ');
    line.append(quoted(argument));
  }
  return line;
}

std::vector<std::string> process_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> arguments;
  std::string current;
  for (const char c : bytes) {
    if (c == '\0') {
      arguments.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) arguments.push_back(current); // no final NUL (not expected)
  return arguments;
}

} // namespace minesim
