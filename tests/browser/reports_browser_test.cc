// The reports of `cerclesctl report …` in a real browser (issue 15, item 6):
// one fund of real processes (membership, lending, network on SQLite, a
// redis-server), the demo fund loaded by cercles-demo through their APIs, then
// cerclesctl writes the impact report in French and in English and the
// portfolio and circles reports in French as HTML, and the same reports as JSON
// (`--output json`, the API's own figures). reports_browser.mjs opens each page
// in headless Chromium (Debian's chromium, driven by playwright-core from
// tools/node) and checks it against that JSON: no console error, no request,
// every chart with one point per period, cohort, region, bucket or circle of
// the API, the page's language and its words, the whole range's figures in
// fr-CA or en-CA formats, nothing drawn outside its chart, printable on A4.
// It keeps each page, its full-page screenshot and its A4 PDF under
// build/<preset>/test-artifacts/reports/ (impact-fr.png, ...).
//
// Without Chromium (CERCLES_CHROMIUM, else /usr/bin/chromium) or
// playwright-core: a failure when CI=true, else the test exits 77 (ctest
// reports it skipped).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "common/util/log.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/integration/node_client.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

namespace nv1 = cercles::network::v1;

// The demo fund of scripts/up.
constexpr char kFund[] = "fund-montreal";

// Set when the browser is missing outside CI: main exits 77 then.
bool browser_missing = false;

std::string ChromiumBinary() {
  const char* env = std::getenv("CERCLES_CHROMIUM");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

std::string NodeDir() { return absl::StrCat(CERCLES_SOURCE_DIR, "/tools/node"); }

// What is missing to open a page in a browser ("" when nothing is).
std::string MissingBrowser() {
  if (!std::filesystem::exists(ChromiumBinary())) {
    return absl::StrCat(ChromiumBinary(),
                        " does not exist: install Debian's chromium (scripts/test does) or set "
                        "CERCLES_CHROMIUM");
  }
  if (!std::filesystem::exists(NodeDir() + "/node_modules/playwright-core")) {
    return "tools/node/node_modules/playwright-core is missing: run scripts/test, or `source "
           "scripts/lib/common.sh && cercles_install_deps --with-npm`";
  }
  return "";
}

class ReportsBrowserTest : public SuiteTest {
 protected:
  // Every service reads a copy of the test tokens with a second admin
  // ("credit"): the demo's loans are decided by someone other than their
  // submitter (lending's maker-checker rule).
  std::optional<Suite::Options> SuiteOptions() const override {
    Suite::Options options = *SuiteTest::SuiteOptions();
    options.fund_id = kFund;
    for (const char* service : {"membership", "lending", "network"}) {
      options.extra_flags[service] = {absl::StrCat("--tokens_file=", tokens_file_)};
    }
    return options;
  }

  void SetUp() override {
    const std::string missing = MissingBrowser();
    if (!missing.empty()) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "the browser test cannot run: " << missing;
      }
      browser_missing = true;
      GTEST_SKIP() << "the browser test cannot run: " << missing;
    }
    tokens_file_ = work_dir() + "/tokens.txt";
    std::filesystem::copy_file(TestCredentials().tokens_file, tokens_file_);
    std::ofstream(work_dir() + "/alice.token") << TestCredentials().admin_token << "\n";
    CtlResult made = RunCommand({"bash", absl::StrCat(CERCLES_SOURCE_DIR, "/scripts/gen-token"),
                                 work_dir(), "admin", "credit"},
                                work_dir());
    ASSERT_EQ(made.code, 0) << made.err;
    SuiteTest::SetUp();
  }

  // The demo fund through the three services' APIs; the amount it disbursed.
  int64_t LoadDemo() {
    CtlResult r =
        RunCommand({CERCLES_DEMO_BINARY, "--address", suite_->Address("membership"), "--ca",
                    TestCredentials().ca, "--token-file", work_dir() + "/alice.token",
                    "--lending-address", suite_->Address("lending"), "--approver-token-file",
                    work_dir() + "/credit.token", "--network-address", suite_->Address("network")},
                   work_dir());
    EXPECT_EQ(r.code, 0) << r.out << r.err << suite_->Log("lending");
    std::smatch m;
    if (!std::regex_search(r.out, m, std::regex(R"(money +\$(\d+)\.(\d\d) disbursed)"))) {
      ADD_FAILURE() << "cercles-demo did not say what it disbursed:\n" << r.out;
      return -1;
    }
    int64_t dollars = 0, cents = 0;
    EXPECT_TRUE(absl::SimpleAtoi(m[1].str(), &dollars) && absl::SimpleAtoi(m[2].str(), &cents));
    return dollars * 100 + cents;
  }

  // Until network has counted every loan the demo disbursed (lending's events
  // travel): the fund's total over ten years.
  bool NetworkHasCounted(int64_t disbursed) {
    auto network = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
    nv1::GetImpactReportRequest request;
    *request.mutable_from_date() = ToDate(To() - 3660);
    *request.mutable_to_date() = ToDate(To());
    request.set_grain(nv1::REPORT_GRAIN_YEAR);
    int64_t seen = -1;
    const bool counted = Eventually(
        [&] {
          nv1::GetImpactReportResponse report;
          if (!network->GetImpactReport(Admin().get(), request, &report).ok()) return false;
          seen = report.totals_size() == 0 ? 0 : report.totals(0).amount_disbursed().minor_units();
          return seen == disbursed;
        },
        absl::Seconds(60));
    EXPECT_TRUE(counted) << "network counted " << seen << " cents disbursed, the demo " << disbursed
                         << "\n"
                         << suite_->Log("network");
    return counted;
  }

  // The last day of the reports: lending's or membership's today, whichever is later.
  static absl::CivilDay To() { return std::max(FundToday(), MembershipToday()); }

  // cerclesctl against `service` as the admin; its standard output, or a failure.
  std::string Ctl(const std::string& service, const std::vector<std::string>& args) {
    CtlResult r = RunCerclesctl(*suite_, service, TestCredentials().admin_token, args, work_dir());
    EXPECT_EQ(r.code, 0) << "cerclesctl " << args[0] << " " << args[1] << ": " << r.err;
    return r.out;
  }

  std::string tokens_file_;
};

