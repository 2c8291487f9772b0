// The consent rules alone: every field of a ConsentChange checked, the current
// state a history adds up to (latest change per purpose, everything off until
// given), and the changes CreatePerson and UpdatePerson record.
#include "services/membership/consent_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;
namespace v1 = cercles::membership::v1;

ConsentChange Change(ConsentPurpose purpose, v1::ConsentAction action,
                     const std::string& wording = "2026-03 v2",
                     v1::ConsentChannel channel = v1::CONSENT_CHANNEL_PAPER_FORM) {
  ConsentChange change;
  change.set_purpose(purpose);
  change.set_action(action);
  change.set_wording_version(wording);
  change.set_channel(channel);
  return change;
}

TEST(ConsentRulesTest, DefaultsAreTheMostPrivate) {
  const Consents none = CurrentConsents({});
  for (ConsentPurpose purpose : AllConsentPurposes()) {
    EXPECT_FALSE(ConsentGiven(none, purpose)) << v1::ConsentPurpose_Name(purpose);
  }
  EXPECT_EQ(AllConsentPurposes().size(), 6u);
  EXPECT_FALSE(ConsentGiven(none, v1::CONSENT_PURPOSE_UNSPECIFIED));
}

TEST(ConsentRulesTest, EveryPurposeIsItsOwnField) {
  for (ConsentPurpose purpose : AllConsentPurposes()) {
    Consents consents;
    SetConsent(&consents, purpose, true);
    for (ConsentPurpose other : AllConsentPurposes()) {
      EXPECT_EQ(ConsentGiven(consents, other), other == purpose)
          << v1::ConsentPurpose_Name(purpose) << " set, " << v1::ConsentPurpose_Name(other);
    }
  }
  Consents consents;
  SetConsent(&consents, v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, true);
  EXPECT_TRUE(consents.share_with_network());
  SetConsent(&consents, v1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS, true);
  EXPECT_TRUE(consents.share_with_partners());
  SetConsent(&consents, v1::CONSENT_PURPOSE_CREDIT_REPORTING, true);
  EXPECT_TRUE(consents.credit_reporting());
}

TEST(ConsentRulesTest, TheLatestChangeOfEachPurposeWins) {
  const Consents state = CurrentConsents({
      Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE),
      Change(v1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS, v1::CONSENT_ACTION_GIVE),
      Change(v1::CONSENT_PURPOSE_REMINDERS_BY_EMAIL, v1::CONSENT_ACTION_GIVE),
      Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_WITHDRAW),
      Change(v1::CONSENT_PURPOSE_REMINDERS_BY_EMAIL, v1::CONSENT_ACTION_WITHDRAW),
      Change(v1::CONSENT_PURPOSE_REMINDERS_BY_EMAIL, v1::CONSENT_ACTION_GIVE),
      Change(v1::CONSENT_PURPOSE_CIRCLE_SEES_FOLLOW_UPS, v1::CONSENT_ACTION_WITHDRAW),
  });
  EXPECT_FALSE(state.share_with_network());
  EXPECT_TRUE(state.share_with_other_funds());
  EXPECT_TRUE(state.reminders_by_email());
  EXPECT_FALSE(state.circle_sees_follow_ups());  // withdrawn without ever being given
  EXPECT_FALSE(state.share_with_partners());
  EXPECT_FALSE(state.credit_reporting());
}

TEST(ConsentRulesTest, AValidChangeIsNormalised) {
  auto change = NormaliseConsentChange(
      Change(v1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS, v1::CONSENT_ACTION_GIVE, "  2026-03 v2 "));
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->wording_version(), "2026-03 v2");
  ConsentChange with_output = Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK,
                                     v1::CONSENT_ACTION_WITHDRAW, "v1", v1::CONSENT_CHANNEL_WEB);
  with_output.set_name("people/1/consentChanges/9");
  with_output.set_actor("staff:mallory");
  with_output.mutable_effective_time()->set_seconds(5);
  change = NormaliseConsentChange(with_output);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_TRUE(change->name().empty());
  EXPECT_TRUE(change->actor().empty());
  EXPECT_FALSE(change->has_effective_time());
}

TEST(ConsentRulesTest, EveryFieldIsChecked) {
  struct Case {
    ConsentChange change;
    const char* message;
  };
  const std::string too_long(kMaxWordingVersionLength + 1, 'v');
  const std::vector<Case> cases = {
      {Change(v1::CONSENT_PURPOSE_UNSPECIFIED, v1::CONSENT_ACTION_GIVE),
       "change.purpose is required"},
      {Change(static_cast<ConsentPurpose>(42), v1::CONSENT_ACTION_GIVE),
       "change.purpose is not a known ConsentPurpose (got 42)"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_UNSPECIFIED),
       "change.action is required"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, static_cast<v1::ConsentAction>(7)),
       "change.action is not a known ConsentAction (got 7)"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE, ""),
       "change.wording_version"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE, "   "),
       "change.wording_version"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE, too_long),
       "change.wording_version"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE, "v1\nv2"),
       "change.wording_version"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE, "v1",
              v1::CONSENT_CHANNEL_UNSPECIFIED),
       "change.channel is required"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE, "v1",
              v1::CONSENT_CHANNEL_PERSON_RECORD),
       "change.channel must say how the person expressed it"},
      {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, v1::CONSENT_ACTION_GIVE, "v1",
              static_cast<v1::ConsentChannel>(99)),
       "change.channel is not a known ConsentChannel (got 99)"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(NormaliseConsentChange(c.change),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.change.DebugString();
  }
  // Every broken rule at once.
  ConsentChange empty;
  absl::Status all = NormaliseConsentChange(empty).status();
  EXPECT_THAT(all, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("change.purpose")));
  EXPECT_THAT(all, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("change.action")));
  EXPECT_THAT(all,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("change.wording_version")));
  EXPECT_THAT(all, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("change.channel")));
}

TEST(ConsentRulesTest, APersonRecordRecordsOnlyWhatChanges) {
  Consents before;
  before.set_share_with_network(true);
  before.set_reminders_by_email(true);
  Consents after = before;
  EXPECT_TRUE(PersonRecordConsentChanges(before, after).empty());
  after.set_share_with_network(false);
  after.set_share_with_other_funds(true);
  const std::vector<ConsentChange> changes = PersonRecordConsentChanges(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].purpose(), v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK);
  EXPECT_EQ(changes[0].action(), v1::CONSENT_ACTION_WITHDRAW);
  EXPECT_EQ(changes[1].purpose(), v1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS);
  EXPECT_EQ(changes[1].action(), v1::CONSENT_ACTION_GIVE);
  for (const ConsentChange& change : changes) {
    EXPECT_EQ(change.channel(), v1::CONSENT_CHANNEL_PERSON_RECORD);
    EXPECT_EQ(change.wording_version(), kPersonRecordWording);
  }
  // Applied to the history that led to `before`, they give `after`.
  std::vector<ConsentChange> history = PersonRecordConsentChanges({}, before);
  history.insert(history.end(), changes.begin(), changes.end());
  const Consents state = CurrentConsents(history);
  EXPECT_FALSE(state.share_with_network());
  EXPECT_TRUE(state.share_with_other_funds());
  EXPECT_TRUE(state.reminders_by_email());
}

}  // namespace
}  // namespace cercles::membership
