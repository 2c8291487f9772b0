// The fixture of the tests of a person's rights over their data (Law 25;
// issue 14): one person with data in the three services, built once here for
// the export, the erasure and the whole flow, and the checks those tests share:
// an export's document against what the services' own RPCs answer, the search
// of every store, log, Redis key and event payload for the person's name,
// e-mail and phone, and each service's access log of the person.
#ifndef CERCLES_TESTS_INTEGRATION_PERSON_RIGHTS_FIXTURE_H_
#define CERCLES_TESTS_INTEGRATION_PERSON_RIGHTS_FIXTURE_H_

#include <google/protobuf/struct.pb.h>

#include <memory>
#include <string>
#include <vector>

#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "cercles/network/v1/privacy.grpc.pb.h"
#include "tests/integration/lending_fixture.h"

namespace cercles::testing {

// Where any of `needles` is still found in `suite`: "<where>: <needle>", for
// each service's database (every SQLite file with its -wal, -shm and -journal,
// or pg_dump), log and event payloads from sequence 0, and Redis (every key
// and value).
std::vector<std::string> WhereFoundIn(Suite& suite, const std::vector<std::string>& needles,
                                      const std::string& work_dir);

// Who the person is: unique words, so that a search of every byte the suite
// wrote finds them only where they are.
struct PersonIdentity {
  std::string given_name = "Xylophia";
  std::string family_name = "Quenzelbrock";
  std::string email = "xylo.quenzel@exemple.org";
  std::string phone = "+1 438 555 0177";
  std::string corrected_phone = "+1 438 555 0188";
};

// What GivePersonDataEverywhere made.
struct PersonData {
  std::string circle;
  std::vector<std::string> members;  // members[0] is the person
  std::string person;
  ActiveLoan own_loan;    // their loan, with one repayment of $50
  ActiveLoan other_loan;  // members[1]'s loan: the person voted, perhaps guarantees it
  std::string meeting;    // their attendance note and follow-up, and members[1]'s
  std::string partner;
  std::string referral;  // theirs, to `partner`
};

class PersonRightsFixture : public LendingFixture {
 protected:
  void SetUp() override;

  // A circle of five of Bob's, whose first member becomes `identity_`: their
  // name, e-mail and phone set by the admin, consent to be referred to
  // partners given; their loan of $400 with a repayment of $50; a vote on
  // members[1]'s loan of $300; a meeting with their attendance note and
  // business follow-up (and members[1]'s follow-up, which is not theirs); a
  // referral to a partner once network has their consent. Failures are test
  // failures.
  PersonData GivePersonDataEverywhere(const std::string& circle_name);

  // Gives or withdraws `purpose` for `person` (wording 2026-01, in person).
  grpc::Status RecordConsent(const std::string& request_id, const std::string& person,
                             membership::v1::ConsentPurpose purpose,
                             membership::v1::ConsentAction action);

  // Checks that an export's document holds, part by part and field by field,
  // what the three services answer about `data`'s person now.
  void ExpectDocumentHoldsWhatTheServicesAnswer(const google::protobuf::Struct& document,
                                                const PersonData& data);

  // Where the person's name, e-mail or phone (as written and lowercased) is
  // still found in the suite (WhereFoundIn).
  std::vector<std::string> WhereFound();

  // "principal rpc" for each read of `person`'s personal data in `service`'s
  // access log, oldest first.
  std::vector<std::string> PersonalReads(const std::string& service, const std::string& person);

  PersonIdentity identity_;
  std::unique_ptr<membership::v1::PrivacyService::Stub> privacy_;
  std::unique_ptr<membership::v1::MeetingService::Stub> meetings_;
  std::unique_ptr<network::v1::PartnerService::Stub> partners_;
  std::unique_ptr<network::v1::NetworkService::Stub> network_;
  std::unique_ptr<network::v1::PrivacyService::Stub> network_privacy_;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_INTEGRATION_PERSON_RIGHTS_FIXTURE_H_
