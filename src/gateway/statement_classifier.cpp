#include "gateway/statement_classifier.hpp"

#include <list>
#include <unordered_map>

#include "sql/pg/classify.hpp"

namespace gh::gateway {

// A bounded LRU keyed by (connection options, statement text).
struct statement_classifier::impl {
  static constexpr std::size_t capacity = 4096;
  struct entry {
    std::string key;
    std::shared_ptr<const sql::classification> value;
  };
  std::list<entry> order;  // most recent first
  std::unordered_map<std::string_view, std::list<entry>::iterator> index;
  std::string key_scratch;
};

statement_classifier::statement_classifier() : impl_(std::make_unique<impl>()) {}
statement_classifier::~statement_classifier() = default;

std::shared_ptr<const sql::classification> statement_classifier::classify(
    std::string_view sql, const void* options_id, const std::vector<std::string>& read_functions) {
  auto& m = *impl_;
  m.key_scratch.assign(reinterpret_cast<const char*>(&options_id), sizeof options_id);
  m.key_scratch.append(sql);
  if (auto it = m.index.find(m.key_scratch); it != m.index.end()) {
    m.order.splice(m.order.begin(), m.order, it->second);
    return it->second->value;
  }
  sql::pg::classify_options opts;
  opts.read_functions = read_functions;
  auto value = std::make_shared<const sql::classification>(sql::pg::classify(sql, opts));
  m.order.push_front({m.key_scratch, value});
  m.index.emplace(m.order.front().key, m.order.begin());
  if (m.order.size() > impl::capacity) {
    m.index.erase(m.order.back().key);
    m.order.pop_back();
  }
  return value;
}

}  // namespace gh::gateway
