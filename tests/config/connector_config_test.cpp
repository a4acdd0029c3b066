// The connector's own file: its identity, the gateway it dials, and the
// connections whose addresses and secrets stay with it.
#include <gtest/gtest.h>

#include "config/connector_config.hpp"
#include "fake_system.hpp"

namespace gh::config {
namespace {

const char* const good = R"(# the connector beside the database
connector: { name: east, gateway: "gw.example:8443", token: "env:GH_CONNECTOR_TOKEN", ca: ca.pem }
connections:
  far:
    type: postgres
    host: 127.0.0.1
    database: app
    user: app_agent
    password: "file:/run/secrets/shop"
  maria: { type: mysql, host: db2, user: shop_agent }
)";

std::string error_of(const std::string& text) {
  auto m = testing::standard_machine();
  try {
    parse_connector_config(text, "connector.yaml", m.access());
  } catch (const config_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(connector_config, good_file) {
  auto m = testing::standard_machine();
  auto c = parse_connector_config(good, "/etc/gatehouse/connector.yaml", m.access());
  EXPECT_EQ(c.name, "east");
  EXPECT_EQ(c.gateway_host, "gw.example");
  EXPECT_EQ(c.gateway_port, 8443);
  EXPECT_EQ(c.token.reveal(), "connector-token-from-env");
  EXPECT_EQ(c.ca, "/etc/gatehouse/ca.pem");
  ASSERT_EQ(c.connections.size(), 2u);
  EXPECT_EQ(c.connections.at("far").password.reveal(), "shop-password-from-file");
  EXPECT_EQ(c.connections.at("far").port, 5432);
  EXPECT_EQ(c.connections.at("maria").port, 3306);
  EXPECT_TRUE(c.connections.at("far").connector.empty());
}

TEST(connector_config, errors) {
  EXPECT_EQ(error_of("connections: {}\n"),
            "connector.yaml:1: connector: expected { name, gateway, token, ca }, got nothing (the key "
            "is required)");
  EXPECT_EQ(error_of("connector: { name: east, gateway: \"gw\", token: x }\nconnections: {}\n"),
            "connector.yaml:1: connector.gateway: expected host:port (IPv6 as [::1]:port), got 'gw'");
  EXPECT_EQ(error_of("connector: { name: east, gateway: \"gw:1\" }\n"),
            "connector.yaml:1: connector.token: expected the connector's token (env:NAME or "
            "file:/path), got nothing (the key is required)");
  EXPECT_EQ(error_of("connector: { name: east, gateway: \"gw:1\", token: x, ca: /nope.pem }\n"),
            "connector.yaml:1: connector.ca: expected a readable file /nope.pem (at most 1 MiB), "
            "got No such file or directory");
  EXPECT_EQ(error_of("connector: { name: east, gateway: \"gw:1\", token: x }\nconnections: {}\n"),
            "connector.yaml:2: connections: expected at least one connection, got an empty map");
  // Classification happens at the gateway; a connector-side read_functions would do nothing.
  EXPECT_EQ(error_of("connector: { name: east, gateway: \"gw:1\", token: x }\nconnections:\n"
                     "  far: { type: postgres, host: db, user: u, read_functions: [f] }\n"),
            "connector.yaml:3: connections.far.read_functions: expected one of type, host, port, "
            "database, user, password, tls, tls_ca, got an unknown key");
  EXPECT_EQ(error_of("connector: { name: east, gateway: \"gw:1\", token: x }\nconnections:\n"
                     "  far: { type: postgres, connector: west }\n"),
            "connector.yaml:3: connections.far.connector: expected one of type, host, port, "
            "database, user, password, tls, tls_ca, got an unknown key");
  EXPECT_EQ(error_of("connector: { name: east, gateway: \"gw:1\", token: \"env:NOPE\" }\n"),
            "connector.yaml:1: connector.token: expected environment variable NOPE to be set, got "
            "nothing");
}

}  // namespace
}  // namespace gh::config
