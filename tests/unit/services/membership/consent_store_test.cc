// The consent store on in-memory SQLite, and on PostgreSQL when
// CERCLES_TEST_POSTGRES_URL names a server: the history is appended, the
// person's row holds the state it adds up to, lists come newest first by pages
// and purpose, and the migration turns consents given before the history into
// its first rows.
#include "services/membership/consent_store.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/consent_rules.h"
#include "services/membership/context.h"
#include "services/membership/people_rules.h"
#include "services/membership/people_store.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/services/membership/person_history_db_test.h"

std::vector<cercles::storage::Migration> PeopleMigrations();

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;
using ::testing::ElementsAre;

const absl::Time kNow = kHistoryTestNow;

ConsentChange Change(ConsentPurpose purpose, bool give, const std::string& wording = "v1",
                     v1::ConsentChannel channel = v1::CONSENT_CHANNEL_IN_PERSON) {
  ConsentChange change;
  change.set_purpose(purpose);
  change.set_action(give ? v1::CONSENT_ACTION_GIVE : v1::CONSENT_ACTION_WITHDRAW);
  change.set_wording_version(wording);
  change.set_channel(channel);
  return change;
}

// Each test migrates when it is ready (the backfill test first writes what
// the migrations before the history left).
class ConsentStoreTest : public PersonHistoryDbTest {
 protected:
  ConsentStoreTest()
      : PersonHistoryDbTest("consent_store", [](storage::Database&) { return absl::OkStatus(); }) {}

  void Migrate() {
    absl::Status migrated = MigrateMembership(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }

  RecordedConsents Record(int64_t person, const std::vector<ConsentChange>& changes,
                          absl::Duration after = absl::ZeroDuration()) {
    RecordedConsents out;
    Write([&](storage::Transaction& tx) {
      auto recorded = consents_.Record(tx, person, changes, "staff:alice", kNow + after);
      ASSERT_TRUE(recorded.ok()) << recorded.status();
      out = *std::move(recorded);
    });
    return out;
  }

  Person Get(int64_t id) {
    Person out;
    Write([&](storage::Transaction& tx) {
      auto person = people_.Get(tx, id);
      ASSERT_TRUE(person.ok() && person->has_value());
      out = **person;
    });
    return out;
  }

  std::vector<ConsentChange> List(int64_t person, ConsentPurpose purpose, int64_t before_id,
                                  int limit) {
    std::vector<ConsentChange> out;
    Write([&](storage::Transaction& tx) {
      auto listed = consents_.List(tx, person, purpose, before_id, limit);
      ASSERT_TRUE(listed.ok()) << listed.status();
      out = *std::move(listed);
    });
    return out;
  }

  ConsentStore consents_;
};

std::vector<std::string> Wordings(const std::vector<ConsentChange>& changes) {
  std::vector<std::string> out;
  for (const ConsentChange& c : changes) out.push_back(c.wording_version());
  return out;
}

TEST_P(ConsentStoreTest, ANewPersonConsentsToNothing) {
  Migrate();
  const int64_t id = AddPerson();
  const Person person = Get(id);
  for (ConsentPurpose purpose : AllConsentPurposes()) {
    EXPECT_FALSE(ConsentGiven(person.consents(), purpose)) << v1::ConsentPurpose_Name(purpose);
  }
  EXPECT_TRUE(List(id, v1::CONSENT_PURPOSE_UNSPECIFIED, 0, 10).empty());
}

TEST_P(ConsentStoreTest, TheRowHoldsWhatTheHistoryAddsUpTo) {
  Migrate();
  const int64_t id = AddPerson();
  const int64_t other = AddPerson();
  RecordedConsents first = Record(id, {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, true, "a"),
                                       Change(v1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS, true, "b")});
  EXPECT_FALSE(first.before.share_with_network());
  EXPECT_TRUE(first.after.share_with_network());
  EXPECT_TRUE(first.after.share_with_partners());
  ASSERT_EQ(first.changes.size(), 2u);
  EXPECT_EQ(first.changes[0].actor(), "staff:alice");
  EXPECT_EQ(first.changes[0].effective_time().seconds(), 1714521600);
  EXPECT_THAT(first.changes[0].name(),
              ::testing::StartsWith(absl::StrCat("people/", id, "/consentChanges/")));
  RecordedConsents second = Record(
      id, {Change(v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, false, "c", v1::CONSENT_CHANNEL_PHONE)},
      absl::Hours(1));
  EXPECT_TRUE(second.before.share_with_network());
  EXPECT_FALSE(second.after.share_with_network());
  EXPECT_TRUE(second.after.share_with_partners());
  const Person person = Get(id);
  EXPECT_FALSE(person.consents().share_with_network());
  EXPECT_TRUE(person.consents().share_with_partners());
  Write([&](storage::Transaction& tx) {
    auto current = consents_.Current(tx, id);
    ASSERT_TRUE(current.ok());
    EXPECT_EQ(current->SerializeAsString(), person.consents().SerializeAsString());
  });
  // The other person is untouched.
  EXPECT_FALSE(Get(other).consents().share_with_partners());

