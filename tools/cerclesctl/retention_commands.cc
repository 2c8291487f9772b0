// The verbs of the fund's retention schedule and its purge (issue 14, item 4):
// `privacy retention get`, `privacy retention set --kind K --months N|--years N`,
// `privacy purge [--dry-run] [--yes]`. A purge cannot be undone: without --yes
// it shows the dry run's figures first and asks for "purge" to be typed back.
// Membership cannot see loans: the purge first asks lending for the people with
// an open loan or an active guarantee and sends them as keep_people. Lending's
// part (closed loans' text, PurgeExpiredLoanRecords) runs after membership's,
// under the same request id; both show in one table and one confirmation.
// The table is in French or English (the global --lang).

#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/strings/substitute.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/part_context.h"
#include "tools/cerclesctl/people_args.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
namespace mv1 = membership::v1;
using mv1::PrivacyService;

// A kind's word on the command line, its schedule field and its label's key.
struct KindWord {
  const char* word;
  mv1::RetentionKind kind;
  const char* field;
};

constexpr KindWord kKinds[] = {
    {"people-never-in-circle", mv1::RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE,
     "people_never_in_circle_months"},
    {"people-left-circles", mv1::RETENTION_KIND_PEOPLE_LEFT_CIRCLES, "people_left_circles_months"},
    {"meeting-notes", mv1::RETENTION_KIND_MEETING_NOTES, "meeting_notes_months"},
    {"access-requests", mv1::RETENTION_KIND_ACCESS_REQUESTS, "access_requests_months"},
    {"incidents", mv1::RETENTION_KIND_INCIDENTS, "incidents_months"},
    {"closed-loans", mv1::RETENTION_KIND_CLOSED_LOANS, "closed_loans_months"},
};

std::string KindLabel(Lang lang, mv1::RetentionKind kind) {
  for (const KindWord& k : kKinds) {
    if (k.kind == kind) return Tr(lang, absl::StrCat("retention.", k.word));
  }
  return "-";
}

int32_t MonthsOf(const mv1::RetentionSchedule& schedule, const KindWord& kind) {
  const auto* field = schedule.GetDescriptor()->FindFieldByName(kind.field);
  return schedule.GetReflection()->GetInt32(schedule, field);
}

void PrintSchedule(Lang lang, const mv1::RetentionSchedule& schedule, std::ostream& out) {
  out << absl::StrFormat("%-34s %s\n", Tr(lang, "retention.kind"), Tr(lang, "retention.months"));
  for (const KindWord& kind : kKinds) {
    out << absl::StrFormat("%-34s %d\n", KindLabel(lang, kind.kind), MonthsOf(schedule, kind));
  }
  if (schedule.has_update_time()) {
    out << absl::Substitute(Tr(lang, "retention.changed"), schedule.update_principal(),
                            FormatTimestamp(schedule.update_time()))
        << "\n";
  } else {
    out << Tr(lang, "retention.defaults") << "\n";
  }
}

// The purge's report: one row per kind (purged and kept counts), then the
// records by kind. Ids only.
void PrintPurge(Lang lang, const mv1::PurgeExpiredRecordsResponse& report, std::ostream& out) {
  out << absl::Substitute(Tr(lang, report.dry_run() ? "purge.title.dry" : "purge.title"),
                          FormatDay(report.as_of()))
      << "\n";
  out << absl::StrFormat("%-34s %6s  %-12s %8s %8s\n", Tr(lang, "retention.kind"),
                         Tr(lang, "retention.months"), Tr(lang, "purge.ended"),
                         Tr(lang, report.dry_run() ? "purge.to_purge" : "purge.purged"),
                         Tr(lang, "purge.kept"));
  for (const mv1::RetentionKindReport& kind : report.kinds()) {
    out << absl::StrFormat("%-34s %6d  %-12s %8d %8d\n", KindLabel(lang, kind.kind()),
                           kind.months(), FormatDay(kind.ended_on_or_before()), kind.records_size(),
                           kind.kept_size());
  }
  for (const mv1::RetentionKindReport& kind : report.kinds()) {
    if (kind.records_size() > 0) {
      out << KindLabel(lang, kind.kind()) << ": " << absl::StrJoin(kind.records(), " ") << "\n";
    }
    for (const mv1::KeptRecord& kept : kind.kept()) {
      const char* why = kept.reason() == mv1::RETENTION_KEPT_REASON_OPEN_LOAN
                            ? "purge.open_loan"
                            : "purge.open_access_request";
      out << "  " << absl::Substitute(Tr(lang, "purge.kept_because"), kept.record(), Tr(lang, why))
          << "\n";
    }
  }
}

