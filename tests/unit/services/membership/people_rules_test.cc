#include "services/membership/people_rules.h"

#include <functional>

#include "common/api/date.h"
#include "common/api/error_details.h"
#include "common/api/text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::CivilDay kToday(2024, 5, 1);

Person Valid() {
  Person p;
  p.set_given_name("Émilie");
  p.set_family_name("Tremblay");
  p.set_language(v1::LANGUAGE_FR);
  p.mutable_contact()->set_email("emilie@Example.ORG");
  p.mutable_contact()->set_phone("+1 514  555 0100");
  p.mutable_contact()->set_postal_address("12 rue Ontario\nMontréal");
  *p.mutable_birth_date() = MakeDate(1988, 2, 29);
  p.set_gender("femme");
  p.mutable_business()->set_name("Les Confitures d'Émilie");
  p.mutable_business()->set_sector("food");
  p.mutable_business()->set_stage(v1::BUSINESS_STAGE_STARTING);
  *p.mutable_business()->mutable_start_date() = MakeDate(2023, 9, 1);
  p.add_expertise("comptabilité");
  p.add_expertise("marketing");
  p.set_expertise_opt_in(true);
  p.mutable_consents()->set_share_with_network(true);
  return p;
}

TEST(DatesTest, OnlyRealCalendarDays) {
  EXPECT_TRUE(api::DayFromDate(MakeDate(2024, 2, 29), "d").ok());
  EXPECT_TRUE(api::DayFromDate(MakeDate(1, 1, 1), "d").ok());
  EXPECT_TRUE(api::DayFromDate(MakeDate(9999, 12, 31), "d").ok());
  for (auto bad :
       {MakeDate(2023, 2, 29), MakeDate(2024, 4, 31), MakeDate(2024, 13, 1), MakeDate(2024, 0, 10),
        MakeDate(2024, 1, 0), MakeDate(0, 1, 1), MakeDate(10000, 1, 1), MakeDate(2024, -1, 1)}) {
    auto checked = api::DayFromDate(bad, "training.start_date");
    EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument) << api::FormatDate(bad);
    EXPECT_THAT(checked.status().message(),
                AllOf(HasSubstr("training.start_date"), HasSubstr("real calendar day")));
  }
}

TEST(DatesTest, FormatsAndParsesIsoDays) {
  EXPECT_EQ(api::FormatDate(MakeDate(2024, 5, 1)), "2024-05-01");
  EXPECT_EQ(api::FormatDate(MakeDate(987, 12, 3)), "0987-12-03");
  auto parsed = api::ParseDate("2024-02-29");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->year(), 2024);
  EXPECT_EQ(parsed->month(), 2);
  EXPECT_EQ(parsed->day(), 29);
  for (const char* bad : {"", "2024-2-29", "2023-02-29", "2024/02/29", "24-02-29", "2024-02-29x",
                          "abcd-ef-gh", "2024-00-10"}) {
    EXPECT_FALSE(api::ParseDate(bad).has_value()) << bad;
  }
  EXPECT_EQ(api::DateFromDay(absl::CivilDay(2024, 5, 1)).SerializeAsString(),
            MakeDate(2024, 5, 1).SerializeAsString());
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(1714521600)), absl::CivilDay(2024, 5, 1));
}

TEST(SearchKeyTest, LowerCaseWithoutAccents) {
  EXPECT_EQ(SearchKey("Émilie"), "emilie");
  EXPECT_EQ(SearchKey("ÇA GÈRE"), "ca gere");
  EXPECT_EQ(SearchKey("Œuvre Ælfric Straße"), "oeuvre aelfric strasse");
  EXPECT_EQ(SearchKey("Łódź Čapek"), "lodz capek");
  EXPECT_EQ(SearchKey("Ÿves"), "yves");
  EXPECT_EQ(SearchKey("日本"), "日本");  // kept as it is
  EXPECT_EQ(SearchKey("a×b"), "a×b");    // not a letter
  EXPECT_EQ(api::CharacterCount("Émilie"), 6u);
}

