// The one redaction mechanism, on the membership Person message: sensitive
// fields (contact, birth_date, gender) are cleared at any depth — directly,
// nested in another message, in repeated fields, and inside an Any.
#include "common/redaction/redaction.h"

#include "cercles/common/v1/event.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::redaction {
namespace {

using cercles::membership::v1::ListPeopleResponse;
using cercles::membership::v1::Person;
using cercles::membership::v1::PersonCreated;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

Person FullPerson(const std::string& given) {
  Person p;
  p.set_name("people/1");
  p.set_given_name(given);
  p.set_family_name("Tremblay");
  p.mutable_contact()->set_email("emilie@example.org");
  p.mutable_contact()->set_phone("+1 514 555 0100");
  p.mutable_birth_date()->set_year(1988);
  p.mutable_birth_date()->set_month(2);
  p.mutable_birth_date()->set_day(29);
  p.set_gender("femme");
  p.mutable_business()->set_sector("food");
  p.add_expertise("comptabilité");
  p.mutable_consents()->set_share_with_network(true);
  return p;
}

void ExpectRedacted(const Person& p, const std::string& given) {
  EXPECT_FALSE(p.has_contact());
  EXPECT_FALSE(p.has_birth_date());
  EXPECT_EQ(p.gender(), "");
  // What is not sensitive stays.
  EXPECT_EQ(p.given_name(), given);
  EXPECT_EQ(p.family_name(), "Tremblay");
  EXPECT_EQ(p.business().sector(), "food");
  EXPECT_EQ(p.expertise_size(), 1);
  EXPECT_TRUE(p.consents().share_with_network());
}

TEST(RedactionTest, ListsTheSensitiveFieldsOfPerson) {
  EXPECT_THAT(SensitiveFields(Person::descriptor()),
              UnorderedElementsAre("cercles.membership.v1.Person.contact",
                                   "cercles.membership.v1.Person.birth_date",
                                   "cercles.membership.v1.Person.gender"));
  // Through a message that holds a Person.
  EXPECT_EQ(SensitiveFields(PersonCreated::descriptor()).size(), 3u);
}

TEST(RedactionTest, ClearsSensitiveFieldsOfTheMessageItself) {
  Person p = FullPerson("Émilie");
  EXPECT_EQ(RedactSensitive(&p), 3);
  ExpectRedacted(p, "Émilie");
  EXPECT_EQ(RedactSensitive(&p), 0);  // nothing left
}

TEST(RedactionTest, CountsOnlyTheFieldsThatWereSet) {
  Person p = FullPerson("Ana");
  p.clear_gender();
  p.clear_birth_date();
  EXPECT_EQ(RedactSensitive(&p), 1);
  EXPECT_FALSE(p.has_contact());
}

TEST(RedactionTest, ClearsNestedMessages) {
  PersonCreated event;
  *event.mutable_person() = FullPerson("Émilie");
  EXPECT_EQ(RedactSensitive(&event), 3);
  ExpectRedacted(event.person(), "Émilie");
}

TEST(RedactionTest, ClearsEveryElementOfRepeatedFields) {
  ListPeopleResponse response;
  *response.add_people() = FullPerson("Ana");
  *response.add_people() = FullPerson("Bea");
  *response.add_people() = FullPerson("Carl");
  EXPECT_EQ(RedactSensitive(&response), 9);
  ExpectRedacted(response.people(0), "Ana");
  ExpectRedacted(response.people(1), "Bea");
  ExpectRedacted(response.people(2), "Carl");
}

TEST(RedactionTest, ClearsInsideAnAnyPayload) {
  PersonCreated created;
  *created.mutable_person() = FullPerson("Émilie");
  cercles::common::v1::Event event;
  event.set_type("cercles.membership.v1.PersonCreated");
  event.mutable_payload()->PackFrom(created);
  EXPECT_THAT(event.payload().value(), HasSubstr("emilie@example.org"));
  EXPECT_EQ(RedactSensitive(&event), 3);
  EXPECT_THAT(event.payload().value(), Not(HasSubstr("emilie@example.org")));
  PersonCreated unpacked;
  ASSERT_TRUE(event.payload().UnpackTo(&unpacked));
  ExpectRedacted(unpacked.person(), "Émilie");
}

TEST(RedactionTest, LeavesAnAnyOfAnUnknownTypeAlone) {
  cercles::common::v1::Event event;
  event.mutable_payload()->set_type_url("type.googleapis.com/no.such.Type");
  event.mutable_payload()->set_value("opaque");
  EXPECT_EQ(RedactSensitive(&event), 0);
  EXPECT_EQ(event.payload().value(), "opaque");
}

}  // namespace
}  // namespace cercles::redaction
