// Consent per purpose, with history (issue 14, item 1), on both engines, across
// two federating funds: a person gives consent to share with the network and
// with other funds, fund-a's network (its expertise directory) and fund-b (a
// transfer proposed to it) see the person's name; the person withdraws, and
// both stop seeing it through the events the services follow; the history
// lists exactly the changes, with actor, wording and channel. Once erased,
// neither fund holds anything of the person.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "gmock/gmock.h"
#include "tests/integration/federation_fixtures.h"
#include "tests/integration/person_rights_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

using ::testing::HasSubstr;

class ConsentTest : public TwoFundsTest {
 protected:
  // The display name fund-a's network shows for `person` in its expertise
  // directory ("" when not listed or listed without a name).
  std::string NetworkName(const std::string& person) {
    nv1::SearchExpertiseRequest request;
    request.set_term("comptab");
    request.set_fund_id("fund-a");
    nv1::SearchExpertiseResponse response;
    grpc::Status status = a_->network().SearchExpertise(Fund::Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const nv1::ExpertiseMatch& m : response.matches()) {
      if (m.person() == "funds/fund-a/" + person) return m.display_name();
    }
    return "";
  }

  std::vector<nv1::MemberTransfer> Transfers(Fund& fund, nv1::TransferDirection direction) {
    nv1::ListMemberTransfersRequest request;
    request.set_direction(direction);
    nv1::ListMemberTransfersResponse response;
    grpc::Status status = fund.peers().ListMemberTransfers(Fund::Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.transfers().begin(), response.transfers().end()};
  }

  std::vector<mv1::ConsentChange> History(const std::string& person) {
    mv1::ListConsentChangesRequest request;
    request.set_person(person);
    mv1::ListConsentChangesResponse response;
    grpc::Status status = a_->people().ListConsentChanges(Fund::Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.changes().begin(), response.changes().end()};
  }
};

