// Game mode: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> game_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  const auto game = [&](std::string key, double GameParams::*member, double lo, double hi,
                        std::string unit, std::string meaning) {
    t.push_back(field_in("game", key, &P::game, member, lo, hi,
                         {std::move(unit), std::move(meaning), m49}, false));
  };
  // [game]
  t.push_back(field("game.tripartite", &P::game, &GameParams::tripartite, 0, 1,
                    {"1",
                     "game mode: run the tripartite evolutionary game instead of the "
                     "region",
                     m49},
                    false));
  t.push_back(field("game.population", &P::game, &GameParams::population, 2, 1e8,
                    {"member", "members of each population", m49}, false));
  game("revision_rate", &GameParams::revision_rate, 1e-6, 1, "1/step",
       "share of each population that revises each step");
  game("delta_max", &GameParams::delta_max, 1e-6, 1e9, "payoff",
       "payoff advantage that makes copying certain (copy chance = advantage / delta_max)");
  game("x0", &GameParams::x0, 0, 1, "1", "initial share of enterprises restoring");
  game("y0", &GameParams::y0, 0, 1, "1", "initial share of local governments strict");
  game("z0", &GameParams::z0, 0, 1, "1", "initial share of residents monitoring");
  game("Ce", &GameParams::Ce, -1e6, 1e6, "payoff", "restoration cost");
  game("Be", &GameParams::Be, -1e6, 1e6, "payoff", "private gain of restoring");
  game("Sb", &GameParams::Sb, -1e6, 1e6, "payoff", "subsidy");
  game("F", &GameParams::F, -1e6, 1e6, "payoff", "fine");
  game("Le", &GameParams::Le, -1e6, 1e6, "payoff", "reputation loss");
  game("pg", &GameParams::pg, 0, 1, "1", "detection probability of the government");
  game("pr", &GameParams::pr, 0, 1, "1", "detection probability of residents' reports");
  game("Cg", &GameParams::Cg, -1e6, 1e6, "payoff", "supervision cost");
  game("Ph", &GameParams::Ph, -1e6, 1e6, "payoff", "penalty from the higher government");
  game("W", &GameParams::W, -1e6, 1e6, "payoff", "reward for a successful report");
  game("Cr", &GameParams::Cr, -1e6, 1e6, "payoff", "participation cost");
  game("K", &GameParams::K, -1e6, 1e6, "payoff", "compensation for a successful report");
  game("Q", &GameParams::Q, -1e6, 1e6, "payoff", "performance reward");
  game("V", &GameParams::V, -1e6, 1e6, "payoff", "participation utility");
  return t;
}

} // namespace minesim
