// Verbs of cercles.membership.v1.TrainingService: training cohorts and enrolments.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::Enrolment;
using membership::v1::Training;
using membership::v1::TrainingService;

Table TrainingTable(Lang lang) {
  return Table(lang, {{"NAME", "NOM"},
                      {"DISPLAY NAME", "NOM AFFICHÉ"},
                      {"START", "DÉBUT"},
                      {"END", "FIN"},
                      {"ENROLLED", "INSCRITS"},
                      {"COMPLETED", "ONT TERMINÉ"}});
}

void AddTrainingRow(const Training& t, Table* table) {
  table->AddRow({t.name(), t.display_name(), FormatDay(t.start_date(), t.has_start_date()),
                 FormatDay(t.end_date(), t.has_end_date()), absl::StrCat(t.enrolled_count()),
                 absl::StrCat(t.completed_count())});
}

Table EnrolmentTable(Lang lang) {
  return Table(lang, {{"TRAINING", "FORMATION"},
                      {"PERSON", "PERSONNE"},
                      {"DISPLAY NAME", "NOM AFFICHÉ"},
                      {"ENROLLED", "INSCRIT LE"},
                      {"COMPLETED", "TERMINÉE LE"}});
}

void AddEnrolmentRow(const Enrolment& e, Table* table) {
  table->AddRow({e.training(), e.person(), e.person_display_name(), FormatTimestamp(e.enrol_time()),
                 FormatDay(e.completion_date(), e.has_completion_date())});
}

template <typename Response>
int PrintTraining(CommandContext& ctx, const Response& response) {
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = TrainingTable(ctx.lang());
  AddTrainingRow(response.training(), &table);
  table.Print(ctx.out());
  return kExitOk;
}

template <typename Response>
int PrintEnrolment(CommandContext& ctx, const Response& response) {
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = EnrolmentTable(ctx.lang());
  AddEnrolmentRow(response.enrolment(), &table);
  table.Print(ctx.out());
  return kExitOk;
}

// A --NAME option holding a day; `fallback` when absent.
absl::StatusOr<common::v1::Date> DayOption(const CommandContext& ctx, const std::string& name,
                                           const common::v1::Date& fallback) {
  if (!ctx.args().Has(name)) return fallback;
  auto day = ParseDay(ctx.args().Value(name));
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " ", day.status().message()));
  }
  return day;
}

