#include "common/random.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace gh {

random_source system_random() {
  return [](void* out, std::size_t size) {
    if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(size)) != 1) {
      std::fputs("gatehouse: the system random generator failed; stopping\n", stderr);
      std::abort();
    }
  };
}

std::string random_bytes(const random_source& rng, std::size_t n) {
  std::string out(n, '\0');
  rng(out.data(), n);
  return out;
}

}  // namespace gh
