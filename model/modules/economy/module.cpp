// Economy and jobs (docs/odd.md §3.5): ore sales and wages, mining jobs by distance, green
// jobs on converted restored land, lay-offs, and households' incomes.
#include "model/module.hpp"
#include "agents/mine/restoration.hpp"
#include "engine/random.hpp"
#include "engine/stats.hpp"
#include "model/finance.hpp"
#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

namespace minesim {

std::vector<ParameterBinding> economy_parameter_rows();

void assign_mining_jobs(World& w) {
  const auto& p = w.params;
  auto& h = w.households;
  const auto& v = w.villages;
  const auto& m = w.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.status[k] != MineStatus::active) continue;
    const std::int64_t jobs = mining_jobs(p.economy, m.output_t_per_month[k]);
    // Candidates: farming households of villages within the job radius, nearest village
    // first, then by random key.
    std::vector<std::tuple<double, std::uint64_t, std::uint32_t>> candidates;
    for (std::size_t a = 0; a < v.size(); ++a) {
      const double d = std::hypot(v.x_km[a] - m.x_km[k], v.y_km[a] - m.y_km[k]);
      if (d > p.economy.mining_job_radius_km) continue;
      for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
        if (h.sector[i] == Sector::agriculture)
          candidates.emplace_back(d, CounterRng(seed_of(w), streams::mining_jobs, 0, i, k).bits(0),
                                  i);
    }
    const auto hired = static_cast<std::size_t>(
        std::min<std::int64_t>(jobs, static_cast<std::int64_t>(candidates.size())));
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(hired),
                      candidates.end());
    for (std::size_t c = 0; c < hired; ++c) {
      const std::uint32_t i = std::get<2>(candidates[c]);
      h.sector[i] = Sector::mining;
      w.households.employer[i] = static_cast<std::int32_t>(k);
    }
    w.mines.workers[k] = static_cast<std::int64_t>(hired);
  }
}

Yuan operating_reserve_yuan(const World& w, std::size_t e) {
  const auto& p = w.params.enterprises;
  const auto& m = w.mines;
  double monthly = 0.0;
  for (std::size_t k = 0; k < m.size(); ++k)
    if (m.owner[k] == static_cast<std::int32_t>(e) && m.status[k] == MineStatus::active)
      monthly += m.output_t_per_month[k] * m.quota_factor[k] * p.operating_cost_yuan_per_t;
  return to_yuan(p.cash_reserve_months * monthly);
}

void pay_out_to_owners(const World& w, Ledger& ledger) {
  for (std::size_t e = 0; e < w.enterprises.size(); ++e) {
    const std::size_t cash = w.enterprises.cash_account[e];
    const Yuan above = ledger.balance(cash) - operating_reserve_yuan(w, e);
    if (above > 0) ledger.transfer(cash, Ledger::outside, above, flow_owner_payout);
  }
}

namespace {

/// What the economy phase writes: jobs, the money of sales, wages and green income, and the
/// state's share of that income. Everything else it reads from the const world.
struct EconomyWrites {
  std::span<Sector> sector;         ///< per household
  std::span<std::int32_t> employer; ///< per household: mine of a mining job, -1 otherwise
  std::span<std::int64_t> workers;  ///< per mine: households employed
  std::int64_t& green_workers;      ///< households in green jobs on converted restored land
  Ledger& ledger;                   ///< sales, costs, wages, interest and green income
  Yuan& fiscal_balance_yuan;        ///< governments' restoration revenue minus spending

  static EconomyWrites of(World& w) {
    return {w.households.sector,
            w.households.employer,
            w.mines.workers,
            w.jobs.green_workers,
            w.ledger,
            w.finance.fiscal_balance_yuan};
  }
};

/// Scratch space of the economy phase, sized once per run.
struct EconomyScratch {
  /// Green job matching: (random key, household) of the candidates of one pool.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> job_candidates;

