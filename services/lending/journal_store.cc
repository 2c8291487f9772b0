#include "services/lending/journal_store.h"

#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/storage/sql.h"
#include "common/util/clock.h"
#include "common/util/status.h"

namespace cercles::lending {
namespace {

constexpr int kMaxJournalEntriesPerList = 1000;

constexpr char kEntryColumns[] =
    "id, kind, effective_date, description, currency, reverses_entry_id, reversed_by_entry_id, "
    "create_time_us, posted_by";

// SUM over BIGINT is NUMERIC on PostgreSQL; the cast makes both engines return an
// integer and turns an overflow into an error instead of a wrong number.
std::string SumOf(absl::string_view column) {
  return absl::StrCat("COALESCE(CAST(SUM(", column, ") AS BIGINT), 0)");
}

std::string DateText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

storage::Value OptionalText(const std::string& text) {
  if (text.empty()) return storage::Null{};
  return text;
}

storage::Value OptionalInt(const std::optional<int64_t>& value) {
  if (!value.has_value()) return storage::Null{};
  return *value;
}

absl::StatusOr<StoredEntry> EntryFromRow(const storage::Row& row) {
  StoredEntry stored;
  stored.id = row.Int(0);
  std::optional<EntryKind> kind = EntryKindFromName(row.Text(1));
  if (!kind.has_value()) {
    return absl::InternalError(absl::StrCat("journal entry ", stored.id, " has an unknown kind"));
  }
  stored.entry.kind = *kind;
  if (!absl::ParseCivilTime(row.Text(2), &stored.entry.effective_date)) {
    return absl::InternalError(absl::StrCat("journal entry ", stored.id, " has a malformed date"));
  }
  stored.entry.description = row.Text(3);
  stored.entry.currency = row.Text(4);
  if (!row.IsNull(5)) stored.entry.reverses_entry_id = row.Int(5);
  if (!row.IsNull(6)) stored.reversed_by_entry_id = row.Int(6);
  stored.create_time = FromMicros(row.Int(7));
  stored.posted_by = row.Text(8);
  return stored;
}

}  // namespace

absl::StatusOr<int64_t> JournalStore::Post(storage::Transaction& tx, const JournalEntry& entry,
                                           absl::Time now, const std::string& actor) const {
  if (IsReversalKind(entry.kind)) {
    return absl::InvalidArgumentError(
        "kind: a reversal is posted with Reverse, which links it to the entry it cancels");
  }
  return Insert(tx, entry, now, actor);
}

absl::StatusOr<int64_t> JournalStore::Insert(storage::Transaction& tx, const JournalEntry& entry,
                                             absl::Time now, const std::string& actor) const {
  CERCLES_RETURN_IF_ERROR(ValidateEntry(entry));
  if (entry.currency != currency_) {
    return absl::InvalidArgumentError(
        absl::StrCat("currency: the fund keeps its books in ", currency_));
  }
  const int64_t total = TotalDebits(entry);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          "INSERT INTO journal_entries (kind, effective_date, description, currency, "
          "total_cents, reverses_entry_id, create_time_us, posted_by) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {EntryKindName(entry.kind), DateText(entry.effective_date), entry.description,
           entry.currency, total, OptionalInt(entry.reverses_entry_id), ToMicros(now), actor}));
  if (rows.size() != 1) return absl::InternalError("journal entry insert returned no id");
  const int64_t id = rows[0].Int(0);

  std::string sql =
      "INSERT INTO journal_lines (entry_id, line_no, account, debit_cents, credit_cents, loan, "
      "party) VALUES ";
  std::vector<storage::Value> params;
  params.reserve(entry.lines.size() * 7);
  for (size_t i = 0; i < entry.lines.size(); ++i) {
    const JournalLine& line = entry.lines[i];
    absl::StrAppend(&sql, i == 0 ? "" : ", ", "(?, ?, ?, ?, ?, ?, ?)");
    params.emplace_back(id);
    params.emplace_back(static_cast<int64_t>(i));
    params.emplace_back(AccountCode(line.account));
    params.emplace_back(line.debit_cents);
    params.emplace_back(line.credit_cents);
    params.push_back(OptionalText(line.loan));
    params.push_back(OptionalText(line.party));
  }
  // The lines are the ones ValidateEntry found balanced, written in one
  // statement (all or none): nothing is read back.
  CERCLES_RETURN_IF_ERROR(tx.Exec(sql, params).status());
  return id;
}

