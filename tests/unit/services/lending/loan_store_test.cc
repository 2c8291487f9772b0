// The loan store on every engine: what is written reads back exactly, the
// one-open-request index, positions and their arrears, listings, settings, the
// advisor scope and the redaction of loan events.
#include "services/lending/loan_store.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/events/outbox.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_events.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/settings_store.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/services/lending/lending_test_db.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'710'000'000);  // 2024-03-09T16:00:00Z

LoanRecord Draft(const std::string& applicant, const std::string& circle = "circles/1") {
  LoanRecord loan;
  loan.applicant = applicant;
  loan.circle = circle;
  loan.original_circle = circle;
  loan.advisor = "advisors/7";
  loan.state = LoanState::kSubmitted;
  loan.request.amount_cents = 100'000;
  loan.request.purpose = "A sewing machine";
  loan.request.business_plan_summary = "Alterations for the neighbourhood";
  loan.request.document_reference = "plans/2024/a.pdf";
  loan.request.instalment_count = 12;
  loan.request.frequency = Frequency::kMonthly;
  loan.request.annual_rate_bps = 600;
  loan.request.grace_on_principal = 2;
  loan.request.grace_on_interest = 1;
  loan.ceiling_cents = 100'000;
  loan.submitted_by = "staff:alice";
  loan.create_time = kNow;
  loan.update_time = kNow;
  loan.voters = {"people/2", "people/3", "people/4"};
  return loan;
}

class LoanStoreTest : public LendingDbTest {
 protected:
  int64_t Insert(const LoanRecord& loan) {
    int64_t id = 0;
    absl::Status status = Write([&](storage::Transaction& tx) -> absl::Status {
      absl::StatusOr<int64_t> inserted = InsertLoan(tx, loan);
      if (!inserted.ok()) return inserted.status();
      id = *inserted;
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return id;
  }

  LoanRecord Load(int64_t id) {
    LoanRecord loan;
    absl::Status status = Read([&](storage::Transaction& tx) -> absl::Status {
      absl::StatusOr<LoanRecord> loaded = LoadLoan(tx, id, false);
      if (!loaded.ok()) return loaded.status();
      loan = *loaded;
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return loan;
  }

  // Disburses `id` on 2024-01-15 with a 3-instalment monthly schedule from 2024-02-15.
  void Disburse(int64_t id) {
    ScheduleTerms terms;
    terms.principal_cents = 90'000;
    terms.annual_rate_bps = 0;
    terms.instalment_count = 3;
    terms.frequency = Frequency::kMonthly;
    terms.first_due = absl::CivilDay(2024, 2, 15);
    absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, true));
                  loan.state = LoanState::kActive;
                  loan.disbursement_date = absl::CivilDay(2024, 1, 15);
                  loan.first_due_date = terms.first_due;
                  loan.interest_method = InterestMethod::kDecliningBalance;
                  loan.outstanding_principal_cents = 90'000;
                  CERCLES_RETURN_IF_ERROR(UpdateLoan(tx, loan));
                  return InsertSchedule(tx, id, *schedule);
                }).ok());
  }
};

