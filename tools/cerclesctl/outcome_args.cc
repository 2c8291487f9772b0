#include "tools/cerclesctl/outcome_args.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace mv1 = membership::v1;

constexpr absl::string_view kStagePrefix = "BUSINESS_STAGE_";
constexpr absl::string_view kEventPrefix = "BUSINESS_EVENT_";
constexpr absl::string_view kBandPrefix = "REVENUE_BAND_";

absl::Status OutcomeError(absl::string_view detail) {
  return absl::InvalidArgumentError(absl::StrCat("--outcome ", detail));
}

// "2/1" -> 2 full-time, 1 part-time.
absl::StatusOr<mv1::JobCounts> ParseJobs(absl::string_view key, absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  mv1::JobCounts jobs;
  int32_t full = 0, part = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &full) ||
      !absl::SimpleAtoi(parts[1], &part)) {
    return OutcomeError(absl::StrCat(
        key, " takes FULL/PART (full-time/part-time jobs, e.g. 2/1), not \"", text, "\""));
  }
  jobs.set_full_time(full);
  jobs.set_part_time(part);
  return jobs;
}

std::string JobsText(const mv1::JobCounts& jobs, Lang lang) {
  return absl::StrCat(jobs.full_time(), Bilingual(" full/", " plein/").In(lang), jobs.part_time(),
                      Bilingual(" part", " partiel").In(lang));
}

