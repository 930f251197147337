// Built only by the layers_upward_include_fails test, which expects this file not to
// compile: the engine's include root does not hold the model's headers.
#include "model/world.hpp"