TEST_P(LoanStoreTest, InsertedLoanReadsBackWithVotersVotesAndGuarantors) {
  LoanRecord draft = Draft("people/1");
  draft.voters = {"people/4", "people/2", "people/3"};
  const int64_t id = Insert(draft);
  ASSERT_GT(id, 0);
  const absl::Time later = kNow + absl::Minutes(5);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_RETURN_IF_ERROR(
                    InsertVote(tx, id, Vote{"people/3", true, "solid plan"}, "staff:bob", kNow));
                CERCLES_RETURN_IF_ERROR(
                    InsertVote(tx, id, Vote{"people/2", false, ""}, "staff:bob", later));
                return InsertGuarantors(tx, id, {"people/3", "people/2"});
              }).ok());
  LoanRecord loan = Load(id);
  EXPECT_EQ(loan.id, id);
  EXPECT_EQ(loan.name(), absl::StrCat("loans/", id));
  EXPECT_EQ(loan.applicant, "people/1");
  EXPECT_EQ(loan.circle, "circles/1");
  EXPECT_EQ(loan.original_circle, "circles/1");
  EXPECT_EQ(loan.advisor, "advisors/7");
  EXPECT_EQ(loan.state, LoanState::kSubmitted);
  EXPECT_EQ(loan.request.amount_cents, 100'000);
  EXPECT_EQ(loan.request.purpose, "A sewing machine");
  EXPECT_EQ(loan.request.document_reference, "plans/2024/a.pdf");
  EXPECT_EQ(loan.request.instalment_count, 12);
  EXPECT_EQ(loan.request.frequency, Frequency::kMonthly);
  EXPECT_EQ(loan.request.annual_rate_bps, 600);
  EXPECT_EQ(loan.request.grace_on_principal, 2);
  EXPECT_EQ(loan.request.grace_on_interest, 1);
  EXPECT_FALSE(loan.interest_method.has_value());
  EXPECT_FALSE(loan.guarantee_kind.has_value());
  EXPECT_FALSE(loan.disbursement_date.has_value());
  EXPECT_FALSE(loan.close_time.has_value());
  EXPECT_EQ(loan.create_time, kNow);
  EXPECT_THAT(loan.voters, ElementsAre("people/2", "people/3", "people/4"));
  ASSERT_EQ(loan.votes.size(), 2u);
  EXPECT_EQ(loan.votes[0].voter, "people/3");  // casting order
  EXPECT_TRUE(loan.votes[0].approve);
  EXPECT_EQ(loan.votes[0].comment, "solid plan");
  EXPECT_EQ(loan.votes[1].voter, "people/2");
  EXPECT_FALSE(loan.votes[1].approve);
  EXPECT_THAT(loan.vote_recorders, ElementsAre("staff:bob", "staff:bob"));
  EXPECT_THAT(loan.vote_times, ElementsAre(kNow, later));
  EXPECT_THAT(loan.guarantors, ElementsAre("people/2", "people/3"));

  // One guarantor leaves (a no-voter after the decision); a second removal is NOT_FOUND.
  ASSERT_TRUE(
      Write([&](storage::Transaction& tx) { return DeleteGuarantor(tx, id, "people/2"); }).ok());
  EXPECT_THAT(Load(id).guarantors, ElementsAre("people/3"));
  EXPECT_THAT(Write([&](storage::Transaction& tx) { return DeleteGuarantor(tx, id, "people/2"); }),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("people/2 is not a guarantor")));
}

TEST_P(LoanStoreTest, UpdateWritesBackEveryMutableColumn) {
  const int64_t id = Insert(Draft("people/1"));
  LoanRecord loan = Load(id);
  loan.state = LoanState::kWrittenOff;
  loan.circle = "circles/9";
  loan.advisor = "advisors/8";
  loan.interest_method = InterestMethod::kFlat;
  loan.guarantee_kind = GuaranteeKind::kIndividualResponsibility;
  loan.decided_by = "staff:carol";
  loan.state_reason = "gone";
  loan.disbursement_date = absl::CivilDay(2024, 1, 2);
  loan.first_due_date = absl::CivilDay(2024, 2, 2);
  loan.outstanding_principal_cents = 5;
  loan.outstanding_interest_cents = 6;
  loan.guarantee_called_cents = 7;
  loan.update_time = kNow + absl::Hours(1);
  loan.close_time = kNow + absl::Hours(2);
  loan.vote_close_time = kNow + absl::Hours(3);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return UpdateLoan(tx, loan); }).ok());
  LoanRecord back = Load(id);
  EXPECT_EQ(back.state, LoanState::kWrittenOff);
  EXPECT_EQ(back.circle, "circles/9");
  EXPECT_EQ(back.original_circle, "circles/1");
  EXPECT_EQ(back.advisor, "advisors/8");
  EXPECT_EQ(back.interest_method, InterestMethod::kFlat);
  EXPECT_EQ(back.guarantee_kind, GuaranteeKind::kIndividualResponsibility);
  EXPECT_EQ(back.decided_by, "staff:carol");
  EXPECT_EQ(back.state_reason, "gone");
  EXPECT_EQ(back.disbursement_date, absl::CivilDay(2024, 1, 2));
  EXPECT_EQ(back.first_due_date, absl::CivilDay(2024, 2, 2));
  EXPECT_EQ(back.outstanding_principal_cents, 5);
  EXPECT_EQ(back.outstanding_interest_cents, 6);
  EXPECT_EQ(back.guarantee_called_cents, 7);
  EXPECT_EQ(back.update_time, kNow + absl::Hours(1));
  EXPECT_EQ(back.close_time, kNow + absl::Hours(2));
  EXPECT_EQ(back.vote_close_time, kNow + absl::Hours(3));
  EXPECT_FALSE(Load(Insert(Draft("people/2"))).vote_close_time.has_value());
}

