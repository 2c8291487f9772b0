// LendingService, the books: capital contributions, the trial balance, the
// journal listing and the portfolio report (portfolio.h has its arithmetic).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/lending/v1/events.pb.h"
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/journal_store.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/portfolio.h"
#include "services/lending/portfolio_store.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

constexpr int kDefaultJournalPageSize = 100;
constexpr int kMaxJournalPageSize = 1000;
constexpr size_t kMaxContributorLength = 200;

const char* AccountTypeName(AccountType type) {
  switch (type) {
    case AccountType::kAsset:
      return "ASSET";
    case AccountType::kLiability:
      return "LIABILITY";
    case AccountType::kEquity:
      return "EQUITY";
    case AccountType::kIncome:
      return "INCOME";
    case AccountType::kExpense:
      return "EXPENSE";
  }
  return "UNKNOWN";
}

const std::vector<EntryKind>& AllEntryKinds() {
  static const auto* const kKinds = new std::vector<EntryKind>{EntryKind::kCapitalContribution,
                                                               EntryKind::kDisbursement,
                                                               EntryKind::kRepayment,
                                                               EntryKind::kInterestAccrual,
                                                               EntryKind::kWriteOff,
                                                               EntryKind::kRecovery,
                                                               EntryKind::kGuaranteeCall,
                                                               EntryKind::kGuaranteePayment,
                                                               EntryKind::kRepaymentReversal,
                                                               EntryKind::kReversal};
  return *kKinds;
}

absl::StatusOr<EntryKind> ParseEntryKind(const std::string& name) {
  if (std::optional<EntryKind> kind = EntryKindFromName(name); kind.has_value()) return *kind;
  std::vector<std::string> names;
  for (EntryKind kind : AllEntryKinds()) names.push_back(EntryKindName(kind));
  return absl::InvalidArgumentError(absl::StrCat("kind \"", name.substr(0, 60),
                                                 "\" is not a journal entry kind; one of ",
                                                 absl::StrJoin(names, ", ")));
}

// A journal line's party: "people/{id}" or "circles/{id}".
absl::Status CheckPartyName(const std::string& party) {
  return api::ParseNameIn(party, {"people", "circles"}, "party").status();
}

absl::StatusOr<int> JournalPageSize(int32_t page_size) {
  if (page_size == 0) return kDefaultJournalPageSize;
  if (page_size < 0 || page_size > kMaxJournalPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be from 0 (default ",
                                                   kDefaultJournalPageSize, ") to ",
                                                   kMaxJournalPageSize));
  }
  return page_size;
}

// `date` when set, today (the fund's day of `now`) otherwise.
absl::StatusOr<absl::CivilDay> DayOrToday(const cercles::common::v1::Date& date,
                                          const std::string& field, absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> day, FromDate(date, field));
  return day.value_or(Today(now));
}

v1::JournalEntry EntryToProto(const StoredEntry& stored) {
  v1::JournalEntry out;
  out.set_id(stored.id);
  SetEntryKind(EntryKindName(stored.entry.kind), &out);
  *out.mutable_effective_date() = api::DateFromDay(stored.entry.effective_date);
  out.set_description(stored.entry.description);
  out.set_currency(stored.entry.currency);
  for (const JournalLine& line : stored.entry.lines) {
    v1::JournalLine* proto = out.add_lines();
    proto->set_account(AccountCode(line.account));
    if (const AccountInfo* info = FindAccount(line.account); info != nullptr) {
      proto->set_account_name(info->name);
    }
    SetLineAmounts(line.debit_cents, line.credit_cents, stored.entry.currency, proto);
    proto->set_loan(line.loan);
    proto->set_party(line.party);
  }
  out.set_reverses_entry_id(stored.entry.reverses_entry_id.value_or(0));
  out.set_reversed_by_entry_id(stored.reversed_by_entry_id.value_or(0));
  out.set_posted_by(stored.posted_by);
  SetTimestamp(stored.create_time, out.mutable_create_time());
  return out;
}

