// Provenance of run files and indexes: the command line as a shell reads it back, the root
// attributes command_line, scenario_path, batch, arm and replicate, and the git commit of the
// binary that wrote an index.h5 (docs/output-format.md "Root attributes", docs/batch.md).
#include "io/index_file.hpp"
#include "io/provenance.hpp"
#include "io/run_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace minesim {
namespace {

using test_support::TempDir;

/// What /bin/sh makes of `line` as the arguments of printf: each argument, NUL-terminated.
std::vector<std::string> shell_words(const std::string& line, const TempDir& dir) {
  const std::string out = dir.file("words");
  const std::string command = "printf '%s\\000' " + line + " > '" + out + "'";
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  std::ifstream in(out, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> words;
  std::string word;
  for (const char c : bytes) {
    if (c == '\0') {
      words.push_back(word);
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  return words;
}

TEST(ShellCommandLine, PlainWordsStayAsTheyAre) {
  EXPECT_EQ(shell_command_line({"build/minesim", "run", "scenarios/baseline.toml", "-o", "a.h5",
                                "--set", "households.count=2000", "--seed", "7"}),
            "build/minesim run scenarios/baseline.toml -o a.h5 --set households.count=2000 "
            "--seed 7");
  EXPECT_EQ(shell_command_line({}), "");
}

TEST(ShellCommandLine, QuotesWhatAShellWouldChange) {
  EXPECT_EQ(shell_command_line({"-o", "my run.h5"}), "-o 'my run.h5'");
  EXPECT_EQ(shell_command_line({"it's"}), "'it'\\''s'");
  EXPECT_EQ(shell_command_line({""}), "''");
  EXPECT_EQ(shell_command_line({"$HOME", "*.h5", "a;b", "~"}), "'$HOME' '*.h5' 'a;b' '~'");
}

TEST(ShellCommandLine, ShellReadsBackTheSameArguments) {
  const TempDir dir;
  const std::vector<std::string> arguments{"minesim",   "run",           "it's a \"run\".toml",
                                           "",          "--set",         "x.y=\"a b\"",
                                           "$HOME",     "`date`",        "back\\slash",
                                           "new\nline", "tab\there",     "*",
                                           "!bang",     "#comment",      "{a,b}",
                                           "a&b|c",     "(paren)<in>out"};
  EXPECT_EQ(shell_words(shell_command_line(arguments), dir), arguments);
}

TEST(ProcessArguments, AreThisProcesssArgv) {
  const std::vector<std::string> arguments = process_arguments();
  ASSERT_FALSE(arguments.empty());
  EXPECT_NE(arguments.front().find("minesim_unit_tests"), std::string::npos) << arguments.front();
}

int run_python(const std::string& script, const std::string& file, const TempDir& dir) {
  const std::string path = dir.write("check.py", script);
  const std::string command = "/usr/bin/python3 '" + path + "' '" + file + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

RunRecord tiny_record() {
  RunRecord record;
  record.seed = 7;
  record.steps = 2;
  record.timeseries = {{"S_mean", "1", "Mean satisfaction.", {0.5, 0.25, 0.125}}};
  return record;
}

TEST(RunFileProvenance, RootAttributesOfASingleRun) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  RunProvenance provenance;
  provenance.command_line = "minesim run 'my scenario.toml' -o run.h5";
  provenance.scenario_path = "my scenario.toml";
  write_run_file(path, tiny_record(), provenance);
  EXPECT_EQ(run_python("import sys, h5py\n"
                       "a = h5py.File(sys.argv[1], 'r').attrs\n"
                       "assert a['command_line'] == \"minesim run 'my scenario.toml' -o run.h5\"\n"
                       "assert a['scenario_path'] == 'my scenario.toml'\n"
                       "assert not {'batch', 'arm', 'replicate'} & set(a)\n"
                       "assert list(a)[-1] == 'status'\n",
                       path, dir),
            0);
}

TEST(RunFileProvenance, RootAttributesOfABatchRun) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  RunProvenance provenance;
  provenance.command_line = "minesim batch b.toml -o out";
  provenance.scenario_path = "scenarios/baseline.toml";
  provenance.batch = "b.toml";
  provenance.arm = "bc_epsilon-0.1";
  provenance.replicate = 3;
  write_run_file(path, tiny_record(), provenance);
  EXPECT_EQ(run_python("import sys, h5py, numpy as np\n"
                       "a = h5py.File(sys.argv[1], 'r').attrs\n"
                       "assert a['batch'] == 'b.toml' and a['arm'] == 'bc_epsilon-0.1'\n"
                       "assert a['replicate'] == 3 and a['replicate'].dtype == np.int64\n"
                       "assert a['scenario_path'] == 'scenarios/baseline.toml'\n"
                       "assert list(a)[-1] == 'status'\n",
                       path, dir),
            0);
}

TEST(IndexFileProvenance, BatchGroupNamesTheBinary) {
  const TempDir dir;
  const std::string path = dir.file("index.h5");
  IndexContents contents;
  contents.columns.push_back({"run_id", "1", "Run id.", std::vector<std::string>{"a_r000"}});
  contents.batch_text = {{"batch_file", "b.toml"}};
  write_index_file(path, contents);
  const IndexContents back = read_index_file(path);
  std::string commit;
  std::string version;
  for (const auto& [name, value] : back.batch_text) {
    if (name == "git_commit") commit = value;
    if (name == "minesim_version") version = value;
  }
  EXPECT_FALSE(commit.empty());
  EXPECT_FALSE(version.empty());
}

} // namespace
} // namespace minesim