TEST_P(LoanStoreTest, UpdateWritesOnlyTheColumnsChangedSinceTheLoad) {
  const int64_t id = Insert(Draft("people/1"));
  LoanRecord stale = Load(id);
  LoanRecord other = Load(id);
  other.advisor = "advisors/8";
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return UpdateLoan(tx, other); }).ok());
  // The stale record did not change its advisor: the other write's one stays.
  stale.outstanding_principal_cents = 42;
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return UpdateLoan(tx, stale); }).ok());
  LoanRecord back = Load(id);
  EXPECT_EQ(back.advisor, "advisors/8");
  EXPECT_EQ(back.outstanding_principal_cents, 42);
  // A record not loaded (no stored columns) writes every column.
  LoanRecord by_hand = back;
  by_hand.stored_columns.clear();
  by_hand.advisor = "advisors/7";
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return UpdateLoan(tx, by_hand); }).ok());
  EXPECT_EQ(Load(id).advisor, "advisors/7");
  // Nothing changed: the row is only checked.
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return UpdateLoan(tx, back); }).ok());
  back.id = 4242;
  EXPECT_THAT(Write([&](storage::Transaction& tx) { return UpdateLoan(tx, back); }),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(LoanStoreTest, SavingTwiceInOneTransactionWritesAValueChangedBack) {
  const int64_t id = Insert(Draft("people/1"));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, true));
                v1::Loan out;
                loan.advisor = "advisors/8";
                CERCLES_RETURN_IF_ERROR(SaveLoanAndAnnounce(tx, "fund-test", loan, {},
                                                            FundSettings{}, {}, 0,
                                                            v1::LoanChanged(), kNow, &out));
                loan.advisor = "advisors/7";
                return SaveLoanAndAnnounce(tx, "fund-test", loan, {}, FundSettings{}, {}, 0,
                                           v1::LoanChanged(), kNow, &out);
              }).ok());
  EXPECT_EQ(Load(id).advisor, "advisors/7");
}

TEST_P(LoanStoreTest, UnknownLoanIsNotFoundAndNamesAreChecked) {
  absl::Status status =
      Read([&](storage::Transaction& tx) { return LoadLoan(tx, 4242, false).status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("loans/4242 does not exist"));
  EXPECT_EQ(api::ParseName("loans/12", "loans", "loan").value(), 12);
  for (const char* bad : {"loans/0", "loans/-1", "loans/x", "loan/1", "loans/01", ""}) {
    absl::StatusOr<int64_t> parsed = api::ParseName(bad, "loans", "loan");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("loan must be")) << bad;
  }
  EXPECT_TRUE(api::ParseName("people/3", "people", "voter").status().ok());
  EXPECT_THAT(api::ParseName("circles/3", "people", "voter").status().message(),
              HasSubstr("voter must be \"people/{id}\""));
}