  // Newest first, by pages and by purpose.
  EXPECT_THAT(Wordings(List(id, v1::CONSENT_PURPOSE_UNSPECIFIED, 0, 10)),
              ElementsAre("c", "b", "a"));
  const std::vector<ConsentChange> page = List(id, v1::CONSENT_PURPOSE_UNSPECIFIED, 0, 2);
  EXPECT_THAT(Wordings(page), ElementsAre("c", "b"));
  EXPECT_THAT(
      Wordings(List(id, v1::CONSENT_PURPOSE_UNSPECIFIED, ConsentChangeId(page.back().name()), 2)),
      ElementsAre("a"));
  const std::vector<ConsentChange> network =
      List(id, v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, 0, 10);
  EXPECT_THAT(Wordings(network), ElementsAre("c", "a"));
  EXPECT_EQ(network[0].channel(), v1::CONSENT_CHANNEL_PHONE);
  EXPECT_EQ(network[0].action(), v1::CONSENT_ACTION_WITHDRAW);
  EXPECT_EQ(network[0].effective_time().seconds(), 1714521600 + 3600);
  EXPECT_TRUE(List(other, v1::CONSENT_PURPOSE_UNSPECIFIED, 0, 10).empty());
}

TEST_P(ConsentStoreTest, ConsentsGivenBeforeTheHistoryBecomeItsFirstRows) {
  // The people schema as it was before the history (migrations 1 to 3).
  std::vector<storage::Migration> before = PeopleMigrations();
  ASSERT_GE(before.size(), 4u);
  before.resize(3);
  ASSERT_TRUE(db_->Migrate("membership_people", before).ok());
  Write([&](storage::Transaction& tx) {
    ASSERT_TRUE(tx.Exec("INSERT INTO people (given_name, family_name, given_key, family_key, "
                        "language, email, phone, postal_address, gender, has_business, "
                        "business_name, sector, sector_key, business_stage, expertise_opt_in, "
                        "share_with_network, share_with_other_funds, status, create_time_us, "
                        "update_time_us, reminders_by_email) VALUES ('A', 'B', 'a', 'b', 1, '', "
                        "'', '', '', 0, '', '', '', 0, 0, 1, 0, 1, 5, 7, 1)",
                        {})
                    .ok());
  });
  Migrate();
  const std::vector<ConsentChange> history = List(1, v1::CONSENT_PURPOSE_UNSPECIFIED, 0, 10);
  ASSERT_EQ(history.size(), 2u);
  for (const ConsentChange& c : history) {
    EXPECT_EQ(c.action(), v1::CONSENT_ACTION_GIVE);
    EXPECT_EQ(c.channel(), v1::CONSENT_CHANNEL_PERSON_RECORD);
    EXPECT_EQ(c.wording_version(), "before-history");
    EXPECT_EQ(c.actor(), "migration");
    EXPECT_EQ(c.effective_time().seconds(), 0);  // 7 microseconds
  }
  const Person person = Get(1);
  EXPECT_TRUE(person.consents().share_with_network());
  EXPECT_TRUE(person.consents().reminders_by_email());
  EXPECT_FALSE(person.consents().share_with_other_funds());
  Write([&](storage::Transaction& tx) {
    auto current = consents_.Current(tx, 1);
    ASSERT_TRUE(current.ok());
    EXPECT_EQ(current->SerializeAsString(), person.consents().SerializeAsString());
  });
}

INSTANTIATE_TEST_SUITE_P(Engines, ConsentStoreTest,
                         ::testing::Values(cercles::testing::DbEngine::kSqlite,
                                           cercles::testing::DbEngine::kPostgres),
                         cercles::testing::DbEngineName);

}  // namespace
}  // namespace cercles::membership
