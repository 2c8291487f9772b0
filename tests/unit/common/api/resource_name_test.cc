#include "common/api/resource_name.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseIdSegmentTest, OnlyOneSpellingOfEachPositiveId) {
  EXPECT_EQ(ParseIdSegment("1"), 1);
  EXPECT_EQ(ParseIdSegment("42"), 42);
  EXPECT_EQ(ParseIdSegment("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"", "0", "04", "00", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x1F",
                          "9223372036854775808", "99999999999999999999", "１"}) {
    EXPECT_EQ(ParseIdSegment(bad), std::nullopt) << bad;
  }
}

TEST(ParseNameTest, CollectionSlashId) {
  EXPECT_EQ(*ParseName("circles/12", "circles", "circle"), 12);
  for (const char* bad : {"people/04", "circles/-1", "circles/+1", "circles/99999999999999999999",
                          "circles/", "circles/1/", "circles", "circles//1", "/circles/1",
                          "people/1", "circlesx/1", "Circles/1", "circles/0"}) {
    absl::StatusOr<int64_t> parsed = ParseName(bad, "circles", "circle");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(parsed.status().message(),
              absl::StrCat("circle must be \"circles/{id}\" with {id} a positive whole number "
                           "without sign or leading zeros, got \"",
                           bad, "\""))
        << bad;
  }
}

TEST(ParseNameTest, EchoesOnlyAShortEscapedPrefix) {
  const std::string huge = "circles/" + std::string(1000, '7');
  std::string message(ParseName(huge, "circles", "circle").status().message());
  EXPECT_THAT(message, HasSubstr("got \"circles/77777777777777777777777777777777...\""));
  EXPECT_LT(message.size(), 200u);
  std::string control(ParseName("circles/1\n\x01", "circles", "circle").status().message());
  EXPECT_THAT(control, HasSubstr("got \"circles/1\\n\\x01\""));
}

TEST(ParseNameInTest, OneOfSeveralCollections) {
  absl::StatusOr<CollectionId> party = ParseNameIn("circles/45", {"people", "circles"}, "party");
  ASSERT_TRUE(party.ok());
  EXPECT_EQ(party->collection, "circles");
  EXPECT_EQ(party->id, 45);
  EXPECT_EQ(ParseNameIn("people/04", {"people", "circles"}, "party").status().message(),
            "party must be \"people/{id}\" or \"circles/{id}\" with {id} a positive whole number "
            "without sign or leading zeros, got \"people/04\"");
}

TEST(ParseNestedNameTest, EverySegmentByTheSameRule) {
  EXPECT_THAT(*ParseNestedName("loans/3/repayments/7", "loans/{id}/repayments/{id}", "name"),
              ElementsAre(3, 7));
  EXPECT_THAT(*ParseNestedName("circles/4/meetingSchedule", "circles/{id}/meetingSchedule", "x"),
              ElementsAre(4));
  for (const char* bad : {"loans/3/repayments/07", "loans/03/repayments/7", "loans/3/repayments",
                          "loans/3/repayments/7/", "loans/3/refunds/7", "loans/-3/repayments/7",
                          "loans/3/repayments/99999999999999999999"}) {
    absl::StatusOr<std::vector<int64_t>> parsed =
        ParseNestedName(bad, "loans/{id}/repayments/{id}", "repayment");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(),
                HasSubstr("repayment must be \"loans/{id}/repayments/{id}\" with {id} a positive "
                          "whole number without sign or leading zeros, got \""))
        << bad;
  }
}

}  // namespace
}  // namespace cercles::api
