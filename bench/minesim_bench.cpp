// The performance benchmark: runs the full model at a given size and thread count, times
// every phase, measures peak memory, the HDF5 write and a reference kernel (a CSR sparse
// matrix times 5 vectors over the same network, the memory-bandwidth floor of one step's
// social-influence work). Prints one line of key=value pairs for bench/run.sh to tabulate.
//
//   minesim_bench [--households N] [--steps S] [--threads T] [--output PATH] [--set k=v]...
//
// Region: scenarios/baseline.toml with one village per 125 households and the baseline's
// network (mean degree about 15.3: small_world_degree 12, kinship_share 0.3, rewiring 0.08).
#include "io/run_file.hpp"
#include "model/simulation.hpp"

#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace minesim;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Peak resident set of this process so far, in bytes (Linux reports kilobytes).
double peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;
}

/// Current resident set, in bytes, from /proc/self/statm (pages).
double current_rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  double size = 0.0, resident = 0.0;
  statm >> size >> resident;
  return resident * 4096.0;
}

/// The reference kernel: Y = A X for the network's adjacency A (CSR, 4-byte column indices)
/// and X of 5 columns stored row-major (the 5 values of a household side by side), so each
/// neighbour costs one 40-byte gather. This is what the 5 latents' DeGroot means need at
/// the least: the step does this work plus the model's rules.
void csr_times_5(const Csr& g, const std::vector<double>& x, std::vector<double>& y) {
  const auto n = static_cast<std::int64_t>(g.node_count());
  const std::uint64_t* const off = g.offsets.data();
  const std::uint32_t* const tgt = g.targets.data();
  const double* const xs = x.data();
  double* const ys = y.data();
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0;
    for (std::uint64_t e = off[i]; e < off[i + 1]; ++e) {
      const double* const row = xs + 5 * static_cast<std::size_t>(tgt[e]);
      s0 += row[0];
      s1 += row[1];
      s2 += row[2];
      s3 += row[3];
      s4 += row[4];
    }
    double* const out = ys + 5 * i;
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
    out[4] = s4;
  }
}

/// Seconds per call of the reference kernel: the best of several timed batches.
double reference_kernel_seconds(const Csr& g) {
  const std::size_t n = g.node_count();
  std::vector<double> x(5 * n), y(5 * n, 0.0);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<double>(i % 97) / 97.0;
  csr_times_5(g, x, y); // warm the caches and the thread pool
  double best = 1e300;
  for (int batch = 0; batch < 5; ++batch) {
    const int reps = 5;
    const auto start = Clock::now();
    for (int r = 0; r < reps; ++r) {
      csr_times_5(g, x, y);
      x.swap(y); // feed the result back so no call can be skipped
    }
    best = std::min(best, seconds_since(start) / reps);
  }
  return best;
}

void usage() {
  std::cerr << "usage: minesim_bench [--households N] [--steps S] [--threads T] "
               "[--output PATH] [--scenario PATH] [--set key=value]...\n";
}

} // namespace

int main(int argc, char** argv) {
  std::int64_t households = 10000;
  std::int64_t steps = 240;
  int threads = 1;
  std::string output;
  std::string scenario = std::string(MINESIM_SOURCE_DIR) + "/scenarios/baseline.toml";
  std::vector<std::string> extra;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    const auto value = [&]() -> std::string {
      if (k + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++k];
    };
    if (arg == "--households")
      households = std::stoll(value());
    else if (arg == "--steps")
      steps = std::stoll(value());
    else if (arg == "--threads")
      threads = std::stoi(value());
    else if (arg == "--output")
      output = value();
    else if (arg == "--scenario")
      scenario = value();
    else if (arg == "--set")
      extra.push_back(value());
    else {
      usage();
      return 2;
    }
  }
  omp_set_num_threads(threads);

  const std::int64_t villages = std::max<std::int64_t>(1, households / 125);
  std::vector<std::string> overrides{
      "households.count=" + std::to_string(households),
      "region.villages=" + std::to_string(villages),
      "simulation.steps=" + std::to_string(steps),
  };
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  const LoadedScenario loaded =
      load_scenario(scenario, parameter_specs(), event_specs(), overrides);
  const Parameters params = parameters_from(loaded);

  const double rss_before = current_rss_bytes();
  Simulation sim(params);
  const double rss_after_init = current_rss_bytes();
  const double peak_after_init = peak_rss_bytes();
  const auto run_start = Clock::now();
  sim.run();
  const double run_seconds = seconds_since(run_start);
  const double peak_after_run = peak_rss_bytes();

  const Csr& g = sim.world().network;
  const double kernel_seconds = reference_kernel_seconds(g);

  double write_seconds = 0.0;
  if (!output.empty()) {
    const auto write_start = Clock::now();
    const RunRecord record = sim.record(loaded.text, resolved_toml(loaded, parameter_specs()));
    write_run_file(output, record);
    write_seconds = seconds_since(write_start);
  }
  const RunRecord timings = sim.record("", "");

  const auto n = static_cast<double>(households);
  const double step_seconds = run_seconds / static_cast<double>(steps);
  std::printf("households=%lld villages=%lld steps=%lld threads=%d",
              static_cast<long long>(households), static_cast<long long>(villages),
              static_cast<long long>(steps), threads);
  std::printf(" mean_degree=%.3f", static_cast<double>(g.targets.size()) / n);
  std::printf(" init_s=%.4f run_s=%.4f step_s=%.6f household_steps_per_s=%.4g",
              timings.phase_seconds.at("initialisation"), run_seconds, step_seconds,
              n * static_cast<double>(steps) / run_seconds);
  std::printf(" kernel_s=%.6f step_over_kernel=%.3f", kernel_seconds,
              step_seconds / kernel_seconds);
  std::printf(" peak_rss_bytes=%.0f peak_bytes_per_household=%.1f", peak_after_run,
              peak_after_run / n);
  std::printf(" steady_bytes_per_household=%.1f peak_init_bytes_per_household=%.1f",
              (rss_after_init - rss_before) / n, peak_after_init / n);
  std::printf(" write_s=%.4f write_share=%.4f", write_seconds,
              write_seconds /
                  (timings.phase_seconds.at("initialisation") + run_seconds + write_seconds));
  for (const auto& [name, seconds] : timings.phase_seconds)
    if (name != "initialisation")
      std::printf(" phase_%s=%.6f", name.c_str(), seconds / static_cast<double>(steps));
  std::printf("\n");
  return 0;
}
