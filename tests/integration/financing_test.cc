// The other financing paths through the real lending process, on each engine:
// bank referrals (prepared, sent, accepted or declined) and subsidy applications
// (prepared, submitted, granted or refused); every wrong transition or field gets
// its code and changes nothing; request_id replays; listings by person and status
// with pages; their events; and the cerclesctl verbs against the same process.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

cercles::common::v1::Money Cad(int64_t cents) {
  cercles::common::v1::Money money;
  money.set_currency_code("CAD");
  money.set_minor_units(cents);
  return money;
}

class FinancingTest : public EngineSuiteTest {
 protected:
  void SetUp() override {
    EngineSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    financing_ = lv1::FinancingService::NewStub(suite_->StaffChannel("lending"));
    lending_ = lv1::LendingService::NewStub(suite_->StaffChannel("lending"));
  }

  grpc::Status CreateReferral(const std::string& request_id, const std::string& person,
                              int64_t cents, lv1::BankReferral* out = nullptr,
                              bool* replayed = nullptr) {
    lv1::CreateBankReferralRequest request;
    request.set_request_id(request_id);
    request.mutable_referral()->set_person(person);
    request.mutable_referral()->set_institution(" Caisse Desjardins du Plateau  ");
    *request.mutable_referral()->mutable_amount_requested() = Cad(cents);
    request.mutable_referral()->set_note("Plan d'affaires revu avec le cercle");
    lv1::CreateBankReferralResponse response;
    auto context = Bob();
    grpc::Status status = financing_->CreateBankReferral(context.get(), request, &response);
    if (out != nullptr) *out = response.referral();
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  grpc::Status UpdateReferral(const std::string& name, lv1::BankReferralStatus status,
                              int64_t obtained_cents = 0, const std::string& note = "",
                              lv1::BankReferral* out = nullptr) {
    lv1::UpdateBankReferralRequest request;
    request.set_request_id(absl::StrCat("update-referral-", ++counter_));
    request.set_name(name);
    request.set_status(status);
    if (obtained_cents != 0) *request.mutable_amount_obtained() = Cad(obtained_cents);
    request.set_note(note);
    lv1::UpdateBankReferralResponse response;
    grpc::Status result = financing_->UpdateBankReferral(Bob().get(), request, &response);
    if (out != nullptr) *out = response.referral();
    return result;
  }

  grpc::Status CreateSubsidy(const std::string& person, int64_t cents,
                             lv1::SubsidyApplication* out = nullptr) {
    lv1::CreateSubsidyApplicationRequest request;
    request.set_request_id(absl::StrCat("create-subsidy-", ++counter_));
    request.mutable_application()->set_person(person);
    request.mutable_application()->set_programme("Soutien au travail autonome");
    *request.mutable_application()->mutable_amount_requested() = Cad(cents);
    lv1::CreateSubsidyApplicationResponse response;
    grpc::Status status = financing_->CreateSubsidyApplication(Admin().get(), request, &response);
    if (out != nullptr) *out = response.application();
    return status;
  }

  grpc::Status UpdateSubsidy(const std::string& name, lv1::SubsidyStatus status,
                             int64_t granted_cents, const std::string& outcome,
                             lv1::SubsidyApplication* out = nullptr) {
    lv1::UpdateSubsidyApplicationRequest request;
    request.set_request_id(absl::StrCat("update-subsidy-", ++counter_));
    request.set_name(name);
    request.set_status(status);
    if (granted_cents != 0) *request.mutable_amount_granted() = Cad(granted_cents);
    request.set_outcome(outcome);
    lv1::UpdateSubsidyApplicationResponse response;
    grpc::Status result = financing_->UpdateSubsidyApplication(Admin().get(), request, &response);
    if (out != nullptr) *out = response.application();
    return result;
  }

  std::vector<lv1::BankReferral> Referrals(const std::string& person = "",
                                           lv1::BankReferralStatus status = {}) {
    lv1::ListBankReferralsRequest request;
    request.set_person(person);
    request.set_status(status);
    request.set_page_size(500);
    lv1::ListBankReferralsResponse response;
    grpc::Status result = financing_->ListBankReferrals(Admin().get(), request, &response);
    EXPECT_TRUE(result.ok()) << result.error_message();
    return {response.referrals().begin(), response.referrals().end()};
  }

  lv1::BankReferral OnlyReferral(const std::string& name) {
    for (const lv1::BankReferral& r : Referrals()) {
      if (r.name() == name) return r;
    }
    ADD_FAILURE() << name << " not listed";
    return {};
  }

  // The subjects and types of lending's events, in order, until `count` came.
  std::vector<std::string> Events(size_t count) {
    std::vector<std::string> out;
    auto context = Context(TestCredentials().admin_token, absl::Seconds(10));
    auto reader = lending_->WatchEvents(context.get(), lv1::WatchEventsRequest());
    lv1::WatchEventsResponse response;
    while (out.size() < count && reader->Read(&response)) {
      out.push_back(absl::StrCat(response.event().type(), " ", response.event().subject()));
    }
    context->TryCancel();
    reader->Finish();
    return out;
  }

  std::unique_ptr<lv1::FinancingService::Stub> financing_;
  std::unique_ptr<lv1::LendingService::Stub> lending_;
  int counter_ = 0;
};

TEST_P(FinancingTest, BankReferralFromPreparedToAccepted) {
  lv1::BankReferral referral;
  grpc::Status status = CreateReferral("referral-1", "people/7", 1'500'000, &referral);
  ASSERT_TRUE(status.ok()) << status.error_message() << suite_->Log("lending");
  EXPECT_EQ(referral.name(), "bankReferrals/1");
  EXPECT_EQ(referral.person(), "people/7");
  EXPECT_EQ(referral.institution(), "Caisse Desjardins du Plateau");  // trimmed
  EXPECT_EQ(referral.status(), lv1::BANK_REFERRAL_STATUS_PREPARED);
  EXPECT_EQ(referral.amount_requested().currency_code(), "CAD");
  EXPECT_EQ(referral.amount_requested().minor_units(), 1'500'000);
  EXPECT_FALSE(referral.has_amount_obtained());
  EXPECT_EQ(referral.created_by(), "staff:bob");
  EXPECT_GT(referral.create_time().seconds(), 0);

  // Not straight to ACCEPTED: sent first.
  status = UpdateReferral(referral.name(), lv1::BANK_REFERRAL_STATUS_ACCEPTED, 1'000'000);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               AllOf(HasSubstr("PREPARED"), HasSubstr("ACCEPTED"),
                                     HasSubstr("may become SENT"))));
  EXPECT_EQ(OnlyReferral(referral.name()).status(), lv1::BANK_REFERRAL_STATUS_PREPARED);

  ASSERT_TRUE(
      UpdateReferral(referral.name(), lv1::BANK_REFERRAL_STATUS_SENT, 0, "", &referral).ok());
  EXPECT_EQ(referral.status(), lv1::BANK_REFERRAL_STATUS_SENT);
  EXPECT_EQ(referral.note(), "Plan d'affaires revu avec le cercle");  // kept

  // ACCEPTED needs the amount the bank lent, in the fund's currency.
  status = UpdateReferral(referral.name(), lv1::BANK_REFERRAL_STATUS_ACCEPTED);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("amount_obtained is required")));
  lv1::UpdateBankReferralRequest usd;
  usd.set_request_id("update-usd");
  usd.set_name(referral.name());
  usd.set_status(lv1::BANK_REFERRAL_STATUS_ACCEPTED);
  *usd.mutable_amount_obtained() = Cad(1'000'000);
  usd.mutable_amount_obtained()->set_currency_code("USD");
  lv1::UpdateBankReferralResponse ignored;
  status = financing_->UpdateBankReferral(Bob().get(), usd, &ignored);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("amount_obtained")));
  EXPECT_EQ(OnlyReferral(referral.name()).status(), lv1::BANK_REFERRAL_STATUS_SENT);

  ASSERT_TRUE(UpdateReferral(referral.name(), lv1::BANK_REFERRAL_STATUS_ACCEPTED, 1'200'000,
                             "Prêt de 12 000 $ sur 5 ans", &referral)
                  .ok());
  EXPECT_EQ(referral.status(), lv1::BANK_REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(referral.amount_obtained().minor_units(), 1'200'000);
  EXPECT_EQ(referral.note(), "Prêt de 12 000 $ sur 5 ans");
  EXPECT_GE(referral.update_time().seconds(), referral.create_time().seconds());

  // ACCEPTED is final; a note may still be added.
  status = UpdateReferral(referral.name(), lv1::BANK_REFERRAL_STATUS_DECLINED);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               HasSubstr("from ACCEPTED to DECLINED: ACCEPTED is final")));
  ASSERT_TRUE(UpdateReferral(referral.name(), lv1::BANK_REFERRAL_STATUS_UNSPECIFIED, 0,
                             "Premier versement reçu", &referral)
                  .ok());
  EXPECT_EQ(referral.status(), lv1::BANK_REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(referral.amount_obtained().minor_units(), 1'200'000);
  EXPECT_EQ(referral.note(), "Premier versement reçu");

  // Declined path.
  lv1::BankReferral other;
  ASSERT_TRUE(CreateReferral("referral-2", "people/8", 800'000, &other).ok());
  ASSERT_TRUE(UpdateReferral(other.name(), lv1::BANK_REFERRAL_STATUS_SENT).ok());
  ASSERT_TRUE(UpdateReferral(other.name(), lv1::BANK_REFERRAL_STATUS_DECLINED, 0,
                             "Historique de crédit trop court", &other)
                  .ok());
  EXPECT_EQ(other.status(), lv1::BANK_REFERRAL_STATUS_DECLINED);
  EXPECT_FALSE(other.has_amount_obtained());
}

TEST_P(FinancingTest, BadReferralsAreRefusedAndChangeNothing) {
  struct Case {
    std::string person;
    int64_t cents;
    std::string institution;
    grpc::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"7", 1000, "Caisse", grpc::StatusCode::INVALID_ARGUMENT, "referral.person"},
      {"people/0", 1000, "Caisse", grpc::StatusCode::INVALID_ARGUMENT, "referral.person"},
      {"people/7", 0, "Caisse", grpc::StatusCode::INVALID_ARGUMENT, "referral.amount_requested"},
      {"people/7", -500, "Caisse", grpc::StatusCode::INVALID_ARGUMENT, "referral.amount_requested"},
      {"people/7", 1000, "   ", grpc::StatusCode::INVALID_ARGUMENT, "referral.institution"},
      {"people/7", 1000, std::string(201, 'x'), grpc::StatusCode::INVALID_ARGUMENT,
       "referral.institution"},
  };
  int n = 0;
  for (const Case& c : cases) {
    lv1::CreateBankReferralRequest request;
    request.set_request_id(absl::StrCat("bad-", ++n));
    request.mutable_referral()->set_person(c.person);
    request.mutable_referral()->set_institution(c.institution);
    *request.mutable_referral()->mutable_amount_requested() = Cad(c.cents);
    lv1::CreateBankReferralResponse response;
    grpc::Status status = financing_->CreateBankReferral(Bob().get(), request, &response);
    EXPECT_THAT(status, StatusIs(c.code, HasSubstr(c.message))) << c.message;
  }
  EXPECT_TRUE(Referrals().empty());

  lv1::UpdateBankReferralRequest missing;
  missing.set_request_id("missing");
  missing.set_name("bankReferrals/99");
  missing.set_status(lv1::BANK_REFERRAL_STATUS_SENT);
  lv1::UpdateBankReferralResponse response;
  grpc::Status status = financing_->UpdateBankReferral(Bob().get(), missing, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("bankReferrals/99")));
  missing.set_name("loans/1");
  status = financing_->UpdateBankReferral(Bob().get(), missing, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  lv1::ListBankReferralsRequest list;
  list.set_person("someone");
  lv1::ListBankReferralsResponse listed;
  EXPECT_THAT(financing_->ListBankReferrals(Admin().get(), list, &listed),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  list.set_person("");
  list.set_page_token("not-a-token");
  EXPECT_THAT(financing_->ListBankReferrals(Admin().get(), list, &listed),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  // No token: no access.
  lv1::CreateBankReferralResponse created;
  lv1::CreateBankReferralRequest anonymous;
  anonymous.set_request_id("anonymous");
  EXPECT_THAT(financing_->CreateBankReferral(Context("").get(), anonymous, &created),
              StatusIs(grpc::StatusCode::UNAUTHENTICATED));
}

TEST_P(FinancingTest, RequestIdReplaysTheFirstAnswer) {
  lv1::BankReferral first, again;
  bool replayed = true;
  ASSERT_TRUE(CreateReferral("referral-replay", "people/3", 500'000, &first, &replayed).ok());
  EXPECT_FALSE(replayed);
  ASSERT_TRUE(CreateReferral("referral-replay", "people/3", 500'000, &again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  // The same id for another amount is refused.
  grpc::Status status = CreateReferral("referral-replay", "people/3", 600'000);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("referral-replay")));
  EXPECT_EQ(Referrals().size(), 1u);

  // An update replayed after the record moved on still answers as the first time.
  lv1::UpdateBankReferralRequest send;
  send.set_request_id("send-once");
  send.set_name(first.name());
  send.set_status(lv1::BANK_REFERRAL_STATUS_SENT);
  lv1::UpdateBankReferralResponse sent, resent;
  ASSERT_TRUE(financing_->UpdateBankReferral(Bob().get(), send, &sent).ok());
  ASSERT_TRUE(UpdateReferral(first.name(), lv1::BANK_REFERRAL_STATUS_DECLINED).ok());
  ASSERT_TRUE(financing_->UpdateBankReferral(Bob().get(), send, &resent).ok());
  EXPECT_EQ(resent.referral().status(), lv1::BANK_REFERRAL_STATUS_SENT);
  EXPECT_EQ(OnlyReferral(first.name()).status(), lv1::BANK_REFERRAL_STATUS_DECLINED);
}

TEST_P(FinancingTest, ListsByPersonAndStatusInPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        CreateReferral(absl::StrCat("page-", i), i % 2 == 0 ? "people/1" : "people/2", 1000 + i)
            .ok());
  }
  ASSERT_TRUE(UpdateReferral("bankReferrals/3", lv1::BANK_REFERRAL_STATUS_SENT).ok());

  std::vector<std::string> names;
  lv1::ListBankReferralsRequest request;
  request.set_page_size(2);
  int pages = 0;
  do {
    lv1::ListBankReferralsResponse response;
    ASSERT_TRUE(financing_->ListBankReferrals(Admin().get(), request, &response).ok());
    ++pages;
    for (const auto& r : response.referrals()) names.push_back(r.name());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(names, ElementsAre("bankReferrals/1", "bankReferrals/2", "bankReferrals/3",
                                 "bankReferrals/4", "bankReferrals/5"));

  std::vector<std::string> first;
  for (const auto& r : Referrals("people/1")) first.push_back(r.name());
  EXPECT_THAT(first, ElementsAre("bankReferrals/1", "bankReferrals/3", "bankReferrals/5"));
  std::vector<std::string> sent;
  for (const auto& r : Referrals("", lv1::BANK_REFERRAL_STATUS_SENT)) sent.push_back(r.name());
  EXPECT_THAT(sent, ElementsAre("bankReferrals/3"));
  EXPECT_TRUE(Referrals("people/2", lv1::BANK_REFERRAL_STATUS_SENT).empty());
}

TEST_P(FinancingTest, SubsidyApplicationPaths) {
  lv1::SubsidyApplication granted, refused;
  ASSERT_TRUE(CreateSubsidy("people/5", 750'000, &granted).ok());
  EXPECT_EQ(granted.name(), "subsidyApplications/1");
  EXPECT_EQ(granted.status(), lv1::SUBSIDY_STATUS_PREPARED);
  EXPECT_EQ(granted.created_by(), "staff:alice");

  grpc::Status status = UpdateSubsidy(granted.name(), lv1::SUBSIDY_STATUS_GRANTED, 500'000, "ok");
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               HasSubstr("from PREPARED to GRANTED")));
  ASSERT_TRUE(UpdateSubsidy(granted.name(), lv1::SUBSIDY_STATUS_SUBMITTED, 0, "").ok());
  status = UpdateSubsidy(granted.name(), lv1::SUBSIDY_STATUS_GRANTED, 500'000, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("outcome must be 1 to 2000 characters, got 0"));
  status = UpdateSubsidy(granted.name(), lv1::SUBSIDY_STATUS_GRANTED, 0, "Accordée");
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("amount_granted is required")));
  ASSERT_TRUE(UpdateSubsidy(granted.name(), lv1::SUBSIDY_STATUS_GRANTED, 500'000,
                            "Accordée en partie: 5 000 $", &granted)
                  .ok());
  EXPECT_EQ(granted.status(), lv1::SUBSIDY_STATUS_GRANTED);
  EXPECT_EQ(granted.amount_granted().minor_units(), 500'000);
  EXPECT_EQ(granted.outcome(), "Accordée en partie: 5 000 $");
  status = UpdateSubsidy(granted.name(), lv1::SUBSIDY_STATUS_REFUSED, 0, "non");
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("GRANTED is final")));

  ASSERT_TRUE(CreateSubsidy("people/6", 300'000, &refused).ok());
  ASSERT_TRUE(UpdateSubsidy(refused.name(), lv1::SUBSIDY_STATUS_SUBMITTED, 0, "").ok());
  ASSERT_TRUE(UpdateSubsidy(refused.name(), lv1::SUBSIDY_STATUS_REFUSED, 0,
                            "Le budget du programme est épuisé", &refused)
                  .ok());
  EXPECT_FALSE(refused.has_amount_granted());

  lv1::ListSubsidyApplicationsRequest request;
  request.set_status(lv1::SUBSIDY_STATUS_REFUSED);
  lv1::ListSubsidyApplicationsResponse response;
  ASSERT_TRUE(financing_->ListSubsidyApplications(Bob().get(), request, &response).ok());
  ASSERT_EQ(response.applications_size(), 1);
  EXPECT_EQ(response.applications(0).name(), refused.name());
  request.set_status(lv1::SUBSIDY_STATUS_UNSPECIFIED);
  request.set_person("people/5");
  ASSERT_TRUE(financing_->ListSubsidyApplications(Bob().get(), request, &response).ok());
  ASSERT_EQ(response.applications_size(), 1);
  EXPECT_EQ(response.applications(0).SerializeAsString(), granted.SerializeAsString());
}

TEST_P(FinancingTest, EveryChangeIsAnEvent) {
  lv1::BankReferral referral;
  ASSERT_TRUE(CreateReferral("event-1", "people/4", 100'000, &referral).ok());
  ASSERT_TRUE(UpdateReferral(referral.name(), lv1::BANK_REFERRAL_STATUS_SENT).ok());
  lv1::SubsidyApplication application;
  ASSERT_TRUE(CreateSubsidy("people/4", 200'000, &application).ok());
  EXPECT_THAT(Events(3),
              ElementsAre("cercles.lending.v1.BankReferralChanged bankReferrals/1",
                          "cercles.lending.v1.BankReferralChanged bankReferrals/1",
                          "cercles.lending.v1.SubsidyApplicationChanged subsidyApplications/1"));
}

TEST_P(FinancingTest, CerclesctlVerbs) {
  const std::string& dir = work_dir();
  const std::string bob = TestCredentials().advisor_token;
  CtlResult created = RunCerclesctl(
      *suite_, "lending", bob,
      {"lending", "bank-referrals", "create", "--person", "12", "--institution",
       "Caisse populaire Centre-Sud", "--amount", "15,000.00", "--request-id", "ctl-referral-1"},
      dir);
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("bankReferrals/1   people/12   Caisse populaire Centre-Sud   "
                                     "15,000.00 CAD   prepared"));
  CtlResult again = RunCerclesctl(
      *suite_, "lending", bob,
      {"lending", "bank-referrals", "create", "--person", "12", "--institution",
       "Caisse populaire Centre-Sud", "--amount", "15,000.00", "--request-id", "ctl-referral-1"},
      dir);
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("was already done"));

  CtlResult skipped = RunCerclesctl(*suite_, "lending", bob,
                                    {"lending", "bank-referrals", "update", "1", "--status",
                                     "accepted", "--amount-obtained", "12000"},
                                    dir);
  EXPECT_EQ(skipped.code, 1);
  EXPECT_THAT(skipped.err, HasSubstr("cerclesctl: FAILED_PRECONDITION: a bank referral cannot go "
                                     "from PREPARED to ACCEPTED"));
  EXPECT_EQ(skipped.out, "");

  ASSERT_EQ(RunCerclesctl(*suite_, "lending", bob,
                          {"lending", "bank-referrals", "update", "1", "--status", "sent"}, dir)
                .code,
            0);
  CtlResult accepted =
      RunCerclesctl(*suite_, "lending", bob,
                    {"lending", "bank-referrals", "update", "bankReferrals/1", "--status",
                     "accepted", "--amount-obtained", "12000", "--note", "5 ans"},
                    dir);
  ASSERT_EQ(accepted.code, 0) << accepted.err;
  EXPECT_THAT(accepted.out, HasSubstr("accepted   12,000.00 CAD   5 ans"));

  CtlResult listed = RunCerclesctl(*suite_, "lending", bob,
                                   {"--output", "json", "lending", "bank-referrals", "list",
                                    "--status", "accepted", "--person", "people/12"},
                                   dir);
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("\"amountObtained\":{\"currencyCode\":\"CAD\","
                                    "\"minorUnits\":\"1200000\"}"));

  CtlResult bad = RunCerclesctl(*suite_, "lending", bob,
                                {"lending", "subsidies", "create", "--person", "3", "--programme",
                                 "PSTA", "--amount", "12.345"},
                                dir);
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--amount must be an amount in units with up to two decimals"));

  ASSERT_EQ(RunCerclesctl(*suite_, "lending", bob,
                          {"lending", "subsidies", "create", "--person", "3", "--programme", "PSTA",
                           "--amount", "8000"},
                          dir)
                .code,
            0);
  ASSERT_EQ(RunCerclesctl(*suite_, "lending", bob,
                          {"lending", "subsidies", "update", "1", "--status", "submitted"}, dir)
                .code,
            0);
  CtlResult granted = RunCerclesctl(*suite_, "lending", bob,
                                    {"lending", "subsidies", "update", "1", "--status", "granted",
                                     "--amount-granted", "6000", "--outcome", "Accordée"},
                                    dir);
  ASSERT_EQ(granted.code, 0) << granted.err;
  CtlResult subsidies =
      RunCerclesctl(*suite_, "lending", bob, {"lending", "subsidies", "list"}, dir);
  ASSERT_EQ(subsidies.code, 0) << subsidies.err;
  EXPECT_THAT(subsidies.out, HasSubstr("subsidyApplications/1   people/3   PSTA        "
                                       "8,000.00 CAD   granted   6,000.00 CAD   Accordée"));
}

INSTANTIATE_TEST_SUITE_P(Engines, FinancingTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
