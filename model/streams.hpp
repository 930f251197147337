#pragma once
// The model's random streams that existed before streams had names: they keep their
// numbers, so that results do not change. This list is closed: a new module declares its
// streams itself with named_stream("...") and registers them (model/module.hpp). The
// network's streams are declared in src/network/social_network.hpp, the survey's in
// agents/resident/survey.hpp.
#include "engine/random.hpp"

namespace minesim::streams {

inline constexpr StreamId village_position = numbered_stream(1, "village_position");
inline constexpr StreamId village_assignment = numbered_stream(2, "village_assignment");
inline constexpr StreamId mine_position = numbered_stream(3, "mine_position");
inline constexpr StreamId mine_attributes = numbered_stream(4, "mine_attributes");
inline constexpr StreamId household_attributes = numbered_stream(5, "household_attributes");
inline constexpr StreamId panel_sample = numbered_stream(9, "panel_sample");
inline constexpr StreamId damage = numbered_stream(10, "damage");
inline constexpr StreamId perception = numbered_stream(11, "perception");
inline constexpr StreamId enterprise_strategy = numbered_stream(12, "enterprise_strategy");
inline constexpr StreamId establishment = numbered_stream(13, "establishment");
inline constexpr StreamId mining_jobs = numbered_stream(14, "mining_jobs");
inline constexpr StreamId green_jobs = numbered_stream(15, "green_jobs");
inline constexpr StreamId compensation_queue = numbered_stream(16, "compensation_queue");
inline constexpr StreamId diffusion = numbered_stream(17, "diffusion");
inline constexpr StreamId participation = numbered_stream(18, "participation");
inline constexpr StreamId reports = numbered_stream(22, "reports");
inline constexpr StreamId petitions = numbered_stream(23, "petitions");
inline constexpr StreamId detection = numbered_stream(24, "detection");
inline constexpr StreamId inspections = numbered_stream(25, "inspections");
inline constexpr StreamId government_strategy = numbered_stream(26, "government_strategy");
inline constexpr StreamId game = numbered_stream(27, "game");

} // namespace minesim::streams