  /// Incomes (model/world.cpp): each village's incomes, ranked for its median.
  IncomeScratch incomes;

  explicit EconomyScratch(const World& w) : incomes(w) {
    job_candidates.reserve(w.households.size());
  }
};

/// Lay off the workers of mines that no longer produce for good (closed).
void lay_off(const World& w, const EconomyWrites& out) {
  const auto& h = w.households;
  bool any = false;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] != MineStatus::active && out.workers[k] > 0) any = true;
  if (!any) return;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::int32_t e = out.employer[i];
    if (e >= 0 && w.mines.status[static_cast<std::size_t>(e)] != MineStatus::active) {
      out.sector[i] = Sector::unemployed;
      out.employer[i] = -1;
    }
  }
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] != MineStatus::active) out.workers[k] = 0;
}

/// Fill green vacancies: unemployed households first, then farming ones, each by random key.
void match_green_jobs(const World& w, const EconomyWrites& out, EconomyScratch& scratch,
                      std::int64_t step) {
  const auto& p = w.params;
  double restored = 0.0;
  for (const double ha : w.mines.restored_ha)
    restored += ha;
  const auto target = static_cast<std::int64_t>(
      std::floor(p.economy.green_jobs_per_ha * p.restoration.green_conversion_share * restored));
  // Households placed as investment-promotion compensation hold some of these jobs.
  std::int64_t vacancies = target - out.green_workers - w.jobs.placed_green_workers;
  auto& candidates = scratch.job_candidates;
  for (const Sector pool : {Sector::unemployed, Sector::agriculture}) {
    if (vacancies <= 0) return;
    candidates.clear();
    for (std::uint32_t i = 0; i < out.sector.size(); ++i)
      if (out.sector[i] == pool)
        candidates.emplace_back(
            CounterRng(seed_of(w), streams::green_jobs, static_cast<std::uint64_t>(step), i)
                .bits(0),
            i);
    const auto hired = static_cast<std::size_t>(
        std::min<std::int64_t>(vacancies, static_cast<std::int64_t>(candidates.size())));
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(hired),
                     candidates.end());
    for (std::size_t c = 0; c < hired; ++c)
      out.sector[candidates[c].second] = Sector::green;
    out.green_workers += static_cast<std::int64_t>(hired);
    vacancies -= static_cast<std::int64_t>(hired);
  }
}

void pay_enterprises_and_wages(const World& w, const EconomyWrites& out) {
  const auto& p = w.params;
  const auto& m = w.mines;
  Ledger& ledger = out.ledger;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.owner[k] < 0) continue;
    const std::size_t cash = w.enterprises.cash_account[static_cast<std::size_t>(m.owner[k])];
    if (m.status[k] == MineStatus::active && !m.halted[k]) {
      ledger.transfer(
          Ledger::outside, cash,
          to_yuan(m.output_t_per_month[k] * m.quota_factor[k] * p.enterprises.price_yuan_per_t),
          flow_ore_sales);
      ledger.transfer(cash, Ledger::outside,
                      to_yuan(m.output_t_per_month[k] * m.quota_factor[k] *
                              p.enterprises.operating_cost_yuan_per_t),
                      flow_operating_cost);
    }
    ledger.transfer(
        cash, w.accounts.households,
        to_yuan(static_cast<double>(out.workers[k]) * p.economy.wage_mining_yuan_per_year / 12.0),
        flow_mining_wages);
  }
  for (std::size_t e = 0; e < w.enterprises.size(); ++e) {
    const Yuan balance = ledger.balance(w.enterprises.cash_account[e]);
    if (balance >= 0) continue;
    const double rate = overdraft_rate(p.enterprises, rating_of(w.enterprises.credit_score[e]));
    ledger.transfer(w.enterprises.cash_account[e], Ledger::outside,
                    to_yuan(static_cast<double>(-balance) * rate / 12.0), flow_interest);
  }
  ledger.transfer(Ledger::outside, w.accounts.households,
                  to_yuan(static_cast<double>(out.green_workers + w.jobs.placed_green_workers) *
                          p.economy.wage_green_yuan_per_year / 12.0),
                  flow_green_wages);
  for (std::size_t k = 0; k < m.size(); ++k)
    for (std::size_t f = 0; f < funder_count; ++f) {
      const double ha = restored_by(w, k, f) * p.restoration.green_conversion_share;
      if (ha <= 0.0) continue;
      const Yuan income = to_yuan(ha * p.economy.green_net_income_yuan_per_ha / 12.0);
      ledger.transfer(Ledger::outside, funder_account(w, k, f), income, flow_green_income);
      if (f == funder_state || f == funder_county) out.fiscal_balance_yuan += income;
    }
}

