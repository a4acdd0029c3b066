// error_of(r): the error of an expected, or nullopt when it holds a value, so
// that EXPECT_EQ(error_of(f()), some_error) fails cleanly instead of reading
// the error of a success.
#pragma once

#include <optional>

#include "common/expected.hpp"

namespace gh::identity::testing {

template <class T, class E>
std::optional<E> error_of(const expected<T, E>& r) {
  return r ? std::nullopt : std::optional<E>(r.error());
}

}  // namespace gh::identity::testing
