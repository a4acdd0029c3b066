#include "cli/api_command.hpp"

#include <boost/json/serialize.hpp>

#include <cctype>
#include <cstdio>
#include <iostream>

#include "audit/json_line.hpp"

namespace gh::cli {

std::optional<std::string> api_options::value(std::string_view name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

expected<api_options, std::string> parse_api_options(
    args a, std::initializer_list<std::string_view> with_value,
    std::initializer_list<std::string_view> flags) {
  api_options o;
  auto listed = [](std::initializer_list<std::string_view> l, std::string_view n) {
    for (auto x : l)
      if (x == n) return true;
    return false;
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view arg = a[i];
    if (!arg.starts_with("--")) {
      o.positional.emplace_back(arg);
      continue;
    }
    std::string name(arg.substr(0, arg.find('=')));
    std::optional<std::string> value;
    if (name.size() != arg.size()) value = std::string(arg.substr(name.size() + 1));
    if (listed(flags, name) && !value) {
      o.flags.insert(name);
      continue;
    }
    if (!listed(with_value, name) && name != "--server") {
      if (name == "--token")
        return unexpected(
            std::string("the token is read from GATEHOUSE_TOKEN, never from the command line"));
      return unexpected("unknown option " + name);
    }
    if (!value) {
      if (i + 1 >= a.size()) return unexpected(name + " needs a value");
      value = std::string(a[++i]);
    }
    if (o.values.contains(name)) return unexpected(name + " given twice");
    o.values.emplace(name, std::move(*value));
  }
  return o;
}

api_result call_api(std::string_view command, const api_options& o, http::verb method,
                    std::string_view path, const boost::json::object* body) {
  auto client = http::api_client::from_environment(o.value("--server"));
  if (!client) {
    std::cerr << "gatehouse " << command << ": " << client.error() << "\n";
    return {2, nullptr};
  }
  auto reply = client->call(method, path, body);
  if (!reply) {
    std::cerr << "gatehouse " << command << ": " << reply.error() << "\n";
    return {1, nullptr};
  }
  if (!reply->ok()) {
    std::cerr << "gatehouse " << command << ": refused (" << reply->status
              << "): " << http::refusal_text(*reply) << "\n";
    return {1, std::move(reply->body)};
  }
  return {0, std::move(reply->body)};
}

std::string field(const boost::json::value& v, std::string_view key) {
  if (!v.is_object()) return "-";
  auto it = v.as_object().find(key);
  if (it == v.as_object().end() || it->value().is_null()) return "-";
  const auto& x = it->value();
  if (x.is_string()) return std::string(x.as_string());
  if (x.is_array()) {
    std::string out;
    for (const auto& e : x.as_array())
      out += (out.empty() ? "" : ", ") +
             (e.is_string() ? std::string(e.as_string()) : boost::json::serialize(e));
    return out;
  }
  return boost::json::serialize(x);
}

std::string cell(std::string_view raw, std::size_t width) {
  std::string s = audit::valid_utf8(raw), out;
  std::size_t chars = 0;
  bool space = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if ((c & 0xC0) == 0x80) {
      out += ch;
      continue;
    }  // continuation byte: same character
    if (space) {
      out += ' ';
      ++chars;
      space = false;
    }
    if (chars >= width) return out + "…";
    out += c < 0x20 || c == 0x7F ? '?' : ch;
    ++chars;
  }
  return out;
}

void print_json(const boost::json::value& v) {
  std::string text = boost::json::serialize(v);
  std::printf("%s\n", text.c_str());
}

std::string url_escape(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += ch;
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace gh::cli
