// What MpiJob reads from the environment before MPI starts: whether an MPI launcher started
// the process, the rank timeout (MINESIM_RANK_TIMEOUT) and whether mpirun keeps a job alive
// when a rank dies. The exchanges themselves need ranks: tests/integration/batch.sh
// (modes_identical, rank_death, studies_mpi).
#include "batch/mpi_job.hpp"
#include "engine/errors.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace minesim::batch {
namespace {

struct Environment {
  std::map<std::string, std::string> values;
  [[nodiscard]] std::function<const char*(const char*)> getenv() const {
    return [this](const char* name) -> const char* {
      const auto it = values.find(name);
      return it == values.end() ? nullptr : it->second.c_str();
    };
  }
};

TEST(MpiJobEnvironment, LaunchedByMpirunOrPmix) {
  Environment env;
  EXPECT_FALSE(MpiJob::launched(env.getenv()));
  env.values = {{"OMPI_COMM_WORLD_SIZE", "2"}};
  EXPECT_TRUE(MpiJob::launched(env.getenv()));
  env.values = {{"PMIX_RANK", "0"}};
  EXPECT_TRUE(MpiJob::launched(env.getenv()));
}

TEST(MpiJobEnvironment, RankTimeoutInSecondsWithDefault) {
  using std::chrono::milliseconds;
  Environment env;
  EXPECT_EQ(MpiJob::rank_timeout(env.getenv()), MpiJob::default_rank_timeout);
  EXPECT_EQ(MpiJob::default_rank_timeout, milliseconds(60'000));
  env.values["MINESIM_RANK_TIMEOUT"] = "";
  EXPECT_EQ(MpiJob::rank_timeout(env.getenv()), MpiJob::default_rank_timeout);
  env.values["MINESIM_RANK_TIMEOUT"] = "3";
  EXPECT_EQ(MpiJob::rank_timeout(env.getenv()), milliseconds(3'000));
  env.values["MINESIM_RANK_TIMEOUT"] = "0.25";
  EXPECT_EQ(MpiJob::rank_timeout(env.getenv()), milliseconds(250));
  env.values["MINESIM_RANK_TIMEOUT"] = "1e6";
  EXPECT_EQ(MpiJob::rank_timeout(env.getenv()), milliseconds(1'000'000'000));
  for (const char* bad : {"0", "-5", "0.05", "60s", "abc", " ", "inf", "nan", "2e6"}) {
    env.values["MINESIM_RANK_TIMEOUT"] = bad;
    EXPECT_THROW((void)MpiJob::rank_timeout(env.getenv()), InputError) << bad;
  }
  env.values["MINESIM_RANK_TIMEOUT"] = "soon";
  try {
    (void)MpiJob::rank_timeout(env.getenv());
    ADD_FAILURE() << "\"soon\" was taken for a timeout";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "MINESIM_RANK_TIMEOUT: expected seconds from 0.1 to 1000000, got \"soon\"");
  }
}

TEST(MpiJobEnvironment, RecoveryFromOpenMpisVariable) {
  Environment env;
  EXPECT_FALSE(MpiJob::recovery_enabled(env.getenv()));
  for (const char* yes : {"1", "true", "yes"}) {
    env.values["OMPI_MCA_orte_enable_recovery"] = yes;
    EXPECT_TRUE(MpiJob::recovery_enabled(env.getenv())) << yes;
  }
  for (const char* no : {"0", "false", "no", ""}) {
    env.values["OMPI_MCA_orte_enable_recovery"] = no;
    EXPECT_FALSE(MpiJob::recovery_enabled(env.getenv())) << no;
  }
}

} // namespace
} // namespace minesim::batch
