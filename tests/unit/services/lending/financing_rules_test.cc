// The rules of bank referrals and subsidy applications: names, text limits,
// the two state machines and the fields that go with each status.
#include <string>

#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/financing.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr auto kPrepared = v1::BANK_REFERRAL_STATUS_PREPARED;
constexpr auto kSent = v1::BANK_REFERRAL_STATUS_SENT;
constexpr auto kAccepted = v1::BANK_REFERRAL_STATUS_ACCEPTED;
constexpr auto kDeclined = v1::BANK_REFERRAL_STATUS_DECLINED;

cercles::common::v1::Money Cad(int64_t cents) {
  cercles::common::v1::Money money;
  money.set_currency_code("CAD");
  money.set_minor_units(cents);
  return money;
}

TEST(FinancingNames, RecordNames) {
  EXPECT_EQ(api::ParseName("bankReferrals/7", "bankReferrals", "name").value_or(0), 7);
  EXPECT_FALSE(api::ParseName("subsidyApplications/7", "bankReferrals", "name").ok());
  EXPECT_FALSE(api::ParseName("bankReferrals/07", "bankReferrals", "name").ok());
  EXPECT_THAT(api::ParseName("bankReferrals/0", "bankReferrals", "name").status().message(),
              HasSubstr("name must be \"bankReferrals/{id}\""));
  EXPECT_EQ(api::ParseName("subsidyApplications/3", "subsidyApplications", "name").value_or(0), 3);
  EXPECT_EQ(BankReferralName(5), "bankReferrals/5");
  EXPECT_EQ(SubsidyApplicationName(5), "subsidyApplications/5");
}

TEST(FinancingNames, StatusNamesRoundTrip) {
  for (auto status : {kPrepared, kSent, kAccepted, kDeclined}) {
    EXPECT_EQ(ReferralStatusFromName(ReferralStatusName(status)), status);
  }
  EXPECT_EQ(ReferralStatusName(kSent), "SENT");
  EXPECT_FALSE(ReferralStatusFromName("UNSPECIFIED").has_value());
  EXPECT_FALSE(ReferralStatusFromName("sent").has_value());
  EXPECT_EQ(SubsidyStatusName(v1::SUBSIDY_STATUS_GRANTED), "GRANTED");
  EXPECT_EQ(SubsidyStatusFromName("REFUSED"), v1::SUBSIDY_STATUS_REFUSED);
}

TEST(FinancingTransitions, BankReferral) {
  EXPECT_TRUE(CheckReferralTransition(kPrepared, kSent).ok());
  EXPECT_TRUE(CheckReferralTransition(kSent, kAccepted).ok());
  EXPECT_TRUE(CheckReferralTransition(kSent, kDeclined).ok());

  absl::Status skip = CheckReferralTransition(kPrepared, kAccepted);
  EXPECT_THAT(
      skip,
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "a bank referral cannot go from PREPARED to ACCEPTED: PREPARED may become SENT"));
  EXPECT_THAT(CheckReferralTransition(kSent, kSent).message(),
              HasSubstr("SENT may become ACCEPTED or DECLINED"));
  EXPECT_THAT(CheckReferralTransition(kSent, kPrepared).message(),
              HasSubstr("cannot go from SENT to PREPARED"));
  absl::Status final_state = CheckReferralTransition(kDeclined, kAccepted);
  EXPECT_THAT(final_state,
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "a bank referral cannot go from DECLINED to ACCEPTED: DECLINED is final"));
}

TEST(FinancingTransitions, SubsidyApplication) {
  EXPECT_TRUE(
      CheckSubsidyTransition(v1::SUBSIDY_STATUS_PREPARED, v1::SUBSIDY_STATUS_SUBMITTED).ok());
  EXPECT_TRUE(
      CheckSubsidyTransition(v1::SUBSIDY_STATUS_SUBMITTED, v1::SUBSIDY_STATUS_GRANTED).ok());
  EXPECT_TRUE(
      CheckSubsidyTransition(v1::SUBSIDY_STATUS_SUBMITTED, v1::SUBSIDY_STATUS_REFUSED).ok());
  EXPECT_EQ(
      CheckSubsidyTransition(v1::SUBSIDY_STATUS_PREPARED, v1::SUBSIDY_STATUS_GRANTED).message(),
      "a subsidy application cannot go from PREPARED to GRANTED: PREPARED may become "
      "SUBMITTED");
  EXPECT_THAT(
      CheckSubsidyTransition(v1::SUBSIDY_STATUS_GRANTED, v1::SUBSIDY_STATUS_REFUSED).message(),
      HasSubstr("GRANTED is final"));
}

v1::BankReferral GoodReferral() {
  v1::BankReferral referral;
  referral.set_person("people/4");
  referral.set_institution("  Caisse Desjardins du Plateau ");
  *referral.mutable_amount_requested() = Cad(1500000);
  return referral;
}

std::string ReferralError(const v1::BankReferral& referral) {
  return std::string(NormaliseNewReferral(referral).status().message());
}

