// cercles-lending-dataset: writes a lending database of many ACTIVE loans for the
// RecordRepayment benchmark (scripts/bench-lending), before the service starts
// on it.
//
//   cercles-lending-dataset --database_url sqlite:///tmp/lending.db --loans 2000
//
// Why the stores and not the API: a loan through gRPC is a dozen calls across
// membership and lending (people, training, circle, request, three votes,
// approval, disbursement), each its own durable transaction; the loading is not
// what is measured. The generator links lending_lib and writes through its own
// stores (InsertLoan, InsertSchedule, UpdateLoan, JournalStore::Post: the SQL
// the service itself runs) after building each loan with the domain's rules
// (ValidateLoanRequest, GuaranteeFor, BuildSchedule), so a migration that changes
// the schema changes the dataset with it. Left out: the outbox and idempotency
// records (no events, no request ids were ever sent), and membership's side
// (RecordRepayment never asks membership).
//
// Loan i (1-based) is people/i's, in circles/(1 + (i-1)/S) (S = --circle_size,
// 5 by default; the collections row of scripts/bench uses 7: a 7-member circle's
// meeting is loans/1 to loans/7 of circles/1) with the circle's other members as
// guarantors when the amount allows it; $500 to $5,000,
// 6 to 24 monthly instalments at 5 to 9 %, disbursed 10 to 69 days before
// --as_of (today by default), so that some instalments are due. The fund's
// capital is contributed first, so cash never goes negative.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "common/storage/database.h"
#include "common/util/status.h"
#include "services/lending/context.h"
#include "services/lending/journal.h"
#include "services/lending/journal_store.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/loan_store.h"
#include "services/lending/membership_events.h"
#include "services/lending/schedule.h"
#include "services/lending/settings_store.h"

ABSL_FLAG(std::string, database_url, "",
          "Lending database to fill (sqlite://... or postgresql://...)");
ABSL_FLAG(int64_t, loans, 2000, "ACTIVE loans to create");
ABSL_FLAG(int64_t, batch, 500, "Loans per transaction");
ABSL_FLAG(int64_t, circle_size, 5, "Members (each with one loan) per circle, 4 to 7");
ABSL_FLAG(std::string, as_of, "", "YYYY-MM-DD the loans are disbursed before (default: today)");

namespace cercles::lending {
namespace {

std::string Person(int64_t id) { return absl::StrCat("people/", id); }

// Loan i as the fund would have approved it.
absl::StatusOr<LoanRecord> PlanLoan(int64_t i, absl::CivilDay as_of, absl::Time now,
                                    const FundSettings& settings) {
  const int64_t circle_size = absl::GetFlag(FLAGS_circle_size);
  LoanRecord loan;
  loan.applicant = Person(i);
  const int64_t circle = 1 + (i - 1) / circle_size;
  loan.circle = absl::StrCat("circles/", circle);
  loan.original_circle = loan.circle;
  loan.state = LoanState::kApproved;                                // disbursed below
  loan.request.amount_cents = 50'000 + ((i * 7919) % 46) * 10'000;  // $500 .. $5,000
  loan.request.purpose = "Équipement et stock de départ";
  loan.request.business_plan_summary = "Commerce de quartier; plan sur deux ans";
  loan.request.instalment_count = static_cast<int32_t>(6 + (i % 4) * 6);  // 6, 12, 18, 24
  loan.request.frequency = Frequency::kMonthly;
  loan.request.annual_rate_bps = static_cast<int32_t>(500 + (i % 5) * 100);
  loan.ceiling_cents = settings.ladder_cents.back();
  CERCLES_RETURN_IF_ERROR(ValidateLoanRequest(loan.request, loan.ceiling_cents, settings));

  CircleGuaranteeState state;
  state.status = cercles::membership::v1::CIRCLE_STATUS_ACTIVE;
  for (int64_t m = 0; m < circle_size; ++m) {
    state.members.push_back(Person((circle - 1) * circle_size + 1 + m));
  }
  CERCLES_ASSIGN_OR_RETURN(Guarantee guarantee, GuaranteeFor(loan.request.amount_cents,
                                                             loan.applicant, state, settings));
  loan.guarantee_kind = guarantee.kind;
  loan.guarantors = guarantee.guarantors;
  loan.submitted_by = "staff:bench-advisor";
  loan.decided_by = "staff:bench-admin";
  loan.create_time = now;
  loan.update_time = now;
  const absl::CivilDay disbursed = as_of - (10 + i % 60);
  loan.disbursement_date = disbursed;
  loan.first_due_date = absl::CivilDay(disbursed.year(), disbursed.month() + 1, disbursed.day());
  loan.interest_method = InterestMethod::kDecliningBalance;
  return loan;
}

// Inserts loan i, its schedule and its disbursement entry, as DisburseLoan does.
absl::Status WriteLoan(storage::Transaction& tx, int64_t i, absl::CivilDay as_of, absl::Time now,
                       const FundSettings& settings) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, PlanLoan(i, as_of, now, settings));
  CERCLES_ASSIGN_OR_RETURN(loan.id, InsertLoan(tx, loan));
  CERCLES_ASSIGN_OR_RETURN(
      Schedule schedule,
      BuildSchedule(ScheduleTermsOf(loan.request, *loan.first_due_date, *loan.interest_method)));
  CERCLES_RETURN_IF_ERROR(InsertSchedule(tx, loan.id, schedule));
  CERCLES_RETURN_IF_ERROR(JournalStore(settings.currency)
                              .Post(tx,
                                    Disbursement({*loan.disbursement_date, settings.currency, ""},
                                                 loan.name(), loan.request.amount_cents),
                                    now, loan.decided_by)
                              .status());
  CERCLES_RETURN_IF_ERROR(CheckTransition(loan.state, LoanState::kActive));
  loan.state = LoanState::kActive;
  loan.outstanding_principal_cents = loan.request.amount_cents;
  loan.outstanding_interest_cents = schedule.total_interest_cents;
  return UpdateLoan(tx, loan);
}