int GetRetention(CommandContext& ctx) {
  mv1::GetRetentionScheduleResponse response;
  grpc::Status status = ctx.Unary<PrivacyService>(&PrivacyService::Stub::GetRetentionSchedule,
                                                  mv1::GetRetentionScheduleRequest(), &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintSchedule(LangOfCode(ctx.global().lang), response.schedule(), ctx.out());
  return kExitOk;
}

int SetRetention(CommandContext& ctx) {
  const std::string word = ctx.args().Value("kind");
  const KindWord* kind = nullptr;
  for (const KindWord& k : kKinds) {
    if (word == k.word) kind = &k;
  }
  if (kind == nullptr) {
    return ctx.UsageError(
        absl::StrCat("--kind must be people-never-in-circle, people-left-circles, meeting-notes, "
                     "access-requests, incidents or closed-loans, got \"",
                     word, "\""));
  }
  absl::StatusOr<std::optional<int64_t>> months = IntOption(ctx.args(), "months");
  if (!months.ok()) return ctx.UsageError(std::string(months.status().message()));
  absl::StatusOr<std::optional<int64_t>> years = IntOption(ctx.args(), "years");
  if (!years.ok()) return ctx.UsageError(std::string(years.status().message()));
  if (months->has_value() == years->has_value()) {
    return ctx.UsageError("give one of --months N or --years N");
  }
  const int64_t total = months->has_value() ? **months : **years * 12;
  mv1::UpdateRetentionScheduleRequest request;
  // Out-of-range values go to the service, whose answer names the rule.
  const auto* field = request.schedule().GetDescriptor()->FindFieldByName(kind->field);
  request.mutable_schedule()->GetReflection()->SetInt32(
      request.mutable_schedule(), field,
      total > INT32_MAX || total < INT32_MIN ? INT32_MAX : static_cast<int32_t>(total));
  request.mutable_update_mask()->add_paths(kind->field);
  request.set_request_id(RequestIdOption(ctx));
  mv1::UpdateRetentionScheduleResponse response;
  grpc::Status status = CallWrite<PrivacyService>(
      ctx, &PrivacyService::Stub::UpdateRetentionSchedule, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintSchedule(LangOfCode(ctx.global().lang), response.schedule(), ctx.out());
  return kExitOk;
}

// Fills `people` with those lending holds an open loan (submitted to active)
// or an active guarantee of, which membership cannot see: the purge keeps
// them. kExitOk, or the exit code of the failure (said on stderr).
int PeopleWithOpenLoans(CommandContext& ctx, CommandContext& lending,
                        std::vector<std::string>* people) {
  std::set<std::string> found;
  lv1::ListLoansRequest request;
  request.set_page_size(500);
  for (lv1::LoanState state : {lv1::LOAN_STATE_SUBMITTED, lv1::LOAN_STATE_CIRCLE_APPROVED,
                               lv1::LOAN_STATE_APPROVED, lv1::LOAN_STATE_ACTIVE}) {
    request.add_states(state);
  }
  for (;;) {
    lv1::ListLoansResponse response;
    grpc::Status status = lending.Unary<lv1::LendingService>(&lv1::LendingService::Stub::ListLoans,
                                                             request, &response);
    if (!status.ok()) {
      ctx.err() << "cerclesctl: lending did not list the open loans: nothing was purged\n";
      return ctx.Fail(status);
    }
    for (const lv1::Loan& loan : response.loans()) {
      found.insert(loan.applicant());
      if (loan.state() == lv1::LOAN_STATE_ACTIVE) {
        found.insert(loan.guarantors().begin(), loan.guarantors().end());
      }
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  people->assign(found.begin(), found.end());
  return kExitOk;
}

// Lending's part of the purge (closed loans' free text), its kinds appended
// to `report`: a dry run, or the run under `request_id` (the same id as
// membership's part: the two RPCs keep their ids apart). kExitOk, or the exit
// code of the failure (said on stderr).
int LendingPart(CommandContext& ctx, CommandContext& lending, bool dry_run,
                const std::string& request_id, mv1::PurgeExpiredRecordsResponse* report) {
  lv1::PurgeExpiredLoanRecordsRequest request;
  request.set_dry_run(dry_run);
  lv1::PurgeExpiredLoanRecordsResponse response;
  grpc::Status status;
  if (dry_run) {
    status = lending.Unary<lv1::LendingService>(&lv1::LendingService::Stub::PurgeExpiredLoanRecords,
                                                request, &response);
  } else {
    request.set_request_id(request_id);
    status = CallWrite<lv1::LendingService>(
        lending, &lv1::LendingService::Stub::PurgeExpiredLoanRecords, request, &response);
  }
  if (!status.ok()) {
    ctx.err() << "cerclesctl: lending's part of the purge failed (membership's part is "
              << (dry_run ? "a dry run" : "done") << ")\n";
    return dry_run ? lending.Fail(status) : FailWrite(lending, status, request_id);
  }
  for (const mv1::RetentionKindReport& kind : response.kinds()) *report->add_kinds() = kind;
  return kExitOk;
}

int Purge(CommandContext& ctx) {
  const Lang lang = LangOfCode(ctx.global().lang);
  const bool dry_run = ctx.args().Has("dry-run");
  // One connection to lending for both its parts: who has open loans, and its purge.
  std::optional<CommandContext> lending =
      PartContext(ctx, "lending", "the purge asks lending which people have open loans");
  if (!lending.has_value()) return kExitFailure;
  std::vector<std::string> borrowing;
  if (int code = PeopleWithOpenLoans(ctx, *lending, &borrowing); code != kExitOk) return code;
  if (!dry_run && !ctx.args().Has("yes")) {
    // What the purge will do, as the service sees it now, before the question.
    mv1::PurgeExpiredRecordsRequest dry;
    dry.set_dry_run(true);
    *dry.mutable_keep_people() = {borrowing.begin(), borrowing.end()};
    mv1::PurgeExpiredRecordsResponse planned;
    grpc::Status status =
        ctx.Unary<PrivacyService>(&PrivacyService::Stub::PurgeExpiredRecords, dry, &planned);
    if (!status.ok()) return ctx.Fail(status);
    if (int code = LendingPart(ctx, *lending, true, "", &planned); code != kExitOk) return code;
    PrintPurge(lang, planned, ctx.err());
    ctx.err() << Tr(lang, "purge.confirm") << std::flush;
    std::string typed;
    if (!std::getline(std::cin, typed) || absl::StripAsciiWhitespace(typed) != "purge") {
      ctx.err() << "cerclesctl: " << Tr(lang, "purge.not_confirmed") << "\n";
      return kExitFailure;
    }
  }
  mv1::PurgeExpiredRecordsRequest request;
  request.set_dry_run(dry_run);
  *request.mutable_keep_people() = {borrowing.begin(), borrowing.end()};
  mv1::PurgeExpiredRecordsResponse response;
  if (dry_run) {
    grpc::Status status =
        ctx.Unary<PrivacyService>(&PrivacyService::Stub::PurgeExpiredRecords, request, &response);
    if (!status.ok()) return ctx.Fail(status);
  } else {
    request.set_request_id(RequestIdOption(ctx));
    grpc::Status status = CallWrite<PrivacyService>(ctx, &PrivacyService::Stub::PurgeExpiredRecords,
                                                    request, &response);
    if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  }
  if (int code = LendingPart(ctx, *lending, dry_run, request.request_id(), &response);
      code != kExitOk) {
    return code;
  }
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPurge(lang, response, ctx.out());
  return kExitOk;
}

}  // namespace

std::vector<Verb> RetentionVerbs() {
  return {
      {{"privacy", "retention", "get"},
       "",
       {"Shows the fund's retention schedule: how many months each kind of record is kept "
        "after its purpose ended (admins).",
        "Affiche le calendrier de conservation du fonds : combien de mois chaque sorte de "
        "renseignements est gardée une fois sa fin atteinte (administrateurs)."},
       {},
       0,
       0,
       GetRetention},
      {{"privacy", "retention", "set"},
       "",
       {"Changes one period of the retention schedule (admins); incidents: 60 months or more.",
        "Change une durée du calendrier de conservation (administrateurs) ; incidents : 60 "
        "mois ou plus."},
       {{"kind",
         "people-never-in-circle|people-left-circles|meeting-notes|access-requests|incidents|"
         "closed-loans",
         {"the kind of record", "le type de dossier"},
         false,
         true},
        {"months", "N", {"the period in months (0 to 1200)", "la durée en mois (de 0 à 1200)"}},
        {"years",
         "N",
         {"the period in years (instead of --months)", "la durée en années (au lieu de --months)"}},
        RequestIdOptionSpec()},
       0,
       0,
       SetRetention},
      {{"privacy", "purge"},
       "",
       {"Purges what is past retention today (admins; Law 25): people erased, meeting notes "
        "cleared, access requests done and incidents deleted, closed loans' text cleared (in "
        "lending); people with open loans or active guarantees (asked of lending) are kept. "
        "Shows the dry run of both services and asks for confirmation unless --yes; "
        "--dry-run only reports.",
        "Purge ce dont la conservation est échue aujourd'hui (administrateurs ; Loi 25) : "
        "personnes effacées, notes des rencontres vidées, demandes d'accès terminées et "
        "incidents supprimés, texte des prêts fermés vidé (service de prêt) ; les personnes "
        "qui ont un prêt ou une garantie en cours (selon le service de prêt) sont gardées. "
        "Montre la simulation des deux services et demande une confirmation, sauf avec "
        "--yes ; --dry-run ne fait que la montrer."},
       {{"dry-run",
         "",
         {"report what would be purged, change nothing",
          "dire ce qui serait purgé, sans rien changer"}},
        {"yes", "", {"do not ask for confirmation", "ne pas demander de confirmation"}},
        PartContextOptionSpecs("lending")[0],
        PartContextOptionSpecs("lending")[1],
        RequestIdOptionSpec()},
       0,
       0,
       Purge}};
}

}  // namespace cercles::cerclesctl