/// The month's economy before incomes: lay-offs, green jobs, then the money of the mines,
/// wages and green income.
void run_economy(const World& w, const EconomyWrites& out, EconomyScratch& scratch,
                 std::int64_t step) {
  lay_off(w, out);
  match_green_jobs(w, out, scratch, step);
  pay_enterprises_and_wages(w, out);
}

class EconomyModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "economy"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return economy_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {streams::mining_jobs, streams::green_jobs};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& world) const override {
    return {{Slot::economy,
             [scratch = std::make_shared<EconomyScratch>(world)](World& w, std::int64_t step) {
               run_economy(w, EconomyWrites::of(w), *scratch, step);
               // Incomes (model/world.cpp) from this month's jobs and compensation.
               update_incomes(w, IncomeWrites::of(w), scratch->incomes, step);
             }},
            // Year end: cash above the operating reserve goes to the owners (the ledger is
            // all it writes).
            {Slot::yearly, [](World& w, std::int64_t) { pay_out_to_owners(w, w.ledger); }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"income_mean_yuan", "yuan/year", "Mean household income.", SeriesKind::stock},
        {"income_gini", "1", "Gini coefficient of household income.", SeriesKind::stock},
        {"employment_mining", "count", "Households with a mining job.", SeriesKind::stock},
        {"employment_green", "count", "Households with a green job.", SeriesKind::stock},
        {"employment_agriculture", "count", "Households farming without a wage job.",
         SeriesKind::stock},
        {"unemployed", "count", "Households that lost a mining job and found no other.",
         SeriesKind::stock},
        {"enterprise_payout_yuan", "yuan",
         "Enterprises' cash above their operating reserve paid to owners outside the region "
         "this step (year ends only).",
         SeriesKind::flow},
    };
  }
  void measure(const World& w, std::int64_t, MetricScratch& scratch,
               std::span<double> value) const override {
    const auto& h = w.households;
    const std::size_t n = h.size();
    std::span<double> sums(scratch.accumulators.data(), 5);
    scratch.sums.sum_many(n, sums, [&](std::size_t i, std::span<double> acc) {
      acc[0] += h.income_yuan_per_year[i];
      acc[1] += h.sector[i] == Sector::mining ? 1.0 : 0.0;
      acc[2] += h.sector[i] == Sector::green ? 1.0 : 0.0;
      acc[3] += h.sector[i] == Sector::agriculture ? 1.0 : 0.0;
      acc[4] += h.sector[i] == Sector::unemployed ? 1.0 : 0.0;
    });
    value[0] = sums[0] / static_cast<double>(n);
    std::span<double> incomes(scratch.household);
    std::copy(h.income_yuan_per_year.begin(), h.income_yuan_per_year.end(), incomes.begin());
    value[1] = gini_inplace(incomes, scratch.sort_buffer);
    for (std::size_t k = 0; k < 4; ++k)
      value[2 + k] = sums[1 + k];
    value[6] = static_cast<double>(w.ledger.step_flow(flow_owner_payout));
  }
};

} // namespace

std::shared_ptr<const Module> economy_module() {
  return std::make_shared<EconomyModule>();
}

} // namespace minesim
