#include "identity/strict_json.hpp"

#include <string>
#include <unordered_set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

namespace gh::identity {
namespace {

namespace json = boost::json;

// A SAX pass that builds nothing and only watches member names: one set of
// names per open object (arrays push nothing, so `keys_` tracks objects).
class duplicate_key_check {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    keys_.pop_back();
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    partial_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    partial_.append(s.data(), s.size());
    const bool fresh = keys_.back().insert(std::move(partial_)).second;
    partial_.clear();
    if (!fresh) ec = json::error::syntax;
    return fresh;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::vector<std::unordered_set<std::string>> keys_;
  std::string partial_;
};

json::parse_options options(json_limits limits) {
  json::parse_options opt;
  opt.max_depth = limits.max_depth;
  opt.allow_comments = false;
  opt.allow_trailing_commas = false;
  opt.allow_invalid_utf8 = false;
  return opt;
}

bool free_of_duplicates(std::string_view text, const json::parse_options& opt) {
  json::basic_parser<duplicate_key_check> parser(opt);
  json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  return !ec && used == text.size();
}

}  // namespace

std::optional<json::value> parse_strict_json(std::string_view text, json_limits limits) {
  if (text.size() > limits.max_size) return std::nullopt;
  const auto opt = options(limits);
  if (!free_of_duplicates(text, opt)) return std::nullopt;
  json::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, {}, opt);
  if (ec) return std::nullopt;
  return v;
}

std::optional<json::object> parse_strict_json_object(std::string_view text, json_limits limits) {
  auto v = parse_strict_json(text, limits);
  if (!v || !v->is_object()) return std::nullopt;
  return std::move(v->get_object());
}

}  // namespace gh::identity
