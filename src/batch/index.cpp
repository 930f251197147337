// The index table of a batch: one row per planned run (plan order), its identity, status and
// varied parameters, and the final value of every time series its run file holds.
#include "batch/index.hpp"

#include "io/index_file.hpp"

#include <fstream>
#include <limits>
#include <map>

namespace minesim::batch {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// The column of one varied parameter: its values' type decides the dataset's (booleans as
/// 0/1 integers, since HDF5 has no boolean).
IndexColumn parameter_column(const BatchPlan& plan, std::size_t k) {
  IndexColumn column;
  column.name = plan.varied_keys[k];
  const ParameterInfo& info = plan.varied_info.at(k);
  column.units = info.unit.empty() ? "1" : info.unit;
  column.description = "Parameter " + plan.varied_keys[k] + " of the run: " + info.meaning + ".";
  bool all_int = true;
  bool any_string = false;
  for (const PlannedArm& arm : plan.arms) {
    const Value& v = arm.values.at(k);
    any_string = any_string || std::holds_alternative<std::string>(v);
    all_int =
        all_int && (std::holds_alternative<std::int64_t>(v) || std::holds_alternative<bool>(v));
  }
  if (any_string) {
    std::vector<std::string> values;
    for (const PlannedRun& run : plan.runs()) {
      const Value& v = plan.arms[run.arm].values[k];
      values.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v)
                                                              : to_toml(v));
    }
    column.values = std::move(values);
  } else if (all_int) {
    std::vector<std::int64_t> values;
    for (const PlannedRun& run : plan.runs()) {
      const Value& v = plan.arms[run.arm].values[k];
      values.push_back(std::holds_alternative<bool>(v) ? (std::get<bool>(v) ? 1 : 0)
                                                       : std::get<std::int64_t>(v));
    }
    column.values = std::move(values);
  } else {
    std::vector<double> values;
    for (const PlannedRun& run : plan.runs()) {
      const Value& v = plan.arms[run.arm].values[k];
      values.push_back(std::holds_alternative<double>(v)
                           ? std::get<double>(v)
                           : static_cast<double>(std::get<std::int64_t>(v)));
    }
    column.values = std::move(values);
  }
  return column;
}

} // namespace

std::string read_error_record(const BatchFolder& folder, const std::string& id) {
  std::ifstream in(folder.run_error(id));
  std::string line;
  if (in) std::getline(in, line);
  return line;
}

IndexSummary write_batch_index(const BatchPlan& plan, const BatchFolder& folder) {
  const std::size_t n = plan.runs().size();
  IndexSummary summary;
  std::vector<std::string> ids, arms, statuses, messages;
  std::vector<std::int64_t> replicates, seeds;
  std::vector<double> wall(n, nan);
  // Final values by metric name; every complete run contributes its own series.
  std::map<std::string, std::vector<double>> finals;
  std::map<std::string, std::pair<std::string, std::string>> final_docs;
  IndexContents contents;

  for (const PlannedRun& run : plan.runs()) {
    ids.push_back(run.id);
    arms.push_back(plan.arms[run.arm].name);
    replicates.push_back(run.replicate);
    seeds.push_back(static_cast<std::int64_t>(run.seed));
    const std::string path = folder.run_file(run.id);
    if (run_file_state(path) == RunFileState::complete) {
      const RunFileSummary s = read_run_summary(path);
      wall[run.index] = s.wall_seconds;
      for (const FinalValue& f : s.finals) {
        auto [it, inserted] = finals.try_emplace(f.name, n, nan);
        it->second[run.index] = f.value;
        if (inserted) final_docs[f.name] = {f.units, f.description};
      }
      statuses.emplace_back("complete");
      messages.emplace_back();
      contents.links.emplace_back(run.id, BatchFolder::run_link_target(run.id));
      ++summary.complete;
      continue;
    }
    std::string message = read_error_record(folder, run.id);
    std::ifstream record(folder.run_error(run.id));
    if (record) {
      statuses.emplace_back("failed");
      messages.push_back(message.empty() ? "failed (no reason recorded)" : message);
      ++summary.failed;
      summary.failed_ids.push_back(run.id);
    } else {
      statuses.emplace_back("missing");
      messages.emplace_back();
      ++summary.missing;
      summary.missing_ids.push_back(run.id);
    }
  }

  auto& c = contents.columns;
  c.push_back({"run_id", "1",
               "Stable id of the run, <arm id>_r<replicate>; its file is runs/<run_id>.h5.", ids});
  c.push_back({"arm", "1", "Name of the run's arm.", arms});
  c.push_back({"replicate", "1",
               "Replicate number from 0; replicate r of every arm has the same seed.", replicates});
  c.push_back({"seed", "1", "simulation.seed of the run.", seeds});
  c.push_back({"status", "1",
               "complete, failed (see message) or missing (not run, or interrupted).", statuses});
  c.push_back({"wall_seconds", "s",
               "Wall-clock time of the run's initialisation and steps, from its run file (NaN "
               "unless complete); differs between executions of the same batch.",
               wall});
  c.push_back({"message", "1", "Why the run failed; empty otherwise.", messages});
  for (std::size_t k = 0; k < plan.varied_keys.size(); ++k)
    c.push_back(parameter_column(plan, k));
  for (auto& [name, values] : finals) {
    const auto& [units, description] = final_docs[name];
    c.push_back({"final_" + name, units, "Value at the last step of " + name + ": " + description,
                 std::move(values)});
  }

  contents.batch_text = {{"toml", plan.batch_text},
                         {"batch_file", plan.batch_path},
                         {"scenario", plan.scenario},
                         {"description", plan.description}};
  contents.batch_integers = {{"replicates", plan.replicates},
                             {"seed", static_cast<std::int64_t>(plan.seed)},
                             {"arms", static_cast<std::int64_t>(plan.arms.size())},
                             {"runs", static_cast<std::int64_t>(n)},
                             {"complete", static_cast<std::int64_t>(summary.complete)},
                             {"failed", static_cast<std::int64_t>(summary.failed)},
                             {"missing", static_cast<std::int64_t>(summary.missing)}};
  write_index_file(folder.index(), contents);
  return summary;
}

} // namespace minesim::batch