TEST_P(LoanStoreTest, OneOpenRequestPerPersonWhateverTheRace) {
  const int64_t first = Insert(Draft("people/1"));
  absl::Status second =
      Write([&](storage::Transaction& tx) { return InsertLoan(tx, Draft("people/1")).status(); });
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kAlreadyExists));
  LoanRecord loan = Load(first);
  loan.state = LoanState::kWithdrawn;
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return UpdateLoan(tx, loan); }).ok());
  EXPECT_GT(Insert(Draft("people/1")), first);  // the first no longer open
}

TEST_P(LoanStoreTest, PositionReadsBackAndPaymentsAreWritten) {
  const int64_t id = Insert(Draft("people/1"));
  Disburse(id);
  LoanPosition position;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(position, LoadPosition(tx, id));
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(position.size(), 3u);
  EXPECT_EQ(position[0].number, 1);
  EXPECT_EQ(position[0].due, absl::CivilDay(2024, 2, 15));
  EXPECT_EQ(position[2].due, absl::CivilDay(2024, 4, 15));
  EXPECT_EQ(position[0].principal_due_cents + position[1].principal_due_cents +
                position[2].principal_due_cents,
            90'000);
  position[0].principal_paid_cents = position[0].principal_due_cents;
  position[0].cleared_on = absl::CivilDay(2024, 2, 20);
  position[1].principal_paid_cents = 100;
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return UpdatePosition(tx, id, position, {1, 2});
              }).ok());
  LoanPosition back;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(back, LoadPosition(tx, id));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(back, position);
  absl::Status missing =
      Write([&](storage::Transaction& tx) { return UpdatePosition(tx, id, position, {4}); });
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kInvalidArgument));

  // A recomputation (revised numbers) writes the scheduled amounts with the paid ones, in
  // one statement: instalment 2 now schedules more principal than was due, all but its
  // new part paid; instalment 3 less, and less interest.
  const int64_t moved = position[2].principal_due_cents - 1'000;
  position[1].principal_due_cents += moved;
  position[1].principal_paid_cents += moved;
  position[2].principal_due_cents = 1'000;
  position[2].interest_due_cents = 7;
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return UpdatePosition(tx, id, position, {2, 3}, {2, 3});
              }).ok());
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(back, LoadPosition(tx, id));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(back, position);
}

TEST_P(LoanStoreTest, ApiViewOfAnActiveLoanCarriesItsArrears) {
  const int64_t id = Insert(Draft("people/1"));
  Disburse(id);
  FundSettings settings;
  v1::Loan out;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, false));
                CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, id));
                out = ToProto(loan, position, absl::CivilDay(2024, 3, 20), settings);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(out.name(), absl::StrCat("loans/", id));
  EXPECT_EQ(out.state(), v1::LOAN_STATE_ACTIVE);
  EXPECT_EQ(out.amount().minor_units(), 100'000);
  EXPECT_EQ(out.amount().currency_code(), "CAD");
  EXPECT_EQ(out.frequency(), v1::REPAYMENT_FREQUENCY_MONTHLY);
  EXPECT_EQ(out.interest_method(), v1::INTEREST_METHOD_DECLINING_BALANCE);
  EXPECT_EQ(out.business_plan_summary(), "Alterations for the neighbourhood");
  EXPECT_TRUE(out.original_circle().empty());  // same circle as requested
  EXPECT_EQ(out.vote_tally().votes_cast(), 0);
  EXPECT_EQ(out.vote_tally().eligible_voters(), 3);
  // Instalments of Feb 15 and Mar 15 (30,000 each) are unpaid on Mar 20: 34 days.
  EXPECT_EQ(out.arrears().days_past_due(), 34);
  EXPECT_EQ(out.arrears().bucket(), v1::ARREARS_BUCKET_SECOND);
  EXPECT_EQ(out.arrears().bucket_label(), "31-60");
  EXPECT_EQ(out.arrears().amount_in_arrears().minor_units(), 60'000);
  EXPECT_EQ(out.arrears().oldest_unpaid_due_date().month(), 2);
  EXPECT_EQ(out.arrears().oldest_unpaid_due_date().day(), 15);
  EXPECT_EQ(out.disbursement_date().day(), 15);

  LoanRecord submitted = Draft("people/5");
  v1::Loan request = ToProto(submitted, {}, absl::CivilDay(2024, 3, 20), settings);
  EXPECT_FALSE(request.has_arrears());  // arrears only classify active loans

  v1::Schedule schedule;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, false));
                CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, id));
                schedule = PositionToProto(loan, position, "CAD");
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(schedule.instalments_size(), 3);
  EXPECT_EQ(schedule.instalments(0).balance_after().minor_units(), 60'000);
  EXPECT_EQ(schedule.instalments(2).balance_after().minor_units(), 0);
  EXPECT_EQ(schedule.total_interest().minor_units(), 0);
}

