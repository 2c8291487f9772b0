#include "common/api/closed_set.h"

#include <string>

#include "cercles/lending/v1/books.pb.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

// The test reads a deprecated string field on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::api {
namespace {

using ::cercles::testing::IsOkAndHolds;
using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const google::protobuf::EnumDescriptor& Kinds() {
  return *lending::v1::JournalEntryKind_descriptor();
}

TEST(EnumTextTest, IsTheValueNameWithoutThePrefix) {
  EXPECT_EQ(EnumText(Kinds(), lending::v1::JOURNAL_ENTRY_KIND_REPAYMENT), "REPAYMENT");
  EXPECT_EQ(EnumText(Kinds(), lending::v1::JOURNAL_ENTRY_KIND_REPAYMENT_REVERSAL),
            "REPAYMENT_REVERSAL");
  EXPECT_EQ(EnumText(Kinds(), lending::v1::JOURNAL_ENTRY_KIND_UNSPECIFIED), "");
  EXPECT_EQ(EnumText(Kinds(), 99), "");
}

TEST(EnumTextTest, ReadsBackEveryValueIgnoringCase) {
  for (int i = 1; i < Kinds().value_count(); ++i) {
    const int number = Kinds().value(i)->number();
    EXPECT_EQ(EnumFromText(Kinds(), EnumText(Kinds(), number)), number);
  }
  EXPECT_EQ(EnumFromText(Kinds(), "guarantee_call"),
            lending::v1::JOURNAL_ENTRY_KIND_GUARANTEE_CALL);
  EXPECT_EQ(EnumFromText(Kinds(), "UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(EnumFromText(Kinds(), "JOURNAL_ENTRY_KIND_REPAYMENT"), std::nullopt);
  EXPECT_EQ(EnumFromText(Kinds(), ""), std::nullopt);
}

TEST(RequestedEnumTextTest, TheEnumWinsTheTextAloneIsPassedOnAMismatchIsRefused) {
  EXPECT_THAT(RequestedEnumText(Kinds(), lending::v1::JOURNAL_ENTRY_KIND_REPAYMENT, "",
                                "entry_kind", "kind"),
              IsOkAndHolds("REPAYMENT"));
  EXPECT_THAT(RequestedEnumText(Kinds(), lending::v1::JOURNAL_ENTRY_KIND_REPAYMENT, "REPAYMENT",
                                "entry_kind", "kind"),
              IsOkAndHolds("REPAYMENT"));
  // The text alone is left to the caller's own rules and messages.
  EXPECT_THAT(RequestedEnumText(Kinds(), 0, "LOAN", "entry_kind", "kind"), IsOkAndHolds("LOAN"));
  EXPECT_THAT(RequestedEnumText(Kinds(), 0, "", "entry_kind", "kind"), IsOkAndHolds(""));
  EXPECT_THAT(RequestedEnumText(Kinds(), lending::v1::JOURNAL_ENTRY_KIND_REPAYMENT, "DISBURSEMENT",
                                "entry_kind", "kind"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("kind \"DISBURSEMENT\" and entry_kind "
                                 "JOURNAL_ENTRY_KIND_REPAYMENT disagree")));
  EXPECT_THAT(RequestedEnumText(Kinds(), 42, "", "entry_kind", "kind"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("entry_kind 42 is not a known JournalEntryKind")));
}

TEST(RequestedEnumTextsTest, AgreeEntryByEntry) {
  const auto& attributes = *membership::v1::FormationAttribute_descriptor();
  google::protobuf::RepeatedField<int> values;
  values.Add(membership::v1::FORMATION_ATTRIBUTE_LANGUAGE);
  values.Add(membership::v1::FORMATION_ATTRIBUTE_SECTOR);
  google::protobuf::RepeatedPtrField<std::string> texts;
  absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> from_enums =
      RequestedEnumTexts(attributes, values, texts, "hard_attribute_kinds", "hard_attributes");
  ASSERT_TRUE(from_enums.ok()) << from_enums.status();
  EXPECT_THAT(*from_enums, ElementsAre("LANGUAGE", "SECTOR"));

  *texts.Add() = "language";
  *texts.Add() = "sector";
  EXPECT_TRUE(
      RequestedEnumTexts(attributes, values, texts, "hard_attribute_kinds", "hard_attributes")
          .ok());
  texts[1] = "gender";
  EXPECT_THAT(
      RequestedEnumTexts(attributes, values, texts, "hard_attribute_kinds", "hard_attributes")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("hard_attributes[1] \"gender\" and hard_attribute_kinds[1] "
                         "FORMATION_ATTRIBUTE_SECTOR disagree")));
  texts.RemoveLast();
  EXPECT_THAT(
      RequestedEnumTexts(attributes, values, texts, "hard_attribute_kinds", "hard_attributes")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("hard_attributes (1) and hard_attribute_kinds (2) disagree")));
  values.Set(0, membership::v1::FORMATION_ATTRIBUTE_UNSPECIFIED);
  EXPECT_THAT(
      RequestedEnumTexts(attributes, values, {}, "hard_attribute_kinds", "hard_attributes")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hard_attribute_kinds[0] must not be "
                                                             "FORMATION_ATTRIBUTE_UNSPECIFIED")));
  // Texts alone pass through unchanged.
  texts.Clear();
  *texts.Add() = "gender";
  absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> alone =
      RequestedEnumTexts(attributes, google::protobuf::RepeatedField<int>(), texts,
                         "hard_attribute_kinds", "hard_attributes");
  ASSERT_TRUE(alone.ok());
  EXPECT_THAT(*alone, ElementsAre("gender"));
}

TEST(SetClosedSetTest, FillsTheStringAndItsEnumFromOneName) {
  lending::v1::LoanChanged changed;
  SetClosedSet(&changed, "change", "change_kind", "REPAYMENT_RECORDED");
  EXPECT_EQ(changed.change(), "REPAYMENT_RECORDED");
  EXPECT_EQ(changed.change_kind(), lending::v1::LOAN_CHANGE_KIND_REPAYMENT_RECORDED);
  // A name without an enum value keeps the string and the zero value.
  SetClosedSet(&changed, "change", "change_kind", "SOMETHING_NEW");
  EXPECT_EQ(changed.change(), "SOMETHING_NEW");
  EXPECT_EQ(changed.change_kind(), lending::v1::LOAN_CHANGE_KIND_UNSPECIFIED);
  // Fields that are not a string and an enum: nothing is set.
  lending::v1::LoanChanged untouched;
  SetClosedSet(&untouched, "change", "amount_minor_units", "DISBURSED");
  SetClosedSet(&untouched, "no_such_field", "change_kind", "DISBURSED");
  EXPECT_EQ(untouched.ByteSizeLong(), 0u);
}

}  // namespace
}  // namespace cercles::api
