#include "services/lending/journal.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/money.h"
#include "common/api/resource_name.h"

namespace cercles::lending {
namespace {

struct KindInfo {
  EntryKind kind;
  const char* name;
};

constexpr KindInfo kKinds[] = {
    {EntryKind::kCapitalContribution, "CAPITAL_CONTRIBUTION"},
    {EntryKind::kDisbursement, "DISBURSEMENT"},
    {EntryKind::kRepayment, "REPAYMENT"},
    {EntryKind::kInterestAccrual, "INTEREST_ACCRUAL"},
    {EntryKind::kWriteOff, "WRITE_OFF"},
    {EntryKind::kRecovery, "RECOVERY"},
    {EntryKind::kGuaranteeCall, "GUARANTEE_CALL"},
    {EntryKind::kGuaranteePayment, "GUARANTEE_PAYMENT"},
    {EntryKind::kRepaymentReversal, "REPAYMENT_REVERSAL"},
    {EntryKind::kReversal, "REVERSAL"},
};

const KindInfo* FindKind(EntryKind kind) {
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) return &info;
  }
  return nullptr;
}

absl::Status LineError(size_t index, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat("lines[", index, "]: ", rule));
}

absl::Status ValidateLine(size_t i, const JournalLine& line) {
  const AccountInfo* account = FindAccount(line.account);
  if (account == nullptr) return LineError(i, "account is not in the chart of accounts");
  const std::string which = absl::StrCat(" (account ", account->code, " ", account->name, ")");
  if (line.debit_cents < 0 || line.credit_cents < 0) {
    return LineError(i, absl::StrCat("amounts must not be negative", which));
  }
  if (line.debit_cents > 0 && line.credit_cents > 0) {
    return LineError(
        i, absl::StrCat("has both a debit and a credit; a line has exactly one side", which));
  }
  if (line.debit_cents == 0 && line.credit_cents == 0) {
    return LineError(i, absl::StrCat("has no amount; a line has exactly one positive side", which));
  }
  if (line.debit_cents > kMaxLineCents || line.credit_cents > kMaxLineCents) {
    return LineError(i, absl::StrCat("amount exceeds ", kMaxLineCents, " minor units", which));
  }
  if (!line.loan.empty()) {
    absl::Status loan =
        api::ParseName(line.loan, "loans", absl::StrCat("lines[", i, "]: loan")).status();
    if (!loan.ok()) return loan;
  }
  if (!line.party.empty()) {
    absl::Status party =
        api::ParseNameIn(line.party, {"people", "circles"}, absl::StrCat("lines[", i, "]: party"))
            .status();
    if (!party.ok()) return party;
  }
  if (account->requires_loan && line.loan.empty()) {
    return LineError(i, absl::StrCat("a loan is required", which));
  }
  if (account->requires_party && line.party.empty()) {
    return LineError(i, absl::StrCat("a party (the guarantor) is required", which));
  }
  return absl::OkStatus();
}

JournalLine Debit(Account account, int64_t cents, std::string loan, std::string party = "") {
  return JournalLine{account, cents, 0, std::move(loan), std::move(party)};
}

JournalLine Credit(Account account, int64_t cents, std::string loan, std::string party = "") {
  return JournalLine{account, 0, cents, std::move(loan), std::move(party)};
}

JournalEntry Start(EntryKind kind, const EntryHeader& header, std::string default_description) {
  JournalEntry entry;
  entry.kind = kind;
  entry.effective_date = header.effective_date;
  entry.currency = header.currency;
  entry.description =
      header.description.empty() ? std::move(default_description) : header.description;
  return entry;
}

// The common shape: one debit and one credit of the same amount and dimensions.
JournalEntry TwoLines(EntryKind kind, const EntryHeader& header, std::string default_description,
                      Account debit, Account credit, int64_t cents, const std::string& loan,
                      const std::string& party = "") {
  JournalEntry entry = Start(kind, header, std::move(default_description));
  entry.lines.push_back(Debit(debit, cents, loan, party));
  entry.lines.push_back(Credit(credit, cents, loan, party));
  return entry;
}

// Adds a credit line unless the amount is zero (the builders leave zero parts out).
void AddCredit(JournalEntry& entry, Account account, int64_t cents, const std::string& loan) {
  if (cents != 0) entry.lines.push_back(Credit(account, cents, loan));
}

}  // namespace

