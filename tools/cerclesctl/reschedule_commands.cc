// lending loans reschedule request|approve|reject|list: rescheduling with
// maker-checker (LoanReschedule in servicing.proto); one member of the staff
// requests, another approves or rejects.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using lv1::LendingService;

OptionSpec Required(OptionSpec spec) {
  spec.required = true;
  return spec;
}

void PrintReschedules(const google::protobuf::RepeatedPtrField<lv1::LoanReschedule>& all,
                      std::ostream& out, Lang lang) {
  Table table(lang, {{"NAME", "NOM"},
                     {"STATE", "ÉTAT"},
                     {"INSTALMENTS", "ÉCHÉANCES"},
                     {"FREQUENCY", "FRÉQUENCE"},
                     {"GRACE P/I", "DIFFÉRÉ C/I"},
                     {"FIRST DUE", "PREMIÈRE ÉCHÉANCE"},
                     {"REQUESTED BY", "DEMANDÉ PAR"},
                     {"DECIDED BY", "DÉCIDÉ PAR"},
                     {"VERSION", "VERSION"},
                     {"REASON", "RAISON"}});
  for (const lv1::LoanReschedule& r : all) {
    table.AddRow(
        {r.name(), r.state() == lv1::RESCHEDULE_STATE_UNSPECIFIED ? "-" : EnumWord(lang, r.state()),
         absl::StrCat(r.instalment_count()), FrequencyName(r.frequency(), lang),
         absl::StrCat(r.grace_on_principal_instalments(), "/", r.grace_on_interest_instalments()),
         FormatDay(r.first_due_date()), r.requested_by(),
         r.decided_by().empty() ? "-" : r.decided_by(),
         r.schedule_version() == 0 ? "-" : absl::StrCat(r.schedule_version()), r.reason()});
  }
  table.Print(out);
}

void PrintOne(const lv1::LoanReschedule& r, std::ostream& out, Lang lang) {
  google::protobuf::RepeatedPtrField<lv1::LoanReschedule> one;
  *one.Add() = r;
  PrintReschedules(one, out, lang);
}

int Request(CommandContext& ctx) {
  lv1::RequestRescheduleRequest request;
  request.set_loan(LoanResourceName(ctx.args().positionals()[0]));
  lv1::LoanReschedule* r = request.mutable_reschedule();
  absl::StatusOr<lv1::RepaymentFrequency> frequency =
      ParseFrequencyFlag(ctx.args().Value("frequency"));
  if (!frequency.ok()) return ctx.UsageError(std::string(frequency.status().message()));
  r->set_frequency(*frequency);
  for (const auto& [name, set] :
       {std::pair{"instalments", &lv1::LoanReschedule::set_instalment_count},
        std::pair{"grace-on-principal", &lv1::LoanReschedule::set_grace_on_principal_instalments},
        std::pair{"grace-on-interest", &lv1::LoanReschedule::set_grace_on_interest_instalments}}) {
    auto value = IntOption(ctx.args(), name);
    if (!value.ok()) return ctx.UsageError(value.status().message());
    (r->*set)(static_cast<int32_t>(value->value_or(0)));
  }
  auto first_due = DayOption(ctx.args(), "first-due-date");
  if (!first_due.ok()) return ctx.UsageError(first_due.status().message());
  if (first_due->has_value()) *r->mutable_first_due_date() = **first_due;
  r->set_reason(ctx.args().Value("reason"));
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::RequestReschedule, request,
                                      [&ctx](const lv1::RequestRescheduleResponse& response) {
                                        PrintOne(response.reschedule(), ctx.out(), ctx.lang());
                                      });
}

int Approve(CommandContext& ctx) {
  lv1::ApproveRescheduleRequest request;
  request.set_reschedule(ctx.args().positionals()[0]);
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::ApproveReschedule, request,
                                      [&ctx](const lv1::ApproveRescheduleResponse& response) {
                                        PrintOne(response.reschedule(), ctx.out(), ctx.lang());
                                        ctx.out() << '\n';
                                        PrintSchedule(response.schedule(), ctx.out(), ctx.lang());
                                      });
}

int Reject(CommandContext& ctx) {
  lv1::RejectRescheduleRequest request;
  request.set_reschedule(ctx.args().positionals()[0]);
  request.set_reason(ctx.args().Value("reason"));
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::RejectReschedule, request,
                                      [&ctx](const lv1::RejectRescheduleResponse& response) {
                                        PrintOne(response.reschedule(), ctx.out(), ctx.lang());
                                      });
}

int ListReschedules(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lv1::ListReschedulesRequest request;
  request.set_loan(LoanResourceName(ctx.args().positionals()[0]));
  lv1::ListReschedulesResponse response;
  grpc::Status status = ListPages<LendingService>(
      ctx, &LendingService::Stub::ListReschedules, *paging, request, &response,
      [](lv1::ListReschedulesResponse* r) { return r->mutable_reschedules(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintReschedules(response.reschedules(), ctx.out(), ctx.lang());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> RescheduleVerbs() {
  const OptionSpec request_id = RequestIdOptionSpec();
  const OptionSpec reason = Required(
      {"reason", "TEXT", {"why (1 to 500 characters)", "pourquoi (de 1 à 500 caractères)"}});
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"lending", "loans", "reschedule", "request"},
       "loans/ID",
       {"Asks to reschedule what remains of an active loan; another staff member decides.",
        "Demande de rééchelonner le reste d'un prêt actif ; un autre membre du personnel décide."},
       {Required(
            {"instalments", "N", {"number of new instalments", "nombre de nouvelles échéances"}}),
        Required({"frequency",
                  "weekly|every-two-weeks|monthly",
                  {"how often they fall due", "à quelle fréquence elles arrivent à échéance"}}),
        Required({"first-due-date",
                  "YYYY-MM-DD",
                  {"the first new instalment's due date",
                   "la date d'échéance du premier nouveau versement"}}),
        {"grace-on-principal",
         "N",
         {"interest-only instalments at the start (default 0)",
          "échéances d'intérêts seulement au début (0 par défaut)"}},
        {"grace-on-interest",
         "N",
         {"instalments with nothing due at the start (default 0)",
          "échéances sans rien à payer au début (0 par défaut)"}},
        reason,
        request_id},
       1,
       1,
       Request});
  verbs.push_back({{"lending", "loans", "reschedule", "approve"},
                   "loans/ID/reschedules/ID",
                   {"Approves a pending reschedule (not by who asked) and prints the new schedule.",
                    "Approuve un rééchelonnement en attente (pas par la personne qui l'a demandé) "
                    "et affiche le nouvel échéancier."},
                   {request_id},
                   1,
                   1,
                   Approve});
  verbs.push_back({{"lending", "loans", "reschedule", "reject"},
                   "loans/ID/reschedules/ID",
                   {"Rejects a pending reschedule (not by who asked); the loan is unchanged.",
                    "Rejette un rééchelonnement en attente (pas par la personne qui l'a demandé) ; "
                    "le prêt ne change pas."},
                   {reason, request_id},
                   1,
                   1,
                   Reject});
  verbs.push_back({{"lending", "loans", "reschedule", "list"},
                   "loans/ID",
                   {"Lists a loan's reschedules, oldest first.",
                    "Liste les rééchelonnements d'un prêt, du plus ancien au plus récent."},
                   PageOptionSpecs("reschedules"),
                   1,
                   1,
                   ListReschedules});
  return verbs;
}

}  // namespace cercles::cerclesctl