absl::StatusOr<JournalFilter> JournalFilterOf(const v1::ListJournalEntriesRequest& request) {
  JournalFilter filter;
  if (!request.loan().empty()) {
    CERCLES_RETURN_IF_ERROR(api::ParseName(request.loan(), "loans", "loan").status());
    filter.loan = request.loan();
  }
  if (!request.party().empty()) {
    CERCLES_RETURN_IF_ERROR(CheckPartyName(request.party()));
    filter.party = request.party();
  }
  CERCLES_ASSIGN_OR_RETURN(std::string kind, RequestedEntryKind(request));
  if (!kind.empty()) {
    CERCLES_ASSIGN_OR_RETURN(filter.kind, ParseEntryKind(kind));
  }
  CERCLES_ASSIGN_OR_RETURN(filter.from_date, FromDate(request.from_date(), "from_date"));
  CERCLES_ASSIGN_OR_RETURN(filter.to_date, FromDate(request.to_date(), "to_date"));
  if (filter.from_date.has_value() && filter.to_date.has_value() &&
      *filter.from_date > *filter.to_date) {
    return absl::InvalidArgumentError("from_date must not be after to_date");
  }
  return filter;
}

// An advisor's journal: the entries on the loans of their circles and the
// fund's own entries tied to no loan (capital contributions: fund-wide, as the
// trial balance every staff member reads), never an entry on another circle's
// loan. Naming a loan outside their circles is refused as GetLoan refuses it; a
// loan that does not exist lists nothing, as for an admin.
absl::Status RestrictJournalToScope(storage::Transaction& tx, const auth::Principal& who,
                                    JournalFilter* filter) {
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who));
  if (scope.all()) return absl::OkStatus();
  if (!filter->loan.empty()) {
    CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(filter->loan, "loans", "loan"));
    absl::StatusOr<LoanRecord> loan = LoadLoan(tx, id, /*for_update=*/false);
    if (!loan.ok() && !absl::IsNotFound(loan.status())) return loan.status();
    if (loan.ok()) CERCLES_RETURN_IF_ERROR(CheckLoanAccess(tx, who, *loan));
  }
  filter->loans_of_circles = scope.CircleNames();
  return absl::OkStatus();
}

v1::PortfolioFigures FiguresToProto(const PortfolioFigures& figures, const std::string& currency) {
  v1::PortfolioFigures out;
  out.set_group(figures.group);
  out.set_active_loans(figures.active_loans);
  *out.mutable_outstanding_principal() =
      api::ToMoney(figures.outstanding_principal_cents, currency);
  *out.mutable_par30_principal() = api::ToMoney(figures.par30_principal_cents, currency);
  out.set_par30_bps(figures.par30_bps);
  out.set_repayment_rate_bps(figures.repayment_rate_bps);
  for (int32_t count : figures.loans_per_bucket) out.add_loans_per_bucket(count);
  out.set_closed_repaid_loans(figures.closed_repaid_loans);
  out.set_written_off_loans(figures.written_off_loans);
  *out.mutable_written_off_principal() =
      api::ToMoney(figures.written_off_principal_cents, currency);
  return out;
}