int CreateTraining(CommandContext& ctx) {
  membership::v1::CreateTrainingRequest request;
  Training* training = request.mutable_training();
  training->set_display_name(ctx.args().Value("display-name"));
  auto start = DayOption(ctx, "start-date", {});
  if (!start.ok()) return ctx.UsageError(start.status().message());
  auto end = DayOption(ctx, "end-date", {});
  if (!end.ok()) return ctx.UsageError(end.status().message());
  *training->mutable_start_date() = *start;
  *training->mutable_end_date() = *end;
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::CreateTrainingResponse response;
  grpc::Status status =
      CallWrite<TrainingService>(ctx, &TrainingService::Stub::CreateTraining, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  return PrintTraining(ctx, response);
}

int GetTraining(CommandContext& ctx) {
  membership::v1::GetTrainingRequest request;
  request.set_name(TrainingResourceName(ctx.args().positionals()[0]));
  membership::v1::GetTrainingResponse response;
  grpc::Status status =
      ctx.Unary<TrainingService>(&TrainingService::Stub::GetTraining, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return PrintTraining(ctx, response);
}

int ListTrainings(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  membership::v1::ListTrainingsResponse response;
  grpc::Status status = ListPages<TrainingService>(
      ctx, &TrainingService::Stub::ListTrainings, *paging, membership::v1::ListTrainingsRequest(),
      &response, [](membership::v1::ListTrainingsResponse* r) { return r->mutable_trainings(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = TrainingTable(ctx.lang());
  for (const Training& t : response.trainings()) AddTrainingRow(t, &table);
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int EnrolPerson(CommandContext& ctx) {
  membership::v1::EnrolPersonRequest request;
  request.set_training(TrainingResourceName(ctx.args().positionals()[0]));
  request.set_person(PersonResourceName(ctx.args().positionals()[1]));
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::EnrolPersonResponse response;
  grpc::Status status =
      CallWrite<TrainingService>(ctx, &TrainingService::Stub::EnrolPerson, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  return PrintEnrolment(ctx, response);
}

int CompleteTraining(CommandContext& ctx) {
  membership::v1::CompleteTrainingRequest request;
  request.set_training(TrainingResourceName(ctx.args().positionals()[0]));
  request.set_person(PersonResourceName(ctx.args().positionals()[1]));
  auto day = DayOption(ctx, "date", Today());
  if (!day.ok()) return ctx.UsageError(day.status().message());
  *request.mutable_completion_date() = *day;
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::CompleteTrainingResponse response;
  grpc::Status status =
      CallWrite<TrainingService>(ctx, &TrainingService::Stub::CompleteTraining, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  return PrintEnrolment(ctx, response);
}

int ListEnrolments(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  membership::v1::ListEnrolmentsRequest request;
  if (ctx.args().Has("training")) {
    request.set_training(TrainingResourceName(ctx.args().Value("training")));
  }
  if (ctx.args().Has("person")) {
    request.set_person(PersonResourceName(ctx.args().Value("person")));
  }
  if (request.training().empty() && request.person().empty()) {
    return ctx.UsageError("give --training or --person (or both)");
  }
  membership::v1::ListEnrolmentsResponse response;
  grpc::Status status = ListPages<TrainingService>(
      ctx, &TrainingService::Stub::ListEnrolments, *paging, request, &response,
      [](membership::v1::ListEnrolmentsResponse* r) { return r->mutable_enrolments(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = EnrolmentTable(ctx.lang());
  for (const Enrolment& e : response.enrolments()) AddEnrolmentRow(e, &table);
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> TrainingVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"trainings", "create"},
       "",
       {"Schedules a training cohort (e.g. 9 weeks of 3-hour sessions).",
        "Planifie une cohorte de formation (p. ex. 9 semaines de séances de 3 heures)."},
       {{"display-name", "NAME", {"1 to 120 characters", "de 1 à 120 caractères"}, false, true},
        {"start-date", "YYYY-MM-DD", {"first session", "première séance"}, false, true},
        {"end-date", "YYYY-MM-DD", {"last session", "dernière séance"}, false, true},
        RequestIdOptionSpec()},
       0,
       0,
       CreateTraining});
  verbs.push_back({{"trainings", "get"},
                   "trainings/ID",
                   {"Shows one training with its counts (a bare ID is accepted).",
                    "Affiche une formation avec ses nombres (un ID seul est accepté)."},
                   {},
                   1,
                   1,
                   GetTraining});
  verbs.push_back({{"trainings", "list"},
                   "",
                   {"Lists trainings, in creation order.",
                    "Liste les formations, dans l'ordre de leur création."},
                   PageOptionSpecs("trainings"),
                   0,
                   0,
                   ListTrainings});
  verbs.push_back(
      {{"trainings", "enrol"},
       "trainings/ID people/ID",
       {"Enrols an active person in a training.", "Inscrit une personne active à une formation."},
       {RequestIdOptionSpec()},
       2,
       2,
       EnrolPerson});
  verbs.push_back({{"trainings", "complete"},
                   "trainings/ID people/ID",
                   {"Records that an enrolled person completed the training.",
                    "Consigne qu'une personne inscrite a terminé la formation."},
                   {{"date",
                     "YYYY-MM-DD",
                     {"the day of completion (default: today)",
                      "le jour où elle a été terminée (par défaut : aujourd'hui)"}},
                    RequestIdOptionSpec()},
                   2,
                   2,
                   CompleteTraining});
  std::vector<OptionSpec> enrolment_options = {
      {"training",
       "trainings/ID",
       {"enrolments of this training", "les inscriptions à cette formation"}},
      {"person", "people/ID", {"enrolments of this person", "les inscriptions de cette personne"}}};
  for (OptionSpec& spec : PageOptionSpecs("enrolments")) enrolment_options.push_back(spec);
  verbs.push_back({{"trainings", "enrolments"},
                   "",
                   {"Lists the enrolments of a training or of a person.",
                    "Liste les inscriptions d'une formation ou d'une personne."},
                   enrolment_options,
                   0,
                   0,
                   ListEnrolments});
  return verbs;
}

}  // namespace cercles::cerclesctl
