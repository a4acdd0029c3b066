#include "gateway/statement_classifier.hpp"

#include <list>
#include <unordered_map>

#include "sql/pg/classify.hpp"
#include "sql/pg/shape.hpp"

namespace gh::gateway {
namespace {

// A bounded LRU from text to classification, values shared so that a
// prepared statement keeps its classification after eviction.
class lru {
 public:
  explicit lru(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const sql::classification> get(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  void put(std::string key, std::shared_ptr<const sql::classification> value) {
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->value = std::move(value);
      return;
    }
    order_.push_front({std::move(key), std::move(value)});
    index_.emplace(order_.front().key, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

 private:
  struct entry {
    std::string key;
    std::shared_ptr<const sql::classification> value;
  };
  std::size_t capacity_;
  std::list<entry> order_;
  std::unordered_map<std::string_view, std::list<entry>::iterator> index_;
};

// Two classifications that would get the same decision and the same record.
bool same_meaning(const sql::classification& a, const sql::classification& b) {
  if (a.cls != b.cls || a.statements.size() != b.statements.size()) return false;
  for (std::size_t i = 0; i < a.statements.size(); ++i) {
    const auto& x = a.statements[i];
    const auto& y = b.statements[i];
    if (x.cls != y.cls || x.kind != y.kind || x.tables != y.tables || x.functions != y.functions ||
        x.prepared_name != y.prepared_name)
      return false;
  }
  return true;
}

}  // namespace

struct statement_classifier::impl {
  lru exact{4096};
  // Shapes whose classification is known to hold for every statement of
  // that shape; nullptr marks a shape whose constants matter.
  lru shapes{4096};
  lru mysql{4096};
  std::string key;
  std::string shape;
};

statement_classifier::statement_classifier() : impl_(std::make_unique<impl>()) {}
statement_classifier::~statement_classifier() = default;

std::shared_ptr<const sql::classification> statement_classifier::classify(
    std::string_view sql, const void* options_id, const sql::pg::classify_options& opts) {
  auto& m = *impl_;
  const auto make_key = [&](std::string_view text) -> const std::string& {
    m.key.assign(reinterpret_cast<const char*>(&options_id), sizeof options_id);
    m.key.append(text);
    return m.key;
  };
  // A statement with constants is looked up by its shape first: statements
  // that differ only in their constants (pgbench, agents that inline values)
  // then cost one lookup, not a miss in `exact` before it.
  static const sql::classification literal_sensitive_marker;
  const bool shaped = sql::pg::statement_shape(sql, m.shape);
  bool shape_known = false;
  if (shaped) {
    auto hit = m.shapes.get(make_key(m.shape));
    if (hit && hit.get() != &literal_sensitive_marker) return hit;
    shape_known = hit != nullptr;
  }
  if (auto hit = m.exact.get(make_key(sql))) return hit;

  auto value = std::make_shared<const sql::classification>(sql::pg::classify(sql, opts));
  if (shaped && !shape_known) {
    sql::classification of_shape = sql::pg::classify(m.shape, opts);
    std::shared_ptr<const sql::classification> marker(std::shared_ptr<void>(), &literal_sensitive_marker);
    m.shapes.put(make_key(m.shape), same_meaning(of_shape, *value) ? value : marker);
  }
  m.exact.put(make_key(sql), value);
  return value;
}

std::shared_ptr<const sql::classification> statement_classifier::classify_mysql(
    std::string_view sql, const void* options_id, const sql::mysql::classify_options& options) {
  auto& m = *impl_;
  // The lexing mode is the only option that changes per session and statement.
  const char mode = static_cast<char>((options.sql_mode.no_backslash_escapes ? 1 : 0) |
                                      (options.sql_mode.ansi_quotes ? 2 : 0));
  m.key.assign(reinterpret_cast<const char*>(&options_id), sizeof options_id);
  m.key += mode;
  m.key.append(sql);
  if (auto hit = m.mysql.get(m.key)) return hit;
  auto value = std::make_shared<const sql::classification>(sql::mysql::classify(sql, options));
  m.mysql.put(m.key, value);
  return value;
}

}  // namespace gh::gateway
