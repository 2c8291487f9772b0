// Sends a LendingPlan to a running lending service through its public API
// (after the membership part of the demo loaded the people and circles): the
// fund's capital, then each loan's whole story — request, the circle's votes,
// the fund's decision by a second staff member (maker-checker), disbursement,
// repayments at their past dates (one keyed wrong and reversed), guarantee
// calls and guarantor payments, a write-off. Request ids derive from the plan,
// so a re-run replays instead of recording anything twice.
#ifndef CERCLES_TOOLS_DEMO_LENDING_LOADER_H_
#define CERCLES_TOOLS_DEMO_LENDING_LOADER_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/lending_plan.h"

namespace cercles::demo {

struct LendingLoaderOptions {
  std::string token;           // an admin: requests, disbursements, money, write-offs
  std::string approver_token;  // another staff member: the fund's decisions
  absl::Duration timeout = absl::Seconds(10);
  int concurrency = 8;
};

struct LendingSummary {
  absl::Duration elapsed;
  int64_t calls = 0;
  int loans = 0, loans_new = 0;
  std::map<std::string, int> loans_by_state;  // "ACTIVE" -> 7
  int repayments = 0, reversals = 0, guarantee_calls = 0;
  int64_t disbursed_cents = 0;
  int64_t outstanding_cents = 0;
  int32_t par30_bps = 0;
  int32_t repayment_rate_bps = 0;
  std::vector<std::pair<std::string, int>> loans_per_bucket;  // ("1-30", 2)
  int64_t total_debit_cents = 0, total_credit_cents = 0;
  bool balanced = false;
  int bank_referrals = 0, subsidies = 0;
  std::string showcase;  // an active loan, "loans/N"
};

absl::StatusOr<LendingSummary> LoadLending(const std::shared_ptr<grpc::Channel>& channel,
                                           const LoadSummary& membership, const LendingPlan& plan,
                                           const LendingLoaderOptions& options);

std::string FormatLendingSummary(const LendingSummary& summary);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_LENDING_LOADER_H_
