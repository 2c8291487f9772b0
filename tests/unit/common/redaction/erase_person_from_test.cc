// A person's erasure in stored messages (common/redaction/erasure.h): what a
// message that concerns the person loses, and what the rest keeps.
#include "cercles/lending/v1/servicing.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "cercles/network/v1/federation.pb.h"
#include "common/redaction/erasure.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::redaction {
namespace {

namespace v1 = cercles::membership::v1;
using ::testing::ElementsAre;

PersonErasure Of7() {
  PersonErasure erasure;
  erasure.person_id = 7;
  erasure.replacements = {{"Zéphirine", "Personne effacée"},
                          {"Quastoulet", "7"},
                          {"Zéphirine Quastoulet", "Personne effacée 7"},
                          {"Boulangerie Z", ""},
                          {"soudure", ""}};
  return erasure;
}

v1::Person Person7() {
  v1::Person p;
  p.set_name("people/7");
  p.set_given_name("Zéphirine");
  p.set_family_name("Quastoulet");
  p.mutable_contact()->set_email("zq@example.org");
  p.set_gender("f");
  p.mutable_business()->set_name("Boulangerie Z");
  p.mutable_business()->set_sector("food");
  p.add_expertise("soudure");
  p.add_expertise("comptabilité");
  return p;
}

TEST(ErasePersonFromTest, ThePersonsMessageLosesItsNamesAndSensitiveFields) {
  v1::PersonCreated event;
  *event.mutable_person() = Person7();
  EXPECT_TRUE(ErasePersonFrom(&event, Of7()));
  const v1::Person& p = event.person();
  EXPECT_EQ(p.name(), "people/7");
  EXPECT_EQ(p.given_name(), "Personne effacée");
  EXPECT_EQ(p.family_name(), "7");
  EXPECT_FALSE(p.has_contact());
  EXPECT_EQ(p.gender(), "");
  // The nested business names nobody: it is the person's, so it loses its name.
  EXPECT_EQ(p.business().name(), "");
  EXPECT_EQ(p.business().sector(), "food");
  // An entry replaced by nothing is removed, the others stay.
  EXPECT_THAT(p.expertise(), ElementsAre("comptabilité"));
}

TEST(ErasePersonFromTest, AnotherPersonsMessageIsLeftAsItIs) {
  v1::Person other = Person7();
  other.set_name("people/8");  // someone else with the same name
  const v1::Person before = other;
  EXPECT_FALSE(ErasePersonFrom(&other, Of7()));
  EXPECT_EQ(other.SerializeAsString(), before.SerializeAsString());
}

TEST(ErasePersonFromTest, OnlyTheEntriesNamingThePersonInAListChange) {
  v1::ListPeopleResponse list;
  *list.add_people() = Person7();
  v1::Person other = Person7();
  other.set_name("people/70");
  *list.add_people() = other;
  EXPECT_TRUE(ErasePersonFrom(&list, Of7()));
  EXPECT_EQ(list.people(0).given_name(), "Personne effacée");
  EXPECT_EQ(list.people(1).given_name(), "Zéphirine");
  EXPECT_EQ(list.people(1).contact().email(), "zq@example.org");
}

TEST(ErasePersonFromTest, AFollowUpNamingThePersonLosesItsText) {
  v1::Meeting meeting;
  meeting.set_name("circles/1/meetings/2");
  meeting.set_minutes("Réunion ordinaire.");
  v1::BusinessFollowUp* mine = meeting.add_follow_ups();
  mine->set_person("people/7");
  mine->set_progress("a ouvert sa boutique");
  v1::BusinessFollowUp* theirs = meeting.add_follow_ups();
  theirs->set_person("people/9");
  theirs->set_progress("cherche un local");
  EXPECT_TRUE(ErasePersonFrom(&meeting, Of7()));
  EXPECT_EQ(meeting.follow_ups(0).progress(), "");
  EXPECT_EQ(meeting.follow_ups(1).progress(), "cherche un local");
  EXPECT_EQ(meeting.minutes(), "Réunion ordinaire.");  // the meeting names nobody
}

TEST(ErasePersonFromTest, AResourceUnderARecordOfThePersonConcernsThem) {
  cercles::lending::v1::RecordRepaymentResponse response;
  response.mutable_repayment()->set_name("loans/12/repayments/3");
  response.mutable_repayment()->set_reference("reçu de Quastoulet");
  EXPECT_FALSE(ErasePersonFrom(&response, Of7()));  // loans/12 is not known as theirs
  PersonErasure erasure = Of7();
  erasure.records = {"loans/1", "loans/12"};
  EXPECT_TRUE(ErasePersonFrom(&response, erasure));
  EXPECT_EQ(response.repayment().reference(), "");
  EXPECT_EQ(response.repayment().name(), "loans/12/repayments/3");
}

TEST(ErasePersonFromTest, ACandidateSentToAPeerIsClearedWholeWhereItIsTheirs) {
  namespace nv1 = cercles::network::v1;
  PersonErasure erasure = Of7();
  erasure.cleared_types = {"cercles.network.v1.TransferCandidate"};
  nv1::MemberTransferChanged event;
  event.mutable_transfer()->set_name("transfers/3");
  event.mutable_transfer()->set_person("people/7");
  event.mutable_transfer()->mutable_candidate()->set_given_name("Zéphirine");
  event.mutable_transfer()->mutable_candidate()->set_business_name("Chez Zéphirine");
  event.mutable_transfer()->set_circle("funds/fund-b/circles/4");
  EXPECT_TRUE(ErasePersonFrom(&event, erasure));
  EXPECT_FALSE(event.transfer().has_candidate());
  EXPECT_EQ(event.transfer().circle(), "funds/fund-b/circles/4");

  // In the receiving fund, the transfer is named by its records only.
  PersonErasure at_peer;
  at_peer.records = {"transfers/3", "funds/fund-a/people/7"};
  at_peer.cleared_types = erasure.cleared_types;
  nv1::MemberTransfer received;
  received.set_name("transfers/3");
  received.set_person("funds/fund-a/people/7");
  received.mutable_candidate()->set_given_name("Zéphirine");
  EXPECT_TRUE(ErasePersonFrom(&received, at_peer));
  EXPECT_FALSE(received.has_candidate());
  // Another transfer, and the same one without cleared_types, keep theirs.
  received.set_name("transfers/30");
  received.set_person("funds/fund-a/people/70");
  received.mutable_candidate()->set_given_name("Zéphirine");
  EXPECT_FALSE(ErasePersonFrom(&received, at_peer));
  EXPECT_EQ(received.candidate().given_name(), "Zéphirine");
  received.set_name("transfers/3");
  EXPECT_FALSE(ErasePersonFrom(&received, Of7()));
  EXPECT_EQ(received.candidate().given_name(), "Zéphirine");
}

TEST(ErasePersonFromTest, AMessageWithoutThePersonIsUnchanged) {
  v1::PersonErased erased;
  erased.set_person("people/7");
  erased.set_reason(v1::ERASURE_REASON_PERSON_REQUEST);
  EXPECT_FALSE(ErasePersonFrom(&erased, Of7()));
}

}  // namespace
}  // namespace cercles::redaction