const std::vector<AccountInfo>& ChartOfAccounts() {
  static const auto* const chart = new std::vector<AccountInfo>{
      {Account::kCash, "1000", "CASH", AccountType::kAsset, Side::kDebit, false, false},
      {Account::kLoansReceivable, "1100", "LOANS_RECEIVABLE", AccountType::kAsset, Side::kDebit,
       true, false},
      {Account::kInterestReceivable, "1110", "INTEREST_RECEIVABLE", AccountType::kAsset,
       Side::kDebit, true, false},
      {Account::kGuaranteeReceivable, "1200", "GUARANTEE_RECEIVABLE", AccountType::kAsset,
       Side::kDebit, true, true},
      {Account::kUnappliedPayments, "2000", "UNAPPLIED_PAYMENTS", AccountType::kLiability,
       Side::kCredit, true, false},
      {Account::kFundCapital, "3000", "FUND_CAPITAL", AccountType::kEquity, Side::kCredit, false,
       false},
      {Account::kInterestIncome, "4000", "INTEREST_INCOME", AccountType::kIncome, Side::kCredit,
       false, false},
      {Account::kFeeIncome, "4100", "FEE_INCOME", AccountType::kIncome, Side::kCredit, false,
       false},
      {Account::kRecoveryIncome, "4200", "RECOVERY_INCOME", AccountType::kIncome, Side::kCredit,
       false, false},
      {Account::kWriteOffExpense, "5000", "WRITE_OFF_EXPENSE", AccountType::kExpense, Side::kDebit,
       false, false},
  };
  return *chart;
}

const AccountInfo* FindAccount(Account account) {
  for (const AccountInfo& info : ChartOfAccounts()) {
    if (info.account == account) return &info;
  }
  return nullptr;
}

std::optional<Account> AccountFromCode(absl::string_view code) {
  for (const AccountInfo& info : ChartOfAccounts()) {
    if (code == info.code) return info.account;
  }
  return std::nullopt;
}

std::string AccountCode(Account account) {
  const AccountInfo* info = FindAccount(account);
  return info == nullptr ? "unknown" : info->code;
}

std::string EntryKindName(EntryKind kind) {
  const KindInfo* info = FindKind(kind);
  return info == nullptr ? "UNKNOWN" : info->name;
}

std::optional<EntryKind> EntryKindFromName(absl::string_view name) {
  for (const KindInfo& info : kKinds) {
    if (name == info.name) return info.kind;
  }
  return std::nullopt;
}

bool IsReversalKind(EntryKind kind) {
  return kind == EntryKind::kReversal || kind == EntryKind::kRepaymentReversal;
}

int64_t TotalDebits(const JournalEntry& entry) {
  int64_t total = 0;
  for (const JournalLine& line : entry.lines) total += line.debit_cents;
  return total;
}

int64_t TotalCredits(const JournalEntry& entry) {
  int64_t total = 0;
  for (const JournalLine& line : entry.lines) total += line.credit_cents;
  return total;
}

absl::Status ValidateEntry(const JournalEntry& entry) {
  if (FindKind(entry.kind) == nullptr) {
    return absl::InvalidArgumentError("kind: not a known entry kind");
  }
  // Four-digit years keep the stored "YYYY-MM-DD" text in date order.
  if (entry.effective_date.year() < 1900 || entry.effective_date.year() > 9999) {
    return absl::InvalidArgumentError("effective_date: the year must be between 1900 and 9999");
  }
  if (entry.description.size() > kMaxDescriptionLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("description: at most ", kMaxDescriptionLength, " characters"));
  }
  const std::string& currency = entry.currency;
  if (!api::IsCurrencyCode(currency)) {
    return absl::InvalidArgumentError(
        "currency: must be a three-letter upper-case ISO 4217 code such as CAD");
  }
  if (IsReversalKind(entry.kind) != entry.reverses_entry_id.has_value()) {
    return absl::InvalidArgumentError(
        "reverses_entry_id: required on REVERSAL and REPAYMENT_REVERSAL entries and only there");
  }
  if (entry.reverses_entry_id.has_value() && *entry.reverses_entry_id <= 0) {
    return absl::InvalidArgumentError("reverses_entry_id: must be a positive entry id");
  }
  if (entry.lines.size() < 2) {
    return absl::InvalidArgumentError("lines: an entry has at least 2 lines");
  }
  if (entry.lines.size() > kMaxLines) {
    return absl::InvalidArgumentError(absl::StrCat("lines: at most ", kMaxLines, " lines"));
  }
  for (size_t i = 0; i < entry.lines.size(); ++i) {
    absl::Status line = ValidateLine(i, entry.lines[i]);
    if (!line.ok()) return line;
  }
  // Each line is at most 10^13 and there are at most 200: the sums cannot overflow.
  const int64_t debits = TotalDebits(entry);
  const int64_t credits = TotalCredits(entry);
  if (debits != credits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lines: debits (", debits, " minor units) must equal credits (", credits, " minor units)"));
  }
  return absl::OkStatus();
}

