// Temp directories and direct SQLite access for the store tests.
#pragma once

#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "audit/event.hpp"
#include "audit/serialize.hpp"
#include "store/journal_files.hpp"

namespace gh::store::testing {

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gh-store-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path, ec);
  }
  std::string db() const { return (path / "state.db").string(); }
  std::filesystem::path journals() const { return path / "state.db.journal"; }
};

// Runs SQL on its own connection, as an operator (or an attacker) would with
// the sqlite3 shell.
inline void sql(const std::string& db, const std::string& text) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_busy_timeout(h, 5000);
  char* err = nullptr;
  int rc = sqlite3_exec(h, text.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg << "\n" << text;
}

// The first column of each row of a query, as text.
inline std::vector<std::string> column(const std::string& db, const std::string& query) {
  std::vector<std::string> out;
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, query.c_str(), -1, &s, nullptr), SQLITE_OK) << query;
  while (sqlite3_step(s) == SQLITE_ROW) {
    auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    out.emplace_back(t ? t : "NULL");
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void append_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out << bytes;
}

// A journal's records as a reader finds them: [begin, end) of the file.
struct journal_records {
  std::uint64_t begin = 0;
  std::string bytes;
  std::uint64_t end() const { return begin + bytes.size(); }
};

inline journal_records read_journal(const std::filesystem::path& p) {
  journal_records out;
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << p;
  if (fd < 0) return out;
  auto extent = read_journal_extent(fd);
  ::close(fd);
  EXPECT_TRUE(extent) << p;
  if (!extent) return out;
  out.begin = extent->begin;
  out.bytes = read_file(p).substr(extent->begin, extent->end - extent->begin);
  return out;
}

// Rewrites the end a journal's header publishes, as a host crash can leave
// it (the header page written back, the pages it counts not).
inline void set_published_end(const std::filesystem::path& p, std::uint64_t end) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << p;
  ASSERT_EQ(::pwrite(fd, &end, sizeof end, static_cast<off_t>(journal_end_at)), static_cast<ssize_t>(sizeof end));
  ::close(fd);
}

// Decodes every whole record of a journal's bytes; stops at the first
// record that is not whole.
inline std::vector<audit::event> decode_all(const std::string& bytes) {
  std::vector<audit::event> out;
  std::size_t pos = 0;
  for (;;) {
    audit::event ev;
    auto f = audit::decode_record(as_bytes(bytes).subspan(pos), ev);
    if (f.status != audit::decode_status::complete) break;
    out.push_back(ev);
    pos += f.used;
  }
  return out;
}

inline std::vector<std::filesystem::path> journal_paths(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".journal") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace gh::store::testing
