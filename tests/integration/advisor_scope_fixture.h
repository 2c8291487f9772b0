// The advisor-scope test's fixture (tests/integration/advisor_scope_test.cc):
// two advisors' circles with everything that can hang off a circle, and the
// rows each service's file adds (advisor_scope_rows_{membership,lending,network}.cc).
#ifndef CERCLES_TESTS_INTEGRATION_ADVISOR_SCOPE_FIXTURE_H_
#define CERCLES_TESTS_INTEGRATION_ADVISOR_SCOPE_FIXTURE_H_

#include <google/protobuf/descriptor.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/common/v1/options.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/federation_fixtures.h"
#include "tests/integration/lending_fixture.h"
#include "tests/integration/suite.h"

namespace cercles::testing::advisor_scope {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;

// Every service of the suite, by full name.
inline const std::vector<std::string>& ServiceNames() {
  static const auto* const names = new std::vector<std::string>{
      "cercles.membership.v1.MembershipService", "cercles.membership.v1.PeopleService",
      "cercles.membership.v1.TrainingService",   "cercles.membership.v1.MeetingService",
      "cercles.lending.v1.LendingService",       "cercles.lending.v1.FinancingService",
      "cercles.network.v1.NetworkService",       "cercles.network.v1.PartnerService",
      "cercles.network.v1.PeerFundService",      "cercles.network.v1.FederationService"};
  return *names;
}

// "package.Service.Method" of the RPC whose request type is `request` (unique
// per RPC: buf's STANDARD lint enforces it), "" if none.
inline std::string MethodOf(const google::protobuf::Descriptor* request) {
  for (const std::string& name : ServiceNames()) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      if (service->method(i)->input_type() == request) return service->method(i)->full_name();
    }
  }
  return "";
}

enum class Expect {
  // PERMISSION_DENIED (or NOT_FOUND, where that is the convention) naming the
  // rule, and nothing of B's in the answer.
  kRefused,
  // OK, and nothing of B's in the answer (must_contain shows it is not empty
  // for Bob's own data).
  kFiltered,
  // Fund-wide or directory data that belongs to no circle and no person (the
  // note says why); OK or refused for its own reasons, never with B's data.
  kNotScoped,
};

struct Row {
  std::string method;
  std::string label;
  Expect expect;
  std::function<grpc::Status(const std::string& token, std::string* answer)> call;
  std::vector<std::string> must_contain;
  std::string note;
};

template <typename Stub, typename Request, typename Response>
Row MakeRow(Expect expect, std::string label, Stub* stub,
            grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
            Request request, std::vector<std::string> must_contain = {}, std::string note = "") {
  Row row;
  row.method = MethodOf(Request::descriptor());
  row.label = std::move(label);
  row.expect = expect;
  row.must_contain = std::move(must_contain);
  row.note = std::move(note);
  row.call = [stub, rpc, request](const std::string& token, std::string* answer) {
    Response response;
    grpc::Status status = (stub->*rpc)(Context(token).get(), request, &response);
    *answer = response.ShortDebugString();
    return status;
  };
  return row;
}

inline std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