TEST_P(LoanStoreTest, ListingFiltersAndPages) {
  const int64_t a = Insert(Draft("people/1", "circles/1"));
  const int64_t b = Insert(Draft("people/2", "circles/2"));
  LoanRecord other = Draft("people/3", "circles/1");
  other.advisor = "advisors/8";
  const int64_t c = Insert(other);
  auto list = [&](const LoanFilter& filter, int64_t after, int limit) {
    std::vector<int64_t> ids;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans,
                                           ListLoanRecords(tx, filter, after, limit));
                  for (const LoanRecord& loan : loans) ids.push_back(loan.id);
                  return absl::OkStatus();
                }).ok());
    return ids;
  };
  EXPECT_THAT(list({}, 0, 10), ElementsAre(a, b, c));
  EXPECT_THAT(list({}, 0, 2), ElementsAre(a, b));
  EXPECT_THAT(list({}, b, 2), ElementsAre(c));
  EXPECT_THAT(list({"circles/1", "", {}, ""}, 0, 10), ElementsAre(a, c));
  EXPECT_THAT(list({"", "people/2", {}, ""}, 0, 10), ElementsAre(b));
  EXPECT_THAT(list({"", "", {}, "advisors/8"}, 0, 10), ElementsAre(c));
  EXPECT_THAT(list({"", "", {LoanState::kActive}, ""}, 0, 10), ElementsAre());
  EXPECT_THAT(list({"", "", {LoanState::kActive, LoanState::kSubmitted}, ""}, 0, 10),
              ElementsAre(a, b, c));
  absl::Status status =
      Read([&](storage::Transaction& tx) { return ListLoanRecords(tx, {}, 0, 0).status(); });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> mine,
                                         LoansOfApplicant(tx, "people/3"));
                EXPECT_EQ(mine.size(), 1u);
                return absl::OkStatus();
              }).ok());
}

TEST_P(LoanStoreTest, SettingsAreDefaultsUntilSavedThenReadBackExactly) {
  FundSettings loaded;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(loaded, LoadSettings(tx));
                return absl::OkStatus();
              }).ok());
  EXPECT_TRUE(DiffSettings(FundSettings{}, loaded).empty());
  FundSettings changed;
  changed.guarantee_threshold_cents = 150'000;
  changed.ladder_cents = {40'000, 80'000};
  changed.min_annual_rate_bps = 0;
  changed.vote_quorum = {2, 3, false};
  changed.circle_in_serious_arrears_may_guarantee = true;
  changed.arrears_buckets.first_max_days = 15;
  changed.reminder_days_before = 0;          // set to 0 reads back 0, not the default
  for (int round = 0; round < 2; ++round) {  // insert, then update
    ASSERT_TRUE(
        Write([&](storage::Transaction& tx) { return SaveSettings(tx, changed, kNow); }).ok());
    ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(loaded, LoadSettings(tx));
                  return absl::OkStatus();
                }).ok());
    EXPECT_TRUE(DiffSettings(changed, loaded).empty());
    changed.circle_in_serious_arrears_may_guarantee = false;
  }
  absl::StatusOr<FundSettings> round_trip = SettingsFromProto(SettingsToProto(changed));
  ASSERT_TRUE(round_trip.ok()) << round_trip.status();
  EXPECT_TRUE(DiffSettings(changed, *round_trip).empty());
  // Settings without reminder_days_before (stored before it, or a client that
  // does not know it) read the default.
  v1::FundSettings without = SettingsToProto(changed);
  without.clear_reminder_days_before();
  absl::StatusOr<FundSettings> defaulted = SettingsFromProto(without);
  ASSERT_TRUE(defaulted.ok()) << defaulted.status();
  EXPECT_EQ(defaulted->reminder_days_before, 3);
}

