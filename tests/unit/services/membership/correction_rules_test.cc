// Which paths a correction takes, which fields it changed, and the history's
// field filter (issue 14, item 3).
#include "services/membership/correction_rules.h"

#include <google/protobuf/util/field_mask_util.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/people_rules.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;
using ::cercles::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

google::protobuf::FieldMask Mask(std::vector<std::string> paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  return mask;
}

Person Stored() {
  Person p;
  p.set_name("people/7");
  p.set_given_name("Emilie");
  p.set_family_name("Tremblay");
  p.set_language(v1::LANGUAGE_FR);
  p.mutable_contact()->set_email("emilie@example.org");
  p.mutable_contact()->set_phone("+1 514 555 0100");
  *p.mutable_birth_date() = MakeDate(1988, 2, 29);
  p.mutable_business()->set_sector("food");
  p.add_expertise("marketing");
  p.set_status(v1::PERSON_STATUS_ACTIVE);
  return p;
}

TEST(CorrectionRulesTest, EveryPersonalFieldIsAPathOfPerson) {
  ASSERT_EQ(PersonalFieldPaths().size(), 13u);
  for (const std::string& path : PersonalFieldPaths()) {
    EXPECT_TRUE(google::protobuf::util::FieldMaskUtil::IsValidPath<Person>(path)) << path;
    EXPECT_TRUE(CorrectionMask(Mask({path})).ok()) << path;
  }
}

TEST(CorrectionRulesTest, TheMaskTakesPersonalFieldsOnly) {
  auto canonical = CorrectionMask(Mask({"contact.email", "given_name", "contact", "birth_date"}));
  ASSERT_TRUE(canonical.ok()) << canonical.status();
  EXPECT_THAT(canonical->paths(), ElementsAre("birth_date", "contact", "given_name"));

  EXPECT_THAT(CorrectionMask(Mask({})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("update_mask is required"), HasSubstr("contact.email"))));
  const struct {
    const char* path;
    const char* why;
  } refused[] = {
      {"status", "UpdatePerson changes it"},
      {"expertise_opt_in", "UpdatePerson changes it"},
      {"consents", "RecordConsent records consents"},
      {"consents.share_with_network", "RecordConsent records consents"},
      {"name", "output only"},
      {"current_circle", "output only"},
      {"update_time.seconds", "output only"},
      {"*", "name each personal field"},
      {"nickname", "not a field of Person"},
      {"birth_date.year", "not a personal field path"},
  };
  for (const auto& r : refused) {
    EXPECT_THAT(CorrectionMask(Mask({"given_name", r.path})),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("update_mask"),
                               HasSubstr(absl::StrCat("\"", r.path, "\"")), HasSubstr(r.why))))
        << r.path;
  }
}

TEST(CorrectionRulesTest, OnlyTheFieldsWhoseValueChangesAreCorrected) {
  const Person before = Stored();
  Person after = before;
  after.set_given_name("Émilie");
  after.mutable_contact()->set_email("emilie.t@example.org");
  after.set_family_name("Gagnon");  // changed but not in the mask: not listed
  after.set_status(v1::PERSON_STATUS_WITHDRAWN);
  EXPECT_THAT(CorrectedFields(before, after, Mask({"contact", "given_name", "language"})),
              ElementsAre("given_name", "contact.email"));
  // A group lists the sub-fields that changed, in the order of PersonalFieldPaths.
  after = before;
  after.mutable_business()->set_name("Les Confitures");
  after.mutable_business()->set_stage(v1::BUSINESS_STAGE_IDEA);
  EXPECT_THAT(CorrectedFields(before, after, Mask({"business"})),
              ElementsAre("business.name", "business.stage"));
  // Cleared values and repeated fields are changes; an absent and an empty
  // message are the same value.
  after = before;
  after.clear_birth_date();
  after.clear_expertise();
  after.mutable_contact()->clear_phone();
  EXPECT_THAT(CorrectedFields(before, after, Mask({"birth_date", "contact.phone", "expertise"})),
              ElementsAre("contact.phone", "birth_date", "expertise"));
  Person without_contact = before;
  without_contact.clear_contact();
  Person empty_contact = without_contact;
  empty_contact.mutable_contact();
  EXPECT_THAT(CorrectedFields(without_contact, empty_contact, Mask({"contact"})), IsEmpty());
  EXPECT_THAT(CorrectedFields(before, before, Mask({"given_name", "contact"})), IsEmpty());
}

TEST(CorrectionRulesTest, TheHistoryFiltersOnAFieldOrAGroup) {
  EXPECT_THAT(*CorrectionFilterPaths(""), IsEmpty());
  EXPECT_THAT(*CorrectionFilterPaths("given_name"), ElementsAre("given_name"));
  EXPECT_THAT(*CorrectionFilterPaths("contact"),
              ElementsAre("contact.email", "contact.phone", "contact.postal_address"));
  EXPECT_THAT(
      *CorrectionFilterPaths("business"),
      ElementsAre("business.name", "business.sector", "business.stage", "business.start_date"));
  for (const char* bad : {"status", "consents", "contact.fax", "given_name ", "*"}) {
    EXPECT_THAT(CorrectionFilterPaths(bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("field_path must be"), HasSubstr("given_name"))))
        << bad;
  }
}

}  // namespace
}  // namespace cercles::membership
