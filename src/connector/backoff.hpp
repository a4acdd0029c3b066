// How long a connector waits before dialing the gateway again. Pure: the
// randomness is a parameter (STYLE.md §11).
#pragma once

#include <chrono>

#include "common/random.hpp"

namespace gh::connector {

inline constexpr std::chrono::milliseconds reconnect_first{250};
inline constexpr std::chrono::milliseconds reconnect_cap{5000};

// The delay before retry number `attempt` (0: the first after a loss):
// exponential from reconnect_first, capped at reconnect_cap, with half of it
// random ("equal jitter") so that connectors that lost the gateway together
// do not all come back in the same instant. Never above the cap, so that a
// restarted gateway sees its connectors again within a few seconds.
std::chrono::milliseconds reconnect_delay(unsigned attempt, const random_source& rng);

}  // namespace gh::connector