absl::Status Generate(storage::Database& db, int64_t loans, int64_t batch, absl::CivilDay as_of) {
  CERCLES_RETURN_IF_ERROR(MigrateLending(db));
  CERCLES_RETURN_IF_ERROR(MigrateMembershipEvents(db));
  const absl::Time now = absl::Now();
  FundSettings settings;
  CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
      db, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(settings, LoadSettings(tx));
        CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> existing,
                                 ListLoanRecords(tx, LoanFilter(), 0, 1));
        if (!existing.empty()) {
          return absl::FailedPreconditionError("the database already holds loans");
        }
        // Enough capital for every loan: 5,000 dollars each at most.
        return JournalStore(settings.currency)
            .Post(tx, CapitalContribution({as_of - 100, settings.currency, ""}, loans * 500'000),
                  now, "staff:bench-admin")
            .status();
      }));
  for (int64_t first = 1; first <= loans; first += batch) {
    const int64_t last = std::min(loans, first + batch - 1);
    CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
        db, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
          for (int64_t i = first; i <= last; ++i) {
            CERCLES_RETURN_IF_ERROR(WriteLoan(tx, i, as_of, now, settings));
          }
          return absl::OkStatus();
        }));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace cercles::lending

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("writes a lending database of ACTIVE loans for the benchmark");
  cercles::config::SetVersionForFlags(argv[0]);  // --version
  absl::ParseCommandLine(argc, argv);
  const std::string url = absl::GetFlag(FLAGS_database_url);
  const int64_t loans = absl::GetFlag(FLAGS_loans);
  const int64_t batch = absl::GetFlag(FLAGS_batch);
  if (url.empty() || loans < 1 || batch < 1) {
    std::fprintf(stderr, "--database_url is required; --loans and --batch must be positive\n");
    return 2;
  }
  if (absl::GetFlag(FLAGS_circle_size) < 4 || absl::GetFlag(FLAGS_circle_size) > 7) {
    std::fprintf(stderr, "--circle_size must lie in 4..7 (an eligible circle)\n");
    return 2;
  }
  absl::CivilDay as_of = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) - 1;
  if (!absl::GetFlag(FLAGS_as_of).empty() &&
      !absl::ParseCivilTime(absl::GetFlag(FLAGS_as_of), &as_of)) {
    std::fprintf(stderr, "--as_of must be YYYY-MM-DD\n");
    return 2;
  }
  cercles::storage::OpenOptions options;
  options.durable_writes = false;  // a throwaway dataset: fsync per batch is not needed
  auto db = cercles::storage::Database::Open(url, options);
  absl::Status status =
      db.ok() ? cercles::lending::Generate(**db, loans, batch, as_of) : db.status();
  if (!status.ok()) {
    std::fprintf(stderr, "cercles-lending-dataset: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  std::printf("%lld ACTIVE loans in %s\n", static_cast<long long>(loans),
              (*db)->Describe().c_str());
  return 0;
}
