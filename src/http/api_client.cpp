#include "http/api_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>

namespace gh::http {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

}  // namespace

std::string refusal_text(const api_reply& r) {
  if (r.body.is_object()) {
    const auto& o = r.body.as_object();
    for (const char* key : {"detail", "error"})
      if (auto it = o.find(key); it != o.end() && it->value().is_string())
        return std::string(it->value().as_string());
  }
  return "the server answered " + std::to_string(r.status) + " " +
         std::string(bhttp::obsolete_reason(static_cast<status>(r.status)));
}

expected<api_client, std::string> api_client::from_environment(std::optional<std::string> server) {
  if (!server) server = env("GATEHOUSE_SERVER");
  if (!server)
    return unexpected(std::string("which gateway? give --server URL or set GATEHOUSE_SERVER"));
  auto base = parse_url(*server);
  if (!base) return unexpected("--server / GATEHOUSE_SERVER: " + base.error());
  auto token = env("GATEHOUSE_TOKEN");
  if (!token)
    return unexpected(
        std::string("set GATEHOUSE_TOKEN to your token (a service token or an OIDC token)"));
  client_options o;
  o.ca_file = env("GATEHOUSE_CA").value_or("");
  return api_client(std::move(*base), std::move(*token), std::move(o));
}

expected<api_reply, std::string> api_client::call(verb method, std::string_view path,
                                                  const boost::json::object* body) const {
  auto r = send(base_, method, path, body ? boost::json::serialize(*body) : std::string(), token_,
                options_);
  if (!r) return unexpected(r.error());
  api_reply out;
  out.status = r->status;
  boost::system::error_code ec;
  out.body = boost::json::parse(r->body, ec);
  if (ec) out.body = nullptr;
  return out;
}

}  // namespace gh::http
