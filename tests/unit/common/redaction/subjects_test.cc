// Whose personal data an answer carries (common/redaction/subjects.h): the
// people an access log records for a staff read.
#include "common/redaction/subjects.h"

#include <google/protobuf/any.pb.h>

#include <cstdio>
#include <ctime>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/trainings.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::redaction {
namespace {

using cercles::membership::v1::Circle;
using cercles::membership::v1::GetCircleResponse;
using cercles::membership::v1::GetPersonResponse;
using cercles::membership::v1::ListPeopleResponse;
using cercles::membership::v1::Meeting;
using cercles::membership::v1::Person;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Person Named(const std::string& name) {
  Person p;
  p.set_name(name);
  p.set_given_name("Émilie");
  p.set_family_name("Tremblay");
  return p;
}

TEST(SubjectsTest, APersonWithAContactIsOneSubject) {
  GetPersonResponse response;
  *response.mutable_person() = Named("people/42");
  response.mutable_person()->mutable_contact()->set_email("emilie@example.org");
  response.mutable_person()->set_gender("femme");
  EXPECT_THAT(PeopleWithPersonalData(response), ElementsAre(42));
}

TEST(SubjectsTest, APersonWithoutPersonalFieldsIsNoSubject) {
  GetPersonResponse response;
  *response.mutable_person() = Named("people/42");
  response.mutable_person()->add_expertise("comptabilité");
  EXPECT_THAT(PeopleWithPersonalData(response), IsEmpty());
  // A contact with nothing in it (membership always stores one) carries nothing.
  response.mutable_person()->mutable_contact();
  EXPECT_THAT(PeopleWithPersonalData(response), IsEmpty());
}

TEST(SubjectsTest, AListCountsOnlyThePeopleWhosePersonalFieldsAreSet) {
  ListPeopleResponse response;
  *response.add_people() = Named("people/3");
  *response.add_people() = Named("people/1");
  *response.add_people() = Named("people/2");
  response.mutable_people(0)->mutable_birth_date()->set_year(1980);
  response.mutable_people(1)->mutable_contact()->set_phone("+1 514 555 0100");
  EXPECT_THAT(PeopleWithPersonalData(response), ElementsAre(1, 3));
}

TEST(SubjectsTest, AReferenceFieldNamesTheSubjectOfANestedMessage) {
  Meeting meeting;
  meeting.set_name("circles/7/meetings/2");
  auto* present = meeting.add_attendance();
  present->set_person("people/5");
  present->set_note("arrived late, sick child");
  auto* quiet = meeting.add_attendance();
  quiet->set_person("people/6");  // no note: nothing personal
  auto* follow_up = meeting.add_follow_ups();
  follow_up->set_person("people/8");
  follow_up->set_difficulties("cash flow");
  EXPECT_THAT(PeopleWithPersonalData(meeting), ElementsAre(5, 8));
}

TEST(SubjectsTest, SensitiveFieldsWhereNoPersonIsNamedRecordNothing) {
  GetCircleResponse response;
  response.mutable_circle()->set_name("circles/7");
  response.mutable_circle()->set_status_reason("conflict between members");
  EXPECT_THAT(PeopleWithPersonalData(response), IsEmpty());
  Meeting meeting;
  meeting.set_name("circles/7/meetings/2");
  meeting.set_minutes("we talked about everyone");
  EXPECT_THAT(PeopleWithPersonalData(meeting), IsEmpty());
}

TEST(SubjectsTest, OnlyPersonResourceNamesCount) {
  GetPersonResponse response;
  *response.mutable_person() = Named("people/042");  // not a canonical name
  response.mutable_person()->set_gender("femme");
  EXPECT_THAT(PeopleWithPersonalData(response), IsEmpty());
  response.mutable_person()->set_name("circles/42");
  EXPECT_THAT(PeopleWithPersonalData(response), IsEmpty());
}

TEST(SubjectsTest, LooksInsideAny) {
  Person person = Named("people/9");
  person.mutable_contact()->set_email("x@example.org");
  google::protobuf::Any any;
  any.PackFrom(person);
  EXPECT_THAT(PeopleWithPersonalData(any), ElementsAre(9));
}

TEST(SubjectsTest, KnowsWhichTypesCanCarryNothing) {
  EXPECT_TRUE(CanCarrySensitive(Person::descriptor()));
  EXPECT_TRUE(CanCarrySensitive(ListPeopleResponse::descriptor()));
  EXPECT_TRUE(CanCarrySensitive(Circle::descriptor()));
  EXPECT_FALSE(CanCarrySensitive(cercles::membership::v1::GetPersonRequest::descriptor()));
  EXPECT_FALSE(CanCarrySensitive(cercles::membership::v1::Training::descriptor()));
}

// What the walk costs per answer (printed, never asserted: a Debug build with
// sanitizers says little about speed, the release bench does).
TEST(SubjectsTest, PrintsTheCostOfTheWalk) {
  cercles::membership::v1::GetTrainingResponse nothing_personal;
  nothing_personal.mutable_training()->set_name("trainings/1");
  ListPeopleResponse page;
  for (int i = 1; i <= 50; ++i) {
    Person* p = page.add_people();
    *p = Named(absl::StrCat("people/", i));
    p->mutable_contact()->set_email("x@example.org");
  }
  auto time = [](const google::protobuf::Message& m, int n) {
    // CPU time of this process: the machine may be shared with other builds.
    const std::clock_t start = std::clock();
    size_t found = 0;
    for (int i = 0; i < n; ++i) found += PeopleWithPersonalData(m).size();
    const double ns = 1e9 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC / n;
    return std::make_pair(ns, found / static_cast<size_t>(n));
  };
  const auto none = time(nothing_personal, 100000);
  const auto fifty = time(page, 200);
  std::printf(
      "walk: %.0f ns for an answer that cannot carry personal data (%zu people); "
      "%.0f ns for a page of 50 people with contacts (%zu people)\n",
      none.first, none.second, fifty.first, fifty.second);
  EXPECT_EQ(none.second, 0u);
  EXPECT_EQ(fifty.second, 50u);
}

}  // namespace
}  // namespace cercles::redaction