int ListHistory(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  mv1::ListBusinessHistoryRequest request;
  request.set_parent(PersonResourceName(ctx.args().positionals()[0]));
  mv1::ListBusinessHistoryResponse response;
  grpc::Status status = ListPages<mv1::MeetingService>(
      ctx, &mv1::MeetingService::Stub::ListBusinessHistory, *paging, request, &response,
      [](mv1::ListBusinessHistoryResponse* r) { return r->mutable_entries(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  const Lang lang = ctx.lang();
  Table table(lang, {{"DATE", "DATE"},
                     {"MEETING", "RENCONTRE"},
                     {"STAGE", "STADE"},
                     {"EVENT", "ÉVÉNEMENT"},
                     {"JOBS CREATED", "EMPLOIS CRÉÉS"},
                     {"JOBS KEPT", "EMPLOIS MAINTENUS"},
                     {"REVENUE", "REVENUS"}});
  for (const mv1::BusinessHistoryEntry& entry : response.entries()) {
    const mv1::BusinessOutcome& o = entry.outcome();
    // "-" for what the outcome does not say (an enum's zero value).
    const auto shown = [lang](int value, const google::protobuf::EnumDescriptor* descriptor) {
      return value == 0 ? std::string("-") : EnumWord(lang, descriptor, value);
    };
    table.AddRow({FormatDay(entry.meeting_date()), entry.meeting(),
                  shown(o.stage(), mv1::BusinessStage_descriptor()),
                  shown(o.event(), mv1::BusinessEvent_descriptor()),
                  o.has_jobs_created() ? JobsText(o.jobs_created(), lang) : "-",
                  o.has_jobs_kept() ? JobsText(o.jobs_kept(), lang) : "-",
                  shown(o.revenue_band(), mv1::RevenueBand_descriptor())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

Bilingual OutcomeHelp() {
  return {
      "the business's outcome: KEY=VALUE items with stage=idea|starting|operating|growing, "
      "event=started|closed, jobs-created=FULL/PART, jobs-kept=FULL/PART, "
      "revenue=none|under-10k|10k-to-50k|50k-to-100k|100k-to-250k|250k-and-more (annual, CAD) "
      "(repeatable)",
      "le résultat de l'entreprise : des éléments KEY=VALUE avec "
      "stage=idea|starting|operating|growing (idée, démarrage, en activité, en croissance), "
      "event=started|closed (démarrée, fermée), jobs-created=FULL/PART, jobs-kept=FULL/PART "
      "(emplois créés, maintenus : temps plein/temps partiel), "
      "revenue=none|under-10k|10k-to-50k|50k-to-100k|100k-to-250k|250k-and-more (chiffre "
      "d'affaires annuel, CAD) (répétable)"};
}

absl::StatusOr<std::pair<std::string, mv1::BusinessOutcome>> ParseOutcomeOption(
    absl::string_view value) {
  const size_t colon = value.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 >= value.size()) {
    return OutcomeError(absl::StrCat(
        "takes PERSON:KEY=VALUE[,KEY=VALUE...] (e.g. 7:stage=operating,jobs-created=1/0), not \"",
        value.substr(0, 60), "\""));
  }
  mv1::BusinessOutcome outcome;
  for (absl::string_view item : absl::StrSplit(value.substr(colon + 1), ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    const absl::string_view text = absl::StripAsciiWhitespace(kv.second);
    absl::StatusOr<int> number = 0;
    if (key == "stage") {
      number = ParseEnumName(text, mv1::BusinessStage_descriptor(), kStagePrefix);
      if (number.ok()) outcome.set_stage(static_cast<mv1::BusinessStage>(*number));
    } else if (key == "event") {
      number = ParseEnumName(text, mv1::BusinessEvent_descriptor(), kEventPrefix);
      if (number.ok()) outcome.set_event(static_cast<mv1::BusinessEvent>(*number));
    } else if (key == "revenue") {
      number = ParseEnumName(text, mv1::RevenueBand_descriptor(), kBandPrefix);
      if (number.ok()) outcome.set_revenue_band(static_cast<mv1::RevenueBand>(*number));
    } else if (key == "jobs-created" || key == "jobs-kept") {
      absl::StatusOr<mv1::JobCounts> jobs = ParseJobs(key, text);
      if (!jobs.ok()) return jobs.status();
      *(key == "jobs-created" ? outcome.mutable_jobs_created() : outcome.mutable_jobs_kept()) =
          *jobs;
    } else {
      return OutcomeError(absl::StrCat(
          "key \"", key, "\" is not one of stage, event, jobs-created, jobs-kept, revenue"));
    }
    if (!number.ok()) return OutcomeError(absl::StrCat(key, " ", number.status().message()));
  }
  return std::make_pair(PersonResourceName(absl::StripAsciiWhitespace(value.substr(0, colon))),
                        outcome);
}

std::string OutcomeText(const mv1::BusinessOutcome& o, Lang lang) {
  std::vector<std::string> said;
  if (o.stage() != mv1::BUSINESS_STAGE_UNSPECIFIED) {
    said.push_back(absl::StrCat(Bilingual("stage ", "stade ").In(lang), EnumWord(lang, o.stage())));
  }
  if (o.event() != mv1::BUSINESS_EVENT_UNSPECIFIED) said.push_back(EnumWord(lang, o.event()));
  if (o.has_jobs_created()) {
    said.push_back(absl::StrCat(Bilingual("jobs created ", "emplois créés ").In(lang),
                                JobsText(o.jobs_created(), lang)));
  }
  if (o.has_jobs_kept()) {
    said.push_back(absl::StrCat(Bilingual("jobs kept ", "emplois maintenus ").In(lang),
                                JobsText(o.jobs_kept(), lang)));
  }
  if (o.revenue_band() != mv1::REVENUE_BAND_UNSPECIFIED) {
    said.push_back(
        absl::StrCat(Bilingual("revenue ", "revenus ").In(lang), EnumWord(lang, o.revenue_band())));
  }
  return absl::StrJoin(said, ", ");
}

Verb BusinessHistoryVerb() {
  return {{"people", "business-history"},
          "people/ID",
          {"Lists a person's business outcomes recorded at meetings, newest first.",
           "Liste les résultats d'entreprise d'une personne consignés aux rencontres, du plus "
           "récent au plus ancien."},
          PageOptionSpecs("outcomes"),
          1,
          1,
          ListHistory};
}

}  // namespace cercles::cerclesctl
