// Secrets: resolved from env:, file: or inline, and never shown by an error,
// whatever the mistake around them.
#include <gtest/gtest.h>

#include <sstream>
#include <type_traits>

#include "config/config.hpp"
#include "config/connector_config.hpp"
#include "fake_system.hpp"

namespace gh::config {
namespace {

template <class T>
concept streamable = requires(std::ostream& os, const T& t) { os << t; };
static_assert(!streamable<secret>, "a secret must have no printer");
static_assert(!std::is_convertible_v<secret, std::string>, "nor convert to a string silently");

std::string password_of(const std::string& ref, const testing::fake_machine& m) {
  auto c = parse_config("connections:\n  app: { type: postgres, host: db, user: u, password: \"" +
                            ref + "\" }\n",
                        "/etc/gh/g.yaml", m.access());
  return c.connections.at("app").password.reveal();
}

TEST(config_secrets, three_ways_to_give_one) {
  auto m = testing::standard_machine();
  EXPECT_EQ(password_of("env:APP_DB_PASSWORD", m), "app-password-from-env");
  EXPECT_EQ(password_of("file:/run/secrets/shop", m), "shop-password-from-file");
  EXPECT_EQ(password_of("file:/run/secrets/crlf", m), "crlf-password");
  EXPECT_EQ(password_of("plain text pw", m), "plain text pw");
}

TEST(config_secrets, file_paths_resolve_against_the_config_directory) {
  auto m = testing::standard_machine();
  m.files["/etc/gh/secrets/app"] = "relative-secret\n";
  EXPECT_EQ(password_of("file:secrets/app", m), "relative-secret");
}

TEST(config_secrets, only_trailing_newlines_are_trimmed) {
  auto m = testing::standard_machine();
  m.files["/run/secrets/spaces"] = "  pass word  \n\n";
  EXPECT_EQ(password_of("file:/run/secrets/spaces", m), "  pass word  ");
}

TEST(config_secrets, oversized_file_is_refused) {
  auto m = testing::standard_machine();
  m.files["/run/secrets/big"] = std::string(70 * 1024, 'x');
  EXPECT_THROW(password_of("file:/run/secrets/big", m), config_error);
}

TEST(config_secrets, connector_token_and_webhook_resolve_too) {
  auto m = testing::standard_machine();
  auto c = parse_config("notify: { webhook: \"env:SLACK_WEBHOOK\" }\n", "g.yaml", m.access());
  EXPECT_EQ(c.notify.webhook.reveal(), m.env["SLACK_WEBHOOK"]);
  auto k = parse_connector_config(
      "connector: { name: east, gateway: \"gw:8443\", token: \"env:GH_CONNECTOR_TOKEN\" }\n"
      "connections:\n  far: { type: postgres, host: db, user: u }\n",
      "k.yaml", m.access());
  EXPECT_EQ(k.token.reveal(), "connector-token-from-env");
}

// Every value here is a secret that must never appear in an error.
const char* const secret_values[] = {"S3cret-inline-password", "app-password-from-env",
                                     "shop-password-from-file", "webhook-credential-xyz",
                                     "store-password-1"};

const char* const secret_config = R"(gateway:
  postgres: { listen: "127.0.0.1:5432" }
  connectors: { listen: "127.0.0.1:8443", tls: { cert: /etc/gh/gw.crt, key: /etc/gh/gw.key } }
  store: "postgresql://gh:store-password-1@db/gatehouse"
connectors:
  - { name: east, token_sha256: fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13 }
connections:
  app:
    type: postgres
    host: db
    user: app_agent
    password: "S3cret-inline-password"
  env:  { type: postgres, host: db, user: u, password: "env:APP_DB_PASSWORD" }
  file: { type: mysql, host: db, user: u, password: "file:/run/secrets/shop" }
rules:
  - { name: r, principals: [a], connections: [app], allow: [read] }
notify:
  webhook: "https://hooks.example/services/T000/B000/webhook-credential-xyz"
)";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// Each line deleted, duplicated, re-indented, its key misspelt or its value
// broken: many wrong files, and not one message may hold a secret.
std::vector<std::string> mutants(const std::string& text) {
  auto lines = lines_of(text);
  std::vector<std::string> out;
  auto emit = [&](std::size_t i, const std::vector<std::string>& replacement) {
    std::string s;
    for (std::size_t j = 0; j < lines.size(); ++j) {
      if (j == i)
        for (const auto& r : replacement) s += r + "\n";
      else
        s += lines[j] + "\n";
    }
    out.push_back(s);
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    emit(i, {});
    emit(i, {l, l});
    emit(i, {" " + l});
    emit(i, {l.substr(0, l.size() > 2 ? l.size() - 2 : 0)});
    if (auto colon = l.find(':'); colon != std::string::npos) {
      emit(i, {l.substr(0, colon) + "x" + l.substr(colon)});
      emit(i, {l.substr(0, colon + 1) + " [" + l.substr(colon + 1)});
      emit(i, {l.substr(0, colon + 1) + " {x: 1}"});
      emit(i, {l.substr(0, colon + 1) + " \"env:" + l.substr(colon + 1)});
      emit(i, {l.substr(0, colon + 1) + " \"file:/" + l.substr(colon + 1)});
    }
  }
  return out;
}

TEST(config_secrets, the_untouched_file_is_good) {
  auto m = testing::standard_machine();
  auto c = parse_config(secret_config, "g.yaml", m.access());
  EXPECT_EQ(c.connections.at("app").password.reveal(), "S3cret-inline-password");
}

TEST(config_secrets, no_error_message_holds_a_secret) {
  auto m = testing::standard_machine();
  int errors = 0;
  for (const auto& text : mutants(secret_config)) {
    try {
      (void)parse_config(text, "g.yaml", m.access());
    } catch (const config_error& e) {
      ++errors;
      std::string what = e.what();
      for (const char* s : secret_values) {
        // Not even the first 8 characters of one.
        EXPECT_EQ(what.find(std::string(s).substr(0, 8)), std::string::npos)
            << "message shows a secret: " << what << "\nfile:\n" << text;
      }
    }
  }
  EXPECT_GT(errors, 100);  // the mutations do produce errors to check
}

}  // namespace
}  // namespace gh::config
