// Verbs of cercles.lending.v1.LendingService.

#include <grpcpp/client_context.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {
namespace {

using lending::v1::LendingService;

int GetCircleEligibility(CommandContext& ctx) {
  lending::v1::GetCircleEligibilityRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  lending::v1::GetCircleEligibilityResponse response;
  grpc::Status status =
      ctx.Unary<LendingService>(&LendingService::Stub::GetCircleEligibility, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);

  const lending::v1::CircleEligibility& eligibility = response.eligibility();
  Table table({"CIRCLE", "STATUS", "MAY REQUEST LOANS", "MAY GUARANTEE", "REASONS"});
  table.AddRow({eligibility.circle(), CircleStatusName(eligibility.circle_status()),
                YesNo(eligibility.may_request_loans()), YesNo(eligibility.may_guarantee()),
                absl::StrJoin(eligibility.reasons(), "; ")});
  table.Print(ctx.out());
  return kExitOk;
}

}  // namespace

std::vector<Verb> LendingVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back({{"lending", "eligibility"},
                   "circles/ID",
                   "Says whether a circle may bring loan requests and guarantee them now.",
                   {},
                   1,
                   1,
                   GetCircleEligibility});
  return verbs;
}

}  // namespace cercles::cerclesctl
