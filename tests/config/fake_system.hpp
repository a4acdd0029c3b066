// A machine for the loader tests: environment variables and files from
// maps, so no test depends on the real environment or file system.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "config/config.hpp"

namespace gh::config::testing {

struct fake_machine {
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> files;

  system_access access() const {
    system_access s;
    s.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    s.read_file = [this](const std::string& path, std::size_t limit,
                         std::string* error) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end() || it->second.size() > limit) {
        if (error) *error = it == files.end() ? "No such file or directory" : "a file too large";
        return std::nullopt;
      }
      return it->second;
    };
    return s;
  }
};

// What every fixture may rely on.
inline fake_machine standard_machine() {
  fake_machine m;
  m.env = {{"APP_DB_PASSWORD", "app-password-from-env"}, {"GH_TEST_EMPTY", ""},
           {"GH_CONNECTOR_TOKEN", "connector-token-from-env"},
           {"SLACK_WEBHOOK", "https://hooks.example/services/T000/B000/webhook-credential-xyz"}};
  m.files = {{"/etc/gh/gw.crt", "-----BEGIN CERTIFICATE-----\n"},
             {"/etc/gh/gw.key", "-----BEGIN PRIVATE KEY-----\n"},
             {"/etc/gatehouse/ca.pem", "-----BEGIN CERTIFICATE-----\n"},
             {"/run/secrets/shop", "shop-password-from-file\n"},
             {"/run/secrets/crlf", "crlf-password\r\n"},
             {"/run/secrets/empty", "\n"}};
  return m;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gh::config::testing
