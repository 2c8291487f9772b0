// The fund's double-entry journal, as pure rules (no SQL, no gRPC): the chart of
// accounts, the shape of an entry, the one validation every entry passes before it
// is posted, and builders for the standard money movements of a microcredit fund.
//
// Entries are never edited: a mistake is corrected by posting the reversal of the
// entry (Reversal below), which has the same lines with the sides swapped.
// Amounts are integer cents of the entry's single currency.
#ifndef CERCLES_SERVICES_LENDING_JOURNAL_H_
#define CERCLES_SERVICES_LENDING_JOURNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace cercles::lending {

// The chart of accounts. The string codes are stable (they are stored); the enum
// values are not, so never persist static_cast<int>(account).
enum class Account {
  kCash,                 // 1000 asset: the fund's bank account
  kLoansReceivable,      // 1100 asset: principal outstanding, per loan
  kInterestReceivable,   // 1110 asset: interest accrued and not yet paid, per loan
  kGuaranteeReceivable,  // 1200 asset: amounts called from guarantors, per loan and guarantor
  kUnappliedPayments,    // 2000 liability: overpayments owed back to borrowers, per loan
  kFundCapital,          // 3000 equity: capital contributed to the lending fund
  kInterestIncome,       // 4000 income
  kFeeIncome,            // 4100 income: late and administration fees
  kRecoveryIncome,       // 4200 income: cash recovered on written-off loans
  kWriteOffExpense,      // 5000 expense: loans (principal and accrued interest) written off
};

enum class AccountType { kAsset, kLiability, kEquity, kIncome, kExpense };
enum class Side { kDebit, kCredit };

struct AccountInfo {
  Account account;
  const char* code;  // "1100"
  const char* name;  // "LOANS_RECEIVABLE"
  AccountType type;
  Side normal_side;  // assets and expenses debit, the others credit
  bool requires_loan;
  bool requires_party;
};

// Every account, in code order.
const std::vector<AccountInfo>& ChartOfAccounts();
// nullptr for a value outside the chart.
const AccountInfo* FindAccount(Account account);
std::optional<Account> AccountFromCode(absl::string_view code);
// "1100" (or "unknown" outside the chart).
std::string AccountCode(Account account);

enum class EntryKind {
  kCapitalContribution,
  kDisbursement,
  kRepayment,
  kInterestAccrual,
  kWriteOff,
  kRecovery,
  kGuaranteeCall,
  kGuaranteePayment,
  kRepaymentReversal,  // the reversal of a REPAYMENT
  kReversal,           // the reversal of any other kind
};

// "DISBURSEMENT", "REPAYMENT_REVERSAL"... stable, stored.
std::string EntryKindName(EntryKind kind);
std::optional<EntryKind> EntryKindFromName(absl::string_view name);
bool IsReversalKind(EntryKind kind);

inline constexpr int64_t kMaxLineCents = 10'000'000'000'000;  // 10^13 cents
inline constexpr size_t kMaxLines = 200;
inline constexpr size_t kMaxDescriptionLength = 500;

// One line: exactly one of debit_cents and credit_cents is positive. The
// sub-ledger dimensions are resource names, empty when absent.
struct JournalLine {
  Account account = Account::kCash;
  int64_t debit_cents = 0;
  int64_t credit_cents = 0;
  std::string loan;   // "loans/{id}"
  std::string party;  // "people/{id}" or "circles/{id}": a guarantor, a contributor
};

struct JournalEntry {
  EntryKind kind = EntryKind::kDisbursement;
  absl::CivilDay effective_date;
  std::string description;
  std::string currency;  // ISO 4217, e.g. "CAD"
  std::vector<JournalLine> lines;
  std::optional<int64_t> reverses_entry_id;  // set exactly on reversal kinds
};