absl::StatusOr<int64_t> JournalStore::Reverse(storage::Transaction& tx, int64_t entry_id,
                                              absl::CivilDay effective_date,
                                              const std::string& description, absl::Time now,
                                              const std::string& actor) const {
  // On PostgreSQL a second Reverse of the same entry waits here for the first
  // transaction, then reads the link the first one wrote. SQLite writers are
  // serialised by BEGIN IMMEDIATE already.
  const char* lock = tx.engine() == storage::Engine::kPostgres ? " FOR UPDATE" : "";
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kEntryColumns, " FROM journal_entries WHERE id = ?", lock),
               {entry_id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("journal entry ", entry_id, " not found"));
  }
  CERCLES_ASSIGN_OR_RETURN(StoredEntry original, EntryFromRow(rows[0]));
  if (original.entry.reverses_entry_id.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "journal entry ", entry_id, " is itself the reversal of entry ",
        *original.entry.reverses_entry_id, "; post a new entry instead of reversing a reversal"));
  }
  if (original.reversed_by_entry_id.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("journal entry ", entry_id,
                                                      " is already reversed by entry ",
                                                      *original.reversed_by_entry_id));
  }
  if (effective_date < original.entry.effective_date) {
    return absl::InvalidArgumentError(
        absl::StrCat("effective_date: a reversal cannot be dated before the entry it reverses (",
                     DateText(original.entry.effective_date), ")"));
  }
  std::vector<StoredEntry*> one = {&original};
  CERCLES_RETURN_IF_ERROR(LoadLines(tx, one));

  const JournalEntry reversal = Reversal(
      EntryHeader{effective_date, original.entry.currency, description}, entry_id, original.entry);
  absl::StatusOr<int64_t> reversal_id = Insert(tx, reversal, now, actor);
  if (absl::IsAlreadyExists(reversal_id.status())) {
    // The unique index on reverses_entry_id: another transaction got there first.
    return absl::FailedPreconditionError(
        absl::StrCat("journal entry ", entry_id, " is already reversed"));
  }
  if (!reversal_id.ok()) return reversal_id.status();
  CERCLES_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec("UPDATE journal_entries SET reversed_by_entry_id = ? WHERE id = ? AND "
              "reversed_by_entry_id IS NULL AND reverses_entry_id IS NULL",
              {*reversal_id, entry_id}));
  if (changed != 1) {
    return absl::AbortedError(
        absl::StrCat("journal entry ", entry_id, " changed during its reversal; retry"));
  }
  return *reversal_id;
}

absl::Status JournalStore::LoadLines(storage::Transaction& tx,
                                     std::vector<StoredEntry*>& entries) const {
  if (entries.empty()) return absl::OkStatus();
  std::map<int64_t, StoredEntry*> by_id;
  std::vector<int64_t> ids;
  for (StoredEntry* entry : entries) {
    by_id[entry->id] = entry;
    ids.push_back(entry->id);
  }
  storage::Sql sql(
      "SELECT entry_id, account, debit_cents, credit_cents, loan, party FROM journal_lines WHERE "
      "entry_id IN ");
  sql.List(ids).Add(" ORDER BY entry_id, line_no");
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
  for (const storage::Row& row : rows) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) continue;
    std::optional<Account> account = AccountFromCode(row.Text(1));
    if (!account.has_value()) {
      return absl::InternalError(
          absl::StrCat("journal entry ", row.Int(0), " has a line on an unknown account"));
    }
    it->second->entry.lines.push_back(
        JournalLine{*account, row.Int(2), row.Int(3), row.Text(4), row.Text(5)});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredEntry>> JournalStore::Get(storage::Transaction& tx,
                                                             int64_t id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kEntryColumns, " FROM journal_entries WHERE id = ?"), {id}));
  if (rows.empty()) return std::optional<StoredEntry>();
  CERCLES_ASSIGN_OR_RETURN(StoredEntry stored, EntryFromRow(rows[0]));
  std::vector<StoredEntry*> one = {&stored};
  CERCLES_RETURN_IF_ERROR(LoadLines(tx, one));
  return std::optional<StoredEntry>(std::move(stored));
}

absl::StatusOr<AccountTotals> JournalStore::Balance(storage::Transaction& tx, Account account,
                                                    const SubLedger& sub_ledger,
                                                    absl::CivilDay as_of) const {
  const AccountInfo* info = FindAccount(account);
  if (info == nullptr) {
    return absl::InvalidArgumentError("account: not in the chart of accounts");
  }
  std::string sql = absl::StrCat("SELECT ", SumOf("l.debit_cents"), ", ", SumOf("l.credit_cents"),
                                 " FROM journal_lines l JOIN journal_entries e ON e.id = "
                                 "l.entry_id WHERE l.account = ? AND e.currency = ? AND "
                                 "e.effective_date <= ?");
  std::vector<storage::Value> params = {std::string(info->code), currency_, DateText(as_of)};
  if (!sub_ledger.loan.empty()) {
    sql += " AND l.loan = ?";
    params.emplace_back(sub_ledger.loan);
  }
  if (!sub_ledger.party.empty()) {
    sql += " AND l.party = ?";
    params.emplace_back(sub_ledger.party);
  }
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  AccountTotals totals;
  totals.account = account;
  if (!rows.empty()) {
    totals.debit_cents = rows[0].Int(0);
    totals.credit_cents = rows[0].Int(1);
  }
  totals.balance_cents = info->normal_side == Side::kDebit
                             ? totals.debit_cents - totals.credit_cents
                             : totals.credit_cents - totals.debit_cents;
  return totals;
}