JournalEntry CapitalContribution(const EntryHeader& header, int64_t amount_cents,
                                 const std::string& party) {
  return TwoLines(EntryKind::kCapitalContribution, header, "Capital contribution", Account::kCash,
                  Account::kFundCapital, amount_cents, "", party);
}

JournalEntry Disbursement(const EntryHeader& header, const std::string& loan,
                          int64_t principal_cents) {
  return TwoLines(EntryKind::kDisbursement, header, absl::StrCat("Disbursement of ", loan),
                  Account::kLoansReceivable, Account::kCash, principal_cents, loan);
}

JournalEntry Repayment(const EntryHeader& header, const std::string& loan,
                       const RepaymentSplit& split) {
  JournalEntry entry = Start(EntryKind::kRepayment, header, absl::StrCat("Repayment on ", loan));
  entry.lines.push_back(Debit(Account::kCash, split.total(), loan));
  AddCredit(entry, Account::kLoansReceivable, split.principal_cents, loan);
  AddCredit(entry, Account::kInterestIncome, split.interest_cents, loan);
  AddCredit(entry, Account::kInterestReceivable, split.accrued_interest_cents, loan);
  AddCredit(entry, Account::kFeeIncome, split.fee_cents, loan);
  AddCredit(entry, Account::kUnappliedPayments, split.overpayment_cents, loan);
  return entry;
}

JournalEntry InterestAccrual(const EntryHeader& header, const std::string& loan,
                             int64_t interest_cents) {
  return TwoLines(EntryKind::kInterestAccrual, header, absl::StrCat("Interest accrued on ", loan),
                  Account::kInterestReceivable, Account::kInterestIncome, interest_cents, loan);
}

JournalEntry WriteOff(const EntryHeader& header, const std::string& loan, int64_t principal_cents,
                      int64_t accrued_interest_cents) {
  JournalEntry entry = Start(EntryKind::kWriteOff, header, absl::StrCat("Write-off of ", loan));
  entry.lines.push_back(
      Debit(Account::kWriteOffExpense, principal_cents + accrued_interest_cents, loan));
  AddCredit(entry, Account::kLoansReceivable, principal_cents, loan);
  AddCredit(entry, Account::kInterestReceivable, accrued_interest_cents, loan);
  return entry;
}

JournalEntry Recovery(const EntryHeader& header, const std::string& loan, int64_t amount_cents) {
  return TwoLines(EntryKind::kRecovery, header, absl::StrCat("Recovery on written-off ", loan),
                  Account::kCash, Account::kRecoveryIncome, amount_cents, loan);
}

std::vector<GuarantorShare> ShareEqually(int64_t total_cents,
                                         const std::vector<std::string>& parties) {
  std::vector<GuarantorShare> shares;
  if (parties.empty()) return shares;
  const auto n = static_cast<int64_t>(parties.size());
  const int64_t base = total_cents / n;
  const int64_t remainder = total_cents % n;
  for (int64_t i = 0; i < n; ++i) {
    shares.push_back(
        GuarantorShare{parties[static_cast<size_t>(i)], base + (i < remainder ? 1 : 0)});
  }
  return shares;
}

JournalEntry GuaranteeCall(const EntryHeader& header, const std::string& loan,
                           const std::vector<GuarantorShare>& shares) {
  JournalEntry entry =
      Start(EntryKind::kGuaranteeCall, header, absl::StrCat("Guarantee called on ", loan));
  int64_t total = 0;
  for (const GuarantorShare& share : shares) {
    entry.lines.push_back(Debit(Account::kGuaranteeReceivable, share.cents, loan, share.party));
    total += share.cents;
  }
  entry.lines.push_back(Credit(Account::kLoansReceivable, total, loan));
  return entry;
}

JournalEntry GuaranteePayment(const EntryHeader& header, const std::string& loan,
                              const std::string& party, int64_t amount_cents) {
  return TwoLines(EntryKind::kGuaranteePayment, header,
                  absl::StrCat("Guarantee payment on ", loan, " by ", party), Account::kCash,
                  Account::kGuaranteeReceivable, amount_cents, loan, party);
}

JournalEntry Reversal(const EntryHeader& header, int64_t original_id,
                      const JournalEntry& original) {
  const EntryKind kind =
      original.kind == EntryKind::kRepayment ? EntryKind::kRepaymentReversal : EntryKind::kReversal;
  JournalEntry entry = Start(kind, header, absl::StrCat("Reversal of entry ", original_id));
  entry.currency = original.currency;
  entry.reverses_entry_id = original_id;
  entry.lines.reserve(original.lines.size());
  for (const JournalLine& line : original.lines) {
    JournalLine swapped = line;
    std::swap(swapped.debit_cents, swapped.credit_cents);
    entry.lines.push_back(std::move(swapped));
  }
  return entry;
}

}  // namespace cercles::lending