// INVALID_ARGUMENT naming the field or line ("lines[2]: ...") and the rule:
// a known kind; a date in years 1900..9999; a description of at most 500
// characters; a three-letter upper-case currency; 2..200 lines; each line on a
// known account, with exactly one positive side of at most 10^13 cents, the loan
// and party its account requires and well-formed resource names; debits equal
// credits; reverses_entry_id positive and present exactly on reversal kinds.
absl::Status ValidateEntry(const JournalEntry& entry);

int64_t TotalDebits(const JournalEntry& entry);
int64_t TotalCredits(const JournalEntry& entry);

// What every builder needs besides its amounts.
struct EntryHeader {
  absl::CivilDay effective_date;
  std::string currency;
  std::string description;  // empty: the builder writes one
};

// The builders only arrange lines (zero parts are left out); ValidateEntry is
// the one gate, so an impossible amount shows up there, when the entry is posted.

// Dr CASH / Cr FUND_CAPITAL. `party` (optional) is the contributor.
JournalEntry CapitalContribution(const EntryHeader& header, int64_t amount_cents,
                                 const std::string& party = "");
// Dr LOANS_RECEIVABLE / Cr CASH.
JournalEntry Disbursement(const EntryHeader& header, const std::string& loan,
                          int64_t principal_cents);

// How one payment received from a borrower is applied.
struct RepaymentSplit {
  int64_t principal_cents = 0;         // Cr LOANS_RECEIVABLE
  int64_t interest_cents = 0;          // Cr INTEREST_INCOME (interest not accrued before)
  int64_t accrued_interest_cents = 0;  // Cr INTEREST_RECEIVABLE (interest accrued before)
  int64_t fee_cents = 0;               // Cr FEE_INCOME
  int64_t overpayment_cents = 0;       // Cr UNAPPLIED_PAYMENTS
  int64_t total() const {
    return principal_cents + interest_cents + accrued_interest_cents + fee_cents +
           overpayment_cents;
  }
};
// Dr CASH (the whole payment) / Cr the parts.
JournalEntry Repayment(const EntryHeader& header, const std::string& loan,
                       const RepaymentSplit& split);
// Dr INTEREST_RECEIVABLE / Cr INTEREST_INCOME.
JournalEntry InterestAccrual(const EntryHeader& header, const std::string& loan,
                             int64_t interest_cents);
// Dr WRITE_OFF_EXPENSE / Cr LOANS_RECEIVABLE (principal), Cr INTEREST_RECEIVABLE (accrued).
JournalEntry WriteOff(const EntryHeader& header, const std::string& loan, int64_t principal_cents,
                      int64_t accrued_interest_cents = 0);
// Dr CASH / Cr RECOVERY_INCOME: money collected on a loan after its write-off.
JournalEntry Recovery(const EntryHeader& header, const std::string& loan, int64_t amount_cents);

struct GuarantorShare {
  std::string party;  // "people/{id}" or "circles/{id}"
  int64_t cents = 0;
};
// `total_cents` split equally among `parties`; the first (total % n) parties
// carry one cent more, so the shares sum exactly to the total. Empty when n == 0.
std::vector<GuarantorShare> ShareEqually(int64_t total_cents,
                                         const std::vector<std::string>& parties);
// The fund calls the guarantee of a loan in default: the called principal moves
// from the borrower to the guarantors. Dr GUARANTEE_RECEIVABLE per guarantor /
// Cr LOANS_RECEIVABLE (the sum of the shares).
JournalEntry GuaranteeCall(const EntryHeader& header, const std::string& loan,
                           const std::vector<GuarantorShare>& shares);
// A guarantor pays its share: Dr CASH / Cr GUARANTEE_RECEIVABLE (loan, party).
JournalEntry GuaranteePayment(const EntryHeader& header, const std::string& loan,
                              const std::string& party, int64_t amount_cents);

// The entry that cancels `original` (posted as entry `original_id`): the same
// lines, sides swapped, in the original's currency; REPAYMENT_REVERSAL for a
// repayment, REVERSAL otherwise. header.currency is ignored.
JournalEntry Reversal(const EntryHeader& header, int64_t original_id, const JournalEntry& original);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_JOURNAL_H_