TEST(NormalisePersonTest, KeepsAValidPersonNormalised) {
  Person requested = Valid();
  requested.set_name("people/99");  // output only: ignored
  requested.set_current_circle("circles/4");
  requested.set_trainings_completed(3);
  requested.set_given_name("  Émilie ");
  auto person = NormalisePerson(requested, kToday);
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->given_name(), "Émilie");
  EXPECT_EQ(person->name(), "");
  EXPECT_EQ(person->current_circle(), "");
  EXPECT_EQ(person->trainings_completed(), 0);
  EXPECT_EQ(person->contact().email(), "emilie@example.org");
  EXPECT_EQ(person->contact().phone(), "+1 514 555 0100");
  EXPECT_EQ(person->contact().postal_address(), "12 rue Ontario\nMontréal");
  EXPECT_EQ(person->status(), v1::PERSON_STATUS_ACTIVE);
  EXPECT_EQ(person->expertise_size(), 2);
}

TEST(NormalisePersonTest, MinimalPersonGetsContactAndConsentsPresent) {
  Person requested;
  requested.set_given_name("Ana");
  requested.set_family_name("Lima");
  requested.set_language(v1::LANGUAGE_EN);
  auto person = NormalisePerson(requested, kToday);
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_TRUE(person->has_contact());
  EXPECT_TRUE(person->has_consents());
  EXPECT_FALSE(person->has_business());
  EXPECT_FALSE(person->has_birth_date());
  requested.set_status(v1::PERSON_STATUS_WITHDRAWN);
  EXPECT_EQ(NormalisePerson(requested, kToday)->status(), v1::PERSON_STATUS_WITHDRAWN);
}

TEST(NormalisePersonTest, EachBrokenRuleNamesItsFieldAndRule) {
  struct Case {
    std::function<void(Person&)> mutate;
    std::string field;
    std::string rule;
  };
  std::vector<Case> cases = {
      {[](Person& p) { p.set_given_name(""); }, "person.given_name", "1 to 100"},
      {[](Person& p) { p.set_given_name("   "); }, "person.given_name", "1 to 100"},
      {[](Person& p) { p.set_given_name(std::string(101, 'x')); }, "person.given_name", "1 to 100"},
      {[](Person& p) { p.set_family_name("a\tb"); }, "person.family_name", "control"},
      {[](Person& p) { p.set_family_name(""); }, "person.family_name", "1 to 100"},
      {[](Person& p) { p.set_language(v1::LANGUAGE_UNSPECIFIED); }, "person.language",
       "is required"},
      {[](Person& p) { p.set_language(static_cast<v1::Language>(9)); }, "person.language",
       "is required"},
      {[](Person& p) { p.mutable_contact()->set_email("emilie"); }, "person.contact.email",
       "name@example.org"},
      {[](Person& p) { p.mutable_contact()->set_email("a@b"); }, "person.contact.email",
       "name@example.org"},
      {[](Person& p) { p.mutable_contact()->set_email("a b@c.org"); }, "person.contact.email",
       "no spaces"},
      {[](Person& p) { p.mutable_contact()->set_email("a@@c.org"); }, "person.contact.email", "@"},
      {[](Person& p) { p.mutable_contact()->set_email("a@c..org"); }, "person.contact.email", "@"},
      {[](Person& p) { p.mutable_contact()->set_email(std::string(250, 'a') + "@c.org"); },
       "person.contact.email", "254"},
      {[](Person& p) { p.mutable_contact()->set_phone("514-555-0100"); }, "person.contact.phone",
       "digits"},
      {[](Person& p) { p.mutable_contact()->set_phone("12345"); }, "person.contact.phone",
       "7 to 15 digits"},
      {[](Person& p) { p.mutable_contact()->set_phone("1 2345 6789 0123 4567"); },
       "person.contact.phone", "7 to 15 digits"},
      {[](Person& p) { p.mutable_contact()->set_phone("514 555 0100 +1"); }, "person.contact.phone",
       "leading '+'"},
      {[](Person& p) { p.mutable_contact()->set_postal_address(std::string(501, 'x')); },
       "person.contact.postal_address", "at most 500"},
      {[](Person& p) { p.mutable_contact()->set_postal_address("a\x01"); },
       "person.contact.postal_address", "control"},
      {[](Person& p) { *p.mutable_birth_date() = MakeDate(1990, 2, 30); }, "person.birth_date",
       "real calendar day"},
      {[](Person& p) { *p.mutable_birth_date() = MakeDate(2024, 5, 1); }, "person.birth_date",
       "in the past"},
      {[](Person& p) { *p.mutable_birth_date() = MakeDate(2030, 1, 1); }, "person.birth_date",
       "in the past"},
      {[](Person& p) { *p.mutable_birth_date() = MakeDate(1899, 12, 31); }, "person.birth_date",
       "1900"},
      {[](Person& p) { p.set_gender(std::string(65, 'x')); }, "person.gender", "at most 64"},
      {[](Person& p) { p.mutable_business()->set_sector(""); }, "person.business.sector",
       "1 to 64"},
      {[](Person& p) { p.mutable_business()->set_sector(std::string(65, 's')); },
       "person.business.sector", "1 to 64"},
      {[](Person& p) { p.mutable_business()->set_name(std::string(121, 'n')); },
       "person.business.name", "at most 120"},
      {[](Person& p) { p.mutable_business()->set_stage(static_cast<v1::BusinessStage>(42)); },
       "person.business.stage", "BusinessStage"},
      {[](Person& p) { *p.mutable_business()->mutable_start_date() = MakeDate(2023, 6, 31); },
       "person.business.start_date", "real calendar day"},
      {[](Person& p) {
         for (int i = 0; i < 19; ++i) p.add_expertise("e" + std::to_string(i));
       },
       "person.expertise", "at most 20"},
      {[](Person& p) { p.add_expertise(std::string(65, 'e')); }, "person.expertise[2]", "1 to 64"},
      {[](Person& p) { p.add_expertise(" "); }, "person.expertise[2]", "1 to 64"},
      {[](Person& p) { p.add_expertise("MARKETING"); }, "person.expertise[2]", "repeats"},
      {[](Person& p) { p.set_status(static_cast<v1::PersonStatus>(7)); }, "person.status",
       "PersonStatus"},
  };
  for (const Case& test_case : cases) {
    Person p = Valid();
    test_case.mutate(p);
    auto normalised = NormalisePerson(p, kToday);
    EXPECT_THAT(normalised.status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(test_case.field + " "), HasSubstr(test_case.rule))))
        << test_case.field;
  }
}

