#include "store/audit_search.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <sqlite3.h>

#include "store/event_rows.hpp"
#include "store/journal_files.hpp"
#include "store/sqlite_store.hpp"

namespace gh::store {
namespace {

// Journal files opened before the store's snapshot is taken: the ingester
// deletes a file only after committing its events, so every event is either
// in the snapshot or in a file still open here (an unlinked file stays
// readable through its descriptor). Nothing is missed, nothing counted twice.
struct open_journals {
  std::vector<std::pair<std::string, int>> files;
  ~open_journals() {
    for (auto& [name, fd] : files) ::close(fd);
  }
};

// The store, read-only. A missing file gets its own message: SQLite's
// "unable to open database file" does not say which file or why.
expected<sqlite_store, std::string> open_store(const std::string& sqlite_path) {
  std::error_code ec;
  if (!std::filesystem::exists(sqlite_path, ec) && !ec)
    return unexpected("no audit store at " + sqlite_path +
                      " (the gateway creates it when it first starts)");
  return sqlite_store::open(sqlite_path, open_mode::read_only);
}

expected<void, std::string> open_all(const std::filesystem::path& dir, open_journals& out) {
  auto list = list_journals(dir);
  if (!list) return unexpected("cannot list " + dir.string() + ": " + list.error().message());
  for (const auto& f : *list) {
    int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) out.files.emplace_back(f.name, fd);  // vanished: already ingested
  }
  return {};
}

// Every whole event past the ingested offsets, in journal order.
void read_tails(const open_journals& journals, const std::map<std::string, std::uint64_t>& offsets,
                const std::function<void(audit::event&)>& each) {
  std::string buffer;
  audit::event ev;
  for (const auto& [name, fd] : journals.files) {
    auto extent = read_journal_extent(fd);
    if (!extent) continue;
    auto it = offsets.find(name);
    std::uint64_t from = it == offsets.end() ? extent->begin : it->second;
    if (from > extent->end) continue;
    journal_cursor cursor(fd, from, extent->end, buffer);
    for (;;) {
      auto item = cursor.next(ev);
      if (item == journal_cursor::item::event) each(ev);
      else if (item != journal_cursor::item::damaged) break;
    }
  }
}

// event_columns, each qualified with the statement's alias "s.".
std::string statement_columns() {
  std::string out = "s.";
  for (char c : event_columns) {
    out += c;
    if (c == ' ') out += "s.";
  }
  return out;
}

std::string search_sql(const audit::search_filter& f) {
  std::string sql = "SELECT " + statement_columns() +
                    ", o.seq, o.decision, o.duration_us, o.rows, o.error, o.time_us FROM events s "
                    "LEFT JOIN events o ON s.outcome IS NULL AND o.seq = (SELECT min(seq) "
                    "FROM events WHERE kind = 'outcome' AND ref = s.statement_id AND "
                    "s.statement_id <> '') "
                    "WHERE s.kind <> 'outcome'";
  // Values are bound (?1...), never spliced into the text.
  int n = 0;
  auto add = [&](const char* cond) { sql += " AND s." + std::string(cond) + " ?" + std::to_string(++n); };
  if (f.principal) add("principal =");
  if (f.connection) add("connection =");
  if (f.decision) add("decision =");
  if (f.since) add("time_us >=");
  if (f.until) add("time_us <");
  sql += f.limit ? " ORDER BY s.time_us DESC, s.seq DESC LIMIT ?" + std::to_string(++n)
                 : " ORDER BY s.time_us, s.seq";
  return sql;
}

void bind_filter(sqlite_stmt& s, const audit::search_filter& f) {
  int n = 0;
  if (f.principal) s.bind_text(++n, *f.principal);
  if (f.connection) s.bind_text(++n, *f.connection);
  if (f.decision) s.bind_text(++n, *f.decision);
  if (f.since) s.bind(++n, to_unix_micros(*f.since));
  if (f.until) s.bind(++n, to_unix_micros(*f.until));
  if (f.limit) s.bind(++n, static_cast<std::int64_t>(std::min<std::size_t>(f.limit, INT64_MAX)));
}

audit::search_row read_search_row(const sqlite_stmt& s) {
  audit::stored_event stored;
  read_event_row(s, 0, stored);
  audit::search_row row{stored.seq, std::move(stored.ev), std::move(stored.outcome)};
  int c = event_column_count;
  if (!row.outcome && !s.column_is_null(c)) {
    audit::event o;
    o.kind = audit::event_kind::outcome;
    o.decision = std::string(s.column_text(c + 1));
    o.duration_us = s.column_int(c + 2);
    o.rows = s.column_int(c + 3);
    o.error = std::string(s.column_text(c + 4));
    o.time = from_unix_micros(s.column_int(c + 5));
    o.ref = row.statement.statement_id;
    row.outcome = std::move(o);
  }
  return row;
}

bool older(const audit::search_row& a, const audit::search_row& b) {
  if (a.statement.time != b.statement.time) return a.statement.time < b.statement.time;
  return a.seq.value_or(INT64_MAX) < b.seq.value_or(INT64_MAX);
}

}  // namespace

