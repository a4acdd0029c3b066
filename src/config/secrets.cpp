#include "config/secrets.hpp"

#include "config/values.hpp"

namespace gh::config::detail {
namespace {

constexpr std::string_view secret_shape = "a secret: env:NAME, file:/path or the value itself";

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

secret resolve_secret(const context& cx, const located& at) {
  std::string ref = secret_text(cx, at, secret_shape);
  if (ref.starts_with("env:")) {
    std::string name = ref.substr(4);
    if (!is_env_name(name))
      cx.fail(at.line, at.key,
              "expected env:NAME with NAME made of letters, digits and '_', got other characters");
    auto value = cx.system->getenv(name);
    if (!value) cx.fail(at.line, at.key, "expected environment variable " + name + " to be set, got nothing");
    if (value->empty())
      cx.fail(at.line, at.key, "expected environment variable " + name + " to hold a secret, got an empty value");
    return secret(std::move(*value));
  }
  if (ref.starts_with("file:")) {
    if (ref.size() == 5) cx.fail(at.line, at.key, "expected file:/path, got 'file:'");
    std::string path = cx.resolve(ref.substr(5));
    std::string why;
    auto content = cx.system->read_file(path, secret_file_limit, &why);
    if (!content)
      cx.fail(at.line, at.key, "expected a readable secret file " + path + " (at most 64 KiB), got " +
                                   (why.empty() ? std::string("an unreadable file") : why));
    std::string value = trim_newlines(std::move(*content));
    if (value.empty()) cx.fail(at.line, at.key, "expected a secret in " + path + ", got an empty file");
    return secret(std::move(value));
  }
  return secret(std::move(ref));
}

std::string readable_file(const context& cx, const located& at) {
  std::string path = cx.resolve(text(cx, at, "a file path"));
  std::string why;
  if (!cx.system->read_file(path, 1024 * 1024, &why))
    cx.fail(at.line, at.key, "expected a readable file " + path + " (at most 1 MiB), got " +
                                 (why.empty() ? std::string("an unreadable file") : why));
  return path;
}

}  // namespace gh::config::detail