TEST_P(LoanStoreTest, AdvisorsSeeOnlyTheirCirclesLoans) {
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return tx
                    .Exec("INSERT INTO advisors (name, principal) VALUES (?, ?)",
                          {std::string("advisors/7"), std::string("dana")})
                    .status();
              }).ok());
  const LoanRecord loan = Draft("people/1");  // advisor advisors/7
  auto access = [&](const auth::Principal& who) {
    return Read([&](storage::Transaction& tx) { return CheckLoanAccess(tx, who, loan); });
  };
  const auth::Principal dana{auth::Principal::Kind::kStaff, "dana", common::v1::ROLE_ADVISOR};
  const auth::Principal eve{auth::Principal::Kind::kStaff, "eve", common::v1::ROLE_ADVISOR};
  const auth::Principal admin{auth::Principal::Kind::kStaff, "root", common::v1::ROLE_ADMIN};
  const auth::Principal service{auth::Principal::Kind::kService, "network",
                                common::v1::ROLE_SERVICE};
  EXPECT_TRUE(access(dana).ok());
  EXPECT_TRUE(access(admin).ok());
  EXPECT_TRUE(access(service).ok());
  absl::Status denied = access(eve);
  EXPECT_THAT(denied, StatusIs(absl::StatusCode::kPermissionDenied,
                               HasSubstr("not an advisor known to lending")));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return tx
                    .Exec("INSERT INTO advisors (name, principal) VALUES (?, ?)",
                          {std::string("advisors/8"), std::string("eve")})
                    .status();
              }).ok());
  denied = access(eve);
  EXPECT_THAT(denied, StatusIs(absl::StatusCode::kPermissionDenied,
                               HasSubstr("staff:eve is not the advisor of circles/1")));
}

TEST_P(LoanStoreTest, LoanEventsAreRedacted) {
  const int64_t id = Insert(Draft("people/1"));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, false));
                v1::LoanChanged event;
                *event.mutable_loan() = ToProto(loan, {}, absl::CivilDay(2024, 3, 9), {});
                event.set_change("SUBMITTED");
                return AppendLoanChanged(tx, "fund-test", event, kNow);
              }).ok());
  auto events = events::ReadEvents(*db_, 0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type(), "cercles.lending.v1.LoanChanged");
  EXPECT_EQ((*events)[0].subject(), absl::StrCat("loans/", id));
  v1::LoanChanged payload;
  ASSERT_TRUE((*events)[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.change(), "SUBMITTED");
  EXPECT_EQ(payload.loan().purpose(), "A sewing machine");
  EXPECT_TRUE(payload.loan().business_plan_summary().empty());
  EXPECT_TRUE(payload.loan().document_reference().empty());
}

TEST_P(LoanStoreTest, SavingAnnouncesEachChangeAndClosesFinalLoans) {
  const int64_t id = Insert(Draft("people/1"));
  v1::Loan out;
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, true));
                loan.state = LoanState::kCircleRejected;
                v1::LoanChanged carried;
                carried.mutable_repayment()->set_name("carried along");
                return SaveLoanAndAnnounce(tx, "fund-test", loan, {}, FundSettings{},
                                           {"VOTE_CAST", "CIRCLE_REJECTED"}, 7, carried,
                                           kNow + absl::Hours(1), &out);
              }).ok());
  EXPECT_EQ(out.state(), v1::LOAN_STATE_CIRCLE_REJECTED);
  LoanRecord back = Load(id);
  EXPECT_EQ(back.update_time, kNow + absl::Hours(1));
  EXPECT_EQ(back.close_time, kNow + absl::Hours(1));
  auto events = events::ReadEvents(*db_, 0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  std::vector<std::string> changes;
  for (const auto& event : *events) {
    v1::LoanChanged payload;
    ASSERT_TRUE(event.payload().UnpackTo(&payload));
    changes.push_back(payload.change());
    EXPECT_EQ(payload.amount_minor_units(), 7);
    EXPECT_EQ(payload.repayment().name(), "carried along");
    EXPECT_EQ(payload.loan().state(), v1::LOAN_STATE_CIRCLE_REJECTED);
  }
  EXPECT_THAT(changes, ElementsAre("VOTE_CAST", "CIRCLE_REJECTED"));
}

