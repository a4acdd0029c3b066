// A bounded LRU of classifications keyed by statement text and an options
// key (pg::options_fingerprint), because agents and drivers repeat the same
// statements (DESIGN.md decision 4).
//
// Not thread-safe by design: one cache per io thread, like every other
// per-thread structure on the hot path. get() and put() are O(1); a hit
// allocates nothing (the key is looked up through string_views, the entry
// is spliced to the front of its list).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sql/classification.hpp"

namespace gh::sql {

class classification_cache {
 public:
  // Evicts the least recently used entries when either bound is passed.
  // `max_bytes` counts statement text and classification contents; one
  // statement above max_bytes / 8 is never cached (it would evict the rest).
  explicit classification_cache(std::size_t max_entries, std::size_t max_bytes = 64u << 20);

  classification_cache(const classification_cache&) = delete;
  classification_cache& operator=(const classification_cache&) = delete;

  // The cached classification or nullptr; a hit becomes the most recent. The
  // pointer is valid until the next put() or clear().
  const classification* get(std::string_view sql, std::uint64_t options_key) noexcept;

  // Stores `value` under (sql, options_key), replacing an older one.
  void put(std::string_view sql, std::uint64_t options_key, classification value);

  void clear() noexcept;
  std::size_t size() const noexcept { return index_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  std::uint64_t hits() const noexcept { return hits_; }
  std::uint64_t misses() const noexcept { return misses_; }

 private:
  struct entry {
    std::string sql;
    std::uint64_t options_key;
    classification value;
    std::size_t bytes;
  };
  struct key {
    std::string_view sql;  // points into the entry's own string
    std::uint64_t options_key;
    bool operator==(const key&) const = default;
  };
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept;
  };
  using list = std::list<entry>;

  void evict_to(std::size_t entries, std::size_t bytes) noexcept;

  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  list order_;  // front: most recently used
  std::unordered_map<key, list::iterator, key_hash> index_;
};

}  // namespace gh::sql
