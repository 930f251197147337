// The fuzz corpus (tests/fuzz/corpus) and the bad-input corpora (tests/data) replayed
// through the scenario, batch and plan loaders in the normal suite, without libFuzzer: a
// finding, once in the corpus, stays found. Each input runs in a child process under a hard
// memory limit, and its peak memory above the process's own is held to the loaders' stated
// bound (max_loader_bytes in src/scenario/toml_limits.hpp), which generated inputs of the
// shapes that cost most memory per byte check as well.
#include "scenario/toml_limits.hpp"
#include "tests/fuzz/loader_harness.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace minesim {
namespace {

namespace fs = std::filesystem;

#if defined(__SANITIZE_ADDRESS__)
// ASan's shadow memory inflates the resident size and needs terabytes of address space:
// under it, inputs are replayed for its reports alone.
constexpr bool measure_memory = false;
#else
constexpr bool measure_memory = true;
#endif

/// A child that outgrows this much address space beyond its parent's is stopped (its
/// allocation fails), however far off the bound it would have gone.
constexpr std::size_t hard_limit_bytes = std::size_t{2} << 30;

struct Outcome {
  int status = 0;
  std::size_t peak_bytes = 0; ///< the child's peak resident size
};

std::size_t address_space_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  statm >> pages;
  return pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

/// Runs the loaders on `text` in a child process.
Outcome in_child(const std::string& text) {
  const std::size_t limit = address_space_bytes() + hard_limit_bytes;
  const pid_t pid = fork();
  if (pid == 0) {
    if (measure_memory) {
      const rlimit as{limit, limit};
      setrlimit(RLIMIT_AS, &as);
    }
    fuzz::exercise_loaders(text);
    _exit(0);
  }
  Outcome outcome;
  rusage usage{};
  if (pid < 0 || wait4(pid, &outcome.status, 0, &usage) != pid) {
    ADD_FAILURE() << "fork or wait failed";
    return outcome;
  }
  outcome.peak_bytes = static_cast<std::size_t>(usage.ru_maxrss) * 1024;
  return outcome;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class LoaderCorpus : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    fuzz::prepare_workspace();
    baseline_ = in_child("").peak_bytes;
  }

  void SetUp() override {
    worst_share_ = 0.0;
    worst_.clear();
  }

  /// Replays `text`, named `name` in messages: the child must exit 0 within the bound.
  static void replay(const std::string& name, const std::string& text) {
    const Outcome o = in_child(text);
    EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0)
        << name << ": the loaders did not return (status " << o.status << ")";
    if (!measure_memory) return;
    const std::size_t used = o.peak_bytes > baseline_ ? o.peak_bytes - baseline_ : 0;
    EXPECT_LE(used, max_loader_bytes(text.size()))
        << name << ": " << text.size() << " bytes of input took " << used << " bytes";
    const double share =
        static_cast<double>(used) / static_cast<double>(max_loader_bytes(text.size()));
    if (share > worst_share_) {
      worst_share_ = share;
      worst_ = name + " (" + std::to_string(text.size()) + " bytes: " + std::to_string(used) +
               " bytes of memory)";
    }
  }

  static std::size_t baseline_;
  /// The input that came nearest its bound, and how near.
  static double worst_share_;
  static std::string worst_;
};

std::size_t LoaderCorpus::baseline_ = 0;
double LoaderCorpus::worst_share_ = 0.0;
std::string LoaderCorpus::worst_;

TEST_F(LoaderCorpus, EveryCorpusInputLoadsWithinItsMemoryBound) {
  std::vector<fs::path> inputs;
  for (const char* dir : {"/tests/fuzz/corpus", "/tests/data"}) {
    for (const auto& entry :
         fs::recursive_directory_iterator(std::string(MINESIM_SOURCE_DIR) + dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".toml")
        inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  ASSERT_GT(inputs.size(), 150U);
  for (const fs::path& input : inputs)
    replay(input.string(), read_file(input));
  std::cout << inputs.size() << " inputs replayed; nearest its bound, at " << 100 * worst_share_
            << "%: " << worst_ << "\n";
}

/// `count` copies of `unit` between `head` and `tail`.
std::string repeated(const std::string& head, const std::string& unit, std::size_t count,
                     const std::string& tail = "") {
  std::string out = head;
  for (std::size_t i = 0; i < count; ++i)
    out += unit;
  return out + tail;
}

TEST_F(LoaderCorpus, InputsOfTheCostliestShapesStayWithinTheBound) {
  // Large enough that the part of the bound that grows with the input dominates; under ASan,
  // where memory is not measured, a tenth of it is enough to look for its reports.
  constexpr std::size_t n = measure_memory ? 20000 : 2000;
  const std::vector<std::pair<std::string, std::string>> inputs{
      {"an array of small integers", repeated("x = [\n", "1,\n", n, "1]\n")},
      {"a line of 4096 small integers", repeated("x = [", "1,", 4096, "1]\n")},
      {"many keys",
       [] {
         std::string s;
         for (std::size_t i = 0; i < n; ++i)
           s.append("k").append(std::to_string(i)).append("=1\n");
         return s;
       }()},
      {"many tables",
       [] {
         std::string s;
         for (std::size_t i = 0; i < n; ++i)
           s.append("[t").append(std::to_string(i)).append("]\n");
         return s;
       }()},
      {"a long calendar",
       repeated("", "[[calendar.events]]\nstep=1\naction=\"close_mine\"\nmine=0\n", n / 4)},
      {"a batch grid of many values",
       [] {
         std::string s =
             "scenario = \"base.toml\"\nreplicates = 1\nseed = 1\n[grid]\nhouseholds.count = [";
         for (std::size_t i = 0; i < n; ++i)
           s.append(std::to_string(100 + i)).append(",\n");
         return s + "1]\n";
       }()},
      {"a batch of many arms", repeated("scenario = \"base.toml\"\nreplicates = 1\nseed = 1\n",
                                        "[[arms]]\nname=\"a\"\n", n / 4)},
      {"a batch of many grid keys",
       [] {
         std::string s = "scenario = \"base.toml\"\nreplicates = 1\nseed = 1\n[grid]\n";
         for (std::size_t i = 0; i < n / 4; ++i)
           s += "influence.mu_E = [0.1]\n";
         return s;
       }()},
      {"a plan of a million runs",
       repeated("plan_version = 1\nbatch_file = \"b\"\nscenario = \"s\"\ndescription = \"\"\n"
                "replicates = 100000\nseed = 1\nvaried_keys = []\nvaried_units = []\n"
                "varied_meanings = []\nbatch_toml = \"\"\n",
                "[[arms]]\nname = \"a\"\nid = \"a\"\nfingerprint = \"0\"\noverrides = []\n"
                "values = []\n",
                10)},
      {"inline tables", repeated("x = [\n", "{a=1},\n", n, "{a=1}]\n")},
  };
  for (const auto& [name, text] : inputs)
    replay(name, text);
  std::cout << "nearest its bound, at " << 100 * worst_share_ << "%: " << worst_ << "\n";
}

} // namespace
} // namespace minesim
