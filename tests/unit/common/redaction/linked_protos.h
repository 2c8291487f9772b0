// Every .proto file of proto/cercles, linked into the test binary. The generated
// code is a static library: a file's descriptor reaches the generated pool only
// when the test references something of it, so each file is named here once.
// A new .proto file makes the tests that walk every file fail until it is added.
#ifndef CERCLES_TESTS_UNIT_COMMON_REDACTION_LINKED_PROTOS_H_
#define CERCLES_TESTS_UNIT_COMMON_REDACTION_LINKED_PROTOS_H_

#include <google/protobuf/descriptor.h>

#include <vector>

#include "cercles/bench/v1/echo.pb.h"
#include "cercles/common/v1/access_log.pb.h"
#include "cercles/common/v1/conventions.pb.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/common/v1/event.pb.h"
#include "cercles/common/v1/money.pb.h"
#include "cercles/common/v1/options.pb.h"
#include "cercles/lending/v1/books.pb.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/financing.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "cercles/lending/v1/loans.pb.h"
#include "cercles/lending/v1/reminders.pb.h"
#include "cercles/lending/v1/servicing.pb.h"
#include "cercles/lending/v1/settings.pb.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "cercles/membership/v1/trainings.pb.h"
#include "cercles/network/v1/events.pb.h"
#include "cercles/network/v1/federation.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "cercles/network/v1/partners.pb.h"
#include "cercles/network/v1/privacy.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/message_filler.h"

namespace cercles::testing {

// Every message type of every .proto file under proto/cercles; a file whose
// generated code is not linked in fails the calling test.
inline std::vector<const google::protobuf::Descriptor*> EveryCerclesMessage() {
  // One message of each file: referencing it links the file's generated code.
  const google::protobuf::Descriptor* const linked[] = {
      cercles::bench::v1::EchoRequest::descriptor(),
      cercles::common::v1::Date::descriptor(),
      cercles::common::v1::PersonalRead::descriptor(),
      cercles::common::v1::Event::descriptor(),
      cercles::common::v1::Money::descriptor(),
      cercles::common::v1::AccessPolicy::descriptor(),
      cercles::membership::v1::Incident::descriptor(),
      cercles::lending::v1::JournalEntry::descriptor(),
      cercles::lending::v1::LoanChanged::descriptor(),
      cercles::lending::v1::BankReferral::descriptor(),
      cercles::lending::v1::CircleEligibility::descriptor(),
      cercles::lending::v1::Loan::descriptor(),
      cercles::lending::v1::Reminder::descriptor(),
      cercles::lending::v1::Repayment::descriptor(),
      cercles::lending::v1::FundSettings::descriptor(),
      cercles::membership::v1::CircleCreated::descriptor(),
      cercles::membership::v1::Meeting::descriptor(),
      cercles::membership::v1::Circle::descriptor(),
      cercles::membership::v1::Person::descriptor(),
      cercles::membership::v1::PersonCreated::descriptor(),
      cercles::membership::v1::Training::descriptor(),
      cercles::network::v1::PartnerChanged::descriptor(),
      cercles::network::v1::PeerFund::descriptor(),
      cercles::network::v1::NetworkCircle::descriptor(),
      cercles::network::v1::Partner::descriptor(),
      cercles::network::v1::DirectoryPerson::descriptor(),
  };
  static_cast<void>(linked);
  // conventions.proto declares nothing (it is comments only): its descriptor
  // table is what links it.
  google::protobuf::internal::AssignDescriptors(
      &descriptor_table_cercles_2fcommon_2fv1_2fconventions_2eproto);
  ProtoFiles files = ProtoFilesUnder(CERCLES_SOURCE_DIR "/proto", "cercles");
  EXPECT_THAT(files.not_linked, ::testing::IsEmpty())
      << "add one message of each of these files to tests/unit/common/redaction/linked_protos.h";
  return MessageTypes(files.files);
}

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_UNIT_COMMON_REDACTION_LINKED_PROTOS_H_
