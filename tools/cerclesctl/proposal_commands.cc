// Circles proposed from a training's graduates (`circles propose`), reviewed,
// then created with their members (`circles accept-proposal`).

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::MembershipService;

// "trainings/3" stays as is; a bare "3" becomes "trainings/3".
std::string TrainingNameOf(const std::string& text) {
  return absl::StartsWith(text, "trainings/") ? text : absl::StrCat("trainings/", text);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
int ProposeCircles(CommandContext& ctx) {
  membership::v1::ProposeCirclesRequest request;
  request.set_training(TrainingNameOf(ctx.args().Value("training")));
  for (const std::string& kind : ctx.args().Values("hard")) request.add_hard_attributes(kind);
  for (const std::string& kind : ctx.args().Values("soft")) request.add_soft_attributes(kind);
  membership::v1::ProposeCirclesResponse response;
  grpc::Status status =
      ctx.Unary<MembershipService>(&MembershipService::Stub::ProposeCircles, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  for (const auto& circle : response.circles()) {
    ctx.out() << circle.display_name() << ": " << absl::StrJoin(circle.people(), " ") << "\n  "
              << circle.explanation()
              << "\n  suggested: " << FormatCharacteristics(circle.characteristics()) << "\n";
  }
  for (int i = 0; i < response.unplaced_size(); ++i) {
    ctx.out() << "unplaced " << response.unplaced(i) << ": " << response.unplaced_reasons(i)
              << "\n";
  }
  ctx.out() << "Review, then: cerclesctl --output json circles propose ... > proposal.json && "
               "cerclesctl circles accept-proposal proposal.json [--activate]\n";
  return kExitOk;
}
#pragma GCC diagnostic pop

int AcceptProposal(CommandContext& ctx) {
  const std::string path = ctx.args().positionals()[0];
  std::ifstream in(path);
  if (!in.good()) return ctx.UsageError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  membership::v1::ProposeCirclesResponse proposal;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &proposal);
  if (!parsed.ok()) {
    return ctx.UsageError(absl::StrCat(path,
                                       " is not a proposal (the JSON output of `circles "
                                       "propose`): ",
                                       parsed.ToString()));
  }
  membership::v1::AcceptCircleProposalRequest request;
  for (auto& circle : *proposal.mutable_circles()) {
    circle.clear_explanation();  // output only
    *request.add_circles() = std::move(circle);
  }
  request.set_activate(ctx.args().Has("activate"));
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::AcceptCircleProposalResponse response;
  grpc::Status status = ctx.Unary<MembershipService>(&MembershipService::Stub::AcceptCircleProposal,
                                                     request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = CircleTable(ctx.lang());
  for (const membership::v1::Circle& circle : response.circles())
    AddCircleRow(circle, &table, ctx.lang());
  table.Print(ctx.out());
  return kExitOk;
}

}  // namespace

std::vector<Verb> ProposalVerbs() {
  const OptionSpec request_id = RequestIdOptionSpec();
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"circles", "propose"},
       "",
       {"Proposes circles of 4 to 7 from a training's graduates who are in no circle.",
        "Propose des cercles de 4 à 7 parmi les diplômés d'une formation qui ne sont dans aucun "
        "cercle."},
       {{"training", "trainings/ID", {"the cohort", "la cohorte"}, false, true},
        {"hard",
         "ATTRIBUTE",
         {"shared by all: language, gender, sector (repeatable)",
          "commun à toutes et à tous : language, gender, sector (répétable)"},
         true},
        {"soft",
         "ATTRIBUTE",
         {"shared as much as possible (repeatable)", "commun autant que possible (répétable)"},
         true}},
       0,
       0,
       ProposeCircles});
  verbs.push_back(
      {{"circles", "accept-proposal"},
       "PROPOSAL.json",
       {"Creates the circles of a reviewed proposal (the JSON of `circles propose`).",
        "Crée les cercles d'une proposition révisée (le JSON de `circles propose`)."},
       {{"activate", "", {"also activate each circle", "activer aussi chaque cercle"}}, request_id},
       1,
       1,
       AcceptProposal});
  return verbs;
}

}  // namespace cercles::cerclesctl
