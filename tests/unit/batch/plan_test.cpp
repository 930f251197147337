// Batch files and plans: structure checks, grid expansion and arm names, seeds (common
// random numbers), errors placed at the batch file's lines, plan.toml, shards.
#include "batch_test_support.hpp"

#include "batch/batch_file.hpp"
#include "batch/plan.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace minesim::batch {
namespace {

using testing::BatchDir;
using testing::fake_check;
using testing::read_batch;

std::string error_of(const std::string& path) {
  try {
    (void)make_plan(read_batch(path), fake_check);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(BatchSeeds, PureFunctionOfBatchSeedAndReplicateBelow2To53) {
  std::set<std::uint64_t> seen;
  for (std::int64_t r = 0; r < 1000; ++r) {
    const std::uint64_t s = replicate_seed(42, r);
    EXPECT_EQ(s, replicate_seed(42, r));
    EXPECT_LT(s, std::uint64_t{1} << 53);
    EXPECT_EQ(static_cast<std::uint64_t>(static_cast<double>(s)), s); // exact as a double
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 1000U);
  EXPECT_NE(replicate_seed(42, 0), replicate_seed(43, 0));
}

TEST(BatchIds, SanitisedAndPadded) {
  EXPECT_EQ(sanitize_id("bc eps=0.1/x"), "bc_eps_0.1_x");
  EXPECT_EQ(sanitize_id(".hidden"), "_hidden");
  EXPECT_EQ(sanitize_id(""), "arm");
  EXPECT_EQ(run_id("a", 7, 20), "a_r007");
  EXPECT_EQ(run_id("a", 7, 5000), "a_r0007");
}

TEST(BatchFile, NamedArmsGetCommonSetThenTheirOwn) {
  const BatchDir dir("named");
  const BatchPlan plan = make_plan(read_batch(dir.batch(R"(
[set]
households.count = 200
[[arms]]
name = "low"
set.influence.epsilon = 0.1
[[arms]]
name = "high"
set = { "influence.epsilon" = 0.3, "households.count" = 300 }
)")),
                                   fake_check);
  ASSERT_EQ(plan.arms.size(), 2U);
  EXPECT_EQ(plan.arms[0].overrides,
            (std::vector<std::string>{"households.count=200", "influence.epsilon=0.1"}));
  // An arm may override a common value; the later override is the one in effect.
  EXPECT_EQ(plan.arms[1].overrides,
            (std::vector<std::string>{"households.count=200", "influence.epsilon=0.3",
                                      "households.count=300"}));
  // Varied: set by some arm, in order of appearance; households.count is varied by "high".
  EXPECT_EQ(plan.varied_keys, (std::vector<std::string>{"influence.epsilon", "households.count"}));
  ASSERT_EQ(plan.runs().size(), 4U);
  EXPECT_EQ(plan.runs()[0].id, "low_r000");
  EXPECT_EQ(plan.runs()[3].id, "high_r001");
}

TEST(BatchFile, GridsExpandFirstKeySlowestAndNameArmsFromValues) {
  const BatchDir dir("grid");
  const BatchPlan plan = make_plan(read_batch(dir.batch(R"(
[grid]
influence.kind = ["degroot", "bounded_confidence"]
influence.epsilon = [0.1, 0.2]
)")),
                                   fake_check);
  std::vector<std::string> ids;
  for (const PlannedArm& a : plan.arms)
    ids.push_back(a.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"kind-degroot_epsilon-0.1", "kind-degroot_epsilon-0.2",
                                           "kind-bounded_confidence_epsilon-0.1",
                                           "kind-bounded_confidence_epsilon-0.2"}));
}

TEST(BatchFile, ArmGridsCrossOnlyTheirArmAndTopGridCrossesAll) {
  const BatchDir dir("armgrid");
  const BatchPlan plan = make_plan(read_batch(dir.batch(R"(
[grid]
households.count = [100, 200]
[[arms]]
name = "degroot"
set.influence.kind = "degroot"
[[arms]]
name = "bc"
set.influence.kind = "bounded_confidence"
grid.influence.epsilon = [0.1, 0.3]
)")),
                                   fake_check);
  std::vector<std::string> ids;
  for (const PlannedArm& a : plan.arms)
    ids.push_back(a.id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"degroot_count-100", "degroot_count-200",
                                      "bc_epsilon-0.1_count-100", "bc_epsilon-0.1_count-200",
                                      "bc_epsilon-0.3_count-100", "bc_epsilon-0.3_count-200"}));
  EXPECT_EQ(plan.arms[3].overrides,
            (std::vector<std::string>{"influence.kind=\"bounded_confidence\"",
                                      "influence.epsilon=0.1", "households.count=200"}));
}

TEST(BatchFile, WithoutArmsOrGridOneBaseArm) {
  const BatchDir dir("base");
  const BatchPlan plan = make_plan(read_batch(dir.batch("", 3)), fake_check);
  ASSERT_EQ(plan.arms.size(), 1U);
  EXPECT_EQ(plan.runs().back().id, "base_r002");
}

TEST(BatchPlanSeeds, ReplicateRHasOneSeedInEveryArm) {
  const BatchDir dir("crn");
  const BatchPlan plan = make_plan(read_batch(dir.batch(R"(
[grid]
influence.epsilon = [0.1, 0.2, 0.3]
)",
                                                        4, 99)),
                                   fake_check);
  std::map<std::int64_t, std::set<std::uint64_t>> seeds;
  for (const PlannedRun& run : plan.runs()) {
    seeds[run.replicate].insert(run.seed);
    EXPECT_EQ(run.seed, replicate_seed(99, run.replicate));
    EXPECT_EQ(plan.overrides_of(run).back(), "simulation.seed=" + std::to_string(run.seed));
  }
  ASSERT_EQ(seeds.size(), 4U);
  for (const auto& [r, s] : seeds)
    EXPECT_EQ(s.size(), 1U) << "replicate " << r;
}

TEST(BatchFileErrors, NameFileLineAndKey) {
  const BatchDir dir("errors");
  const std::string f = dir.file("batch.toml");
  EXPECT_EQ(error_of(dir.batch("replicate = 3\n")),
            f + ":4: replicate: unknown key; did you mean 'replicates'?");
  EXPECT_EQ(error_of(dir.batch("[set]\nsimulation.seed = 3\n")),
            f + ":5: set.simulation.seed: each run's seed comes from the batch `seed` and its "
                "replicate; remove this key");
  EXPECT_EQ(error_of(dir.batch("[set]\nx.y = [1, 2]\n")),
            f + ":5: set.x.y: expected one value, got an array (lists of values go in a grid)");
  EXPECT_EQ(error_of(dir.batch("[grid]\nx.y = []\n")), f + ":5: grid.x.y: expected a list of "
                                                           "values, got []");
  EXPECT_EQ(error_of(dir.batch("[[arms]]\nnme = \"a\"\n")),
            f + ":5: arms[0].nme: unknown key; did you mean 'name'?");
  EXPECT_EQ(error_of(dir.batch("[[arms]]\nname = \"a b\"\n[[arms]]\nname = \"a/b\"\n")),
            f + ":7: arms: two arms have the id 'a_b' (\"a b\" and \"a/b\"); give arms names "
                "that differ in letters, digits, '.', '_' or '-'");
  EXPECT_EQ(error_of(dir.batch("[set]\nx.y = 1\n[grid]\nx.y = [1, 2]\n")),
            f + ":7: grid.x.y: also set by set.x.y (line 5); a parameter is either common to "
                "all runs or varied");
  // Replicates are checked for range.
  const std::string zero = dir.file("zero.toml");
  std::ofstream(zero) << "scenario = \"scenario.toml\"\nreplicates = 0\nseed = 1\n";
  EXPECT_EQ(error_of(zero), zero + ":2: replicates: must be in [1, 100000] (got 0)");
}

TEST(BatchFileErrors, OverrideRejectedByTheScenarioIsPlacedAtItsLine) {
  const BatchDir dir("placed");
  EXPECT_EQ(error_of(dir.batch("[[arms]]\nname = \"ok\"\n[[arms]]\nname = \"broken\"\n"
                               "set.bad.key = 2\n")),
            dir.file("batch.toml") + ":8: arms[1].set.bad.key: must be in [0, 1] (got 2)");
}

TEST(BatchFileErrors, GridValuesThatMakeOneIdAreAnError) {
  const BatchDir dir("gridids");
  EXPECT_EQ(error_of(dir.batch("[grid]\nx.kind = [\"a b\", \"a/b\"]\n")),
            dir.file("batch.toml") +
                ":5: arms: two arms have the id 'kind-a_b' (\"kind-a b\" and \"kind-a/b\"); give "
                "arms names that differ in letters, digits, '.', '_' or '-'");
}

/// A [grid] of `keys` keys p.k0, p.k1, ... of the values 1, 2 and 3: 3^keys arms.
std::string cube(int keys) {
  std::string body = "[grid]\n";
  for (int k = 0; k < keys; ++k)
    body += "p.k" + std::to_string(k) + " = [1, 2, 3]\n";
  return body;
}

TEST(BatchFileLimits, GridsAreCountedNotExpandedAndArmsMadeOnDemand) {
  const BatchDir dir("cube");
  const std::string path = dir.batch(cube(12), 1);
  // 3^12 = 531441 arms: under the run limit, over the arm limit, refused at once.
  EXPECT_EQ(error_of(path),
            path + ": arms: 531441 arms is more than the limit of 10000: planning loads the "
                   "scenario once per arm, about 1 ms and 3 KiB each; make the grid smaller or "
                   "split it over several batch files, or raise the limit with --max-arms 531441");
  // Raised, the file reads; arms are made on demand, the last key varying fastest.
  const BatchFile file = read_batch(path, BatchLimits{531441});
  EXPECT_EQ(file.arm_count, 531441U);
  EXPECT_EQ(file.run_count(), 531441U);
  const std::string all_ones = "k0-1_k1-1_k2-1_k3-1_k4-1_k5-1_k6-1_k7-1_k8-1_k9-1_k10-1_k11-";
  EXPECT_EQ(file.arm(0).id, all_ones + "1");
  EXPECT_EQ(file.arm(1).id, all_ones + "2");
  EXPECT_EQ(file.arm(3).id, "k0-1_k1-1_k2-1_k3-1_k4-1_k5-1_k6-1_k7-1_k8-1_k9-1_k10-2_k11-1");
  EXPECT_EQ(file.arm(531440).id, "k0-3_k1-3_k2-3_k3-3_k4-3_k5-3_k6-3_k7-3_k8-3_k9-3_k10-3_k11-3");
  // 177147 = 3^11: the first arm whose first key has its second value.
  const ArmSpec arm = file.arm(177147);
  EXPECT_EQ(arm.name, file.arm_name(177147));
  ASSERT_EQ(arm.overrides.size(), 12U);
  EXPECT_EQ(arm.overrides.front().assignment(), "p.k0=2");
  EXPECT_EQ(arm.overrides.back().assignment(), "p.k11=1");
  EXPECT_EQ(arm.pos.line, 16); // the grid value that completes the arm
  EXPECT_THROW((void)file.arm(531441), std::out_of_range);
}

TEST(BatchFileLimits, AValueIsCheckedOnceBeforeTheArmsAreCounted) {
  const BatchDir dir("valuefirst");
  // 3^24 arms with a bad value: the value is reported, not the size.
  const std::string path = dir.batch(cube(24) + "bad.key = [2, 0.5]\n", 1);
  EXPECT_EQ(error_of(path), path + ":29: grid.bad.key[0]: must be in [0, 1] (got 2)");
  // Without it, the size is.
  EXPECT_EQ(error_of(dir.batch(cube(24), 1)),
            dir.file("batch.toml") +
                ": arms: more than 1000000 arms x 1 replicates is more than 1000000 runs");
  // Arms x replicates, counted before any arm is made.
  EXPECT_EQ(error_of(dir.batch(cube(4), 20000)),
            dir.file("batch.toml") +
                ": arms: 81 arms x 20000 replicates is more than 1000000 runs");
}

TEST(BatchFileLimits, ARaisedArmLimitPlansEveryArm) {
  const BatchDir dir("raised");
  const std::string path = dir.batch(cube(2), 1);
  try {
    (void)read_batch(path, BatchLimits{8});
    ADD_FAILURE() << "9 arms passed a limit of 8";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("9 arms is more than the limit of 8"), std::string::npos)
        << e.what();
  }
  const BatchPlan plan = make_plan(read_batch(path, BatchLimits{9}), fake_check);
  EXPECT_EQ(plan.arms.size(), 9U);
  EXPECT_EQ(plan.arms[5].overrides, (std::vector<std::string>{"p.k0=2", "p.k1=3"}));
}

