// The real cerclesctl binary against the real network process: neighbours,
// sisters, suggest, expertise, stats, partners and referrals, as staff would
// type them; bad input gets exit code 2 (command line) or 1 (refused call).

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/network_fixtures.h"

namespace cercles::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class NetworkCliTest : public NetworkSuiteTest {
 protected:
  CtlResult Ctl(const std::vector<std::string>& args, bool as_admin = false) {
    return RunCerclesctl(*suite_, "network",
                         as_admin ? TestCredentials().admin_token : TestCredentials().advisor_token,
                         args, work_dir());
  }
};

TEST_P(NetworkCliTest, StaffVerbs) {
  CreateAdvisor("bob");
  std::vector<std::string> people;
  mv1::Circle a = CircleWithMembers(
      "Bouffe Rosemont",
      {{mv1::CHARACTERISTIC_KIND_REGION, "Rosemont"}, {mv1::CHARACTERISTIC_KIND_SECTOR, "food"}}, 4,
      &people);
  mv1::Circle b =
      CircleWithMembers("Artisans Rosemont", {{mv1::CHARACTERISTIC_KIND_REGION, "Rosemont"}}, 2);
  WaitForNetwork(a);
  WaitForNetwork(b);
  const std::string A = Net(a.name()), B = Net(b.name());

  CtlResult r = Ctl({"network", "neighbours", A, "--depth", "2", "--edge", "region"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("funds/fund-test/regions/Rosemont"));
  EXPECT_THAT(r.out, HasSubstr("Artisans Rosemont"));
  EXPECT_THAT(r.out, HasSubstr("forming, 2 members"));
  r = Ctl({"network", "neighbours", A, "--depth", "5"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(r.err, HasSubstr("depth must be 1 to 3"));
  r = Ctl({"network", "neighbours", A, "--edge", "cousin"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--edge \"cousin\""));

  r = Ctl({"network", "sisters", "declare", A, B, "--note", "même quartier"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("<->"));
  r = Ctl({"--output", "json", "network", "neighbours", B, "--edge", "sister"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"kind\":\"EDGE_KIND_SISTER\""));
  ASSERT_EQ(Ctl({"network", "sisters", "remove", A, B}).code, 0);

  r = Ctl({"network", "suggest", "--region", "Rosemont", "--sector", "food"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("same region: Rosemont; same sector: food; 3 seats left"));
  r = Ctl({"network", "suggest"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("at least one preference"));

  ShareExpertise(people[0], {"Comptabilité"}, /*shares=*/true);
  ASSERT_TRUE(Eventually(
      [&] {
        return Ctl({"network", "expertise", "compta"}).out.find("Comptabilité") !=
               std::string::npos;
      },
      absl::Seconds(20)));
  r = Ctl({"network", "expertise", "compta"});
  EXPECT_THAT(r.out, HasSubstr("Ask bob (bob@fonds.example)"));

  r = Ctl({"network", "stats", "--by-region"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Rosemont"));
  EXPECT_THAT(r.out, HasSubstr("fund-test"));
  r = Ctl({"network", "stats", "--as-of", "2026-02-30"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("as_of must be a real calendar day"));

  // Partners (admins) and referrals (staff).
  r = Ctl({"network", "partners", "create", "--name", "SAJE Montréal", "--kind", "saje",
           "--territory", "Rosemont", "--service", "plan d'affaires", "--request-id", "p1"},
          /*as_admin=*/true);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("partners/1"));
  r = Ctl({"network", "partners", "create", "--name", "X", "--kind", "bakery", "--territory", "a",
           "--service", "b"},
          true);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--kind \"bakery\" is not"));
  r = Ctl({"network", "partners", "create", "--name", "X", "--kind", "cld", "--territory", "a",
           "--service", "b"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  r = Ctl({"network", "partners", "list", "--territory", "rosemont"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SAJE Montréal"));
  // A referral needs the person's consent to partners, recorded in membership and
  // followed by network.
  r = RunCerclesctl(*suite_, "membership", TestCredentials().advisor_token,
                    {"people", "consent", people[1], "--purpose", "share-with-partners", "--give",
                     "--wording", "2026-01", "--channel", "in-person"},
                    work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(Eventually(
      [&] {
        r = Ctl({"network", "referrals", "create", "--person", people[1], "--partner", "1",
                 "--reason", "comptabilité"});
        return r.code == 0;
      },
      absl::Seconds(20)));
  EXPECT_THAT(r.out, HasSubstr("referrals/1"));
  EXPECT_THAT(r.out, HasSubstr(A));
  r = Ctl({"network", "referrals", "update", "1", "--status", "completed"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION"));
  r = Ctl({"network", "referrals", "update", "1", "--status", "bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--status "));
  ASSERT_EQ(Ctl({"network", "referrals", "update", "1", "--status", "accepted"}).code, 0);
  // set-status: the old spelling, still working.
  r = Ctl({"network", "referrals", "set-status", "referrals/1", "completed", "--outcome",
           "plan terminé", "--note", "bravo"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("plan terminé"));
  r = Ctl({"network", "referrals", "list", "--status", "completed"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("referrals/1"));
  r = Ctl({"network", "referrals", "list", "--status", "sent"});
  EXPECT_THAT(r.out, Not(HasSubstr("referrals/1")));
  r = Ctl({"network", "partners", "update", "1", "--status", "inactive"}, true);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("inactive"));
  r = Ctl({"network", "partners", "get", "partners/1"});
  EXPECT_THAT(r.out, HasSubstr("open referrals: 0"));
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkCliTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