expected<std::uint64_t, std::string> search_audit(
    const std::string& sqlite_path, const audit::search_filter& filter,
    const std::function<void(const audit::search_row&)>& emit) {
  open_journals journals;
  if (auto r = open_all(journal_dir_for(sqlite_path), journals); !r) return unexpected(r.error());
  auto store = open_store(sqlite_path);
  if (!store) return unexpected(store.error());
  if (auto r = store->db().exec("BEGIN"); !r) return unexpected(r.error());
  auto offsets = store->read_offsets();  // the first read fixes the snapshot
  if (!offsets) return unexpected(offsets.error());

  std::vector<audit::search_row> recent;  // in journals, not yet ingested
  std::map<std::string, audit::event> recent_outcomes;
  read_tails(journals, *offsets, [&](audit::event& ev) {
    if (ev.kind == audit::event_kind::outcome) recent_outcomes.try_emplace(ev.ref, ev);
    else if (audit::matches(filter, ev)) recent.push_back({std::nullopt, ev, std::nullopt});
  });
  auto complete = [&](audit::search_row& row) {
    if (row.outcome || row.statement.statement_id.empty()) return;
    auto it = recent_outcomes.find(row.statement.statement_id);
    if (it != recent_outcomes.end()) row.outcome = it->second;
  };
  for (auto& row : recent) complete(row);
  std::stable_sort(recent.begin(), recent.end(), older);

  auto query = store->db().prepare(search_sql(filter));
  if (!query) return unexpected(query.error());
  bind_filter(*query, filter);
  std::vector<audit::search_row> stored;  // only with a limit: the newest, newest first
  std::uint64_t emitted = 0;
  int rc;
  while ((rc = query->step()) == SQLITE_ROW) {
    audit::search_row row = read_search_row(*query);
    complete(row);
    if (filter.limit) stored.push_back(std::move(row));
    else { emit(row); ++emitted; }
  }
  if (rc != SQLITE_DONE) return unexpected(store->db().error_text());

  if (filter.limit) {
    std::reverse(stored.begin(), stored.end());
    std::vector<audit::search_row> all;
    std::merge(std::make_move_iterator(stored.begin()), std::make_move_iterator(stored.end()),
               std::make_move_iterator(recent.begin()), std::make_move_iterator(recent.end()),
               std::back_inserter(all), older);
    std::size_t skip = all.size() > filter.limit ? all.size() - filter.limit : 0;
    recent.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(skip)),
                  std::make_move_iterator(all.end()));
  }
  for (const auto& row : recent) { emit(row); ++emitted; }
  (void)store->db().exec("COMMIT");
  return emitted;
}

expected<verify_report, std::string> verify_audit(const std::string& sqlite_path,
                                                  std::size_t max_findings) {
  open_journals journals;
  if (auto r = open_all(journal_dir_for(sqlite_path), journals); !r) return unexpected(r.error());
  auto store = open_store(sqlite_path);
  if (!store) return unexpected(store.error());
  if (auto r = store->db().exec("BEGIN"); !r) return unexpected(r.error());
  verify_report report;
  auto head = store->read_head();
  if (!head) return unexpected(head.error());
  report.head = *head;

  audit::chain_verifier verifier(max_findings);
  auto rows = store->db().prepare("SELECT " + std::string(event_columns) + " FROM events ORDER BY seq");
  if (!rows) return unexpected(rows.error());
  audit::stored_event row;
  int rc;
  while ((rc = rows->step()) == SQLITE_ROW) {
    read_event_row(*rows, 0, row);
    verifier.add(row);
  }
  if (rc != SQLITE_DONE) return unexpected(store->db().error_text());
  verifier.finish(report.head);

  auto offsets = store->read_offsets();
  if (!offsets) return unexpected(offsets.error());
  read_tails(journals, *offsets, [&](audit::event&) { ++report.pending; });
  (void)store->db().exec("COMMIT");

  report.events = verifier.events();
  report.findings = verifier.findings();
  report.total_findings = verifier.total_findings();
  return report;
}

}  // namespace gh::store
