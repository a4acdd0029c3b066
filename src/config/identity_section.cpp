// identity: (service tokens, OIDC providers) and connectors: (who may dial in).
#include <algorithm>

#include "config/sections.hpp"
#include "config/values.hpp"

namespace gh::config::detail {
namespace {

std::string read_hash(const context& cx, const located& at) {
  // Not shown when wrong: a raw token pasted here by mistake is a live secret.
  std::string h = secret_text(cx, at, "64 hex digits (sha256 of the token)");
  if (!is_sha256_hex(h))
    cx.fail(at.line, at.key,
            "expected 64 hex digits (sha256 of the token), got " + std::to_string(h.size()) +
                " characters that are not (not shown: it may be the token itself)");
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

std::string read_principal_name(const context& cx, const located& at) {
  constexpr std::string_view shape = "a principal name (no spaces, not starting with 'group:')";
  std::string p = text(cx, at, shape);
  if (!is_principal_name(p) || p.starts_with("group:")) fail_expected(cx, at, shape);
  return p;
}

service_token read_service_token(const context& cx, const located& at) {
  map_reader m(cx, at, {"principal", "token_sha256", "groups"});
  service_token t;
  t.line = at.line;
  t.principal = read_principal_name(cx, m.need("principal", "a principal name"));
  t.token_sha256 = read_hash(cx, m.need("token_sha256", "64 hex digits (sha256 of the token)"));
  if (auto g = m.find("groups")) {
    for (const auto& item : items(cx, *g, "group names")) {
      constexpr std::string_view shape = "a group name, without 'group:'";
      std::string name = text(cx, item, shape);
      if (!is_principal_name(name) || name.starts_with("group:")) fail_expected(cx, item, shape);
      t.groups.push_back(std::move(name));
    }
  }
  return t;
}

oidc_provider read_oidc(const context& cx, const located& at) {
  map_reader m(cx, at, {"issuer", "audience", "principal_claim", "groups_claim"});
  oidc_provider p;
  p.line = at.line;
  constexpr std::string_view issuer_shape = "an https:// issuer URL (http:// only on loopback)";
  located issuer = m.need("issuer", issuer_shape);
  p.issuer = text(cx, issuer, issuer_shape);
  if (!is_http_url(p.issuer, true)) fail_expected(cx, issuer, issuer_shape);
  p.audience = text(cx, m.need("audience", "the audience tokens must carry (aud)"));
  optional_text(cx, m, "principal_claim", p.principal_claim);
  optional_text(cx, m, "groups_claim", p.groups_claim);
  return p;
}

}  // namespace

identity_section read_identity(const context& cx, const located& at) {
  map_reader m(cx, at, {"service_tokens", "oidc", "session_max"});
  identity_section s;
  if (auto v = m.find("service_tokens")) {
    for (const auto& item : items(cx, *v, "{ principal, token_sha256, groups }")) {
      auto t = read_service_token(cx, item);
      for (const auto& other : s.service_tokens)
        if (other.token_sha256 == t.token_sha256)
          cx.fail(t.line, item.key + ".token_sha256",
                  "expected each token once, got the token of line " + std::to_string(other.line) +
                      " again");
      s.service_tokens.push_back(std::move(t));
    }
  }
  if (auto v = m.find("oidc")) {
    for (const auto& item : items(cx, *v, "{ issuer, audience, principal_claim, groups_claim }")) {
      auto p = read_oidc(cx, item);
      for (const auto& other : s.oidc)
        if (other.issuer == p.issuer && other.audience == p.audience)
          cx.fail(item.line, item.key,
                  "expected each issuer and audience once, got them again (first on line " +
                      std::to_string(other.line) + ")");
      s.oidc.push_back(std::move(p));
    }
  }
  if (auto v = m.find("session_max")) s.session_max = duration(cx, *v, std::chrono::seconds(1));
  return s;
}

std::vector<connector_entry> read_connectors(const context& cx, const located& at) {
  std::vector<connector_entry> out;
  for (const auto& item : items(cx, at, "{ name, token_sha256 }")) {
    map_reader m(cx, item, {"name", "token_sha256"});
    connector_entry c;
    located name = m.need("name", "a connector name");
    c.name = text(cx, name, "a connector name");
    if (!is_name(c.name)) fail_expected(cx, name, "a name of letters, digits, '_', '-' or '.'");
    c.token_sha256 = read_hash(cx, m.need("token_sha256", "64 hex digits (sha256 of the token)"));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace gh::config::detail
