#include "batch/compare.hpp"

#include "engine/errors.hpp"
#include "engine/stats.hpp"
#include "scenario/loader.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace minesim::batch {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view final_prefix = "final_";

const IndexColumn& column(const IndexContents& index, const std::string& name) {
  for (const IndexColumn& c : index.columns)
    if (c.name == name) return c;
  throw InputError("index has no column '" + name + "'; is it a minesim batch index?");
}

template <typename T> const std::vector<T>& values_of(const IndexColumn& c) {
  const auto* v = std::get_if<std::vector<T>>(&c.values);
  if (v == nullptr) throw InputError("index column '" + c.name + "' has an unexpected type");
  return *v;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (arm names may).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double x) {
  if (std::isnan(x)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

} // namespace

double t_quantile_975(double degrees_of_freedom) {
  const boost::math::students_t distribution(degrees_of_freedom);
  return boost::math::quantile(distribution, 0.975);
}

std::vector<PairedDifference> paired_differences(const IndexContents& index,
                                                 const std::string& baseline,
                                                 const std::vector<std::string>& metrics) {
  const auto& arms = values_of<std::string>(column(index, "arm"));
  const auto& replicates = values_of<std::int64_t>(column(index, "replicate"));
  const auto& statuses = values_of<std::string>(column(index, "status"));

  std::vector<std::string> arm_names; // in index order
  for (const std::string& a : arms)
    if (std::find(arm_names.begin(), arm_names.end(), a) == arm_names.end()) arm_names.push_back(a);
  if (std::find(arm_names.begin(), arm_names.end(), baseline) == arm_names.end()) {
    const std::string near = nearest_key(baseline, arm_names);
    throw InputError("--baseline: no arm \"" + baseline + "\" in the index" +
                     (near.empty() ? "" : "; did you mean \"" + near + "\"?") +
                     " (arms: " + list_text(arm_names) + ")");
  }

  std::vector<std::string> available;
  for (const IndexColumn& c : index.columns)
    if (c.name.rfind(final_prefix, 0) == 0) available.push_back(c.name.substr(final_prefix.size()));
  std::vector<std::string> chosen;
  for (const std::string& m : metrics) {
    const std::string name = m.rfind(final_prefix, 0) == 0 ? m.substr(final_prefix.size()) : m;
    if (std::find(available.begin(), available.end(), name) == available.end()) {
      const std::string near = nearest_key(name, available);
      throw InputError("--metric: the index has no final value of \"" + name + "\"" +
                       (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
    }
    chosen.push_back(name);
  }
  if (metrics.empty()) chosen = available;

  // Row of each (arm, replicate) that completed.
  std::map<std::pair<std::string, std::int64_t>, std::size_t> row_of;
  for (std::size_t i = 0; i < arms.size(); ++i)
    if (statuses[i] == "complete") row_of[{arms[i], replicates[i]}] = i;

  std::vector<PairedDifference> out;
  for (const std::string& arm : arm_names) {
    if (arm == baseline) continue;
    for (const std::string& metric : chosen) {
      const auto& values = values_of<double>(column(index, std::string(final_prefix) + metric));
      PairedDifference d;
      d.arm = arm;
      d.metric = metric;
      std::vector<double> arm_values;
      std::vector<double> base_values;
      for (const auto& [key, row] : row_of) {
        if (key.first != arm) continue;
        const auto base = row_of.find({baseline, key.second});
        if (base == row_of.end()) continue;
        const double a = values[row];
        const double b = values[base->second];
        if (!std::isfinite(a) || !std::isfinite(b)) continue;
        arm_values.push_back(a);
        base_values.push_back(b);
      }
      const PairedStats stats = paired_stats(arm_values, base_values);
      d.pairs = stats.pairs;
      d.arm_mean = stats.mean_a;
      d.baseline_mean = stats.mean_b;
      d.mean_difference = stats.mean_difference;
      d.ci_low = d.ci_high = nan;
      if (d.pairs >= 2) {
        const double half_width =
            t_quantile_975(static_cast<double>(d.pairs) - 1.0) * stats.standard_error;
        d.ci_low = d.mean_difference - half_width;
        d.ci_high = d.mean_difference + half_width;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string comparison_text(const std::vector<PairedDifference>& rows,
                            const std::string& baseline) {
  std::string out = "Paired differences, arm - baseline (\"" + baseline +
                    "\"), per replicate (common random numbers); mean over replicates with a "
                    "95% confidence interval (Student's t).\n";
  std::size_t width = 6;
  for (const PairedDifference& d : rows)
    width = std::max(width, d.metric.size());
  std::string current;
  char line[512];
  for (const PairedDifference& d : rows) {
    if (d.arm != current) {
      current = d.arm;
      out += "\narm \"" + d.arm + "\"\n";
      std::snprintf(line, sizeof line, "  %-*s %5s %14s %14s %14s  %s\n", static_cast<int>(width),
                    "metric", "pairs", "baseline mean", "arm mean", "mean diff", "95% CI");
      out += line;
    }
    // Appended piecewise: g++ 12 misreads `"[" + std::string` as an overlapping copy.
    std::string ci = number(d.ci_low);
    ci.insert(ci.begin(), '[');
    ci.append(", ").append(number(d.ci_high)).append("]");
    std::snprintf(line, sizeof line, "  %-*s %5zu %14s %14s %14s  %s\n", static_cast<int>(width),
                  d.metric.c_str(), d.pairs, number(d.baseline_mean).c_str(),
                  number(d.arm_mean).c_str(), number(d.mean_difference).c_str(), ci.c_str());
    out += line;
  }
  return out;
}

std::string comparison_csv(const std::vector<PairedDifference>& rows, const std::string& baseline) {
  std::string out =
      "baseline,arm,metric,pairs,baseline_mean,arm_mean,mean_difference,ci_low,ci_high\n";
  char buf[64];
  const auto g = [&buf](double x) {
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return std::string(buf);
  };
  for (const PairedDifference& d : rows) {
    out += csv_field(baseline) + "," + csv_field(d.arm) + "," + d.metric + "," +
           std::to_string(d.pairs) + "," + g(d.baseline_mean) + "," + g(d.arm_mean) + "," +
           g(d.mean_difference) + "," + g(d.ci_low) + "," + g(d.ci_high) + "\n";
  }
  return out;
}

} // namespace minesim::batch
