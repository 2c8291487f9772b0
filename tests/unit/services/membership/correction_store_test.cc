// The correction store on in-memory SQLite, and on PostgreSQL when
// CERCLES_TEST_POSTGRES_URL names a server: one row per field, with the
// reason, who asked and who made it, never the value; lists come newest first,
// by pages and by field.
#include "services/membership/correction_store.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/context.h"
#include "services/membership/correction_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/people_store.h"
#include "tests/unit/services/membership/person_history_db_test.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;
using ::testing::ElementsAre;

const absl::Time kNow = kHistoryTestNow;

class CorrectionStoreTest : public PersonHistoryDbTest {
 protected:
  CorrectionStoreTest() : PersonHistoryDbTest("correction_store", MigrateMembership) {}

  std::vector<v1::PersonCorrection> Record(int64_t person, const std::vector<std::string>& fields,
                                           const std::string& reason, bool by_person,
                                           absl::Duration after = absl::ZeroDuration()) {
    std::vector<v1::PersonCorrection> out;
    Write([&](storage::Transaction& tx) {
      auto recorded = corrections_.Record(
          tx, person, fields, CorrectionNote{reason, by_person, "staff:alice"}, kNow + after);
      ASSERT_TRUE(recorded.ok()) << recorded.status();
      out = *std::move(recorded);
    });
    return out;
  }

  std::vector<v1::PersonCorrection> List(int64_t person, const std::string& filter,
                                         int64_t before_id, int limit) {
    std::vector<v1::PersonCorrection> out;
    Write([&](storage::Transaction& tx) {
      auto fields = CorrectionFilterPaths(filter);
      ASSERT_TRUE(fields.ok()) << fields.status();
      auto listed = corrections_.List(tx, person, *fields, before_id, limit);
      ASSERT_TRUE(listed.ok()) << listed.status();
      out = *std::move(listed);
    });
    return out;
  }

  CorrectionStore corrections_;
};

std::vector<std::string> Paths(const std::vector<v1::PersonCorrection>& corrections) {
  std::vector<std::string> out;
  for (const v1::PersonCorrection& c : corrections) out.push_back(c.field_path());
  return out;
}

TEST_P(CorrectionStoreTest, OneRowPerFieldWithTheReasonAndNoValue) {
  const int64_t id = AddPerson();
  const int64_t other = AddPerson();
  EXPECT_TRUE(List(id, "", 0, 10).empty());
  const std::vector<v1::PersonCorrection> first =
      Record(id, {"given_name", "contact.email"}, "mal orthographié à l'accueil", true);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].field_path(), "given_name");
  EXPECT_EQ(first[1].field_path(), "contact.email");
  for (const v1::PersonCorrection& c : first) {
    EXPECT_TRUE(absl::StartsWith(c.name(), absl::StrCat("people/", id, "/corrections/")))
        << c.name();
    EXPECT_EQ(PersonCorrectionName(id, PersonCorrectionId(c.name())), c.name());
    EXPECT_EQ(c.person(), absl::StrCat("people/", id));
    EXPECT_EQ(c.reason(), "mal orthographié à l'accueil");
    EXPECT_TRUE(c.requested_by_person());
    EXPECT_EQ(c.actor(), "staff:alice");
    EXPECT_EQ(c.correct_time().seconds(), 1714521600);
  }
  Record(id, {"contact.phone"}, "moved", false, absl::Hours(1));
  Record(other, {"family_name"}, "married", true);

  // Newest first, as recorded.
  const std::vector<v1::PersonCorrection> all = List(id, "", 0, 10);
  EXPECT_THAT(Paths(all), ElementsAre("contact.phone", "contact.email", "given_name"));
  EXPECT_EQ(all[0].reason(), "moved");
  EXPECT_FALSE(all[0].requested_by_person());
  EXPECT_EQ(all[0].correct_time().seconds(), 1714521600 + 3600);
  EXPECT_EQ(all[2].SerializeAsString(), first[0].SerializeAsString());
  // By pages, by field and by group.
  const std::vector<v1::PersonCorrection> page = List(id, "", 0, 2);
  EXPECT_THAT(Paths(page), ElementsAre("contact.phone", "contact.email"));
  EXPECT_THAT(Paths(List(id, "", PersonCorrectionId(page.back().name()), 2)),
              ElementsAre("given_name"));
  EXPECT_THAT(Paths(List(id, "contact", 0, 10)), ElementsAre("contact.phone", "contact.email"));
  EXPECT_THAT(Paths(List(id, "given_name", 0, 10)), ElementsAre("given_name"));
  EXPECT_TRUE(List(id, "family_name", 0, 10).empty());
  EXPECT_THAT(Paths(List(other, "", 0, 10)), ElementsAre("family_name"));
  EXPECT_EQ(PersonCorrectionId("people/1/consentChanges/2"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, CorrectionStoreTest,
                         ::testing::Values(cercles::testing::DbEngine::kSqlite,
                                           cercles::testing::DbEngine::kPostgres),
                         cercles::testing::DbEngineName);

}  // namespace
}  // namespace cercles::membership
