// Verbs of cercles.membership.v1.MembershipService: circles and the event stream.

#include <grpcpp/client_context.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/interrupt.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/pagination.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::Circle;
using membership::v1::MembershipService;

Table CircleTable() {
  return Table({"NAME", "DISPLAY NAME", "STATUS", "MEMBERS", "CHARACTERISTICS"});
}

void AddCircleRow(const Circle& circle, Table* table) {
  table->AddRow({circle.name(), circle.display_name(), CircleStatusName(circle.status()),
                 absl::StrCat(circle.member_count()),
                 FormatCharacteristics(circle.characteristics())});
}

int PrintCircle(CommandContext& ctx, const Circle& circle) {
  Table table = CircleTable();
  AddCircleRow(circle, &table);
  table.Print(ctx.out());
  return kExitOk;
}

int CreateCircle(CommandContext& ctx) {
  membership::v1::CreateCircleRequest request;
  request.mutable_circle()->set_display_name(ctx.args().Value("display-name"));
  for (const std::string& text : ctx.args().Values("characteristic")) {
    auto characteristic = ParseCharacteristic(text);
    if (!characteristic.ok()) return ctx.UsageError(characteristic.status().message());
    *request.mutable_circle()->add_characteristics() = *std::move(characteristic);
  }
  const bool generated_id = !ctx.args().Has("request-id");
  request.set_request_id(generated_id ? NewRequestId() : ctx.args().Value("request-id"));

  membership::v1::CreateCircleResponse response;
  grpc::Status status =
      ctx.Unary<MembershipService>(&MembershipService::Stub::CreateCircle, request, &response);
  if (!status.ok()) {
    const int code = ctx.Fail(status);
    // The circle may exist even though no answer came back: retrying with the
    // same id returns it rather than creating a second one.
    if (generated_id && (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)) {
      ctx.err() << "cerclesctl: to retry safely, add --request-id " << request.request_id() << '\n';
    }
    return code;
  }
  if (ctx.json()) return ctx.PrintJson(response);
  return PrintCircle(ctx, response.circle());
}

int GetCircle(CommandContext& ctx) {
  membership::v1::GetCircleRequest request;
  request.set_name(CircleResourceName(ctx.args().positionals()[0]));
  membership::v1::GetCircleResponse response;
  grpc::Status status =
      ctx.Unary<MembershipService>(&MembershipService::Stub::GetCircle, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  return PrintCircle(ctx, response.circle());
}

int ListCircles(CommandContext& ctx) {
  auto options = ParseCircleListOptions(ctx.args());
  if (!options.ok()) return ctx.UsageError(options.status().message());
  membership::v1::ListCirclesResponse response;
  grpc::Status status =
      ListCirclePages<MembershipService>(ctx, &MembershipService::Stub::ListCircles, *options,
                                         membership::v1::ListCirclesRequest(), &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = CircleTable();
  for (const Circle& circle : response.circles()) AddCircleRow(circle, &table);
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out());
  return kExitOk;
}

int WatchEvents(CommandContext& ctx) {
  membership::v1::WatchEventsRequest request;
  int64_t after = 0;
  if (ctx.args().Has("after") &&
      (!absl::SimpleAtoi(ctx.args().Value("after"), &after) || after < 0)) {
    return ctx.UsageError(absl::StrCat("--after must be a sequence number of at least 0, not \"",
                                       ctx.args().Value("after"), "\""));
  }
  request.set_after_sequence(after);
  int64_t limit = 0;
  if (ctx.args().Has("limit") &&
      (!absl::SimpleAtoi(ctx.args().Value("limit"), &limit) || limit < 1)) {
    return ctx.UsageError(absl::StrCat("--limit must be a number of events of at least 1, not \"",
                                       ctx.args().Value("limit"), "\""));
  }
  auto stub = ctx.NewStub<MembershipService>();
  if (!stub.ok()) return ctx.Fail(stub.status());

  // Links the payload types into the binary so that JSON can print them.
  membership::v1::CircleCreated::descriptor();
  membership::v1::CircleUpdated::descriptor();

  constexpr char kRowFormat[] = "%-10s %-40s %-24s %s\n";
  grpc::ClientContext call;
  ctx.PrepareCall(&call, /*with_deadline=*/false);  // runs until --limit or Ctrl-C
  CancelOnInterrupt cancel_on_interrupt(&call);
  auto reader = (*stub)->WatchEvents(&call, request);
  membership::v1::WatchEventsResponse response;
  int64_t count = 0;
  bool warned_payload = false;
  while (reader->Read(&response)) {
    const common::v1::Event& event = response.event();
    if (ctx.json()) {
      auto json = ToJson(event);
      if (!json.ok()) {
        // A payload type this build does not know: print the envelope.
        if (!warned_payload) {
          ctx.err() << "cerclesctl: warning: " << json.status().message()
                    << "; printing such events without their payload\n";
          warned_payload = true;
        }
        common::v1::Event envelope = event;
        envelope.clear_payload();
        json = ToJson(envelope);
        if (!json.ok()) return ctx.Fail(json.status());
      }
      ctx.out() << *json << '\n';
    } else {
      // The header waits for the first event, so that a refused call prints
      // only its error.
      if (count == 0) {
        ctx.out() << absl::StrFormat(kRowFormat, "SEQUENCE", "TYPE", "SUBJECT", "TIME");
      }
      ctx.out() << absl::StrFormat(kRowFormat, absl::StrCat(event.sequence()), event.type(),
                                   event.subject(), FormatTimestamp(event.occur_time()));
    }
    ctx.out() << std::flush;
    if (++count == limit) {
      call.TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  const bool stopped_by_us = (limit > 0 && count == limit) || cancel_on_interrupt.interrupted();
  if (status.ok() || (stopped_by_us && status.error_code() == grpc::StatusCode::CANCELLED)) {
    return kExitOk;
  }
  return ctx.Fail(status);
}

}  // namespace

std::vector<Verb> MembershipVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"circles", "create"},
       "",
       "Creates a circle (status forming) in membership.",
       {{"display-name", "NAME", "name the members chose, 1 to 120 characters", false, true},
        {"characteristic", "KIND=VALUE",
         "sector, gender, affinity, savings, language, region, or a fund-defined "
         "kind (repeatable)",
         true},
        {"request-id", "ID",
         "idempotency key: a retry with the same id creates nothing new (default: a "
         "random UUID)"}},
       0,
       0,
       CreateCircle});
  verbs.push_back({{"circles", "get"},
                   "circles/ID",
                   "Shows one circle of membership (a bare ID is accepted).",
                   {},
                   1,
                   1,
                   GetCircle});
  verbs.push_back({{"circles", "list"},
                   "",
                   "Lists membership's circles, in creation order.",
                   CircleListOptionSpecs(),
                   0,
                   0,
                   ListCircles});
  verbs.push_back({{"events", "watch"},
                   "",
                   "Streams membership's events, one line each, until --limit or Ctrl-C.",
                   {{"after", "N", "start after this sequence number (default 0: from the start)"},
                    {"limit", "N", "stop after N events"}},
                   0,
                   0,
                   WatchEvents});
  return verbs;
}

}  // namespace cercles::cerclesctl