INSTANTIATE_TEST_SUITE_P(Engines, LoanStoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

// ---- Pure conversions ----

TEST(LoanConversions, DatesMoneyTextAndToday) {
  EXPECT_FALSE(FromDate(common::v1::Date(), "as_of").value().has_value());
  common::v1::Date feb30;
  feb30.set_year(2024);
  feb30.set_month(2);
  feb30.set_day(30);
  EXPECT_THAT(FromDate(feb30, "as_of").status().message(),
              HasSubstr("as_of must be a real calendar day"));
  EXPECT_EQ(*FromDate(api::DateFromDay(absl::CivilDay(2024, 2, 29)), "d").value(),
            absl::CivilDay(2024, 2, 29));

  EXPECT_EQ(FromMoney(api::ToMoney(500, "CAD"), "CAD", "amount").value(), 500);
  EXPECT_EQ(FromMoney(api::ToMoney(500, ""), "CAD", "amount").value(), 500);
  EXPECT_THAT(FromMoney(api::ToMoney(500, "USD"), "CAD", "amount").status().message(),
              HasSubstr("amount must be in the fund's currency CAD"));
  EXPECT_THAT(FromMoney(api::ToMoney(0, "CAD"), "CAD", "amount").status().message(),
              HasSubstr("amount must be a positive amount"));

  EXPECT_EQ(api::CleanText("  why  ", "reason", api::MultiLine(1, 500)).value(), "why");
  EXPECT_THAT(api::CleanText(" ", "reason", api::MultiLine(1, 500)).status().message(),
              HasSubstr("reason must be 1 to 500 characters, got 0"));
  EXPECT_TRUE(api::CleanText("", "note", api::MultiLine(0, 500)).ok());
  EXPECT_TRUE(api::CleanText(std::string(500, 'x'), "reason", api::MultiLine(1, 500)).ok());
  EXPECT_FALSE(api::CleanText(std::string(501, 'x'), "reason", api::MultiLine(1, 500)).ok());
  std::string accents;
  for (int i = 0; i < 500; ++i) accents += "\xC3\xA9";  // 500 code points, 1000 bytes
  EXPECT_TRUE(api::CleanText(accents, "reason", api::MultiLine(1, 500)).ok());
  EXPECT_FALSE(api::CleanText("a\x01", "reason", api::MultiLine(1, 500)).ok());

  EXPECT_EQ(api::DecodeIdPageToken("").value(), 0);
  EXPECT_EQ(api::DecodeIdPageToken(api::EncodeIdPageToken(42)).value(), 42);
  EXPECT_EQ(api::DecodeIdPageToken("42").status().code(), absl::StatusCode::kInvalidArgument);

  // 03:00 UTC on 1 March 2024 is still 29 February in Toronto (UTC-5).
  const absl::Time early =
      absl::FromCivil(absl::CivilSecond(2024, 3, 1, 3, 0, 0), absl::UTCTimeZone());
  absl::TimeZone toronto;
  if (absl::LoadTimeZone("America/Toronto", &toronto)) {
    EXPECT_EQ(Today(early), absl::CivilDay(2024, 2, 29));
  } else {
    EXPECT_EQ(Today(early), absl::CivilDay(2024, 3, 1));
  }
}

}  // namespace
}  // namespace cercles::lending
