// Economy and jobs (MODEL.md §4.2): ore sales and wages, mining jobs by distance, green
// jobs on converted restored land, lay-offs, and households' incomes.
#include "agents/mine/restoration.hpp"
#include "engine/random.hpp"
#include "engine/stats.hpp"
#include "model/finance.hpp"
#include "model/module.hpp"
#include <cmath>

#include <algorithm>

namespace minesim {
namespace {

/// Lay off the workers of mines that no longer produce for good (closed).
void lay_off(World& w) {
  auto& h = w.households;
  bool any = false;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] != MineStatus::active && w.mines.workers[k] > 0) any = true;
  if (!any) return;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::int32_t e = w.households.employer[i];
    if (e >= 0 && w.mines.status[static_cast<std::size_t>(e)] != MineStatus::active) {
      h.sector[i] = Sector::unemployed;
      w.households.employer[i] = -1;
    }
  }
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] != MineStatus::active) w.mines.workers[k] = 0;
}

/// Fill green vacancies: unemployed households first, then farming ones, each by random key.
void match_green_jobs(World& w, std::int64_t step) {
  const auto& p = w.params;
  double restored = 0.0;
  for (const double ha : w.mines.restored_ha)
    restored += ha;
  const auto target = static_cast<std::int64_t>(
      std::floor(p.economy.green_jobs_per_ha * p.restoration.green_conversion_share * restored));
  std::int64_t vacancies = target - w.jobs.green_workers;
  auto& h = w.households;
  for (const Sector pool : {Sector::unemployed, Sector::agriculture}) {
    if (vacancies <= 0) return;
    w.scratch.job_candidates.clear();
    for (std::uint32_t i = 0; i < h.size(); ++i)
      if (h.sector[i] == pool)
        w.scratch.job_candidates.emplace_back(
            CounterRng(seed_of(w), streams::green_jobs, static_cast<std::uint64_t>(step), i)
                .bits(0),
            i);
    const auto hired = static_cast<std::size_t>(std::min<std::int64_t>(
        vacancies, static_cast<std::int64_t>(w.scratch.job_candidates.size())));
    std::nth_element(w.scratch.job_candidates.begin(),
                     w.scratch.job_candidates.begin() + static_cast<std::ptrdiff_t>(hired),
                     w.scratch.job_candidates.end());
    for (std::size_t c = 0; c < hired; ++c)
      h.sector[w.scratch.job_candidates[c].second] = Sector::green;
    w.jobs.green_workers += static_cast<std::int64_t>(hired);
    vacancies -= static_cast<std::int64_t>(hired);
  }
}

void pay_enterprises_and_wages(World& w) {
  const auto& p = w.params;
  auto& m = w.mines;
  auto& ledger = w.ledger;
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
    ledger.transfer(cash, w.accounts.households,
                    to_yuan(static_cast<double>(w.mines.workers[k]) *
                            p.economy.wage_mining_yuan_per_year / 12.0),
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
                  to_yuan(static_cast<double>(w.jobs.green_workers + w.jobs.placed_green_workers) *
                          p.economy.wage_green_yuan_per_year / 12.0),
                  flow_green_wages);
  for (std::size_t k = 0; k < m.size(); ++k)
    for (std::size_t f = 0; f < funder_count; ++f) {
      const double ha = restored_by(w, k, f) * p.restoration.green_conversion_share;
      if (ha <= 0.0) continue;
      const Yuan income = to_yuan(ha * p.economy.green_net_income_yuan_per_ha / 12.0);
      ledger.transfer(Ledger::outside, funder_account(w, k, f), income, flow_green_income);
      if (f == funder_state) w.finance.fiscal_balance_yuan += income;
    }
}

void run_economy(World& w, std::int64_t step) {
  lay_off(w);
  match_green_jobs(w, step);
  pay_enterprises_and_wages(w);
  update_incomes(w, step);
}

class EconomyModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "economy"; }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {streams::mining_jobs, streams::green_jobs};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    return {{Slot::economy, run_economy}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"income_mean_yuan", "yuan/year", "Mean household income."},
        {"income_gini", "1", "Gini coefficient of household income."},
        {"employment_mining", "count", "Households with a mining job."},
        {"employment_green", "count", "Households with a green job."},
        {"employment_agriculture", "count", "Households farming without a wage job."},
        {"unemployed", "count", "Households that lost a mining job and found no other."},
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
  }
};

} // namespace

std::shared_ptr<const Module> economy_module() {
  return std::make_shared<EconomyModule>();
}

} // namespace minesim