TEST_F(ReportsBrowserTest, ReportsOpenInChromiumWithTheirChartsAndTheApiFigures) {
  absl::Time started = absl::Now();
  const auto took = [&started] {
    const absl::Time now = absl::Now();
    const std::string seconds = absl::StrFormat("%.1f s", absl::ToDoubleSeconds(now - started));
    started = now;
    return seconds;
  };
  const int64_t disbursed = LoadDemo();
  ASSERT_GT(disbursed, 0);
  std::cout << "the demo fund loaded in " << took() << "\n";
  ASSERT_TRUE(NetworkHasCounted(disbursed));
  std::cout << "network counted its loans in " << took() << "\n";

  // The demo's quarters from January of last year; the portfolio today.
  const absl::CivilDay to = To();
  const std::vector<std::string> range = {"report",  "impact",
                                          "--from",  absl::StrCat(to.year() - 1, "-01-01"),
                                          "--to",    absl::FormatCivilTime(to),
                                          "--grain", "quarter",
                                          "--fund",  kFund};
  const auto with = [](std::vector<std::string> args, const std::vector<std::string>& extra) {
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::string dir = work_dir();
  std::ofstream(dir + "/impact.json")
      << Ctl("network", with({"--output", "json"}, with(range, {"--by-region"})));
  const std::string portfolio_day = absl::FormatCivilTime(FundToday());
  std::ofstream(dir + "/portfolio.json")
      << Ctl("lending", {"--output", "json", "report", "portfolio", "--as-of", portfolio_day});
  for (const char* lang : {"fr", "en"}) {
    Ctl("network", with(range, {"--format", "html", "--lang", lang, "--out",
                                absl::StrCat(dir, "/impact-", lang, ".html")}));
  }
  Ctl("lending", {"report", "portfolio", "--as-of", portfolio_day, "--format", "html", "--lang",
                  "fr", "--out", dir + "/portfolio-fr.html"});
  // The circles report over the same range, joined with lending's arrears.
  const std::vector<std::string> circles = {"report", "circles", "--from",
                                            range[3], "--to",    range[5]};
  std::ofstream(dir + "/circles.json") << Ctl("membership", with({"--output", "json"}, circles));
  Ctl("membership", with(circles, {"--lending-address", suite_->Address("lending"),
                                   "--lending-server-name", "lending", "--format", "html", "--lang",
                                   "fr", "--out", dir + "/circles-fr.html"}));
  ASSERT_FALSE(HasFailure());
  std::cout << "cerclesctl wrote the reports in " << took() << "\n";

  // The pages, what each shows, where the screenshots go.
  const std::string artifacts = absl::StrCat(CERCLES_BINARY_DIR, "/test-artifacts/reports");
  std::filesystem::create_directories(artifacts);
  std::string pages;
  for (const auto& [name, report, lang] :
       std::vector<std::array<std::string, 3>>{{"impact-fr", "impact", "fr"},
                                               {"impact-en", "impact", "en"},
                                               {"portfolio-fr", "portfolio", "fr"},
                                               {"circles-fr", "circles", "fr"}}) {
    absl::StrAppend(&pages, pages.empty() ? "" : ",", "{\"name\":", log::JsonQuote(name),
                    ",\"report\":", log::JsonQuote(report), ",\"lang\":", log::JsonQuote(lang),
                    ",\"html\":", log::JsonQuote(dir + "/" + name + ".html"),
                    ",\"json\":", log::JsonQuote(dir + "/" + report + ".json"), "}");
  }
  std::ofstream(dir + "/pages.json")
      << "{\"chromium\":" << log::JsonQuote(ChromiumBinary())
      << ",\"node_modules\":" << log::JsonQuote(NodeDir() + "/node_modules")
      << ",\"artifacts\":" << log::JsonQuote(artifacts) << ",\"pages\":[" << pages << "]}\n";
  CtlResult browser = RunCommand(
      {NodeBinary(), absl::StrCat(CERCLES_SOURCE_DIR, "/tests/browser/reports_browser.mjs"),
       dir + "/pages.json"},
      dir);
  std::cout << browser.out << browser.err << "Chromium checked them in " << took() << "\n";
  EXPECT_EQ(browser.code, 0) << "reports_browser.mjs failed (its output above)";
}

}  // namespace
}  // namespace cercles::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int result = RUN_ALL_TESTS();
  return result == 0 && cercles::testing::browser_missing ? 77 : result;
}
