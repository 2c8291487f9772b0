// SQL of the double-entry journal (tables journal_entries and journal_lines,
// migration 0002_journal.sql). Every function runs inside the caller's
// transaction, so an entry commits together with the loan change it records, its
// event and its idempotency record.
//
// Balances are never stored: they are sums over the lines, so concurrent posts
// never read-modify-write a shared row and cannot lose an update.
#ifndef CERCLES_SERVICES_LENDING_JOURNAL_STORE_H_
#define CERCLES_SERVICES_LENDING_JOURNAL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/storage/database.h"
#include "services/lending/journal.h"

namespace cercles::lending {

struct StoredEntry {
  int64_t id = 0;
  JournalEntry entry;
  std::optional<int64_t> reversed_by_entry_id;
  absl::Time create_time;
  std::string posted_by;
};

// Empty strings and unset optionals match everything.
struct JournalFilter {
  std::string loan;   // entries with at least one line on this loan
  std::string party;  // entries with at least one line on this party
  std::optional<EntryKind> kind;
  std::optional<absl::CivilDay> from_date;  // effective_date >= from_date
  std::optional<absl::CivilDay> to_date;    // effective_date <= to_date
  // Set: entries with a line on a loan outside these circles ("circles/{id}", as
  // the loans table places the loans now) are left out; entries on no loan stay.
  std::optional<std::vector<std::string>> loans_of_circles = std::nullopt;
};

struct JournalPage {
  std::vector<StoredEntry> entries;  // by id, with their lines
  // Pass as after_id for the next page; unset on the last page.
  std::optional<int64_t> next_after_id;
};

// A sub-ledger selection for Balance: empty fields match every line.
struct SubLedger {
  std::string loan;
  std::string party;
};

struct AccountTotals {
  Account account = Account::kCash;
  int64_t debit_cents = 0;
  int64_t credit_cents = 0;
  // On the account's normal side: debits - credits for debit-normal accounts,
  // credits - debits otherwise (negative when the account is "upside down").
  int64_t balance_cents = 0;
};

struct TrialBalanceReport {
  absl::CivilDay as_of;
  std::string currency;
  std::vector<AccountTotals> accounts;  // every account of the chart, in code order
  int64_t total_debit_cents = 0;
  int64_t total_credit_cents = 0;
  bool balanced() const { return total_debit_cents == total_credit_cents; }
};

class JournalStore {
 public:
  // The fund keeps its books in one currency; entries in another are refused.
  explicit JournalStore(std::string currency) : currency_(std::move(currency)) {}

  // Validates (ValidateEntry) and inserts the entry and its lines; returns its id.
  // After the insert the stored lines are summed again within the transaction,
  // and an entry that does not balance there is refused (INTERNAL): the
  // transaction must then be rolled back. Direct posting of a reversal kind is
  // refused (use Reverse).
  absl::StatusOr<int64_t> Post(storage::Transaction& tx, const JournalEntry& entry, absl::Time now,
                               const std::string& actor) const;

  // Posts the reversal of entry `entry_id` dated `effective_date` (not before the
  // original's date) and links both entries. NOT_FOUND for an unknown entry;
  // FAILED_PRECONDITION when the entry is already reversed or is itself a
  // reversal (post a new entry instead). Returns the reversal's id.
  absl::StatusOr<int64_t> Reverse(storage::Transaction& tx, int64_t entry_id,
                                  absl::CivilDay effective_date, const std::string& description,
                                  absl::Time now, const std::string& actor) const;

  absl::StatusOr<std::optional<StoredEntry>> Get(storage::Transaction& tx, int64_t id) const;

  // Totals of one account over entries dated on or before as_of.
  absl::StatusOr<AccountTotals> Balance(storage::Transaction& tx, Account account,
                                        const SubLedger& sub_ledger, absl::CivilDay as_of) const;

  absl::StatusOr<TrialBalanceReport> TrialBalance(storage::Transaction& tx,
                                                  absl::CivilDay as_of) const;

  // Entries with id > after_id matching the filter, in id (posting) order, at most
  // `limit` (1..1000) per page.
  absl::StatusOr<JournalPage> ListEntries(storage::Transaction& tx, const JournalFilter& filter,
                                          int64_t after_id, int limit) const;

  // An audit of the whole journal: ids of entries whose stored lines do not sum
  // to equal debits and credits equal to the entry's recorded total. Empty when
  // the books are sound.
  absl::StatusOr<std::vector<int64_t>> FindUnbalancedEntries(storage::Transaction& tx) const;

 private:
  absl::StatusOr<int64_t> Insert(storage::Transaction& tx, const JournalEntry& entry,
                                 absl::Time now, const std::string& actor) const;
  absl::Status LoadLines(storage::Transaction& tx, std::vector<StoredEntry*>& entries) const;

  std::string currency_;
};

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_JOURNAL_STORE_H_