TEST_P(ConsentTest, AWithdrawalStopsTheNetworkAndAPeerSeeingThePerson) {
  mv1::Circle limoilou = b_->CreateCircle("Cercle Limoilou", "Limoilou");
  ASSERT_TRUE(a_->Register(*b_).ok());
  ASSERT_TRUE(b_->Register(*a_).ok());
  ASSERT_TRUE(a_->SeesCircles("fund-b", 1)) << Logs();

  // Created without any consent: everything is off, nothing is recorded.
  const std::string nadia = a_->CreatePerson("Nadia", false);
  EXPECT_TRUE(History(nadia).empty());
  ASSERT_TRUE(Eventually(
      [&] {
        nv1::SearchExpertiseRequest request;
        request.set_term("comptab");
        nv1::SearchExpertiseResponse response;
        return a_->network().SearchExpertise(Fund::Admin().get(), request, &response).ok() &&
               response.matches_size() == 1;
      },
      absl::Seconds(20)))
      << Logs();
  EXPECT_EQ(NetworkName(nadia), "");  // opted in to expertise, not to her name

  // She gives both consents.
  mv1::RecordConsentResponse given;
  ASSERT_TRUE(a_->RecordConsent(nadia, mv1::CONSENT_PURPOSE_SHARE_WITH_NETWORK,
                                mv1::CONSENT_ACTION_GIVE, "2026-01 v1",
                                mv1::CONSENT_CHANNEL_IN_PERSON, &given)
                  .ok());
  EXPECT_TRUE(given.consents().share_with_network());
  EXPECT_FALSE(given.consents().share_with_other_funds());
  ASSERT_TRUE(a_->RecordConsent(nadia, mv1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS,
                                mv1::CONSENT_ACTION_GIVE, "2026-01 v1",
                                mv1::CONSENT_CHANNEL_PAPER_FORM, &given)
                  .ok());
  EXPECT_TRUE(given.consents().share_with_other_funds());
  EXPECT_TRUE(Eventually([&] { return NetworkName(nadia) == "Nadia Tremblay"; }, absl::Seconds(20)))
      << Logs();

  // Fund-b sees her name in the transfer proposed to it.
  nv1::SendMemberTransferRequest send;
  send.set_request_id("send-1");
  send.set_person(nadia);
  send.set_peer("peers/fund-b");
  send.set_circle(absl::StrCat("funds/fund-b/", limoilou.name()));
  nv1::SendMemberTransferResponse sent;
  grpc::Status status = a_->peers().SendMemberTransfer(Fund::Admin().get(), send, &sent);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<nv1::MemberTransfer> incoming = Transfers(*b_, nv1::TRANSFER_DIRECTION_INCOMING);
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0].candidate().given_name(), "Nadia");
  EXPECT_EQ(incoming[0].status(), nv1::TRANSFER_STATUS_PROPOSED);

  // She withdraws both, by phone.
  mv1::RecordConsentResponse withdrawn;
  ASSERT_TRUE(a_->RecordConsent(nadia, mv1::CONSENT_PURPOSE_SHARE_WITH_NETWORK,
                                mv1::CONSENT_ACTION_WITHDRAW, "2026-01 v1",
                                mv1::CONSENT_CHANNEL_PHONE)
                  .ok());
  ASSERT_TRUE(a_->RecordConsent(nadia, mv1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS,
                                mv1::CONSENT_ACTION_WITHDRAW, "2026-01 v1",
                                mv1::CONSENT_CHANNEL_PHONE, &withdrawn)
                  .ok());
  EXPECT_FALSE(withdrawn.consents().share_with_network());
  EXPECT_FALSE(withdrawn.consents().share_with_other_funds());

  // The network stops showing her name; fund-b clears her from the transfer.
  EXPECT_TRUE(Eventually([&] { return NetworkName(nadia).empty(); }, absl::Seconds(20))) << Logs();
  EXPECT_TRUE(Eventually(
      [&] {
        std::vector<nv1::MemberTransfer> in = Transfers(*b_, nv1::TRANSFER_DIRECTION_INCOMING);
        return in.size() == 1 && !in[0].has_candidate() &&
               in[0].status() == nv1::TRANSFER_STATUS_CONSENT_WITHDRAWN;
      },
      absl::Seconds(30)))
      << Logs();
  const std::string bytes = Transfers(*b_, nv1::TRANSFER_DIRECTION_INCOMING)[0].SerializeAsString();
  EXPECT_FALSE(absl::StrContains(bytes, "Nadia"));
  EXPECT_FALSE(absl::StrContains(bytes, "Traiteur"));
  EXPECT_TRUE(Eventually(
      [&] {
        std::vector<nv1::MemberTransfer> out = Transfers(*a_, nv1::TRANSFER_DIRECTION_OUTGOING);
        return out.size() == 1 && out[0].status() == nv1::TRANSFER_STATUS_CONSENT_WITHDRAWN;
      },
      absl::Seconds(20)))
      << Logs();
  // The withdrawn transfer can no longer be accepted, and nothing new is sent.
  nv1::AcceptMemberTransferRequest accept;
  accept.set_request_id("accept-withdrawn");
  accept.set_name(sent.transfer().remote_name());
  nv1::AcceptMemberTransferResponse accepted;
  EXPECT_THAT(b_->peers().AcceptMemberTransfer(Fund::Admin().get(), accept, &accepted),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  send.set_request_id("send-2");
  EXPECT_THAT(a_->peers().SendMemberTransfer(Fund::Admin().get(), send, &sent),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("share_with_other_funds")));

  // The history: exactly the four changes, newest first.
  std::vector<mv1::ConsentChange> history = History(nadia);
  ASSERT_EQ(history.size(), 4u);
  const mv1::ConsentPurpose purposes[] = {
      mv1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS, mv1::CONSENT_PURPOSE_SHARE_WITH_NETWORK,
      mv1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS, mv1::CONSENT_PURPOSE_SHARE_WITH_NETWORK};
  const mv1::ConsentAction actions[] = {mv1::CONSENT_ACTION_WITHDRAW, mv1::CONSENT_ACTION_WITHDRAW,
                                        mv1::CONSENT_ACTION_GIVE, mv1::CONSENT_ACTION_GIVE};
  const mv1::ConsentChannel channels[] = {mv1::CONSENT_CHANNEL_PHONE, mv1::CONSENT_CHANNEL_PHONE,
                                          mv1::CONSENT_CHANNEL_PAPER_FORM,
                                          mv1::CONSENT_CHANNEL_IN_PERSON};
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].purpose(), purposes[i]) << i;
    EXPECT_EQ(history[i].action(), actions[i]) << i;
    EXPECT_EQ(history[i].channel(), channels[i]) << i;
    EXPECT_EQ(history[i].wording_version(), "2026-01 v1") << i;
    EXPECT_EQ(history[i].actor(), "staff:alice") << i;
    EXPECT_TRUE(absl::StartsWith(history[i].name(), nadia + "/consentChanges/")) << i;
    if (i > 0) {
      EXPECT_GE(history[i - 1].effective_time().seconds(), history[i].effective_time().seconds());
    }
  }
  EXPECT_EQ(history[0].name(), withdrawn.change().name());
  // By purpose, and by pages.
  mv1::ListConsentChangesRequest list;
  list.set_person(nadia);
  list.set_purpose(mv1::CONSENT_PURPOSE_SHARE_WITH_NETWORK);
  list.set_page_size(1);
  mv1::ListConsentChangesResponse page;
  ASSERT_TRUE(a_->people().ListConsentChanges(Fund::Admin().get(), list, &page).ok());
  ASSERT_EQ(page.changes_size(), 1);
  EXPECT_EQ(page.changes(0).name(), history[1].name());
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(a_->people().ListConsentChanges(Fund::Admin().get(), list, &page).ok());
  ASSERT_EQ(page.changes_size(), 1);
  EXPECT_EQ(page.changes(0).name(), history[3].name());
  EXPECT_TRUE(page.next_page_token().empty());

  // UpdatePerson changing consents goes through the same history.
  a_->SetOtherFundsConsent(nadia, true);
  history = History(nadia);
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[0].purpose(), mv1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS);
  EXPECT_EQ(history[0].action(), mv1::CONSENT_ACTION_GIVE);
  EXPECT_EQ(history[0].channel(), mv1::CONSENT_CHANNEL_PERSON_RECORD);
  EXPECT_EQ(history[0].wording_version(), "person-record");

  // Sent again, then erased (issue 14, item 4): neither fund keeps anything of
  // her, fund-a's copy of the outgoing transfer and fund-b's of the incoming
  // one included (ids only in request ids: those stay).
  send.set_request_id("send-3");
  ASSERT_TRUE(Eventually(
      [&] { return a_->peers().SendMemberTransfer(Fund::Admin().get(), send, &sent).ok(); },
      absl::Seconds(20)))
      << Logs();
  incoming = Transfers(*b_, nv1::TRANSFER_DIRECTION_INCOMING);
  ASSERT_EQ(incoming.size(), 2u);
  const std::vector<std::string> needles = {"Nadia", "nadia@courriel.example"};
  ASSERT_FALSE(WhereFoundIn(b_->suite(), needles, work_dir()).empty());
  auto privacy = mv1::PrivacyService::NewStub(a_->suite().StaffChannel("membership"));
  mv1::ErasePersonRequest erase;
  erase.set_request_id("erase-1");
  erase.set_person(nadia);
  erase.set_reason(mv1::ERASURE_REASON_PERSON_REQUEST);
  mv1::ErasePersonResponse erased;
  status = privacy->ErasePerson(Fund::Admin().get(), erase, &erased);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> found;
  EXPECT_TRUE(Eventually(
      [&] {
        found = WhereFoundIn(a_->suite(), needles, work_dir());
        for (const std::string& where : WhereFoundIn(b_->suite(), needles, work_dir())) {
          found.push_back("fund-b " + where);
        }
        return found.empty();
      },
      absl::Seconds(30)))
      << absl::StrJoin(found, "\n") << "\n"
      << Logs();
  for (const nv1::MemberTransfer& transfer : Transfers(*b_, nv1::TRANSFER_DIRECTION_INCOMING)) {
    EXPECT_FALSE(transfer.has_candidate()) << transfer.name();
    EXPECT_EQ(transfer.status(), nv1::TRANSFER_STATUS_CONSENT_WITHDRAWN) << transfer.name();
  }
}

