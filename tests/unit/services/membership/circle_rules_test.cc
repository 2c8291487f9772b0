#include "services/membership/circle_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::membership {
namespace {

using ::testing::HasSubstr;

Characteristic Make(v1::CharacteristicKind kind, const std::string& value,
                    const std::string& custom = "") {
  Characteristic c;
  c.set_kind(kind);
  c.set_value(value);
  c.set_custom_kind(custom);
  return c;
}

TEST(CircleNameTest, ParsesOnlyPositiveIds) {
  EXPECT_EQ(*ParseCircleName("circles/42", "name"), 42);
  EXPECT_EQ(CircleName(42), "circles/42");
  for (const char* bad : {"", "circles/", "circles/0", "circles/-3", "circles/4x", "circle/4",
                          "funds/a/circles/4", "circles/99999999999999999999999"}) {
    auto parsed = ParseCircleName(bad, "request.name");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("request.name"));
  }
}

TEST(DraftNewCircleTest, StartsFormingWithNormalisedFields) {
  Circle requested;
  requested.set_display_name("  Les Entreprenantes  ");
  requested.set_status(v1::CIRCLE_STATUS_ACTIVE);  // output only: ignored
  requested.set_member_count(6);                   // output only: ignored
  *requested.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, " food ");
  *requested.add_characteristics() =
      Make(v1::CHARACTERISTIC_KIND_OTHER, "yes", " Microcredit-Alumni ");
  auto draft = DraftNewCircle(requested);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->display_name(), "Les Entreprenantes");
  EXPECT_EQ(draft->status(), v1::CIRCLE_STATUS_FORMING);
  EXPECT_EQ(draft->member_count(), 0);
  EXPECT_EQ(draft->characteristics(0).value(), "food");
  EXPECT_EQ(draft->characteristics(1).custom_kind(), "microcredit-alumni");
}

TEST(DraftNewCircleTest, EachBrokenRuleNamesItsField) {
  struct Case {
    std::function<void(Circle&)> mutate;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](Circle& c) { c.set_display_name(""); }, "circle.display_name"},
      {[](Circle& c) { c.set_display_name(std::string(121, 'x')); }, "circle.display_name"},
      {[](Circle& c) { c.set_display_name("a\nb"); }, "circle.display_name"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_UNSPECIFIED, "x"); },
       "circle.characteristics[0].kind"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, ""); },
       "circle.characteristics[0].value"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_OTHER, "x"); },
       "circle.characteristics[0].custom_kind"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, "x", "k"); },
       "circle.characteristics[0].custom_kind"},
      {[](Circle& c) {
         *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, "food");
         *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, "food");
       },
       "circle.characteristics[1]"},
      {[](Circle& c) {
         for (int i = 0; i < 17; ++i) {
           *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, std::to_string(i));
         }
       },
       "circle.characteristics"},
  };
  for (const Case& test_case : cases) {
    Circle c;
    c.set_display_name("Cercle");
    test_case.mutate(c);
    auto draft = DraftNewCircle(c);
    EXPECT_EQ(draft.status().code(), absl::StatusCode::kInvalidArgument) << test_case.field;
    EXPECT_THAT(draft.status().message(), HasSubstr(test_case.field));
  }
}

}  // namespace
}  // namespace cercles::membership
