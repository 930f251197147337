// The registry: the model's modules in schedule order. Within each slot of a month
// (model/module.hpp), phases run in this order. A new submodel is a module of its own
// (model/modules/) and one line here.
//
// Strategy updates come before restoration finance and compensation: their only phase is
// at the year end, where the funders' plans and the payers' generosity read the strategies
// just chosen.
#include "model/module.hpp"
#include "network/social_network.hpp"

#include <stdexcept>

namespace minesim {

std::shared_ptr<const Module> calendar_module();
std::shared_ptr<const Module> environment_module();
std::shared_ptr<const Module> strategy_module();
std::shared_ptr<const Module> restoration_finance_module();
std::shared_ptr<const Module> economy_module();
std::shared_ptr<const Module> compensation_module();
std::shared_ptr<const Module> information_module();
std::shared_ptr<const Module> perceptions_module();
std::shared_ptr<const Module> participation_module();
std::shared_ptr<const Module> supervision_module();
std::shared_ptr<const Module> survey_module();

ModuleList default_modules() {
  return {
      calendar_module(),      environment_module(),
      strategy_module(),      restoration_finance_module(),
      economy_module(),       compensation_module(),
      information_module(),   perceptions_module(),
      participation_module(), supervision_module(),
      survey_module(),
  };
}

std::vector<ParameterSpec> parameter_specs(const ModuleList& modules) {
  const auto table = parameter_specs();
  std::vector<ParameterSpec> specs(table.begin(), table.end());
  for (const auto& module : modules)
    for (ParameterSpec& spec : module->parameters()) {
      for (const ParameterSpec& s : specs)
        if (s.key == spec.key)
          throw std::logic_error(std::string("module ")
                                     .append(module->name())
                                     .append(" declares the parameter ")
                                     .append(spec.key)
                                     .append(", which exists already"));
      specs.push_back(std::move(spec));
    }
  return specs;
}

StreamRegistry register_streams(const ModuleList& modules) {
  StreamRegistry r;
  // Drawn while the world is built (model/world.cpp, src/network).
  for (const StreamId s :
       {streams::village_position, streams::village_assignment, streams::mine_position,
        streams::mine_attributes, streams::household_attributes, streams::network_small_world,
        streams::network_kinship, streams::network_inter_village})
    r.add(s, "initialisation");
  r.add(streams::panel_sample, "metrics");
  r.add(streams::game, "game mode");
  // Numbers of streams no longer drawn from: kept so that no stream takes them again.
  r.add(streams::damage, "retired");
  r.add(streams::perception, "retired");
  for (const auto& module : modules)
    for (const StreamId s : module->streams())
      r.add(s, module->name());
  return r;
}

} // namespace minesim
