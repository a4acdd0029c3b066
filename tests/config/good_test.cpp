// Good files parse to the values a user wrote, and to the documented
// defaults where they wrote nothing.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config/connector_config.hpp"
#include "fake_system.hpp"

namespace gh::config {
namespace {

using namespace std::chrono_literals;
using sql::statement_class;

config parse_fixture(const std::string& name, const testing::fake_machine& m) {
  std::string text = testing::read_text(std::string(GH_TEST_DATA_DIR) + "/good/" + name);
  // A fake absolute location, so relative paths resolve against /etc/gh.
  return parse_config(text, "/etc/gh/" + name, m.access());
}

TEST(config_good, full_file_gateway) {
  auto c = parse_fixture("full.yaml", testing::standard_machine());
  EXPECT_EQ(c.path, "/etc/gh/full.yaml");
  ASSERT_TRUE(c.gateway.postgres);
  EXPECT_EQ(c.gateway.postgres->host, "0.0.0.0");
  EXPECT_EQ(c.gateway.postgres->port, 5432);
  ASSERT_TRUE(c.gateway.postgres->tls);
  EXPECT_EQ(c.gateway.postgres->tls->cert, "/etc/gh/gw.crt");
  ASSERT_TRUE(c.gateway.mysql);
  EXPECT_EQ(c.gateway.mysql->host, "::1");
  EXPECT_EQ(c.gateway.mysql->port, 3306);
  EXPECT_FALSE(c.gateway.mysql->tls);
  ASSERT_TRUE(c.gateway.http);
  EXPECT_EQ(c.gateway.http->public_url, "https://gatehouse.example");
  ASSERT_TRUE(c.gateway.connectors);
  EXPECT_EQ(c.gateway.connectors->tls->key, "/etc/gh/gw.key");  // relative to the file
  EXPECT_EQ(c.gateway.store, "sqlite:/etc/gh/state/gatehouse.db");
  EXPECT_EQ(c.gateway.review_timeout, 90min);
  EXPECT_EQ(c.gateway.drain_timeout, 45s);
  EXPECT_EQ(c.gateway.threads, 4);
}

TEST(config_good, full_file_identity_and_connectors) {
  auto c = parse_fixture("full.yaml", testing::standard_machine());
  ASSERT_EQ(c.identity.service_tokens.size(), 2u);
  const auto& t = c.identity.service_tokens[0];
  EXPECT_EQ(t.principal, "ci-bot");
  EXPECT_EQ(t.token_sha256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_EQ(t.groups, (std::vector<std::string>{"agents", "ci"}));
  EXPECT_EQ(t.line, 13);
  EXPECT_TRUE(c.identity.service_tokens[1].groups.empty());
  ASSERT_EQ(c.identity.oidc.size(), 2u);
  EXPECT_EQ(c.identity.oidc[0].principal_claim, "email");
  EXPECT_EQ(c.identity.oidc[0].groups_claim, "roles");
  EXPECT_EQ(c.identity.oidc[1].principal_claim, "sub");
  EXPECT_EQ(c.identity.oidc[1].groups_claim, "groups");
  EXPECT_EQ(c.identity.session_max, std::optional<std::chrono::seconds>(8h));
  ASSERT_EQ(c.connectors.size(), 1u);
  EXPECT_EQ(c.connectors[0].name, "east");
}

TEST(config_good, full_file_connections) {
  auto c = parse_fixture("full.yaml", testing::standard_machine());
  ASSERT_EQ(c.connections.size(), 4u);
  const auto& app = c.connections.at("app");
  EXPECT_EQ(app.name, "app");
  EXPECT_EQ(app.type, db_type::postgres);
  EXPECT_EQ(app.host, "db");
  EXPECT_EQ(app.port, 5433);
  EXPECT_EQ(app.database, "appdb");
  EXPECT_EQ(app.user, "app_agent");
  EXPECT_EQ(app.password.reveal(), "app-password-from-env");
  EXPECT_EQ(app.read_functions, (std::vector<std::string>{"public.report_sales", "\"Quoted\""}));
  EXPECT_EQ(app.tls, upstream_tls::prefer);  // as libpq: TLS when the server offers it
  EXPECT_EQ(app.tls_ca, "");
  const auto& shop = c.connections.at("shop");
  EXPECT_EQ(shop.type, db_type::mysql);
  EXPECT_EQ(shop.port, 3306);              // by type
  EXPECT_EQ(shop.database, "shop");        // the connection's name
  EXPECT_EQ(shop.password.reveal(), "shop-password-from-file");  // newline trimmed
  EXPECT_EQ(shop.tls, upstream_tls::verify_full);
  EXPECT_EQ(shop.tls_ca, "/etc/gatehouse/ca.pem");
  EXPECT_EQ(c.connections.at("inline").tls, upstream_tls::disable);
  const auto& far = c.connections.at("far");
  EXPECT_EQ(far.connector, "east");
  EXPECT_TRUE(far.host.empty());
  EXPECT_TRUE(far.password.empty());
  EXPECT_EQ(c.connections.at("inline").password.reveal(), "inline-password");
  EXPECT_EQ(c.connections.at("inline").host, "::1");
}

TEST(config_good, full_file_rules) {
  auto c = parse_fixture("full.yaml", testing::standard_machine());
  ASSERT_EQ(c.rules.size(), 3u);
  const auto& r = c.rules[0];
  EXPECT_EQ(r.name, "agents-read");
  EXPECT_EQ(r.principals, (std::vector<std::string>{"chatgpt-agent", "group:agents"}));
  EXPECT_EQ(r.connections, (std::vector<std::string>{"app", "far"}));
  EXPECT_EQ(r.allow, (std::vector<statement_class>{statement_class::read}));
  EXPECT_EQ(r.review, (std::vector<statement_class>{statement_class::write, statement_class::ddl,
                                                    statement_class::unknown}));
  EXPECT_EQ(r.reviewers, (std::vector<std::string>{"dba-alice", "group:dba"}));
  // Canonical: unquoted parts folded, quotes only where needed.
  EXPECT_EQ(r.tables, (std::vector<std::string>{"public.orders", "sales.*", "public.\"Line Items\""}));
  EXPECT_FALSE(r.jit);
  EXPECT_EQ(r.line, 29);
  EXPECT_TRUE(c.rules[1].jit);
  EXPECT_EQ(c.rules[1].jit_max, std::optional<std::chrono::seconds>(8h));
  EXPECT_TRUE(c.rules[2].jit);
  EXPECT_FALSE(c.rules[2].jit_max);
}

TEST(config_good, full_file_limits_and_notify) {
  auto c = parse_fixture("full.yaml", testing::standard_machine());
  EXPECT_EQ(c.limits.startup_message_max, 8192u);
  EXPECT_EQ(c.limits.message_max, 16777216u);
  EXPECT_EQ(c.limits.statement_max, 65536u);
  EXPECT_EQ(c.limits.auth_timeout, 5s);
  EXPECT_EQ(c.limits.max_connections, 50u);
  EXPECT_EQ(c.limits.max_connections_per_address, 10u);
  EXPECT_EQ(c.limits.statement_depth_max, 500u);
  EXPECT_EQ(c.limits.failed_logins_per_address, 7u);
  EXPECT_EQ(c.limits.failed_logins_per_principal, 3u);
  EXPECT_EQ(c.notify.webhook.reveal(),
            "https://hooks.example/services/T000/B000/webhook-credential-xyz");
}

TEST(config_good, minimal_file_has_the_documented_defaults) {
  auto c = parse_fixture("minimal.yaml", testing::standard_machine());
  EXPECT_FALSE(c.gateway.mysql);
  EXPECT_FALSE(c.gateway.http);
  EXPECT_FALSE(c.gateway.connectors);
  EXPECT_EQ(c.gateway.store, "sqlite:/etc/gh/gatehouse.db");  // beside the file
  EXPECT_EQ(c.gateway.review_timeout, 15min);
  EXPECT_EQ(c.gateway.drain_timeout, 30s);
  EXPECT_EQ(c.gateway.threads, 0);
  EXPECT_FALSE(c.identity.session_max);
  const auto& app = c.connections.at("app");
  EXPECT_EQ(app.port, 5432);
  EXPECT_EQ(app.database, "app");
  EXPECT_TRUE(app.password.empty());
  limits_section defaults;
  EXPECT_EQ(c.limits.message_max, defaults.message_max);
  EXPECT_TRUE(c.notify.webhook.empty());
}

TEST(config_good, http_public_url_defaults_to_the_listen_address) {
  testing::fake_machine m = testing::standard_machine();
  auto c = parse_config("gateway:\n  http: { listen: \"[::1]:8080\" }\n", "/x/g.yaml", m.access());
  EXPECT_EQ(c.gateway.http->public_url, "http://[::1]:8080");
  c = parse_config(
      "gateway:\n  http: { listen: \"127.0.0.1:8443\", tls: { cert: /etc/gh/gw.crt, key: /etc/gh/gw.key } }\n",
      "/x/g.yaml", m.access());
  EXPECT_EQ(c.gateway.http->public_url, "https://127.0.0.1:8443");
}

TEST(config_good, postgresql_store_is_kept_as_written) {
  auto m = testing::standard_machine();
  auto c = parse_config("gateway:\n  store: \"postgresql://gh@db/gatehouse\"\n", "g.yaml", m.access());
  EXPECT_EQ(c.gateway.store, "postgresql://gh@db/gatehouse");
}

TEST(config_good, the_example_in_examples_parses) {
  auto m = testing::standard_machine();
  m.files["/etc/gatehouse/gateway.crt"] = "cert";
  m.files["/etc/gatehouse/gateway.key"] = "key";
  m.files["/run/secrets/shop-db"] = "pw\n";
  m.env["GATEHOUSE_WEBHOOK"] = "https://hooks.example/services/x";
  std::string text = testing::read_text(std::string(GH_SOURCE_DIR) + "/examples/gatehouse.yaml");
  auto c = parse_config(text, "/etc/gatehouse/gatehouse.yaml", m.access());
  EXPECT_EQ(c.rules.size(), 3u);
  EXPECT_EQ(c.connections.size(), 3u);
  EXPECT_TRUE(c.gateway.postgres && c.gateway.mysql && c.gateway.http && c.gateway.connectors);
}

TEST(config_good, the_connector_example_parses) {
  auto m = testing::standard_machine();
  m.files["/run/secrets/app-db"] = "pw\n";
  m.env["GATEHOUSE_CONNECTOR_TOKEN"] = "t";
  std::string text = testing::read_text(std::string(GH_SOURCE_DIR) + "/examples/connector.yaml");
  auto c = parse_connector_config(text, "/etc/gatehouse/connector.yaml", m.access());
  EXPECT_EQ(c.name, "east");
  EXPECT_EQ(c.connections.size(), 1u);
}

}  // namespace
}  // namespace gh::config
