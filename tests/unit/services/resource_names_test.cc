// Every service's own name parsers (the nested names each service owns) apply
// the one {id} rule of common/api: the same bad id gets the same sentence,
// whichever service parses it.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/servicing_store.h"
#include "services/membership/meeting_rules.h"
#include "services/network/directory_rules.h"

namespace cercles {
namespace {

using ::testing::HasSubstr;

constexpr absl::string_view kRule =
    "with {id} a positive whole number without sign or leading zeros, got \"";

// Each service's parse entry point for a name whose one {id} is `id`.
struct EntryPoint {
  const char* service;
  std::string (*name_with)(const std::string& id);
  absl::Status (*parse)(const std::string& name);
};

const EntryPoint kEntryPoints[] = {
    {"membership (circle)", [](const std::string& id) { return "circles/" + id; },
     [](const std::string& name) { return api::ParseName(name, "circles", "name").status(); }},
    {"membership (meeting)", [](const std::string& id) { return "circles/" + id + "/meetings/3"; },
     [](const std::string& name) { return membership::ParseMeetingName(name, "name").status(); }},
    {"membership (schedule)",
     [](const std::string& id) { return "circles/" + id + "/meetingSchedule"; },
     [](const std::string& name) {
       return membership::ParseMeetingScheduleName(name, "name").status();
     }},
    {"lending (repayment)", [](const std::string& id) { return "loans/" + id + "/repayments/3"; },
     [](const std::string& name) { return lending::ParseRepaymentName(name, "name").status(); }},
    {"network (circle of a fund)",
     [](const std::string& id) { return "funds/fund-a/circles/" + id; },
     [](const std::string& name) {
       return network::ParseNetworkCircleName(name, "name").status();
     }},
};

TEST(ResourceNamesAcrossServicesTest, TheSameBadIdGetsTheSameAnswerEverywhere) {
  for (const char* bad : {"04", "-1", "+1", "99999999999999999999", "", "0", " 4", "4 ", "4x"}) {
    for (const EntryPoint& entry : kEntryPoints) {
      const std::string name = entry.name_with(bad);
      SCOPED_TRACE(absl::StrCat(entry.service, ": ", name));
      absl::Status status = entry.parse(name);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(status.message(), HasSubstr("name must be \""));
      // The name is echoed up to its first 40 bytes.
      const std::string echoed = name.size() <= 40 ? name : name.substr(0, 40) + "...";
      EXPECT_THAT(status.message(), HasSubstr(absl::StrCat(kRule, echoed, "\"")));
    }
  }
}

TEST(ResourceNamesAcrossServicesTest, TheSameGoodIdIsAcceptedEverywhere) {
  for (const char* good : {"4", "10", "9223372036854775807"}) {
    for (const EntryPoint& entry : kEntryPoints) {
      const std::string name = entry.name_with(good);
      EXPECT_TRUE(entry.parse(name).ok()) << entry.service << ": " << name;
    }
  }
}

}  // namespace
}  // namespace cercles
