// The rules of a person's erasure (issue 14, item 4): the reason's closed set,
// who may be erased, what an erased person keeps, what earlier messages lose.
#include "services/membership/erasure_rules.h"

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/people_rules.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;
using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

v1::Person Stored() {
  v1::Person p;
  p.set_name("people/12");
  p.set_given_name("Zéphirine");
  p.set_family_name("Quastoulet");
  p.set_language(v1::LANGUAGE_FR);
  p.mutable_contact()->set_email("zq@example.org");
  p.mutable_contact()->set_phone("+1 514 555 0199");
  p.mutable_birth_date()->set_year(1980);
  p.set_gender("f");
  p.mutable_business()->set_name("Boulangerie Z");
  p.mutable_business()->set_sector("food");
  p.mutable_business()->set_stage(v1::BUSINESS_STAGE_OPERATING);
  p.mutable_business()->mutable_start_date()->set_year(2020);
  p.add_expertise("soudure");
  p.set_expertise_opt_in(true);
  p.mutable_consents()->set_share_with_network(true);
  p.mutable_consents()->set_reminders_by_email(true);
  p.set_status(v1::PERSON_STATUS_WITHDRAWN);
  p.set_trainings_completed(1);
  p.mutable_create_time()->set_seconds(100);
  return p;
}

TEST(CheckErasureReasonTest, TakesTheClosedSetOnly) {
  EXPECT_EQ(*CheckErasureReason(v1::ERASURE_REASON_PERSON_REQUEST, "reason"),
            v1::ERASURE_REASON_PERSON_REQUEST);
  EXPECT_EQ(*CheckErasureReason(v1::ERASURE_REASON_RETENTION, "reason"),
            v1::ERASURE_REASON_RETENTION);
  EXPECT_THAT(CheckErasureReason(0, "reason").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reason must be one of ERASURE_REASON_PERSON_REQUEST, "
                       "ERASURE_REASON_RETENTION, got 0"));
  EXPECT_THAT(CheckErasureReason(9, "reason").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got 9")));
}

TEST(CheckErasableTest, RefusesACurrentMemberOfACircle) {
  v1::Person member = Stored();
  member.set_current_circle("circles/3");
  EXPECT_THAT(CheckErasable(member),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "people/12 is a member of circles/3: record their departure from the "
                       "circle before erasing them"));
  EXPECT_TRUE(CheckErasable(Stored()).ok());
}

TEST(ErasedPersonTest, KeepsIdsDatesAndCategoriesOnly) {
  const v1::Person erased = ErasedPerson(Stored(), 12);
  EXPECT_EQ(erased.name(), "people/12");
  EXPECT_EQ(erased.given_name(), "Personne effacée");
  EXPECT_EQ(erased.family_name(), "12");
  EXPECT_EQ(erased.language(), v1::LANGUAGE_FR);
  EXPECT_FALSE(erased.has_contact());
  EXPECT_FALSE(erased.has_birth_date());
  EXPECT_EQ(erased.gender(), "");
  EXPECT_EQ(erased.business().name(), "");
  EXPECT_FALSE(erased.business().has_start_date());
  EXPECT_EQ(erased.business().sector(), "food");
  EXPECT_EQ(erased.business().stage(), v1::BUSINESS_STAGE_OPERATING);
  EXPECT_EQ(erased.expertise_size(), 0);
  EXPECT_FALSE(erased.expertise_opt_in());
  EXPECT_EQ(erased.consents().ByteSizeLong(), 0u);  // every purpose withdrawn
  EXPECT_EQ(erased.status(), v1::PERSON_STATUS_ERASED);
  EXPECT_EQ(erased.trainings_completed(), 1);
  EXPECT_EQ(erased.create_time().seconds(), 100);
}

TEST(ErasureOfTest, ReplacesTheNamesAndRemovesTheRest) {
  const v1::Person stored = Stored();
  const redaction::PersonErasure erasure = ErasureOf(stored, ErasedPerson(stored, 12), 12);
  EXPECT_EQ(erasure.person_id, 12);
  EXPECT_THAT(erasure.replacements,
              UnorderedElementsAre(Pair("Zéphirine Quastoulet", "Personne effacée 12"),
                                   Pair("Zéphirine", "Personne effacée"), Pair("Quastoulet", "12"),
                                   Pair("Boulangerie Z", ""), Pair("soudure", "")));
}

TEST(ErasedStatusTest, OnlyErasePersonSetsIt) {
  v1::Person requested;
  requested.set_given_name("Zéphirine");
  requested.set_family_name("Quastoulet");
  requested.set_language(v1::LANGUAGE_FR);
  requested.set_status(v1::PERSON_STATUS_ERASED);
  EXPECT_THAT(NormalisePerson(requested, absl::CivilDay(2026, 12, 7)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "person.status cannot be set to PERSON_STATUS_ERASED: a person is erased "
                       "by PrivacyService.ErasePerson only"));
}

TEST(ErasedPersonRefusalTest, NamesTheRule) {
  EXPECT_THAT(ErasedPersonRefusal("people/12", "an erased person cannot join a circle"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "people/12 is erased: an erased person cannot join a circle (an erased "
                       "person's record is final)"));
}

}  // namespace
}  // namespace cercles::membership
