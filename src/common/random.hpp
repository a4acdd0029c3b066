// Randomness is passed in (STYLE.md §11): pure code takes a random_source so
// that tests can make it deterministic; the binary uses system_random().
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace gh {

// Fills `size` bytes at `out`.
using random_source = std::function<void(void* out, std::size_t size)>;

// OpenSSL's CSPRNG. Aborts the process if the RNG is unusable: nothing here
// may go on with predictable tokens or nonces.
random_source system_random();

std::string random_bytes(const random_source& rng, std::size_t n);

}  // namespace gh
