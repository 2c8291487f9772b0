// One advisor scope, end to end: advisor Bob (circle A) calls every RPC his
// policy allows with advisor Dora's resources (circle B, its members, its loan,
// repayment, journal lines, meeting, bank referral and subsidy application) and
// unfiltered; every answer is a refusal or leaves B's data out. A last check
// walks the service descriptors: an advisor-callable RPC without a row fails, so
// a new RPC cannot be forgotten.
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

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;

// Every service of the suite, by full name.
const std::vector<std::string>& ServiceNames() {
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
std::string MethodOf(const google::protobuf::Descriptor* request) {
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

std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

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

std::vector<Row> AdvisorScopeTest::Rows() {
  std::vector<Row> rows;
  const Expect kRefused = Expect::kRefused, kFiltered = Expect::kFiltered,
               kNotScoped = Expect::kNotScoped;
  mv1::MembershipService::Stub* c = circles_.get();
  mv1::PeopleService::Stub* p = people_.get();
  mv1::TrainingService::Stub* t = trainings_.get();
  mv1::MeetingService::Stub* m = meetings_.get();
  lv1::LendingService::Stub* l = lending_.get();
  lv1::FinancingService::Stub* f = financing_.get();
  nv1::NetworkService::Stub* n = network_.get();
  nv1::PartnerService::Stub* pa = partners_.get();
  nv1::PeerFundService::Stub* pe = peers_.get();
  const std::string b_person = members_b_[1];

  // ---- membership: circles ----
  {
    mv1::CreateCircleRequest r;
    r.set_request_id("scope-create");
    r.mutable_circle()->set_display_name("Cercle de Bob");
    rows.push_back(MakeRow(kNotScoped, "a new circle (his own)", c,
                           &mv1::MembershipService::Stub::CreateCircle, r, {},
                           "names no existing circle; it becomes Bob's"));
  }
  {
    mv1::GetCircleRequest r;
    r.set_name(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::GetCircle, r));
  }
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", c, &mv1::MembershipService::Stub::ListCircles,
                           mv1::ListCirclesRequest(), {Quoted(circle_a_)}));
    mv1::ListCirclesRequest r;
    r.set_advisor(dora_);
    rows.push_back(
        MakeRow(kRefused, "advisor=Dora", c, &mv1::MembershipService::Stub::ListCircles, r));
  }
  {
    mv1::UpdateCircleRequest r;
    r.set_request_id("scope-update");
    r.mutable_circle()->set_name(circle_b_);
    r.mutable_circle()->set_display_name("Pris par Bob");
    r.mutable_update_mask()->add_paths("display_name");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::UpdateCircle, r));
  }
  {
    mv1::AddCircleMemberRequest r;
    r.set_request_id("scope-add");
    r.set_circle(circle_b_);
    r.set_person(free_person_);
    r.set_reason("newcomer");
    rows.push_back(MakeRow(kRefused, "to B", c, &mv1::MembershipService::Stub::AddCircleMember, r));
    r.set_request_id("scope-add-2");
    r.set_circle(circle_a_);
    r.set_person(b_person);
    rows.push_back(
        MakeRow(kRefused, "B's member to A", c, &mv1::MembershipService::Stub::AddCircleMember, r));
  }
  {
    mv1::RemoveCircleMemberRequest r;
    r.set_request_id("scope-remove");
    r.set_circle(circle_b_);
    r.set_person(b_person);
    r.set_reason("moved away");
    rows.push_back(
        MakeRow(kRefused, "from B", c, &mv1::MembershipService::Stub::RemoveCircleMember, r));
  }
  {
    mv1::ListCircleMembersRequest r;
    r.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ListCircleMembers, r));
    mv1::ListCircleHistoryRequest h;
    h.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ListCircleHistory, h));
  }
  {
    mv1::ActivateCircleRequest a;
    a.set_request_id("scope-activate");
    a.set_name(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ActivateCircle, a));
    mv1::SuspendCircleRequest s;
    s.set_request_id("scope-suspend");
    s.set_name(circle_b_);
    s.set_reason("pause");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::SuspendCircle, s));
    mv1::ResumeCircleRequest u;
    u.set_request_id("scope-resume");
    u.set_name(circle_b_);
    u.set_reason("reprise");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ResumeCircle, u));
    mv1::DissolveCircleRequest d;
    d.set_request_id("scope-dissolve");
    d.set_name(circle_b_);
    d.set_reason("fin");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::DissolveCircle, d));
  }
  {
    mv1::MergeCirclesRequest r;
    r.set_request_id("scope-merge");
    r.add_circles(circle_a_);
    r.add_circles(circle_b_);
    r.set_display_name("A et B");
    rows.push_back(
        MakeRow(kRefused, "A with B", c, &mv1::MembershipService::Stub::MergeCircles, r));
  }
  {
    mv1::ProposeCirclesRequest r;
    r.set_training(training_);
    rows.push_back(MakeRow(kFiltered, "the cohort (free graduates only)", c,
                           &mv1::MembershipService::Stub::ProposeCircles, r));
  }
  {
    mv1::AcceptCircleProposalRequest r;
    r.set_request_id("scope-accept");
    r.set_validate_only(true);
    mv1::ProposedCircle* proposed = r.add_circles();
    proposed->set_display_name("Avec les membres de B");
    for (const std::string& member : members_b_) proposed->add_people(member);
    rows.push_back(MakeRow(kRefused, "B's members", c,
                           &mv1::MembershipService::Stub::AcceptCircleProposal, r));
  }
  rows.push_back(MakeRow(kNotScoped, "the fund's advisors", c,
                         &mv1::MembershipService::Stub::ListAdvisors, mv1::ListAdvisorsRequest(),
                         {}, "the fund's staff directory (names and e-mails of its advisors)"));

  // ---- membership: people ----
  {
    mv1::CreatePersonRequest r;
    r.set_request_id("scope-person");
    r.mutable_person()->set_given_name("Nouvelle");
    r.mutable_person()->set_family_name("Personne");
    r.mutable_person()->set_language(mv1::LANGUAGE_FR);
    rows.push_back(MakeRow(kNotScoped, "a new person", p, &mv1::PeopleService::Stub::CreatePerson,
                           r, {}, "a new person is in no circle"));
  }
  {
    mv1::GetPersonRequest r;
    r.set_name(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::GetPerson, r));
    r.set_name(free_person_);
    rows.push_back(MakeRow(kFiltered, "a person in no circle", p,
                           &mv1::PeopleService::Stub::GetPerson, r, {Quoted(free_person_)}));
  }
  {
    mv1::UpdatePersonRequest r;
    r.set_request_id("scope-update-person");
    r.mutable_person()->set_name(b_person);
    r.mutable_person()->mutable_contact()->set_phone("+1 514 555 0000");
    r.mutable_update_mask()->add_paths("contact.phone");
    rows.push_back(MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::UpdatePerson, r));
  }
  {
    mv1::ListPeopleRequest r;
    r.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "circle=B", p, &mv1::PeopleService::Stub::ListPeople, r));
    rows.push_back(MakeRow(kFiltered, "unfiltered", p, &mv1::PeopleService::Stub::ListPeople,
                           mv1::ListPeopleRequest(),
                           {Quoted(members_a_[0]), Quoted(free_person_)}));
    mv1::ListPeopleRequest cohort;
    cohort.set_cohort(training_);
    rows.push_back(MakeRow(kFiltered, "cohort", p, &mv1::PeopleService::Stub::ListPeople, cohort,
                           {Quoted(members_a_[0])}));
  }
  {
    mv1::RecordConsentRequest r;
    r.set_request_id("scope-consent");
    r.set_person(b_person);
    r.mutable_change()->set_purpose(mv1::CONSENT_PURPOSE_SHARE_WITH_NETWORK);
    r.mutable_change()->set_action(mv1::CONSENT_ACTION_WITHDRAW);
    r.mutable_change()->set_wording_version("2026-01");
    r.mutable_change()->set_channel(mv1::CONSENT_CHANNEL_PHONE);
    rows.push_back(MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::RecordConsent, r));
    mv1::ListConsentChangesRequest l;
    l.set_person(b_person);
    rows.push_back(
        MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::ListConsentChanges, l));
  }

  // ---- membership: trainings ----
  {
    mv1::CreateTrainingRequest r;
    r.set_request_id("scope-training");
    r.mutable_training()->set_display_name("Cohorte de Bob");
    *r.mutable_training()->mutable_start_date() = ToDate(FundToday() - 10);
    *r.mutable_training()->mutable_end_date() = ToDate(FundToday() + 50);
    rows.push_back(MakeRow(kNotScoped, "a new cohort", t,
                           &mv1::TrainingService::Stub::CreateTraining, r, {},
                           "trainings are the fund's cohorts, of no circle"));
    mv1::GetTrainingRequest g;
    g.set_name(training_);
    rows.push_back(MakeRow(kNotScoped, "the cohort", t, &mv1::TrainingService::Stub::GetTraining, g,
                           {}, "a cohort's name and dates"));
    rows.push_back(MakeRow(kNotScoped, "every cohort", t,
                           &mv1::TrainingService::Stub::ListTrainings, mv1::ListTrainingsRequest(),
                           {}, "cohorts' names and dates"));
  }
  {
    mv1::EnrolPersonRequest r;
    r.set_request_id("scope-enrol");
    r.set_training(training_);
    r.set_person(b_person);
    rows.push_back(MakeRow(kRefused, "B's member", t, &mv1::TrainingService::Stub::EnrolPerson, r));
    mv1::CompleteTrainingRequest done;
    done.set_request_id("scope-complete");
    done.set_training(training_);
    done.set_person(b_person);
    *done.mutable_completion_date() = ToDate(FundToday() - 450);
    rows.push_back(
        MakeRow(kRefused, "B's member", t, &mv1::TrainingService::Stub::CompleteTraining, done));
  }
  {
    mv1::ListEnrolmentsRequest r;
    r.set_person(b_person);
    rows.push_back(
        MakeRow(kRefused, "person=B's member", t, &mv1::TrainingService::Stub::ListEnrolments, r));
    mv1::ListEnrolmentsRequest cohort;
    cohort.set_training(training_);
    rows.push_back(MakeRow(kFiltered, "training", t, &mv1::TrainingService::Stub::ListEnrolments,
                           cohort, {Quoted(members_a_[0]), Quoted(free_person_)}));
  }

  // ---- membership: meetings ----
  {
    mv1::SetMeetingScheduleRequest r;
    r.set_request_id("scope-schedule");
    r.mutable_schedule()->set_name(circle_b_ + "/meetingSchedule");
    r.mutable_schedule()->set_frequency(mv1::MEETING_FREQUENCY_MONTHLY);
    *r.mutable_schedule()->mutable_first_meeting_date() = ToDate(FundToday() + 7);
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::SetMeetingSchedule, r));
    mv1::GetMeetingScheduleRequest g;
    g.set_name(circle_b_ + "/meetingSchedule");
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::GetMeetingSchedule, g));
  }
  {
    mv1::RecordMeetingRequest r;
    r.set_request_id("scope-meeting");
    r.set_parent(circle_b_);
    *r.mutable_meeting()->mutable_meeting_date() = ToDate(FundToday() - 1);
    for (const std::string& member : members_b_) {
      mv1::Attendance* attendance = r.mutable_meeting()->add_attendance();
      attendance->set_person(member);
      attendance->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
    }
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::RecordMeeting, r));
    mv1::GetMeetingRequest g;
    g.set_name(meeting_b_);
    rows.push_back(MakeRow(kRefused, "B's meeting", m, &mv1::MeetingService::Stub::GetMeeting, g));
    mv1::ListMeetingsRequest list;
    list.set_parent(circle_b_);
    list.set_view(mv1::MEETING_VIEW_FULL);
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::ListMeetings, list));
    mv1::GetAttendanceSummaryRequest summary;
    summary.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::GetAttendanceSummary, summary));
    mv1::ListBusinessHistoryRequest history;
    history.set_parent(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "B's member", m,
                           &mv1::MeetingService::Stub::ListBusinessHistory, history));
  }

  // ---- lending ----
  {
    lv1::GetCircleEligibilityRequest r;
    r.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", l, &lv1::LendingService::Stub::GetCircleEligibility, r));
    rows.push_back(MakeRow(kNotScoped, "the fund's settings", l,
                           &lv1::LendingService::Stub::GetFundSettings,
                           lv1::GetFundSettingsRequest(), {}, "the fund's lending rules"));
    rows.push_back(MakeRow(kNotScoped, "settings history", l,
                           &lv1::LendingService::Stub::ListFundSettingsChanges,
                           lv1::ListFundSettingsChangesRequest(), {}, "the fund's rule changes"));
  }
  {
    lv1::SubmitLoanRequestRequest r;
    r.set_request_id("scope-submit");
    r.set_circle(circle_b_);
    r.mutable_loan()->set_applicant(b_person);
    *r.mutable_loan()->mutable_amount() = Cad(20'000);
    r.mutable_loan()->set_purpose("Un comptoir");
    r.mutable_loan()->set_business_plan_summary("Vente au marché");
    r.mutable_loan()->set_instalment_count(6);
    r.mutable_loan()->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    r.mutable_loan()->set_annual_rate_bps(500);
    rows.push_back(
        MakeRow(kRefused, "through B", l, &lv1::LendingService::Stub::SubmitLoanRequest, r));
  }
  {
    lv1::GetLoanRequest r;
    r.set_name(loan_b_);
    rows.push_back(MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::GetLoan, r));
    rows.push_back(MakeRow(kFiltered, "unfiltered", l, &lv1::LendingService::Stub::ListLoans,
                           lv1::ListLoansRequest(), {Quoted(loan_a_)}));
    lv1::ListLoansRequest by_circle;
    by_circle.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "circle=B", l, &lv1::LendingService::Stub::ListLoans, by_circle));
    lv1::ListLoansRequest by_applicant;
    by_applicant.set_applicant(members_b_[0]);
    rows.push_back(MakeRow(kFiltered, "applicant=B's member", l,
                           &lv1::LendingService::Stub::ListLoans, by_applicant));
    lv1::ListLoansRequest by_advisor;
    by_advisor.set_advisor(dora_);
    rows.push_back(
        MakeRow(kFiltered, "advisor=Dora", l, &lv1::LendingService::Stub::ListLoans, by_advisor));
  }
  {
    lv1::CastCircleVoteRequest v;
    v.set_request_id("scope-vote");
    v.set_loan(loan_b_);
    v.set_voter(b_person);
    v.set_approve(true);
    rows.push_back(MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::CastCircleVote, v));
    lv1::CloseCircleVoteRequest close;
    close.set_request_id("scope-close");
    close.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::CloseCircleVote, close));
    lv1::ApproveLoanRequest approve;
    approve.set_request_id("scope-approve");
    approve.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ApproveLoan, approve));
    lv1::RejectLoanRequest reject;
    reject.set_request_id("scope-reject");
    reject.set_loan(loan_b_);
    reject.set_reason("non");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RejectLoan, reject));
    lv1::WithdrawLoanRequest withdraw;
    withdraw.set_request_id("scope-withdraw");
    withdraw.set_loan(loan_b_);
    withdraw.set_reason("retrait");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::WithdrawLoan, withdraw));
  }
  {
    lv1::RequestRescheduleRequest request;
    request.set_request_id("scope-reschedule");
    request.set_loan(loan_b_);
    request.mutable_reschedule()->set_instalment_count(6);
    request.mutable_reschedule()->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    *request.mutable_reschedule()->mutable_first_due_date() = ToDate(FundToday() + 30);
    request.mutable_reschedule()->set_reason("Saison creuse");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RequestReschedule, request));
    lv1::ApproveRescheduleRequest approve;
    approve.set_request_id("scope-reschedule-approve");
    approve.set_reschedule(loan_b_ + "/reschedules/1");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ApproveReschedule, approve));
    lv1::RejectRescheduleRequest reject;
    reject.set_request_id("scope-reschedule-reject");
    reject.set_reschedule(loan_b_ + "/reschedules/1");
    reject.set_reason("non");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RejectReschedule, reject));
    lv1::ListReschedulesRequest list;
    list.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ListReschedules, list));
  }
  {
    lv1::GetLoanScheduleRequest r;
    r.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::GetLoanSchedule, r));
    lv1::PreviewScheduleRequest preview;
    *preview.mutable_amount() = Cad(100'000);
    preview.set_annual_rate_bps(500);
    preview.set_instalment_count(6);
    preview.set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    *preview.mutable_first_due_date() = ToDate(FundToday() + 30);
    rows.push_back(MakeRow(kNotScoped, "terms only", l, &lv1::LendingService::Stub::PreviewSchedule,
                           preview, {}, "arithmetic on the request's terms, no stored data"));
  }
  {
    lv1::RecordRepaymentRequest r;
    r.set_request_id("scope-repay");
    r.set_loan(loan_b_);
    *r.mutable_amount() = Cad(100);
    *r.mutable_received_on() = ToDate(FundToday());
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RecordRepayment, r));
    lv1::ListRepaymentsRequest list;
    list.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ListRepayments, list));
    lv1::RecordGuarantorPaymentRequest g;
    g.set_request_id("scope-guarantor");
    g.set_loan(loan_b_);
    g.set_guarantor(b_person);
    *g.mutable_amount() = Cad(100);
    *g.mutable_received_on() = ToDate(FundToday());
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RecordGuarantorPayment, g));
  }
  {
    lv1::GetCollectionSheetRequest sheet;
    sheet.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "B's circle", l, &lv1::LendingService::Stub::GetCollectionSheet, sheet));
    lv1::RecordCollectionsRequest collect;
    collect.set_request_id("scope-collections");
    collect.set_circle(circle_b_);
    lv1::CollectionLine* line = collect.add_lines();
    line->set_kind(lv1::COLLECTION_KIND_REPAYMENT);
    line->set_loan(loan_b_);
    *line->mutable_amount() = Cad(100);
    rows.push_back(
        MakeRow(kRefused, "B's circle", l, &lv1::LendingService::Stub::RecordCollections, collect));
  }
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", l, &lv1::LendingService::Stub::ListReminders,
                           lv1::ListRemindersRequest(), {Quoted(loan_a_)}));
    lv1::ListRemindersRequest of_circle;
    of_circle.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "circle=B", l, &lv1::LendingService::Stub::ListReminders, of_circle));
    lv1::ListRemindersRequest of_loan;
    of_loan.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kFiltered, "loan=B's loan", l, &lv1::LendingService::Stub::ListReminders, of_loan));
    lv1::ListRemindersRequest of_borrower;
    of_borrower.set_borrower(members_b_[0]);
    rows.push_back(MakeRow(kFiltered, "borrower=B's member", l,
                           &lv1::LendingService::Stub::ListReminders, of_borrower));
  }
  {
    rows.push_back(MakeRow(kFiltered, "his circles", l,
                           &lv1::LendingService::Stub::GetPortfolioReport,
                           lv1::GetPortfolioReportRequest(), {Quoted(circle_a_)}));
    rows.push_back(MakeRow(kNotScoped, "the fund's trial balance", l,
                           &lv1::LendingService::Stub::GetTrialBalance,
                           lv1::GetTrialBalanceRequest(), {},
                           "one total per account of the fund, no loan, person or circle"));
  }
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", l,
                           &lv1::LendingService::Stub::ListJournalEntries,
                           lv1::ListJournalEntriesRequest(), {Quoted(loan_a_)}));
    lv1::ListJournalEntriesRequest by_loan;
    by_loan.set_loan(loan_b_);
    rows.push_back(MakeRow(kRefused, "loan=B's loan", l,
                           &lv1::LendingService::Stub::ListJournalEntries, by_loan));
    lv1::ListJournalEntriesRequest by_party;
    by_party.set_party(members_b_[0]);
    rows.push_back(MakeRow(kFiltered, "party=B's member", l,
                           &lv1::LendingService::Stub::ListJournalEntries, by_party));
    lv1::ListJournalEntriesRequest by_circle;
    by_circle.set_party(circle_b_);
    rows.push_back(MakeRow(kFiltered, "party=B", l, &lv1::LendingService::Stub::ListJournalEntries,
                           by_circle));
  }

  // ---- lending: financing ----
  {
    lv1::CreateBankReferralRequest r;
    r.set_request_id("scope-referral");
    r.mutable_referral()->set_person(b_person);
    r.mutable_referral()->set_institution("Banque");
    *r.mutable_referral()->mutable_amount_requested() = Cad(500'000);
    rows.push_back(MakeRow(kRefused, "for B's member", f,
                           &lv1::FinancingService::Stub::CreateBankReferral, r));
    lv1::UpdateBankReferralRequest u;
    u.set_request_id("scope-referral-update");
    u.set_name(referral_b_);
    u.set_status(lv1::BANK_REFERRAL_STATUS_SENT);
    rows.push_back(
        MakeRow(kRefused, "B's member's", f, &lv1::FinancingService::Stub::UpdateBankReferral, u));
    rows.push_back(MakeRow(kFiltered, "unfiltered", f,
                           &lv1::FinancingService::Stub::ListBankReferrals,
                           lv1::ListBankReferralsRequest(), {Quoted(referral_a_)}));
    lv1::ListBankReferralsRequest by_person;
    by_person.set_person(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "person=B's member", f,
                           &lv1::FinancingService::Stub::ListBankReferrals, by_person));
  }
  {
    lv1::CreateSubsidyApplicationRequest r;
    r.set_request_id("scope-subsidy");
    r.mutable_application()->set_person(b_person);
    r.mutable_application()->set_programme("Programme");
    *r.mutable_application()->mutable_amount_requested() = Cad(100'000);
    rows.push_back(MakeRow(kRefused, "for B's member", f,
                           &lv1::FinancingService::Stub::CreateSubsidyApplication, r));
    lv1::UpdateSubsidyApplicationRequest u;
    u.set_request_id("scope-subsidy-update");
    u.set_name(subsidy_b_);
    u.set_status(lv1::SUBSIDY_STATUS_SUBMITTED);
    rows.push_back(MakeRow(kRefused, "B's member's", f,
                           &lv1::FinancingService::Stub::UpdateSubsidyApplication, u));
    rows.push_back(MakeRow(kFiltered, "unfiltered", f,
                           &lv1::FinancingService::Stub::ListSubsidyApplications,
                           lv1::ListSubsidyApplicationsRequest(), {Quoted(subsidy_a_)}));
    lv1::ListSubsidyApplicationsRequest by_person;
    by_person.set_person(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "person=B's member", f,
                           &lv1::FinancingService::Stub::ListSubsidyApplications, by_person));
  }

  // ---- network ----
  // The network's directory (circles as every fund's staff and the peer funds
  // see them: no member, no contact) is not scoped per advisor; B's circle may
  // appear in it, nothing else of B's.
  const std::string directory = "the network's directory: circle summaries every fund's staff read";
  {
    rows.push_back(MakeRow(kNotScoped, "directory", n,
                           &nv1::NetworkService::Stub::ListNetworkCircles,
                           nv1::ListNetworkCirclesRequest(), {}, directory));
    nv1::GetNetworkCircleRequest g;
    g.set_name(absl::StrCat("funds/fund-test/", circle_b_));
    rows.push_back(MakeRow(kNotScoped, "B in the directory", n,
                           &nv1::NetworkService::Stub::GetNetworkCircle, g, {}, directory));
    nv1::GetCircleNeighbourhoodRequest h;
    h.set_circle(absl::StrCat("funds/fund-test/", circle_b_));
    h.set_depth(2);
    h.set_view(nv1::NODE_VIEW_FULL);
    rows.push_back(MakeRow(kNotScoped, "around B", n,
                           &nv1::NetworkService::Stub::GetCircleNeighbourhood, h, {}, directory));
    nv1::SuggestCirclesRequest s;
    s.set_language("fr");
    rows.push_back(MakeRow(kNotScoped, "for a newcomer", n,
                           &nv1::NetworkService::Stub::SuggestCircles, s, {}, directory));
    nv1::SearchExpertiseRequest e;
    e.set_term("comptabilité");
    rows.push_back(MakeRow(kNotScoped, "expertise", n, &nv1::NetworkService::Stub::SearchExpertise,
                           e, {}, "only people who opted in to share an expertise, no contact"));
    rows.push_back(MakeRow(kNotScoped, "statistics", n, &nv1::NetworkService::Stub::GetNetworkStats,
                           nv1::GetNetworkStatsRequest(), {}, "counts per fund and region"));
    nv1::GetImpactReportRequest impact;
    impact.mutable_from_date()->set_year(2020);
    impact.mutable_from_date()->set_month(1);
    impact.mutable_from_date()->set_day(1);
    impact.mutable_to_date()->set_year(2026);
    impact.mutable_to_date()->set_month(12);
    impact.mutable_to_date()->set_day(31);
    rows.push_back(MakeRow(kNotScoped, "impact report", n,
                           &nv1::NetworkService::Stub::GetImpactReport, impact, {},
                           "counts and amounts per fund, region and period; names no one"));
    nv1::DeclareSisterCirclesRequest d;
    d.set_request_id("scope-sister");
    d.set_circle(absl::StrCat("funds/fund-test/", circle_a_));
    d.set_sister(absl::StrCat("funds/fund-test/", circle_b_));
    rows.push_back(MakeRow(kNotScoped, "A and B", n,
                           &nv1::NetworkService::Stub::DeclareSisterCircles, d, {},
                           "a link between two directory entries, across advisors and funds"));
    nv1::RemoveSisterCirclesRequest r;
    r.set_request_id("scope-sister-remove");
    r.set_circle(absl::StrCat("funds/fund-test/", circle_a_));
    r.set_sister(absl::StrCat("funds/fund-test/", circle_b_));
    rows.push_back(MakeRow(kNotScoped, "A and B", n,
                           &nv1::NetworkService::Stub::RemoveSisterCircles, r, {},
                           "a link between two directory entries, across advisors and funds"));
  }
  {
    nv1::GetPartnerRequest g;
    g.set_name(partner_);
    rows.push_back(MakeRow(kNotScoped, "a partner", pa, &nv1::PartnerService::Stub::GetPartner, g,
                           {}, "partner organisations are the fund's, of no circle"));
    rows.push_back(MakeRow(kNotScoped, "partners", pa, &nv1::PartnerService::Stub::ListPartners,
                           nv1::ListPartnersRequest(), {},
                           "partner organisations are the fund's, of no circle"));
    nv1::GetPeerFundRequest peer;
    peer.set_name("peers/fund-quebec");
    rows.push_back(MakeRow(kNotScoped, "a peer fund", pe, &nv1::PeerFundService::Stub::GetPeerFund,
                           peer, {}, "the federation's registered funds"));
    rows.push_back(MakeRow(kNotScoped, "peer funds", pe, &nv1::PeerFundService::Stub::ListPeerFunds,
                           nv1::ListPeerFundsRequest(), {}, "the federation's registered funds"));
  }
  {
    nv1::CreateReferralRequest r;
    r.set_request_id("scope-network-referral");
    r.mutable_referral()->set_person(b_person);
    r.mutable_referral()->set_partner(partner_);
    r.mutable_referral()->set_reason("comptabilité");
    rows.push_back(
        MakeRow(kRefused, "of B's member", pa, &nv1::PartnerService::Stub::CreateReferral, r));
    nv1::GetReferralRequest g;
    g.set_name(network_referral_b_);
    rows.push_back(
        MakeRow(kRefused, "B's member's", pa, &nv1::PartnerService::Stub::GetReferral, g));
    rows.push_back(MakeRow(kFiltered, "unfiltered", pa, &nv1::PartnerService::Stub::ListReferrals,
                           nv1::ListReferralsRequest(), {Quoted(network_referral_a_)}));
    nv1::ListReferralsRequest by_person;
    by_person.set_person(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "person=B's member", pa,
                           &nv1::PartnerService::Stub::ListReferrals, by_person));
    nv1::ListReferralsRequest by_partner;
    by_partner.set_partner(partner_);
    rows.push_back(MakeRow(kFiltered, "partner", pa, &nv1::PartnerService::Stub::ListReferrals,
                           by_partner, {Quoted(network_referral_a_)}));
    nv1::UpdateReferralStatusRequest u;
    u.set_request_id("scope-network-referral-status");
    u.set_name(network_referral_b_);
    u.set_status(nv1::REFERRAL_STATUS_ACCEPTED);
    rows.push_back(
        MakeRow(kRefused, "B's member's", pa, &nv1::PartnerService::Stub::UpdateReferralStatus, u));
  }
  // Member transfers between funds: an incoming one by its receiving circle.
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", pe,
                           &nv1::PeerFundService::Stub::ListMemberTransfers,
                           nv1::ListMemberTransfersRequest(), {Quoted(transfer_a_)}));
    // B's transfers come first: a page of one skips them, it does not end there.
    nv1::ListMemberTransfersRequest one;
    one.set_page_size(1);
    one.set_direction(nv1::TRANSFER_DIRECTION_INCOMING);
    rows.push_back(MakeRow(kFiltered, "incoming, pages of one", pe,
                           &nv1::PeerFundService::Stub::ListMemberTransfers, one,
                           {Quoted(transfer_a_)}));
  }
  return rows;
}

