// Participation and collective action: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> participation_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  const auto part = [&](std::string key, double ParticipationParams::*member, double lo, double hi,
                        std::string unit, std::string meaning, std::string source) {
    t.push_back(field_in("participation", key, &P::participation, member, lo, hi,
                         {std::move(unit), std::move(meaning), std::move(source)}));
  };
  const auto act = [&](std::string key, double CollectiveActionParams::*member, double lo,
                       double hi, std::string unit, std::string meaning) {
    t.push_back(field_in("participation", key, &P::collective_action, member, lo, hi,
                         {std::move(unit), std::move(meaning), "docs/odd.md §3.10"}));
  };
  // [participation]
  part("intercept", &ParticipationParams::intercept, -100, 100, "logit",
       "participation logit: intercept", m47);
  part("restoration_expectation", &ParticipationParams::restoration_expectation, -100, 100, "logit",
       "participation logit: weight of R", m47);
  part("neighbours", &ParticipationParams::neighbours, -100, 100, "logit",
       "participation logit: weight of the participating share of neighbours", m47);
  part("cost", &ParticipationParams::cost, -100, 100, "logit", "participation cost", m47);
  // [policy] supervision measures
  t.push_back(field("policy.public_reporting", &P::supervision_policy,
                    &SupervisionPolicy::public_reporting, 0, 1,
                    {"1", "residents can report shirking mines (reports trigger inspections)",
                     "docs/odd.md §3.10"}));
  // [participation] reporting and petitions
  act("report_probability", &CollectiveActionParams::report_probability, 0, 1, "1/month",
      "chance a participant reports a shirking mine within the damage radius");
  act("grievance_level", &CollectiveActionParams::grievance_level, 0, 1, "1",
      "life satisfaction below which a household is aggrieved");
  act("spontaneous_petition", &CollectiveActionParams::spontaneous_petition, 0, 1, "1/month",
      "chance an aggrieved household petitions without its neighbours");
  act("petition_fatigue", &CollectiveActionParams::petition_fatigue, 0, 1, "1",
      "continuing chance factor per consecutive petitioning month");
  const auto act_months = [&](std::string key, std::int64_t CollectiveActionParams::*member,
                              double lo, double hi, std::string meaning) {
    t.push_back(field_in("participation", key, &P::collective_action, member, lo, hi,
                         {"month", std::move(meaning), "docs/odd.md §3.10"}));
  };
  act_months("grievance_damage_months", &CollectiveActionParams::grievance_damage_months, 0, 1200,
             "uncompensated damage older than this with no agreement is a grievance");
  act("halt_share", &CollectiveActionParams::halt_share, 0, 1, "1",
      "petitioning share of a mine's claimants with uncompensated damage that counts toward a "
      "halt");
  act_months("halt_months", &CollectiveActionParams::halt_months, 1, 1200,
             "consecutive months at the halt share that halt a mine");
  act_months("halt_duration_months", &CollectiveActionParams::halt_duration_months, 0, 1200,
             "months a halted mine stays halted (0: no halts)");
  act("pressure_decay", &CollectiveActionParams::pressure_decay, 0, 1, "1/month",
      "share of stability pressure kept each month");
  return t;
}

} // namespace minesim