class AdvisorScopeTest : public LendingFixture {
 protected:
  // Peer fund-a's certificate comes from its own CA: the federation listener
  // trusts it.
  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = LendingFixture::SuiteOptions();
    options->extra_flags["network"].push_back(absl::StrCat("--federation_ca=", AllCas()));
    return options;
  }

  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto membership = suite_->StaffChannel("membership");
    meetings_ = mv1::MeetingService::NewStub(membership);
    financing_ = lv1::FinancingService::NewStub(suite_->StaffChannel("lending"));
    auto network = suite_->StaffChannel("network");
    network_ = nv1::NetworkService::NewStub(network);
    partners_ = nv1::PartnerService::NewStub(network);
    peers_ = nv1::PeerFundService::NewStub(network);

    const absl::CivilDay disbursed = FundToday() - 40;
    circle_a_ = Circle("A", 6, &members_a_);
    loan_a_ = Disburse(circle_a_, members_a_, 0, 50'000, disbursed).name();
    circle_b_ = Circle("B", 6, &members_b_);
    loan_b_ = Disburse(circle_b_, members_b_, 0, 40'000, disbursed).name();
    ASSERT_FALSE(HasFailure());
    // Both loans' first instalments are late: a reminder each, for the feed.
    lv1::RunRemindersRequest remind;
    remind.set_request_id("scope-reminders");
    lv1::RunRemindersResponse reminded;
    ASSERT_TRUE(lending_->RunReminders(Admin().get(), remind, &reminded).ok());
    NewPerson free;
    free.given_name = "Libre";
    free_person_ = CreatePersonInTraining(*people_, *trainings_, TestCredentials().admin_token,
                                          training_, ToDate(FundToday() - 450), free);

    // Circle B becomes Dora's.
    mv1::ListAdvisorsResponse advisors;
    ASSERT_TRUE(circles_->ListAdvisors(Admin().get(), mv1::ListAdvisorsRequest(), &advisors).ok());
    for (const auto& a : advisors.advisors()) {
      if (a.principal_name() == "dora") dora_ = a.name();
    }
    ASSERT_FALSE(dora_.empty());
    mv1::AssignCircleAdvisorRequest assign;
    assign.set_request_id("assign-b");
    assign.set_circle(circle_b_);
    assign.set_advisor(dora_);
    mv1::AssignCircleAdvisorResponse assigned;
    grpc::Status status = circles_->AssignCircleAdvisor(Admin().get(), assign, &assigned);
    ASSERT_TRUE(status.ok()) << status.error_message();

    // B's private data, written by the admin.
    mv1::UpdatePersonRequest contact;
    contact.set_request_id("contact-b");
    contact.mutable_person()->set_name(members_b_[0]);
    contact.mutable_person()->mutable_contact()->set_email(email_b_);
    contact.mutable_person()->mutable_contact()->set_phone(phone_b_);
    contact.mutable_update_mask()->add_paths("contact.email");
    contact.mutable_update_mask()->add_paths("contact.phone");
    mv1::UpdatePersonResponse updated;
    status = people_->UpdatePerson(Admin().get(), contact, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();

    lv1::RecordRepaymentRequest repay;
    repay.set_request_id("repay-b");
    repay.set_loan(loan_b_);
    *repay.mutable_amount() = Cad(1'000);
    *repay.mutable_received_on() = ToDate(FundToday() - 1);
    lv1::RecordRepaymentResponse repaid;
    status = lending_->RecordRepayment(Admin().get(), repay, &repaid);
    ASSERT_TRUE(status.ok()) << status.error_message();
    repayment_b_ = repaid.repayment().name();

    referral_a_ = BankReferral("a", members_a_[0]);
    referral_b_ = BankReferral("b", members_b_[0]);
    subsidy_a_ = Subsidy("a", members_a_[0]);
    subsidy_b_ = Subsidy("b", members_b_[0]);
    ASSERT_FALSE(HasFailure());

    mv1::RecordMeetingRequest record;
    record.set_request_id("meeting-b");
    record.set_parent(circle_b_);
    mv1::Meeting* meeting = record.mutable_meeting();
    *meeting->mutable_meeting_date() = ToDate(MembershipToday());  // the members joined today (UTC)
    for (const std::string& member : members_b_) {
      mv1::Attendance* attendance = meeting->add_attendance();
      attendance->set_person(member);
      attendance->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
    }
    meeting->set_minutes(minutes_b_);
    mv1::RecordMeetingResponse recorded;
    status = meetings_->RecordMeeting(Admin().get(), record, &recorded);
    ASSERT_TRUE(status.ok()) << status.error_message();
    meeting_b_ = recorded.meeting().name();

    // The network's referrals of A's and B's members to a partner (the network
    // learns people, circles and advisors from membership's events).
    nv1::CreatePartnerRequest partner;
    partner.set_request_id("partner-1");
    partner.mutable_partner()->set_display_name("SAJE Montréal");
    partner.mutable_partner()->set_kind(nv1::PARTNER_KIND_SAJE);
    partner.mutable_partner()->add_territory("Rosemont");
    partner.mutable_partner()->add_services("Plan d'affaires");
    partner.mutable_partner()->set_contact_point("info@saje.example");
    nv1::CreatePartnerResponse created_partner;
    status = partners_->CreatePartner(Admin().get(), partner, &created_partner);
    ASSERT_TRUE(status.ok()) << status.error_message();
    partner_ = created_partner.partner().name();
    network_referral_a_ = NetworkReferral("a", members_a_[0]);
    network_referral_b_ = NetworkReferral("b", members_b_[0]);
    ASSERT_FALSE(network_referral_a_.empty());
    ASSERT_FALSE(network_referral_b_.empty());

    // The network follows the reassignment from membership's events.
    ASSERT_TRUE(Eventually(
        [&] {
          nv1::GetReferralRequest get;
          get.set_name(network_referral_b_);
          nv1::GetReferralResponse got;
          return partners_->GetReferral(Dora().get(), get, &got).ok() &&
                 partners_->GetReferral(Bob().get(), get, &got).error_code() ==
                     grpc::StatusCode::PERMISSION_DENIED;
        },
        absl::Seconds(15)))
        << suite_->Log("network");

    // A peer fund proposes two members to B's circle, then one to A's (B's
    // first, more than a page of one reads at once: Bob's listing must skip
    // them, not stop there).
    nv1::RegisterPeerFundRequest register_peer;
    register_peer.set_request_id("register-fund-a");
    register_peer.mutable_peer()->set_fund_id("fund-a");
    register_peer.mutable_peer()->set_certificate_common_name("fund-a");
    register_peer.mutable_peer()->set_display_name("Fonds A");
    register_peer.mutable_peer()->set_region("Québec");
    nv1::RegisterPeerFundResponse registered;
    status = peers_->RegisterPeerFund(Admin().get(), register_peer, &registered);
    ASSERT_TRUE(status.ok()) << status.error_message();
    transfer_b_ = ProposedTransfer("b", circle_b_, transfer_candidate_b_);
    transfer_b2_ = ProposedTransfer("b2", circle_b_, transfer_candidate_b_);
    transfer_a_ = ProposedTransfer("a", circle_a_, "Transfert-A");
    ASSERT_FALSE(transfer_b_.empty());
    ASSERT_FALSE(transfer_b2_.empty());
    ASSERT_FALSE(transfer_a_.empty());

    // Lending follows the reassignment from membership's events.
    ASSERT_TRUE(Eventually(
        [&] {
          lv1::GetLoanRequest get;
          get.set_name(loan_b_);
          lv1::GetLoanResponse got;
          return lending_->GetLoan(Dora().get(), get, &got).ok() &&
                 lending_->GetLoan(Bob().get(), get, &got).error_code() ==
                     grpc::StatusCode::PERMISSION_DENIED;
        },
        absl::Seconds(15)));
  }

  // A referral to the partner, once the network knows the person and their
  // consent to be referred.
  std::string NetworkReferral(const std::string& tag, const std::string& person) {
    mv1::RecordConsentRequest consent;
    consent.set_request_id("partner-consent-" + tag);
    consent.set_person(person);
    consent.mutable_change()->set_purpose(mv1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS);
    consent.mutable_change()->set_action(mv1::CONSENT_ACTION_GIVE);
    consent.mutable_change()->set_wording_version("2026-01");
    consent.mutable_change()->set_channel(mv1::CONSENT_CHANNEL_PAPER_FORM);
    mv1::RecordConsentResponse consented;
    grpc::Status given = people_->RecordConsent(Admin().get(), consent, &consented);
    EXPECT_TRUE(given.ok()) << given.error_message();
    nv1::CreateReferralRequest request;
    request.set_request_id("network-referral-" + tag);
    request.mutable_referral()->set_person(person);
    request.mutable_referral()->set_partner(partner_);
    request.mutable_referral()->set_reason("Plan d'affaires confidentiel " + tag);
    nv1::CreateReferralResponse response;
    grpc::Status status;
    EXPECT_TRUE(Eventually(
        [&] {
          status = partners_->CreateReferral(Admin().get(), request, &response);
          return status.error_code() != grpc::StatusCode::NOT_FOUND &&
                 status.error_code() != grpc::StatusCode::FAILED_PRECONDITION;
        },
        absl::Seconds(15)));
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.referral().name();
  }

  // A member transfer that peer fund-a proposes into `circle` (this fund's
  // "circles/{id}"), once the network's directory has the circle.
  std::string ProposedTransfer(const std::string& tag, const std::string& circle,
                               const std::string& given_name) {
    auto as_peer = nv1::FederationService::NewStub(ChannelAs(*suite_, "fund-a"));
    nv1::ProposeMemberTransferRequest request;
    request.set_request_id("transfer-" + tag);
    request.set_circle(absl::StrCat("funds/", suite_->options().fund_id, "/", circle));
    request.mutable_candidate()->set_given_name(given_name);
    request.mutable_candidate()->set_family_name("Tremblay");
    request.mutable_candidate()->set_language(mv1::LANGUAGE_FR);
    request.mutable_candidate()->mutable_consents()->set_share_with_other_funds(true);
    nv1::ProposeMemberTransferResponse response;
    grpc::Status status;
    EXPECT_TRUE(Eventually(
        [&] {
          status = as_peer->ProposeMemberTransfer(Call().get(), request, &response);
          return status.ok();
        },
        absl::Seconds(15)));
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.transfer().name();
  }

  std::string BankReferral(const std::string& tag, const std::string& person) {
    lv1::CreateBankReferralRequest request;
    request.set_request_id("referral-" + tag);
    request.mutable_referral()->set_person(person);
    request.mutable_referral()->set_institution("Caisse Desjardins");
    *request.mutable_referral()->mutable_amount_requested() = Cad(800'000);
    lv1::CreateBankReferralResponse response;
    grpc::Status status = financing_->CreateBankReferral(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.referral().name();
  }

  std::string Subsidy(const std::string& tag, const std::string& person) {
    lv1::CreateSubsidyApplicationRequest request;
    request.set_request_id("subsidy-" + tag);
    request.mutable_application()->set_person(person);
    request.mutable_application()->set_programme("Futurpreneur");
    *request.mutable_application()->mutable_amount_requested() = Cad(300'000);
    lv1::CreateSubsidyApplicationResponse response;
    grpc::Status status = financing_->CreateSubsidyApplication(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.application().name();
  }

  // What must never reach Bob: B's members, contacts, loan, repayment, meeting
  // and its minutes, bank referral and subsidy application; and (outside the
  // network's directory, which every fund's staff reads) B's circle itself.
  std::vector<std::string> BMarkers(bool with_circle) const {
    std::vector<std::string> markers = {email_b_,
                                        phone_b_,
                                        minutes_b_,
                                        Quoted(loan_b_),
                                        Quoted(repayment_b_),
                                        Quoted(meeting_b_),
                                        Quoted(referral_b_),
                                        Quoted(subsidy_b_),
                                        Quoted(network_referral_b_),
                                        "Plan d'affaires confidentiel b",
                                        Quoted(transfer_b_),
                                        Quoted(transfer_b2_),
                                        transfer_candidate_b_};
    for (const std::string& m : members_b_) markers.push_back(Quoted(m));
    if (with_circle) markers.push_back(Quoted(circle_b_));
    return markers;
  }

  std::vector<Row> Rows();
  std::vector<Row> MembershipRows();
  std::vector<Row> LendingRows();
  std::vector<Row> NetworkRows();

  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
  std::unique_ptr<lv1::FinancingService::Stub> financing_;
  std::unique_ptr<nv1::NetworkService::Stub> network_;
  std::unique_ptr<nv1::PartnerService::Stub> partners_;
  std::unique_ptr<nv1::PeerFundService::Stub> peers_;
  std::string circle_a_, circle_b_, loan_a_, loan_b_, dora_, free_person_, repayment_b_;
  std::string referral_a_, referral_b_, subsidy_a_, subsidy_b_, meeting_b_;
  std::string partner_, network_referral_a_, network_referral_b_, transfer_a_, transfer_b_,
      transfer_b2_;
  const std::string transfer_candidate_b_ = "Transfert-B";
  std::vector<std::string> members_a_, members_b_;
  const std::string email_b_ = "secret-b@example.org";
  const std::string phone_b_ = "+1 514 555 0199";
  const std::string minutes_b_ = "Proces-verbal confidentiel du cercle B";
};

}  // namespace cercles::testing::advisor_scope

#endif  // CERCLES_TESTS_INTEGRATION_ADVISOR_SCOPE_FIXTURE_H_