TEST_P(AdvisorScopeTest, AnAdvisorNeverReceivesAnotherAdvisorsCircleData) {
  const std::string bob = TestCredentials().advisor_token;
  const std::vector<std::string> all_markers = BMarkers(/*with_circle=*/true);
  const std::vector<std::string> personal_markers = BMarkers(/*with_circle=*/false);
  for (const Row& row : Rows()) {
    SCOPED_TRACE(absl::StrCat(row.method, " (", row.label, ")"));
    ASSERT_FALSE(row.method.empty()) << "a row whose request is no RPC's";
    std::string answer;
    grpc::Status status = row.call(bob, &answer);
    const bool directory = absl::StrContains(row.note, "directory");
    for (const std::string& marker : directory ? personal_markers : all_markers) {
      EXPECT_THAT(answer, ::testing::Not(::testing::HasSubstr(marker)))
          << "B's data reached Bob: " << marker;
    }
    switch (row.expect) {
      case Expect::kRefused:
        EXPECT_TRUE(status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                    status.error_code() == grpc::StatusCode::NOT_FOUND)
            << status.error_code() << ": " << status.error_message();
        if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
          EXPECT_THAT(status.error_message(),
                      ::testing::AnyOf(::testing::HasSubstr("assigned to them"),
                                       ::testing::HasSubstr("may not")));
        }
        break;
      case Expect::kFiltered:
        EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
        for (const std::string& own : row.must_contain) {
          EXPECT_THAT(answer, ::testing::HasSubstr(own)) << "Bob's own data is missing";
        }
        break;
      case Expect::kNotScoped:
        EXPECT_FALSE(row.note.empty()) << "say why this RPC holds nothing of a circle";
        break;
    }
  }
  // Dora, for contrast, sees B's member (the refusals above are Bob's scope,
  // not a broken circle).
  mv1::GetPersonRequest get;
  get.set_name(members_b_[0]);
  mv1::GetPersonResponse got;
  grpc::Status status = people_->GetPerson(Dora().get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.person().contact().email(), email_b_);
  lv1::ListJournalEntriesRequest journal;
  journal.set_loan(loan_b_);
  lv1::ListJournalEntriesResponse entries;
  status = lending_->ListJournalEntries(Dora().get(), journal, &entries);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(entries.entries_size(), 0);
  // Dora lists B's transfer and not A's; an admin lists both.
  auto transfers = [&](std::unique_ptr<grpc::ClientContext> as) {
    nv1::ListMemberTransfersResponse listed;
    grpc::Status listing =
        peers_->ListMemberTransfers(as.get(), nv1::ListMemberTransfersRequest(), &listed);
    EXPECT_TRUE(listing.ok()) << listing.error_message();
    std::set<std::string> names;
    for (const auto& t : listed.transfers()) names.insert(t.name());
    return names;
  };
  EXPECT_EQ(transfers(Dora()), (std::set<std::string>{transfer_b_, transfer_b2_}));
  EXPECT_EQ(transfers(Admin()), (std::set<std::string>{transfer_a_, transfer_b_, transfer_b2_}));
  lv1::GetCircleEligibilityRequest eligibility;
  eligibility.set_circle(circle_b_);
  lv1::GetCircleEligibilityResponse eligible;
  status = lending_->GetCircleEligibility(Dora().get(), eligibility, &eligible);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_P(AdvisorScopeTest, EveryAdvisorCallableRpcHasARow) {
  std::set<std::string> covered;
  for (const Row& row : Rows()) covered.insert(row.method);
  std::vector<std::string> missing;
  for (const std::string& name : ServiceNames()) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name << " is not linked into this test";
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const auto& policy = method->options().GetExtension(cercles::common::v1::access_policy);
      bool advisor = false;
      for (int role : policy.allowed_roles()) advisor |= role == cercles::common::v1::ROLE_ADVISOR;
      if (advisor && covered.count(method->full_name()) == 0) {
        missing.push_back(method->full_name());
      }
    }
  }
  EXPECT_TRUE(missing.empty()) << "advisor-callable RPCs without a row: "
                               << absl::StrJoin(missing, ", ");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, AdvisorScopeTest, ::testing::Values(Engine::kSqlite),
                         [](const ::testing::TestParamInfo<Engine>&) { return "sqlite"; });

}  // namespace
}  // namespace cercles::testing