TEST(NormalisePersonTest, ReportsEveryViolationNotJustTheFirst) {
  Person p = Valid();
  p.set_given_name("");
  p.mutable_contact()->set_email("nope");
  *p.mutable_birth_date() = MakeDate(2023, 2, 29);
  auto normalised = NormalisePerson(p, kToday);
  ASSERT_THAT(normalised, StatusIs(absl::StatusCode::kInvalidArgument));
  const std::string message(normalised.status().message());
  EXPECT_THAT(message, HasSubstr("person.given_name must be 1 to 100 characters"));
  EXPECT_THAT(message, HasSubstr("; person.contact.email must look like"));
  EXPECT_THAT(message, HasSubstr("; person.birth_date must be a real calendar day"));
}

TEST(ApplyPersonMaskTest, ChangesOnlyTheListedPaths) {
  Person stored = *NormalisePerson(Valid(), kToday);
  stored.set_name("people/1");
  Person patch;
  patch.set_family_name("Gagnon");
  patch.set_given_name("ignored: not in the mask");
  patch.mutable_contact()->set_email("new@example.org");
  google::protobuf::FieldMask mask;
  mask.add_paths("family_name");
  mask.add_paths("contact.email");
  auto updated = ApplyPersonMask(stored, patch, mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->family_name(), "Gagnon");
  EXPECT_EQ(updated->given_name(), "Émilie");
  EXPECT_EQ(updated->contact().email(), "new@example.org");
  EXPECT_EQ(updated->contact().phone(), "+1 514 555 0100");  // sibling kept
  EXPECT_EQ(updated->name(), "people/1");
}

