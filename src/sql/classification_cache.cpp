#include "sql/classification_cache.hpp"

#include <functional>

namespace gh::sql {
namespace {

// What an entry holds, roughly: the text, the node and the strings inside.
std::size_t approx_bytes(std::string_view sql, const classification& c) {
  std::size_t n = sql.size() + c.reason.size() + 160;
  for (const auto& s : c.statements) {
    n += sizeof(statement_info) + s.kind.size() + s.reason.size() + s.prepared_name.size();
    for (const auto& t : s.tables) n += sizeof(t) + t.schema.size() + t.name.size();
    for (const auto& f : s.functions) n += sizeof(f) + f.size();
    for (const auto& x : s.settings) n += sizeof(x) + x.name.size() + (x.value ? x.value->size() : 0);
  }
  return n;
}

}  // namespace

std::size_t classification_cache::key_hash::operator()(const key& k) const noexcept {
  const std::size_t h = std::hash<std::string_view>{}(k.sql);
  return h ^ (k.options_key + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

classification_cache::classification_cache(std::size_t max_entries, std::size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {
  index_.reserve(max_entries_);  // no rehash while filling up
}

const classification* classification_cache::get(std::string_view sql,
                                                std::uint64_t options_key) noexcept {
  const auto it = index_.find(key{sql, options_key});
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  order_.splice(order_.begin(), order_, it->second);
  return &it->second->value;
}

void classification_cache::put(std::string_view sql, std::uint64_t options_key,
                               classification value) {
  if (max_entries_ == 0) return;
  const std::size_t cost = approx_bytes(sql, value);
  if (cost > max_bytes_ / 8) return;
  if (const auto it = index_.find(key{sql, options_key}); it != index_.end()) {
    const list::iterator old = it->second;
    bytes_ -= old->bytes;
    index_.erase(it);  // before the entry whose string its key views
    order_.erase(old);
  }
  evict_to(max_entries_ - 1, max_bytes_ - cost);
  order_.push_front(entry{std::string(sql), options_key, std::move(value), cost});
  index_.emplace(key{order_.front().sql, options_key}, order_.begin());
  bytes_ += cost;
}

void classification_cache::evict_to(std::size_t entries, std::size_t bytes) noexcept {
  while (!order_.empty() && (index_.size() > entries || bytes_ > bytes)) {
    const entry& last = order_.back();
    index_.erase(key{last.sql, last.options_key});
    bytes_ -= last.bytes;
    order_.pop_back();
  }
}

void classification_cache::clear() noexcept {
  index_.clear();
  order_.clear();
  bytes_ = 0;
}

}  // namespace gh::sql
