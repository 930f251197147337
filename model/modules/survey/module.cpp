// The virtual survey (docs/odd.md §3.13): at the survey steps, a sample of households answers
// Likert items generated from their latent perceptions; reliability, validity and the
// structural model are estimated from the answers, as a field survey would be.
#include "model/module.hpp"
#include "agents/resident/survey.hpp"

namespace minesim {

std::vector<ParameterBinding> survey_parameter_rows();
namespace {

/// What the survey phase writes.
struct SurveyWrites {
  std::vector<SurveyOutput>& surveys; ///< the surveys taken so far: appends this step's

  static SurveyWrites of(World& w) { return {w.surveys}; }
};

/// At a survey step, survey the households as they are at the end of the step.
void take_survey(const World& w, const SurveyWrites& out, std::int64_t step) {
  if (!is_survey_step(w.params.survey, step, w.params.simulation.steps)) return;
  out.surveys.push_back(to_output(run_survey(w.params.survey, w.households.latent,
                                             static_cast<std::uint64_t>(w.params.simulation.seed),
                                             step, SurveyStreams{})));
}

class SurveyModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "survey"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return survey_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    const SurveyStreams s;
    return {s.sample, s.items, s.bootstrap};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    // The survey sees the state at the end of the step.
    return {{Slot::record,
             [](World& w, std::int64_t step) { take_survey(w, SurveyWrites::of(w), step); }}};
  }
  void record(const World& w, RunRecord& r) const override { r.surveys = w.surveys; }
};

} // namespace

std::shared_ptr<const Module> survey_module() {
  return std::make_shared<SurveyModule>();
}

} // namespace minesim