TEST(FinancingCreate, ReferralFields) {
  absl::StatusOr<v1::BankReferral> draft = NormaliseNewReferral(GoodReferral());
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->institution(), "Caisse Desjardins du Plateau");  // trimmed
  EXPECT_EQ(draft->amount_requested().minor_units(), 1500000);
  EXPECT_TRUE(draft->name().empty());

  for (const std::string bad : {"", "people/0", "people/012", "persons/1"}) {
    v1::BankReferral referral = GoodReferral();
    referral.set_person(bad);
    EXPECT_THAT(ReferralError(referral), HasSubstr("referral.person must be \"people/{id}\""))
        << bad;
  }
  v1::BankReferral blank = GoodReferral();
  blank.set_institution("  ");
  EXPECT_THAT(ReferralError(blank),
              HasSubstr("referral.institution must be 1 to 200 characters, got 0"));
  v1::BankReferral longer = GoodReferral();
  longer.set_institution(std::string(200, 'e'));
  EXPECT_TRUE(NormaliseNewReferral(longer).ok());
  longer.set_institution(std::string(201, 'e'));
  EXPECT_THAT(ReferralError(longer), HasSubstr("referral.institution must be 1 to 200 characters"));
  v1::BankReferral accents = GoodReferral();  // characters, not bytes
  std::string two_hundred;
  for (int i = 0; i < 200; ++i) two_hundred += "\xc3\xa9";  // é
  accents.set_institution(two_hundred);
  EXPECT_TRUE(NormaliseNewReferral(accents).ok());
  v1::BankReferral note = GoodReferral();
  note.set_note(std::string(2001, 'n'));
  EXPECT_THAT(ReferralError(note), HasSubstr("referral.note must be at most 2000"));
  v1::BankReferral no_amount = GoodReferral();
  no_amount.clear_amount_requested();
  EXPECT_THAT(ReferralError(no_amount), HasSubstr("referral.amount_requested is required"));
}

TEST(FinancingCreate, SubsidyFields) {
  v1::SubsidyApplication application;
  application.set_person("people/9");
  application.set_programme("Soutien au travail autonome");
  *application.mutable_amount_requested() = Cad(800000);
  EXPECT_TRUE(NormaliseNewSubsidyApplication(application).ok());
  application.set_programme("");
  EXPECT_THAT(NormaliseNewSubsidyApplication(application).status().message(),
              HasSubstr("application.programme must be 1 to"));
}

TEST(FinancingUpdate, ReferralFieldsGoWithTheStatus) {
  v1::UpdateBankReferralRequest request;
  request.set_status(kAccepted);
  EXPECT_THAT(CheckReferralUpdate(request).status().message(),
              HasSubstr("amount_obtained is required with status ACCEPTED"));
  *request.mutable_amount_obtained() = Cad(1000000);
  EXPECT_TRUE(CheckReferralUpdate(request).ok());
  request.set_status(kDeclined);
  EXPECT_THAT(CheckReferralUpdate(request).status().message(),
              HasSubstr("amount_obtained goes only with status ACCEPTED"));

  v1::UpdateBankReferralRequest note_only;
  EXPECT_THAT(CheckReferralUpdate(note_only).status().message(),
              HasSubstr("give a new status, a new note, or both"));
  note_only.set_note("  called the branch ");
  EXPECT_EQ(CheckReferralUpdate(note_only).value_or(""), "called the branch");
  note_only.set_status(static_cast<v1::BankReferralStatus>(42));
  EXPECT_THAT(CheckReferralUpdate(note_only).status().message(), HasSubstr("not a known"));
}

TEST(FinancingUpdate, SubsidyFieldsGoWithTheStatus) {
  v1::UpdateSubsidyApplicationRequest request;
  EXPECT_THAT(CheckSubsidyUpdate(request).status().message(), HasSubstr("status is required"));
  request.set_status(v1::SUBSIDY_STATUS_SUBMITTED);
  EXPECT_TRUE(CheckSubsidyUpdate(request).ok());
  request.set_outcome("too early");
  EXPECT_THAT(CheckSubsidyUpdate(request).status().message(),
              HasSubstr("outcome goes only with status GRANTED or REFUSED"));

  request.set_status(v1::SUBSIDY_STATUS_REFUSED);
  request.clear_outcome();
  EXPECT_THAT(CheckSubsidyUpdate(request).status().message(),
              HasSubstr("outcome must be 1 to 2000 characters, got 0"));
  request.set_outcome("the programme's budget is spent");
  EXPECT_EQ(CheckSubsidyUpdate(request).value_or(""), "the programme's budget is spent");

  request.set_status(v1::SUBSIDY_STATUS_GRANTED);
  EXPECT_THAT(CheckSubsidyUpdate(request).status().message(),
              HasSubstr("amount_granted is required with status GRANTED"));
  *request.mutable_amount_granted() = Cad(500000);
  EXPECT_TRUE(CheckSubsidyUpdate(request).ok());
  request.set_status(v1::SUBSIDY_STATUS_REFUSED);
  EXPECT_THAT(CheckSubsidyUpdate(request).status().message(),
              AllOf(HasSubstr("amount_granted"), HasSubstr("only with status GRANTED")));
}

TEST(FinancingPaging, TokensHoldTheLastId) {
  EXPECT_EQ(api::DecodeIdPageToken("").value_or(-1), 0);
  EXPECT_EQ(api::DecodeIdPageToken(api::EncodeIdPageToken(41)).value_or(-1), 41);
  EXPECT_EQ(api::DecodeIdPageToken("41").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cercles::lending
