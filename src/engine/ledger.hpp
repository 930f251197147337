#pragma once
// The money ledger: every flow of money moves whole yuan from one account to another, so
// money is conserved by construction and every flow has a payer, a receiver and a kind.
// Account 0 is the world outside the region (ore buyers, contractors, the treasury, bond
// holders); the sum of all balances, the outside included, is always zero.
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace minesim {

using Yuan = std::int64_t;

/// Round an amount of money to whole yuan (half away from zero).
[[nodiscard]] inline Yuan to_yuan(double amount) {
  return static_cast<Yuan>(std::llround(amount));
}

class Ledger {
public:
  static constexpr std::size_t outside = 0;

  /// A ledger with the outside account and `kinds` named kinds of flow.
  explicit Ledger(std::vector<std::string> kind_names = {})
      : kind_names_(std::move(kind_names)), step_flow_(kind_names_.size(), 0),
        total_flow_(kind_names_.size(), 0) {
    add_account("outside");
  }

  /// Open an account with a zero balance; returns its id.
  std::size_t add_account(std::string name) {
    names_.push_back(std::move(name));
    balance_.push_back(0);
    return balance_.size() - 1;
  }

  /// Move `amount` (>= 0) from `payer` to `receiver` as a flow of `kind`.
  void transfer(std::size_t payer, std::size_t receiver, Yuan amount, std::size_t kind) {
    if (amount < 0)
      throw std::logic_error("ledger: negative transfer of kind " + kind_names_[kind]);
    balance_[payer] -= amount;
    balance_[receiver] += amount;
    step_flow_[kind] += amount;
    total_flow_[kind] += amount;
  }

  /// Forget this step's flow totals (called at the start of every step).
  void begin_step() { std::fill(step_flow_.begin(), step_flow_.end(), 0); }

  [[nodiscard]] Yuan balance(std::size_t account) const { return balance_[account]; }
  [[nodiscard]] Yuan step_flow(std::size_t kind) const { return step_flow_[kind]; }
  [[nodiscard]] Yuan total_flow(std::size_t kind) const { return total_flow_[kind]; }
  [[nodiscard]] std::size_t accounts() const { return balance_.size(); }
  [[nodiscard]] const std::string& account_name(std::size_t a) const { return names_[a]; }
  [[nodiscard]] const std::string& kind_name(std::size_t k) const { return kind_names_[k]; }

  /// Sum of every balance, the outside included: zero unless money was created.
  [[nodiscard]] Yuan sum_of_balances() const {
    Yuan sum = 0;
    for (const Yuan b : balance_)
      sum += b;
    return sum;
  }

  /// Every field, for checkpoints (engine/state_archive.hpp): names and sizes are fixed once
  /// the world is built, so restoring checks them and reads the amounts.
  template <class Archive> void fields(Archive& a) {
    a("ledger.kind_names", kind_names_);
    a("ledger.step_flow", step_flow_);
    a("ledger.total_flow", total_flow_);
    a("ledger.names", names_);
    a("ledger.balance", balance_);
  }

private:
  std::vector<std::string> kind_names_;
  std::vector<Yuan> step_flow_;
  std::vector<Yuan> total_flow_;
  std::vector<std::string> names_;
  std::vector<Yuan> balance_;
};

} // namespace minesim