absl::StatusOr<TrialBalanceReport> JournalStore::TrialBalance(storage::Transaction& tx,
                                                              absl::CivilDay as_of) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          absl::StrCat("SELECT l.account, ", SumOf("l.debit_cents"), ", ", SumOf("l.credit_cents"),
                       " FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id "
                       "WHERE e.currency = ? AND e.effective_date <= ? GROUP BY l.account"),
          {currency_, DateText(as_of)}));
  std::map<std::string, std::pair<int64_t, int64_t>> sums;
  for (const storage::Row& row : rows) {
    if (!AccountFromCode(row.Text(0)).has_value()) {
      return absl::InternalError("the journal has lines on an account outside the chart");
    }
    sums[row.Text(0)] = {row.Int(1), row.Int(2)};
  }
  TrialBalanceReport report;
  report.as_of = as_of;
  report.currency = currency_;
  for (const AccountInfo& info : ChartOfAccounts()) {
    AccountTotals totals;
    totals.account = info.account;
    auto it = sums.find(info.code);
    if (it != sums.end()) std::tie(totals.debit_cents, totals.credit_cents) = it->second;
    totals.balance_cents = info.normal_side == Side::kDebit
                               ? totals.debit_cents - totals.credit_cents
                               : totals.credit_cents - totals.debit_cents;
    report.total_debit_cents += totals.debit_cents;
    report.total_credit_cents += totals.credit_cents;
    report.accounts.push_back(totals);
  }
  return report;
}

absl::StatusOr<JournalPage> JournalStore::ListEntries(storage::Transaction& tx,
                                                      const JournalFilter& filter, int64_t after_id,
                                                      int limit) const {
  if (limit < 1 || limit > kMaxJournalEntriesPerList) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: must be between 1 and ", kMaxJournalEntriesPerList));
  }
  storage::Sql sql(absl::StrCat("SELECT ", kEntryColumns, " FROM journal_entries e WHERE e.id > ?"),
                   {after_id});
  if (!filter.loan.empty()) {
    sql.Add(" AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.entry_id = e.id AND l.loan = ?)",
            {filter.loan});
  }
  if (!filter.party.empty()) {
    sql.Add(" AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.entry_id = e.id AND l.party = ?)",
            {filter.party});
  }
  if (filter.loans_of_circles.has_value()) {
    sql.Add(
        " AND NOT EXISTS (SELECT 1 FROM journal_lines l WHERE l.entry_id = e.id AND l.loan IS NOT "
        "NULL AND l.loan <> ''");
    if (!filter.loans_of_circles->empty()) {
      sql.Add(" AND l.loan NOT IN (SELECT 'loans/' || o.id FROM loans o WHERE o.circle IN ")
          .List(*filter.loans_of_circles)
          .Add(")");
    }
    sql.Add(")");
  }
  if (filter.kind.has_value()) sql.Add(" AND e.kind = ?", {EntryKindName(*filter.kind)});
  if (filter.from_date.has_value()) {
    sql.Add(" AND e.effective_date >= ?", {DateText(*filter.from_date)});
  }
  if (filter.to_date.has_value())
    sql.Add(" AND e.effective_date <= ?", {DateText(*filter.to_date)});
  // One more tells whether a page follows.
  sql.Add(" ORDER BY e.id LIMIT ?", {static_cast<int64_t>(limit) + 1});
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
  JournalPage page;
  for (const storage::Row& row : rows) {
    if (page.entries.size() == static_cast<size_t>(limit)) {
      page.next_after_id = page.entries.back().id;
      break;
    }
    CERCLES_ASSIGN_OR_RETURN(StoredEntry stored, EntryFromRow(row));
    page.entries.push_back(std::move(stored));
  }
  std::vector<StoredEntry*> pointers;
  for (StoredEntry& stored : page.entries) pointers.push_back(&stored);
  CERCLES_RETURN_IF_ERROR(LoadLines(tx, pointers));
  return page;
}

absl::StatusOr<std::vector<int64_t>> JournalStore::FindUnbalancedEntries(
    storage::Transaction& tx) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT e.id FROM journal_entries e LEFT JOIN (SELECT entry_id, "
                            "COUNT(*) AS n, ",
                            SumOf("debit_cents"), " AS d, ", SumOf("credit_cents"),
                            " AS c FROM journal_lines GROUP BY entry_id) s ON s.entry_id = e.id "
                            "WHERE s.entry_id IS NULL OR s.n < 2 OR s.d <> s.c OR "
                            "s.d <> e.total_cents ORDER BY e.id")));
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const storage::Row& row : rows) ids.push_back(row.Int(0));
  return ids;
}

}  // namespace cercles::lending
