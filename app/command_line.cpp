#include "app/command_line.hpp"

#include "engine/errors.hpp"
#include "io/versions.hpp"
#include "minesim/build_info.hpp"
#include "scenario/loader.hpp"

#include <charconv>
#include <functional>
#include <vector>

namespace minesim::cli {
namespace {

bool is_number(std::string_view s) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  return error == std::errc() && end == s.data() + s.size();
}

/// An argument that names an option ("-o", "--threads", "--threads=2"), not a value such as
/// "-3" or a lone "-" (standard input).
bool is_option_name(std::string_view arg) {
  return arg.size() > 1 && arg[0] == '-' && !is_number(arg);
}

std::string name_part(std::string_view arg) {
  return std::string(arg.substr(0, arg.find('=')));
}

/// Every spelling of every option of `app` ("-o", "--output", ...), for suggestions.
std::vector<std::string> option_spellings(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& n : opt->get_lnames())
      names.push_back("--" + n);
    for (const std::string& n : opt->get_snames())
      names.push_back("-" + n);
  }
  return names;
}

std::string unknown_option(const std::string& where, const std::string& name,
                           const std::vector<std::string>& candidates) {
  std::string message = where;
  message.append(": unknown option '").append(name).append("'");
  const std::string near = nearest_key(name, candidates);
  if (!near.empty()) message.append("; did you mean '").append(near).append("'?");
  return message;
}

/// The subcommand of `app` called `name`, or null.
const CLI::App* find_subcommand(const CLI::App& app, std::string_view name) {
  for (const CLI::App* sub : app.get_subcommands(std::function<bool(const CLI::App*)>{}))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

const CLI::App* chosen_subcommand(const CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return nullptr;
    if (is_option_name(arg)) continue;
    return find_subcommand(app, arg);
  }
  return nullptr;
}

} // namespace

std::optional<std::string> unknown_name_message(const CLI::App& app, int argc,
                                                const char* const* argv) {
  int i = 1;
  // Options before the command: --help and --version only.
  for (; i < argc && is_option_name(argv[i]); ++i) {
    const std::string name = name_part(argv[i]);
    if (name == "--") return std::nullopt;
    if (app.get_option_no_throw(name) == nullptr) {
      return unknown_option("minesim", name, option_spellings(app));
    }
  }
  if (i == argc) return std::nullopt; // no command: CLI11 says one is required
  const std::string command = argv[i];
  const CLI::App* sub = find_subcommand(app, command);
  if (sub == nullptr) {
    std::vector<std::string> names;
    for (const CLI::App* s : app.get_subcommands(std::function<bool(const CLI::App*)>{}))
      names.push_back(s->get_name());
    std::string message = "minesim: unknown command '" + command + "'";
    const std::string near = nearest_key(command, names);
    if (!near.empty()) message.append("; did you mean '").append(near).append("'?");
    return message;
  }
  const std::string where = "minesim " + command;
  const std::vector<std::string> candidates = option_spellings(*sub);
  for (++i; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (!is_option_name(arg)) continue;
    std::string name = name_part(arg);
    if (name.size() > 2 && name[1] != '-') name.resize(2); // "-ofile": -o, its value attached
    const CLI::Option* opt = sub->get_option_no_throw(name);
    if (opt == nullptr) return unknown_option(where, name, candidates);
    // An option that takes a value, given without "=": the next argument is its value,
    // whatever it looks like, and CLI11's to judge.
    if (opt->get_type_size() != 0 && arg == name) ++i;
  }
  return std::nullopt;
}

std::string command_named(const CLI::App& app, int argc, const char* const* argv) {
  const CLI::App* sub = chosen_subcommand(app, argc, argv);
  return sub == nullptr ? "minesim" : "minesim " + sub->get_name();
}

std::int64_t parse_seed(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    throw InputError("--seed: expected a whole number from 0 to 9223372036854775807, got '" + text +
                     "'");
  }
  return value;
}

std::string version_text() {
  std::string text = "minesim ";
  text.append(build_info::version)
      .append("\ngit commit ")
      .append(build_info::git_commit)
      .append("\nbuild type ")
      .append(build_info::build_type)
      .append("\ncompiler g++ " __VERSION__)
      .append("\nHDF5 ")
      .append(hdf5_library_version());
  return text;
}

} // namespace minesim::cli