TEST_P(ConsentTest, RequestsAreCheckedAndIdempotent) {
  const std::string omar = a_->CreatePerson("Omar", true);
  // CreatePerson's consent is recorded as a person-record change.
  std::vector<mv1::ConsentChange> history = History(omar);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].purpose(), mv1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS);
  EXPECT_EQ(history[0].channel(), mv1::CONSENT_CHANNEL_PERSON_RECORD);

  EXPECT_THAT(a_->RecordConsent(omar, mv1::CONSENT_PURPOSE_CREDIT_REPORTING,
                                mv1::CONSENT_ACTION_GIVE, "", mv1::CONSENT_CHANNEL_EMAIL),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("change.wording_version")));
  EXPECT_THAT(a_->RecordConsent(omar, mv1::CONSENT_PURPOSE_UNSPECIFIED, mv1::CONSENT_ACTION_GIVE,
                                "v1", mv1::CONSENT_CHANNEL_EMAIL),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("change.purpose")));
  EXPECT_THAT(a_->RecordConsent(omar, mv1::CONSENT_PURPOSE_CREDIT_REPORTING,
                                mv1::CONSENT_ACTION_GIVE, "v1", mv1::CONSENT_CHANNEL_PERSON_RECORD),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("change.channel")));
  EXPECT_THAT(a_->RecordConsent("people/999", mv1::CONSENT_PURPOSE_CREDIT_REPORTING,
                                mv1::CONSENT_ACTION_GIVE, "v1", mv1::CONSENT_CHANNEL_EMAIL),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("people/999")));
  EXPECT_THAT(a_->RecordConsent("persons/1", mv1::CONSENT_PURPOSE_CREDIT_REPORTING,
                                mv1::CONSENT_ACTION_GIVE, "v1", mv1::CONSENT_CHANNEL_EMAIL),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  mv1::ListConsentChangesRequest bad;
  bad.set_person(omar);
  bad.set_page_token("not-a-token");
  mv1::ListConsentChangesResponse listed;
  EXPECT_THAT(a_->people().ListConsentChanges(Fund::Admin().get(), bad, &listed),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  bad.set_person("people/999");
  bad.clear_page_token();
  EXPECT_THAT(a_->people().ListConsentChanges(Fund::Admin().get(), bad, &listed),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(History(omar).size(), 1u);  // nothing recorded by the refusals

  // A retry answers the first answer; the same id for another change is refused.
  mv1::RecordConsentResponse first, again;
  ASSERT_TRUE(a_->RecordConsent(omar, mv1::CONSENT_PURPOSE_CREDIT_REPORTING,
                                mv1::CONSENT_ACTION_GIVE, "v1", mv1::CONSENT_CHANNEL_EMAIL, &first,
                                "consent-once")
                  .ok());
  ASSERT_TRUE(a_->RecordConsent(omar, mv1::CONSENT_PURPOSE_CREDIT_REPORTING,
                                mv1::CONSENT_ACTION_GIVE, "v1", mv1::CONSENT_CHANNEL_EMAIL, &again,
                                "consent-once")
                  .ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_THAT(
      a_->RecordConsent(omar, mv1::CONSENT_PURPOSE_CREDIT_REPORTING, mv1::CONSENT_ACTION_WITHDRAW,
                        "v1", mv1::CONSENT_CHANNEL_EMAIL, nullptr, "consent-once"),
      StatusIs(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(History(omar).size(), 2u);
  EXPECT_TRUE(first.consents().credit_reporting());
  EXPECT_TRUE(first.consents().share_with_other_funds());
}

TEST_P(ConsentTest, CerclesctlRecordsAndListsConsents) {
  const std::string& work = work_dir();
  const std::string& admin = TestCredentials().admin_token;
  const std::string amina = a_->CreatePerson("Amina", false);
  CtlResult r = RunCerclesctl(a_->suite(), "membership", admin,
                              {"people", "consent", amina, "--purpose", "share-with-partners",
                               "--give", "--wording", "2026-02 v3", "--channel", "paper-form"},
                              work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "give share-with-partners")) << r.out;
  r = RunCerclesctl(a_->suite(), "membership", admin,
                    {"people", "consent", amina, "--purpose", "share-with-partners", "--withdraw",
                     "--wording", "2026-02 v3", "--channel", "email"},
                    work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "withdraw share-with-partners")) << r.out;
  r = RunCerclesctl(a_->suite(), "membership", admin, {"people", "consent-history", amina}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  const size_t email = r.out.find("email");
  const size_t paper = r.out.find("paper-form");
  ASSERT_NE(email, std::string::npos) << r.out;
  ASSERT_NE(paper, std::string::npos) << r.out;
  EXPECT_LT(email, paper) << r.out;  // newest first
  EXPECT_TRUE(absl::StrContains(r.out, "staff:alice")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "2026-02 v3")) << r.out;
  // Bad input is refused before any call; the server's refusals name the field.
  r = RunCerclesctl(a_->suite(), "membership", admin,
                    {"people", "consent", amina, "--purpose", "gossip", "--give", "--wording", "v1",
                     "--channel", "email"},
                    work);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "--purpose must be one of")) << r.err;
  r = RunCerclesctl(a_->suite(), "membership", admin,
                    {"people", "consent", amina, "--purpose", "credit-reporting", "--wording", "v1",
                     "--channel", "email"},
                    work);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "--give or --withdraw")) << r.err;
  r = RunCerclesctl(a_->suite(), "membership", admin,
                    {"people", "consent", amina, "--purpose", "credit-reporting", "--give",
                     "--wording", "", "--channel", "email"},
                    work);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "change.wording_version")) << r.err;
  EXPECT_EQ(History(amina).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, ConsentTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
