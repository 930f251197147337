// Information and hearings: the module's parameter rows (scenarios/PARAMETERS.md).
#include "model/parameter_rows.hpp"

namespace minesim {
std::vector<ParameterBinding> information_parameter_rows() {
  using P = Parameters;
  using namespace parameter_sources;
  std::vector<ParameterBinding> t;
  const auto part = [&](std::string key, double ParticipationParams::*member, double lo, double hi,
                        std::string unit, std::string meaning, std::string source) {
    t.push_back(field_in("participation", key, &P::participation, member, lo, hi,
                         {std::move(unit), std::move(meaning), std::move(source)}));
  };
  t.push_back(field("participation.hearing_interval_months", &P::participation,
                    &ParticipationParams::hearing_interval_months, 1, 1200,
                    {"month", "months between hearings of a village (staggered by village)", m45}));
  part("hearing_information_gain", &ParticipationParams::hearing_information_gain, 0, 1, "1",
       "attendees gain this share of (1 - informed)", m45);
  part("diffusion_from_participant", &ParticipationParams::diffusion_from_participant, 0, 1,
       "1/month", "chance to learn from a participating neighbour",
       "Banerjee et al., Science 2013; " + m45);
  part("diffusion_from_other", &ParticipationParams::diffusion_from_other, 0, 1, "1/month",
       "chance to learn from a neighbour who does not participate",
       "Banerjee et al., Science 2013; " + m45);
  part("diffusion_learning", &ParticipationParams::diffusion_learning, 0, 1, "1",
       "share of the information gap learnt from a neighbour", m45);
  part("forgetting_per_month", &ParticipationParams::forgetting_per_month, 0, 1, "1/month",
       "information decays by this share a month", m45);
  return t;
}

} // namespace minesim
