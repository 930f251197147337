#pragma once
// Enterprises (mining right holders, docs/odd.md §1.2): they own the active mines, sell ore,
// pay wages and restore their mines from their restoration deposit and cash.
#include <cstdint>
#include <vector>

namespace minesim {

/// [enterprises] parameters.
struct EnterpriseParams {
  std::int64_t count = 6;                   ///< active mine k is owned by enterprise k % count
  double price_yuan_per_t = 600.0;          ///< ore price
  double operating_cost_yuan_per_t = 480.0; ///< operating cost (a 20% margin at the price)
  double initial_cash_months = 6.0;         ///< starting cash, in months of revenue
  /// (rev. 2) At each year end, cash above this many months of the enterprise's current
  /// operating cost is paid out to its owners outside the region.
  double cash_reserve_months = 3.0;
  double deposit_years = 2.0;            ///< restoration deposit, in years of planned cost
  double backlog_share_per_year = 0.2;   ///< share of the backlog a complier restores a year
  double shirk_effort = 0.1;             ///< share of the complier's restoration a shirker does
  double initial_compliance_share = 0.5; ///< chance that an enterprise starts complying
  bool restoration_duty = true;          ///< false: no legal duty, every enterprise shirks
  double initial_credit_score = 80.0;    ///< rating A >= 85, B >= 70, C >= 50, else D
  double overdraft_rate_A = 0.04;        ///< yearly interest on overdrafts by rating
  double overdraft_rate_B = 0.05;
  double overdraft_rate_C = 0.07;
  double overdraft_rate_D = 0.10;
};

enum class CreditRating : std::uint8_t { A = 0, B = 1, C = 2, D = 3 };

/// Rating of a credit score: A >= 85, B >= 70, C >= 50, else D.
[[nodiscard]] inline CreditRating rating_of(double score) {
  return score >= 85.0   ? CreditRating::A
         : score >= 70.0 ? CreditRating::B
         : score >= 50.0 ? CreditRating::C
                         : CreditRating::D;
}

/// Yearly overdraft interest rate of a rating.
[[nodiscard]] inline double overdraft_rate(const EnterpriseParams& p, CreditRating r) {
  switch (r) {
  case CreditRating::A: return p.overdraft_rate_A;
  case CreditRating::B: return p.overdraft_rate_B;
  case CreditRating::C: return p.overdraft_rate_C;
  case CreditRating::D: return p.overdraft_rate_D;
  }
  return p.overdraft_rate_D;
}

/// Enterprises as columns. Cash and deposits are ledger accounts.
struct EnterpriseStore {
  std::vector<std::uint8_t> complies;
  std::vector<double> credit_score;
  std::vector<std::size_t> cash_account;
  std::vector<std::size_t> deposit_account;
  std::vector<double> generosity;               ///< compensation generosity (offer multiplier)
  std::vector<std::uint8_t> detected_this_year; ///< a violation of its mines was detected

  [[nodiscard]] std::size_t size() const { return complies.size(); }
};

} // namespace minesim
