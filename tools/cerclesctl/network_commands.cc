// Verbs of cercles.network.v1.NetworkService: the network directory of circles.

#include <grpcpp/client_context.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/pagination.h"

namespace cercles::cerclesctl {
namespace {

using network::v1::NetworkCircle;
using network::v1::NetworkService;

Table NetworkCircleTable() {
  return Table({"NAME", "FUND", "DISPLAY NAME", "STATUS", "MEMBERS", "CHARACTERISTICS", "UPDATED"});
}

void AddNetworkCircleRow(const NetworkCircle& circle, Table* table) {
  table->AddRow({circle.name(), circle.fund_id(), circle.display_name(),
                 CircleStatusName(circle.status()), absl::StrCat(circle.member_count()),
                 FormatCharacteristics(circle.characteristics()),
                 FormatTimestamp(circle.update_time())});
}

int ListNetworkCircles(CommandContext& ctx) {
  auto options = ParseCircleListOptions(ctx.args());
  if (!options.ok()) return ctx.UsageError(options.status().message());
  network::v1::ListNetworkCirclesRequest request;
  request.set_fund_id(ctx.args().Value("fund"));
  network::v1::ListNetworkCirclesResponse response;
  grpc::Status status = ListCirclePages<NetworkService>(
      ctx, &NetworkService::Stub::ListNetworkCircles, *options, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = NetworkCircleTable();
  for (const NetworkCircle& circle : response.circles()) AddNetworkCircleRow(circle, &table);
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out());
  return kExitOk;
}

int GetNetworkCircle(CommandContext& ctx) {
  network::v1::GetNetworkCircleRequest request;
  request.set_name(ctx.args().positionals()[0]);
  network::v1::GetNetworkCircleResponse response;
  grpc::Status status =
      ctx.Unary<NetworkService>(&NetworkService::Stub::GetNetworkCircle, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = NetworkCircleTable();
  AddNetworkCircleRow(response.circle(), &table);
  table.Print(ctx.out());
  return kExitOk;
}

}  // namespace

std::vector<Verb> NetworkVerbs() {
  std::vector<OptionSpec> list_options = {{"fund", "F", "only this fund's circles"}};
  for (OptionSpec& option : CircleListOptionSpecs()) list_options.push_back(std::move(option));

  std::vector<Verb> verbs;
  verbs.push_back({{"network", "circles", "list"},
                   "",
                   "Lists the circles of the network directory, across funds.",
                   list_options,
                   0,
                   0,
                   ListNetworkCircles});
  verbs.push_back({{"network", "circles", "get"},
                   "funds/F/circles/ID",
                   "Shows one circle of the network directory.",
                   {},
                   1,
                   1,
                   GetNetworkCircle});
  return verbs;
}

}  // namespace cercles::cerclesctl