TEST(ApplyPersonMaskTest, MessageAndRepeatedPathsReplaceWhole) {
  Person stored = *NormalisePerson(Valid(), kToday);
  Person patch;
  patch.add_expertise("design");
  google::protobuf::FieldMask mask;
  mask.add_paths("expertise");
  mask.add_paths("birth_date");  // absent in the patch: cleared
  mask.add_paths("business");
  auto updated = ApplyPersonMask(stored, patch, mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_EQ(updated->expertise_size(), 1);
  EXPECT_EQ(updated->expertise(0), "design");
  EXPECT_FALSE(updated->has_birth_date());
  EXPECT_FALSE(updated->has_business());
}

TEST(ApplyPersonMaskTest, StarReplacesEverythingButOutputOnly) {
  Person stored = *NormalisePerson(Valid(), kToday);
  stored.set_name("people/1");
  stored.set_trainings_completed(2);
  Person patch;
  patch.set_given_name("Zoé");
  patch.set_trainings_completed(9);
  google::protobuf::FieldMask mask;
  mask.add_paths("*");
  auto updated = ApplyPersonMask(stored, patch, mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->given_name(), "Zoé");
  EXPECT_EQ(updated->family_name(), "");
  EXPECT_FALSE(updated->has_contact());
  EXPECT_EQ(updated->name(), "people/1");
  EXPECT_EQ(updated->trainings_completed(), 2);
}

TEST(ApplyPersonMaskTest, RefusesEmptyUnknownAndOutputOnlyPathsNamingThem) {
  Person stored = *NormalisePerson(Valid(), kToday);
  google::protobuf::FieldMask empty;
  auto status = ApplyPersonMask(stored, Person(), empty).status();
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask is required")));
  for (const char* path : {"nickname", "contact.fax", "business.sector.x", "given_name.x"}) {
    google::protobuf::FieldMask mask;
    mask.add_paths(path);
    status = ApplyPersonMask(stored, Person(), mask).status();
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 AllOf(HasSubstr(absl::StrCat("\"", path, "\"")),
                                       HasSubstr("not a field"))))
        << path;
  }
  for (const char* path :
       {"name", "current_circle", "trainings_completed", "create_time", "update_time.seconds"}) {
    google::protobuf::FieldMask mask;
    mask.add_paths("given_name");
    mask.add_paths(path);
    status = ApplyPersonMask(stored, Person(), mask).status();
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 AllOf(HasSubstr(absl::StrCat("\"", path, "\"")),
                                       HasSubstr("output only"))))
        << path;
  }
  google::protobuf::FieldMask star_and_more;
  star_and_more.add_paths("*");
  star_and_more.add_paths("gender");
  EXPECT_THAT(ApplyPersonMask(stored, Person(), star_and_more).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MinimisedPersonTest, ClearsSensitiveFieldsAndUnsharedExpertise) {
  Person p = *NormalisePerson(Valid(), kToday);
  Person shared = MinimisedPerson(p);
  EXPECT_FALSE(shared.has_contact());
  EXPECT_FALSE(shared.has_birth_date());
  EXPECT_EQ(shared.gender(), "");
  EXPECT_EQ(shared.given_name(), "Émilie");
  EXPECT_EQ(shared.business().sector(), "food");
  EXPECT_EQ(shared.expertise_size(), 2);  // opted in
  p.set_expertise_opt_in(false);
  EXPECT_EQ(MinimisedPerson(p).expertise_size(), 0);
  EXPECT_THAT(MinimisedPerson(p).DebugString(), Not(HasSubstr("example.org")));
}

TEST(ViolationsStatusTest, OkWhenNoneElseJoined) {
  EXPECT_TRUE(ViolationsStatus({}).ok());
  auto status = ViolationsStatus({{"a.b", "must be x", ""}, {"c", "is required", ""}});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "a.b must be x; c is required"));
  // One google.rpc.BadRequest field violation per rule.
  std::optional<google::rpc::BadRequest> bad_request = api::BadRequestOf(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 2);
  EXPECT_EQ(bad_request->field_violations(0).field(), "a.b");
  EXPECT_EQ(bad_request->field_violations(1).reason(), "FIELD_REQUIRED");
  EXPECT_EQ(PersonDisplayName("Ana", "Lima"), "Ana Lima");
}

}  // namespace
}  // namespace cercles::membership
