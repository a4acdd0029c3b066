// JSON for untrusted security documents (JWS headers, claims, JWKS,
// discovery): bounded size and depth, valid UTF-8, and no duplicate member
// names at any level. RFC 7519 §4 lets a parser keep the last duplicate;
// we refuse instead, so that no two readers of one token can disagree.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace gh::identity {

struct json_limits {
  std::size_t max_size;   // bytes of text, checked before parsing
  std::size_t max_depth;  // nesting of arrays and objects
};

// The parsed value, or nullopt for anything oversized, too deep, invalid,
// or holding a duplicate member name.
std::optional<boost::json::value> parse_strict_json(std::string_view text, json_limits limits);

// The same, when the document must be an object.
std::optional<boost::json::object> parse_strict_json_object(std::string_view text,
                                                            json_limits limits);

}  // namespace gh::identity