void ReportToProto(const PortfolioReport& report, const std::string& currency,
                   v1::GetPortfolioReportResponse* response) {
  *response->mutable_as_of() = api::DateFromDay(report.as_of);
  *response->mutable_fund() = FiguresToProto(report.fund, currency);
  for (const PortfolioFigures& f : report.by_circle) {
    *response->add_by_circle() = FiguresToProto(f, currency);
  }
  for (const PortfolioFigures& f : report.by_advisor) {
    *response->add_by_advisor() = FiguresToProto(f, currency);
  }
  for (const std::string& label : report.bucket_labels) response->add_bucket_labels(label);
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::GetPortfolioReport(
    grpc::CallbackServerContext* context, const v1::GetPortfolioReportRequest* request,
    v1::GetPortfolioReportResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(absl::CivilDay as_of,
                                 DayOrToday(request->as_of(), "as_of", context_.clock->Now()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(*tx));
        const JournalStore journal(settings.currency);
        CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(*tx, who));
        CERCLES_ASSIGN_OR_RETURN(std::vector<PortfolioLoan> loans,
                                 LoadPortfolio(*tx, scope, journal, as_of));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        CERCLES_ASSIGN_OR_RETURN(PortfolioReport report,
                                 BuildPortfolioReport(loans, as_of, settings.arrears_buckets,
                                                      settings.arrears_tolerance_cents));
        ReportToProto(report, settings.currency, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* LendingService::RecordCapitalContribution(
    grpc::CallbackServerContext* context, const v1::RecordCapitalContributionRequest* request,
    v1::RecordCapitalContributionResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(std::string contributor,
                                 api::CleanText(request->contributor(), "contributor",
                                                api::MultiLine(1, kMaxContributorLength)));
        if (!request->has_amount()) return absl::InvalidArgumentError("amount is required");
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(int64_t cents,
                                       FromMoney(request->amount(), settings.currency, "amount"));
              CERCLES_ASSIGN_OR_RETURN(
                  absl::CivilDay day, DayOrToday(request->effective_date(), "effective_date", now));
              if (day > Today(now)) {
                return absl::InvalidArgumentError(absl::StrCat(
                    "effective_date must not be after today (", absl::FormatCivilTime(Today(now)),
                    "): record the contribution when the money arrives"));
              }
              const JournalEntry entry = CapitalContribution(
                  EntryHeader{day, settings.currency,
                              absl::StrCat("Capital contribution from ", contributor)},
                  cents);
              const JournalStore journal(settings.currency);
              CERCLES_ASSIGN_OR_RETURN(int64_t id, journal.Post(tx, entry, now, who.ToString()));
              CERCLES_ASSIGN_OR_RETURN(std::optional<StoredEntry> stored, journal.Get(tx, id));
              if (!stored.has_value()) return absl::InternalError("posted entry not found");
              *response->mutable_entry() = EntryToProto(*stored);
              v1::CapitalContributed event;
              *event.mutable_entry() = response->entry();
              event.set_contributor(contributor);
              return events::AppendEvent(tx, context_.fund_id, absl::StrCat("journalEntries/", id),
                                         event, now)
                  .status();
            });
      });
}

grpc::ServerUnaryReactor* LendingService::GetTrialBalance(grpc::CallbackServerContext* context,
                                                          const v1::GetTrialBalanceRequest* request,
                                                          v1::GetTrialBalanceResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(absl::CivilDay as_of,
                                 DayOrToday(request->as_of(), "as_of", context_.clock->Now()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(*tx));
        CERCLES_ASSIGN_OR_RETURN(TrialBalanceReport report,
                                 JournalStore(settings.currency).TrialBalance(*tx, as_of));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        *response->mutable_as_of() = api::DateFromDay(report.as_of);
        response->set_currency(report.currency);
        for (const AccountTotals& totals : report.accounts) {
          const AccountInfo* info = FindAccount(totals.account);
          if (info == nullptr) return absl::InternalError("an account outside the chart");
          v1::AccountBalance* account = response->add_accounts();
          account->set_account(info->code);
          account->set_account_name(info->name);
          SetAccountType(AccountTypeName(info->type), account);
          SetAccountAmounts(totals.debit_cents, totals.credit_cents, totals.balance_cents,
                            report.currency, account);
        }
        SetTotals(report.total_debit_cents, report.total_credit_cents, report.currency, response);
        response->set_balanced(report.balanced());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* LendingService::ListJournalEntries(
    grpc::CallbackServerContext* context, const v1::ListJournalEntriesRequest* request,
    v1::ListJournalEntriesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, JournalPageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after_id, api::DecodeIdPageToken(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(JournalFilter filter, JournalFilterOf(*request));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(RestrictJournalToScope(*tx, who, &filter));
        CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(*tx));
        CERCLES_ASSIGN_OR_RETURN(
            JournalPage page,
            JournalStore(settings.currency).ListEntries(*tx, filter, after_id, page_size));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        for (const StoredEntry& stored : page.entries) {
          *response->add_entries() = EntryToProto(stored);
        }
        if (page.next_after_id.has_value()) {
          response->set_next_page_token(api::EncodeIdPageToken(*page.next_after_id));
        }
        return absl::OkStatus();
      });
}

}  // namespace cercles::lending
