#pragma once
// Households (residents, docs/odd.md §1.2) as structure-of-arrays columns. Ids are ordered by
// village: the households of village v are [first_household[v], first_household[v+1]).
#include <array>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace minesim {

enum class Sector : std::uint8_t { agriculture = 0, mining = 1, green = 2, unemployed = 3 };

/// The five latent perceptions of the structural model (docs/odd.md §3.9).
enum Latent : std::size_t { latent_E = 0, latent_P, latent_C, latent_R, latent_S, latent_count };
inline constexpr std::array<const char*, latent_count> latent_names{"E", "P", "C", "R", "S"};

/// [households] parameters.
struct HouseholdParams {
  std::int64_t count = 5000;         ///< households in the region
  std::int64_t min_per_village = 20; ///< village sizes are multinomial above this floor
  double size_mean_persons = 3.0;    ///< persons: 1 + Binomial(5, (mean - 1) / 5)
  double land_median_ha = 0.4;       ///< farmland, lognormal
  double land_sd_log = 0.5;          ///< spread of log farmland
  double expectation_median = 1.6;   ///< expected / official compensation, lognormal
  double expectation_sd_log = 0.25;
  double informed_min = 0.1; ///< initial information level, uniform range
  double informed_max = 0.5;
  double threshold_mean = 0.25; ///< Granovetter threshold, normal, clipped to [0.01, 1]
  double threshold_sd = 0.12;
};

/// Columns that a module outside the model's own adds to a store (a research extension):
/// one double per entity each, found by name.
class ExtraColumns {
public:
  /// Add a column of `n` zeros called `name`. Throws std::logic_error if it exists.
  std::vector<double>& add(std::string name, std::size_t n) {
    if (find(name) != nullptr) throw std::logic_error("the column " + name + " exists already");
    names_.push_back(std::move(name));
    values_.emplace_back(n, 0.0);
    return values_.back();
  }
  /// The column called `name`, or nullptr.
  [[nodiscard]] std::vector<double>* find(std::string_view name) {
    for (std::size_t k = 0; k < names_.size(); ++k)
      if (names_[k] == name) return &values_[k];
    return nullptr;
  }
  [[nodiscard]] const std::vector<double>* find(std::string_view name) const {
    for (std::size_t k = 0; k < names_.size(); ++k)
      if (names_[k] == name) return &values_[k];
    return nullptr;
  }
  [[nodiscard]] std::size_t size() const { return names_.size(); }

  /// Every column, for checkpoints (engine/state_archive.hpp).
  template <class Archive> void fields(Archive& a) {
    a("households.extra.names", names_);
    for (std::vector<double>& column : values_)
      a("households.extra", column);
  }

private:
  std::vector<std::string> names_;
  std::deque<std::vector<double>> values_; ///< a deque: adding keeps references valid
};

/// What a household's neighbours read of it in the month's neighbourhood pass, packed so
/// that a tie costs one aligned 16-byte read (one cache line) instead of one per column.
struct alignas(16) SeenByNeighbours {
  double informed = 0.0;
  /// Received over official compensation, rounded to single precision (relative error at most
  /// 2^-24); -1 when the household has received nothing or has no damage.
  float compensation_ratio = -1.0F;
  std::uint8_t participating = 0;
  std::uint8_t petitioning = 0;
};
static_assert(sizeof(SeenByNeighbours) == 16);

/// Household columns. Latents are double-buffered: the perception phase reads `latent` and
/// writes `latent_adjusted`, then social influence reads that and writes `latent`, so no
/// update sees a neighbour's new value.
struct HouseholdStore {
  std::vector<std::uint32_t> village;
  std::vector<std::uint8_t> size_persons;
  std::vector<double> land_ha;
  std::vector<double> damaged_land_ha; ///< farmland damaged and not restored (sum of claims)
  std::vector<Sector> sector;
  std::array<std::vector<double>, latent_count> latent;
  /// After the adjustment toward the targets, [household][latent]: the five latents of a
  /// household side by side, so that social influence reads one neighbour in one place.
  std::vector<double> latent_adjusted;
  std::array<std::vector<double>, latent_count> offset; ///< persistent logit offsets
  std::vector<double> expectation_multiplier;
  std::vector<double> informed;
  std::vector<double> threshold;
  std::vector<std::uint8_t> participating;

  std::vector<double> income_yuan_per_year;
  std::vector<double> income_growth;     ///< 12-month change of log income
  std::vector<float> log_income_history; ///< ring of 12 months: [month % 12][household]

  std::vector<double> official_value_yuan; ///< official compensation value of all damage
  std::vector<double> received_yuan;       ///< compensation received so far, all payers

  // Damage claims (agents/resident/claim.hpp): household i has one claim per affected mine
  // of its village, at [claim_first[i], claim_first[i] + affected mines of its village).
  std::vector<std::uint32_t> claim_first;

  // Employment, information and collective action.
  std::vector<std::int32_t> employer; ///< mine id of a mining job, -1 otherwise
  std::vector<double> informed_next;  ///< information after this month's hearings
  std::vector<std::uint8_t> participating_next;
  std::vector<std::uint16_t> hearings_attended; ///< bit k: attended a hearing k months ago
  std::vector<std::uint8_t> petitioning;        ///< petitioning this month
  std::vector<std::uint8_t> petitioning_next;
  std::vector<std::int32_t> petition_months; ///< consecutive petitioning months

  // The month's neighbourhood pass (model/modules/information): the record it reads of each
  // household, and what it counts over each household's neighbours from the state at the
  // start of the pass. Perceptions, participation decisions and petitions read the counts
  // instead of walking the network again.
  std::vector<SeenByNeighbours> seen;                  ///< what the pass reads of each household
  std::vector<std::uint32_t> neighbours_participating; ///< participating last month
  std::vector<std::uint32_t> neighbours_petitioning;   ///< petitioning last month
  std::vector<std::uint32_t> neighbours_compensated;   ///< with a compensation ratio
  std::vector<double> neighbour_ratio_sum; ///< their compensation ratios, summed in CSR order

  ExtraColumns extra; ///< columns of modules outside the model

  [[nodiscard]] std::size_t size() const { return village.size(); }
};

} // namespace minesim