TEST(BatchFileErrors, RulesBetweenParametersAreCheckedArmByArm) {
  const BatchDir dir("cross");
  // Each value is valid on its own; one combination is not, and that arm is named.
  EXPECT_EQ(error_of(dir.batch("[grid]\ncross.a = [0, 1]\ncross.b = [0, 1]\n")),
            dir.file("batch.toml") + ":6: grid.cross.b[1]: must not exceed cross.a");
}

TEST(BatchFileErrors, MissingScenarioIsPlacedAtTheScenarioKey) {
  const BatchDir dir("noscenario");
  const std::string f = dir.file("b.toml");
  std::ofstream(f) << "replicates = 1\nseed = 1\nscenario = \"nope.toml\"\n";
  EXPECT_EQ(error_of(f), f + ":3: scenario: cannot read \"nope.toml\" (looked for " +
                             dir.file("nope.toml") + "): file not found");
}

TEST(BatchPlanToml, RoundTripsAndNoticesAnotherBatch) {
  const BatchDir dir("plan");
  const BatchPlan plan = make_plan(read_batch(dir.batch(R"(
description = "a \"quoted\" description"
[[arms]]
name = "x y"
set.a.b = "text"
set.a.c = 0.1
set.a.d = true
)")),
                                   fake_check);
  const BatchPlan back = read_plan_toml(plan_toml(plan), "plan.toml");
  EXPECT_FALSE(plan_difference(plan, back).has_value());
  EXPECT_EQ(back.batch_text, plan.batch_text);
  EXPECT_EQ(back.description, plan.description);
  EXPECT_EQ(back.arms[0].values, plan.arms[0].values);
  ASSERT_EQ(back.runs().size(), plan.runs().size());
  EXPECT_EQ(back.runs()[1].seed, plan.runs()[1].seed);

  const BatchPlan reseeded = make_plan(read_batch(dir.batch("", 2, 8)), fake_check);
  EXPECT_EQ(plan_difference(plan, reseeded).value_or(""), "the batch seed differs");
  BatchPlan edited = plan;
  edited.arms[0].fingerprint = "0";
  EXPECT_NE(plan_difference(plan, edited).value_or("").find("was the scenario edited?"),
            std::string::npos);
}

TEST(BatchShards, PartitionTheRunsRoundRobin) {
  std::vector<std::size_t> taken(10, 0);
  for (std::int64_t i = 0; i < 3; ++i) {
    const Shard shard = parse_shard(std::to_string(i) + "/3", "--shard");
    for (std::size_t k = 0; k < taken.size(); ++k)
      if (shard.contains(PlannedRun{k, "", 0, 0, 0})) ++taken[k];
  }
  for (const std::size_t t : taken)
    EXPECT_EQ(t, 1U);
  EXPECT_THROW((void)parse_shard("2/2", "--shard"), InputError);
  EXPECT_THROW((void)parse_shard("1", "--shard"), InputError);
  EXPECT_THROW((void)parse_shard("-1/2", "--shard"), InputError);
}

TEST(BatchShards, FromSlurmArrayEnvironment) {
  std::map<std::string, std::string> env;
  const auto getenv = [&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_FALSE(shard_from_environment(getenv).has_value());
  env = {{"SLURM_ARRAY_TASK_ID", "5"},
         {"SLURM_ARRAY_TASK_COUNT", "4"},
         {"SLURM_ARRAY_TASK_MIN", "1"},
         {"SLURM_ARRAY_TASK_STEP", "2"}};
  const auto shard = shard_from_environment(getenv); // --array=1-7:2: tasks 1, 3, 5, 7
  ASSERT_TRUE(shard.has_value());
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 4);
  env["SLURM_ARRAY_TASK_ID"] = "9";
  EXPECT_THROW((void)shard_from_environment(getenv), InputError);
}

} // namespace
} // namespace minesim::batch
