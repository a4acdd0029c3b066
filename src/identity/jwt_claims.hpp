// The claim checks of verify(), apart from the signature work. Internal to
// identity; callers use verify().
#pragma once

#include <boost/json/object.hpp>

#include "common/clock.hpp"
#include "common/expected.hpp"
#include "identity/jwt.hpp"
#include "identity/principal.hpp"

namespace gh::identity {

// Precondition: the claims' signature has been verified.
expected<principal, jwt_error> principal_from_claims(const boost::json::object& claims,
                                                     const provider_settings& provider,
                                                     sys_time now);

}  // namespace gh::identity
