// lending reminders run|list: the reminders of instalments (reminders.proto):
// run the job now for a day (admins), and read the feed with its filters.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using lv1::LendingService;

// "upcoming", "overdue 31".
std::string StageText(const lv1::Reminder& r, Lang lang) {
  switch (r.stage()) {
    case lv1::REMINDER_STAGE_UPCOMING:
      return Bilingual("upcoming", "à venir").In(lang);
    case lv1::REMINDER_STAGE_OVERDUE:
      return absl::StrCat(Bilingual("overdue ", "en retard de ").In(lang), r.days_late(),
                          lang == Lang::kFr ? " j" : "");
    default:
      return "-";
  }
}

int Run(CommandContext& ctx) {
  lv1::RunRemindersRequest request;
  auto date = DayOption(ctx.args(), "date");
  if (!date.ok()) return ctx.UsageError(date.status().message());
  if (date->has_value()) *request.mutable_date() = **date;
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::RunReminders, request,
                                      [&ctx](const lv1::RunRemindersResponse& response) {
                                        ctx.out() << response.produced()
                                                  << Bilingual(" reminder(s) produced for ",
                                                               " rappel(s) produit(s) pour le ")
                                                         .In(ctx.lang())
                                                  << FormatDay(response.date()) << '\n';
                                      });
}

int ListReminders(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lv1::ListRemindersRequest request;
  const ParsedArgs& args = ctx.args();
  if (args.Has("loan")) request.set_loan(LoanResourceName(args.Value("loan")));
  if (args.Has("borrower")) request.set_borrower(PersonResourceName(args.Value("borrower")));
  if (args.Has("circle")) request.set_circle(CircleResourceName(args.Value("circle")));
  if (args.Has("stage")) {
    absl::StatusOr<int> stage =
        ParseEnumName(args.Value("stage"), lv1::ReminderStage_descriptor(), "REMINDER_STAGE_");
    if (!stage.ok()) return ctx.UsageError(absl::StrCat("--stage ", stage.status().message()));
    request.set_stage(static_cast<lv1::ReminderStage>(*stage));
  }
  for (const char* name : {"from", "to"}) {
    auto day = DayOption(args, name);
    if (!day.ok()) return ctx.UsageError(day.status().message());
    if (!day->has_value()) continue;
    *(std::string(name) == "from" ? request.mutable_from_date() : request.mutable_to_date()) =
        **day;
  }
  lv1::ListRemindersResponse response;
  grpc::Status status = ListPages<LendingService>(
      ctx, &LendingService::Stub::ListReminders, *paging, request, &response,
      [](lv1::ListRemindersResponse* r) { return r->mutable_reminders(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"DATE", "DATE"},
                           {"LOAN", "PRÊT"},
                           {"BORROWER", "EMPRUNTEUR"},
                           {"CIRCLE", "CERCLE"},
                           {"INSTALMENT", "ÉCHÉANCE"},
                           {"STAGE", "ÉTAPE"},
                           {"DUE", "DUE LE"},
                           {"AMOUNT DUE", "MONTANT DÛ"}});
  for (const lv1::Reminder& r : response.reminders()) {
    table.AddRow({r.name(), FormatDay(r.reminder_date()), r.loan(), r.borrower(),
                  r.circle().empty() ? "-" : r.circle(), absl::StrCat(r.instalment_number()),
                  StageText(r, ctx.lang()), FormatDay(r.due_date()),
                  FormatMoney(r.amount_due(), ctx.lang())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> ReminderVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"lending", "reminders", "run"},
       "",
       {"Records now the reminders due on a day (admins); each is produced once.",
        "Consigne maintenant les rappels dus à une date (administrateurs) ; chacun n'est produit "
        "qu'une fois."},
       {{"date",
         "YYYY-MM-DD",
         {"the day to decide for (default today)",
          "le jour pour lequel décider (par défaut aujourd'hui)"}},
        RequestIdOptionSpec()},
       0,
       0,
       Run});
  std::vector<OptionSpec> list_options = {
      {"loan", "loans/ID", {"only this loan's reminders", "seulement les rappels de ce prêt"}},
      {"borrower", "people/ID", {"only this borrower's", "seulement ceux de cet emprunteur"}},
      {"circle",
       "circles/ID",
       {"only this circle's loans'", "seulement ceux des prêts de ce cercle"}},
      {"stage", "upcoming|overdue", {"only this stage", "seulement à cette étape"}},
      {"from", "YYYY-MM-DD", {"produced on this day or later", "produits ce jour ou après"}},
      {"to", "YYYY-MM-DD", {"produced on this day or earlier", "produits ce jour ou avant"}}};
  for (const OptionSpec& spec : PageOptionSpecs("reminders")) list_options.push_back(spec);
  verbs.push_back({{"lending", "reminders", "list"},
                   "",
                   {"Lists the reminders produced, oldest first, filtered.",
                    "Liste les rappels produits, du plus ancien au plus récent, filtrés."},
                   list_options,
                   0,
                   0,
                   ListReminders});
  return verbs;
}

}  // namespace cercles::cerclesctl
