// Verbs of cercles.membership.v1.MeetingService: schedules, meetings held,
// attendance. An advisor records a meeting with one option per attendance
// entry, follow-up and business outcome (outcome_args.h), or from a JSON file
// in the proto's JSON form.

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/outcome_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::Attendance;
using membership::v1::AttendanceCounts;
using membership::v1::BusinessFollowUp;
using membership::v1::Meeting;
using membership::v1::MeetingSchedule;
using membership::v1::MeetingService;

constexpr absl::string_view kFrequencyPrefix = "MEETING_FREQUENCY_";
constexpr absl::string_view kAttendancePrefix = "ATTENDANCE_STATUS_";
constexpr absl::string_view kHelpPrefix = "HELP_KIND_";

// "every-two-weeks" -> MEETING_FREQUENCY_EVERY_TWO_WEEKS, for any of the three enums.
template <typename Enum>
bool ParseShortEnum(absl::string_view text, absl::string_view prefix,
                    bool (*parse)(const std::string&, Enum*), Enum* out) {
  std::string name = absl::StrCat(prefix, absl::StripAsciiWhitespace(text));
  absl::AsciiStrToUpper(&name);
  std::replace(name.begin(), name.end(), '-', '_');
  return !text.empty() && parse(name, out) && static_cast<int>(*out) != 0;
}

// 8333 basis points -> en "83.33%", fr "83,3 %" (lending_args.h's FormatBps).
std::string Rate(int32_t basis_points, Lang lang) { return FormatBps(basis_points, lang); }

// "circles/9/meetingSchedule" from "circles/9", "9" or the schedule name itself.
std::string ScheduleResourceName(absl::string_view text) {
  absl::ConsumeSuffix(&text, "/meetingSchedule");
  return absl::StrCat(CircleResourceName(text), "/meetingSchedule");
}

int Fail(CommandContext& ctx, const std::string& request_id, bool generated_id,
         const grpc::Status& status) {
  const int code = ctx.Fail(status);
  // The change may have happened even though no answer came back: retrying
  // with the same id returns it rather than making a second one.
  if (generated_id && (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                       status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)) {
    ctx.err() << "cerclesctl: "
              << Localize(ctx.lang(),
                          absl::StrCat("to retry safely, add --request-id ", request_id))
              << '\n';
  }
  return code;
}

absl::StatusOr<common::v1::Date> DayOption(const CommandContext& ctx, const std::string& option) {
  auto day = ParseDay(ctx.args().Value(option));
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", option, " ", day.status().message()));
  }
  return day;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    text << in.rdbuf();
  }
  return text.str();
}

// ---------------------------------------------------------------- schedules

void PrintSchedule(CommandContext& ctx, const MeetingSchedule& schedule) {
  Table table(ctx.lang(), {{"SCHEDULE", "CALENDRIER"},
                           {"FREQUENCY", "FRÉQUENCE"},
                           {"FIRST MEETING", "PREMIÈRE RENCONTRE"},
                           {"LOCATION", "LIEU"},
                           {"UPDATED BY", "MODIFIÉ PAR"},
                           {"UPDATED", "MODIFIÉ LE"}});
  table.AddRow({schedule.name(), EnumWord(ctx.lang(), schedule.frequency()),
                FormatDay(schedule.first_meeting_date()),
                schedule.location().empty() ? "-" : schedule.location(),
                schedule.update_principal(), FormatTimestamp(schedule.update_time())});
  table.Print(ctx.out());
  if (!schedule.notes().empty()) ctx.out() << "notes: " << schedule.notes() << '\n';
}

int SetSchedule(CommandContext& ctx) {
  membership::v1::SetMeetingScheduleRequest request;
  MeetingSchedule* schedule = request.mutable_schedule();
  schedule->set_name(ScheduleResourceName(ctx.args().positionals()[0]));
  membership::v1::MeetingFrequency frequency;
  if (!ParseShortEnum(ctx.args().Value("frequency"), kFrequencyPrefix,
                      &membership::v1::MeetingFrequency_Parse, &frequency)) {
    return ctx.UsageError(
        absl::StrCat("--frequency must be weekly, every-two-weeks or monthly, not \"",
                     ctx.args().Value("frequency"), "\""));
  }
  schedule->set_frequency(frequency);
  auto first = DayOption(ctx, "first-date");
  if (!first.ok()) return ctx.UsageError(first.status().message());
  *schedule->mutable_first_meeting_date() = *first;
  schedule->set_location(ctx.args().Value("location"));
  schedule->set_notes(ctx.args().Value("notes"));
  const bool generated_id = !ctx.args().Has("request-id");
  request.set_request_id(generated_id ? NewRequestId() : ctx.args().Value("request-id"));

  membership::v1::SetMeetingScheduleResponse response;
  grpc::Status status =
      ctx.Unary<MeetingService>(&MeetingService::Stub::SetMeetingSchedule, request, &response);
  if (!status.ok()) return Fail(ctx, request.request_id(), generated_id, status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintSchedule(ctx, response.schedule());
  return kExitOk;
}

int GetMeetingSchedule(CommandContext& ctx) {
  membership::v1::GetMeetingScheduleRequest request;
  request.set_name(ScheduleResourceName(ctx.args().positionals()[0]));
  if (ctx.args().Has("upcoming")) {
    int upcoming = 0;
    if (!absl::SimpleAtoi(ctx.args().Value("upcoming"), &upcoming) || upcoming < 1) {
      return ctx.UsageError(
          absl::StrCat("--upcoming must be a number of dates of at least 1, not \"",
                       ctx.args().Value("upcoming"), "\""));
    }
    request.set_upcoming_count(upcoming);
  }
  membership::v1::GetMeetingScheduleResponse response;
  grpc::Status status =
      ctx.Unary<MeetingService>(&MeetingService::Stub::GetMeetingSchedule, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintSchedule(ctx, response.schedule());
  std::vector<std::string> days;
  for (const auto& date : response.upcoming_dates()) days.push_back(FormatDay(date));
  ctx.out() << "next meetings: " << (days.empty() ? "none planned" : absl::StrJoin(days, ", "))
            << '\n';
  return kExitOk;
}

// ----------------------------------------------------------------- meetings

// "--attendance 7=present,people/8=late": appends entries; errors name the option.
absl::Status AddAttendance(absl::string_view text, Meeting* meeting) {
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    membership::v1::AttendanceStatus status;
    const absl::string_view person = absl::StripAsciiWhitespace(parts.first);
    if (person.empty() || !ParseShortEnum(parts.second, kAttendancePrefix,
                                          &membership::v1::AttendanceStatus_Parse, &status)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--attendance takes PERSON=STATUS items (status present, absent, excused or late), "
          "not \"",
          item, "\""));
    }
    Attendance* entry = meeting->add_attendance();
    entry->set_person(PersonResourceName(person));
    entry->set_status(status);
  }
  return absl::OkStatus();
}

// The follow-up of `person` in the meeting, added when it is not there yet.
BusinessFollowUp* FollowUpOf(const std::string& person, Meeting* meeting) {
  for (BusinessFollowUp& follow_up : *meeting->mutable_follow_ups()) {
    if (follow_up.person() == person) return &follow_up;
  }
  BusinessFollowUp* follow_up = meeting->add_follow_ups();
  follow_up->set_person(person);
  return follow_up;
}

// "--follow-up 7:text" and its siblings: (person, text).
absl::StatusOr<std::pair<std::string, std::string>> PersonAndText(const std::string& option,
                                                                  absl::string_view value) {
  const size_t colon = value.find(':');
  // "people/7:text" holds no other colon before the text.
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 >= value.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, " takes PERSON:TEXT (e.g. 7:first contract signed), not \"",
                     value.substr(0, 40), "\""));
  }
  return std::make_pair(PersonResourceName(absl::StripAsciiWhitespace(value.substr(0, colon))),
                        std::string(value.substr(colon + 1)));
}

// The meeting from the command line's options (not --from-file).
absl::StatusOr<Meeting> MeetingFromOptions(const CommandContext& ctx) {
  Meeting meeting;
  if (ctx.args().Has("date")) {
    auto day = DayOption(ctx, "date");
    if (!day.ok()) return day.status();
    *meeting.mutable_meeting_date() = *day;
  } else {
    *meeting.mutable_meeting_date() = Today();
  }
  for (const std::string& text : ctx.args().Values("attendance")) {
    absl::Status added = AddAttendance(text, &meeting);
    if (!added.ok()) return added;
  }
  if (meeting.attendance().empty()) {
    return absl::InvalidArgumentError(
        "--attendance is required: PERSON=STATUS for every member of the circle that day");
  }
  if (ctx.args().Has("minutes") && ctx.args().Has("minutes-file")) {
    return absl::InvalidArgumentError("give --minutes or --minutes-file, not both");
  }
  if (ctx.args().Has("minutes-file")) {
    auto minutes = ReadFile(ctx.args().Value("minutes-file"));
    if (!minutes.ok()) return minutes.status();
    meeting.set_minutes(*minutes);
  } else {
    meeting.set_minutes(ctx.args().Value("minutes"));
  }
  for (const char* option : {"follow-up", "difficulties", "help-details"}) {
    for (const std::string& value : ctx.args().Values(option)) {
      auto parsed = PersonAndText(option, value);
      if (!parsed.ok()) return parsed.status();
      BusinessFollowUp* follow_up = FollowUpOf(parsed->first, &meeting);
      std::string* field = option == std::string("follow-up") ? follow_up->mutable_progress()
                           : option == std::string("difficulties")
                               ? follow_up->mutable_difficulties()
                               : follow_up->mutable_help_details();
      if (!field->empty()) field->append("\n");
      field->append(parsed->second);
    }
  }
  for (const std::string& value : ctx.args().Values("help-offered")) {
    const size_t equals = value.find('=');
    bool ok = equals != std::string::npos && equals > 0;
    std::vector<membership::v1::HelpKind> kinds;
    if (ok) {
      for (absl::string_view kind_text :
           absl::StrSplit(absl::string_view(value).substr(equals + 1), ',')) {
        membership::v1::HelpKind kind;
        ok = ok && ParseShortEnum(kind_text, kHelpPrefix, &membership::v1::HelpKind_Parse, &kind);
        kinds.push_back(kind);
      }
    }
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--help-offered takes PERSON=KIND[,KIND...] with kinds information, contacts, advice, "
          "referral-needed or other, not \"",
          value, "\""));
    }
    BusinessFollowUp* follow_up = FollowUpOf(
        PersonResourceName(absl::StripAsciiWhitespace(value.substr(0, equals))), &meeting);
    for (auto kind : kinds) follow_up->add_help_offered(kind);
  }
  for (const std::string& value : ctx.args().Values("outcome")) {
    auto parsed = ParseOutcomeOption(value);
    if (!parsed.ok()) return parsed.status();
    *FollowUpOf(parsed->first, &meeting)->mutable_outcome() = parsed->second;
  }
  return meeting;
}

void PrintMeeting(CommandContext& ctx, const Meeting& meeting) {
  const Lang lang = ctx.lang();
  const bool fr = lang == Lang::kFr;
  const AttendanceCounts& counts = meeting.counts();
  ctx.out() << meeting.name() << (fr ? "  tenue le " : "  held ")
            << FormatDay(meeting.meeting_date()) << (fr ? "  présence " : "  attendance ")
            << Rate(counts.attendance_rate_basis_points(), lang) << " (" << counts.present()
            << (fr ? " présents, " : " present, ") << counts.late()
            << (fr ? " en retard, " : " late, ") << counts.excused()
            << (fr ? " excusés, " : " excused, ") << counts.absent()
            << (fr ? " absents)  consignée par " : " absent)  recorded by ")
            << meeting.record_principal() << " " << FormatTimestamp(meeting.create_time())
            << "\n\n";
  Table attendance(lang, {{"PERSON", "PERSONNE"}, {"ATTENDANCE", "PRÉSENCE"}, {"NOTE", "NOTE"}});
  for (const Attendance& entry : meeting.attendance()) {
    attendance.AddRow({entry.person(), EnumWord(lang, entry.status()), entry.note()});
  }
  attendance.Print(ctx.out());
  for (const BusinessFollowUp& follow_up : meeting.follow_ups()) {
    std::vector<std::string> help;
    for (int kind : follow_up.help_offered())
      help.push_back(EnumWord(lang, membership::v1::HelpKind_descriptor(), kind));
    ctx.out() << (fr ? "\nsuivi de " : "\nfollow-up of ") << follow_up.person() << '\n';
    auto line = [&](const Bilingual& label, const std::string& text) {
      if (!text.empty()) ctx.out() << "  " << label.In(lang) << text << '\n';
    };
    line({"progress: ", "progrès : "}, follow_up.progress());
    line({"difficulties: ", "difficultés : "}, follow_up.difficulties());
    line({"help offered: ", "aide offerte : "}, absl::StrJoin(help, ", "));
    line({"help details: ", "détails de l'aide : "}, follow_up.help_details());
    if (follow_up.has_outcome())
      line({"outcome: ", "résultat : "}, OutcomeText(follow_up.outcome(), lang));
  }
  if (!meeting.minutes().empty()) {
    ctx.out() << (fr ? "\nprocès-verbal :\n" : "\nminutes:\n") << meeting.minutes() << '\n';
  }
}

int RecordMeeting(CommandContext& ctx) {
  membership::v1::RecordMeetingRequest request;
  request.set_parent(CircleResourceName(ctx.args().positionals()[0]));
  if (ctx.args().Has("from-file")) {
    for (const char* option : {"date", "attendance", "minutes", "minutes-file", "follow-up",
                               "difficulties", "help-offered", "help-details", "outcome"}) {
      if (ctx.args().Has(option)) {
        return ctx.UsageError(absl::StrCat("--from-file holds the whole meeting: drop --", option));
      }
    }
    auto text = ReadFile(ctx.args().Value("from-file"));
    if (!text.ok()) return ctx.Fail(text.status());
    auto parsed = google::protobuf::util::JsonStringToMessage(*text, request.mutable_meeting());
    if (!parsed.ok()) {
      return ctx.UsageError(
          absl::StrCat(ctx.args().Value("from-file"),
                       " is not a cercles.membership.v1.Meeting in JSON: ", parsed.ToString()));
    }
  } else {
    auto meeting = MeetingFromOptions(ctx);
    if (!meeting.ok()) return ctx.UsageError(meeting.status().message());
    *request.mutable_meeting() = *std::move(meeting);
  }
  const bool generated_id = !ctx.args().Has("request-id");
  request.set_request_id(generated_id ? NewRequestId() : ctx.args().Value("request-id"));

  membership::v1::RecordMeetingResponse response;
  grpc::Status status =
      ctx.Unary<MeetingService>(&MeetingService::Stub::RecordMeeting, request, &response);
  if (!status.ok()) return Fail(ctx, request.request_id(), generated_id, status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintMeeting(ctx, response.meeting());
  return kExitOk;
}

int GetMeeting(CommandContext& ctx) {
  membership::v1::GetMeetingRequest request;
  request.set_name(ctx.args().positionals()[0]);
  membership::v1::GetMeetingResponse response;
  grpc::Status status =
      ctx.Unary<MeetingService>(&MeetingService::Stub::GetMeeting, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintMeeting(ctx, response.meeting());
  return kExitOk;
}

// --from and --to into a request's start_date and end_date.
template <typename Request>
absl::Status SetDayRange(const CommandContext& ctx, Request* request) {
  if (ctx.args().Has("from")) {
    auto day = DayOption(ctx, "from");
    if (!day.ok()) return day.status();
    *request->mutable_start_date() = *day;
  }
  if (ctx.args().Has("to")) {
    auto day = DayOption(ctx, "to");
    if (!day.ok()) return day.status();
    *request->mutable_end_date() = *day;
  }
  return absl::OkStatus();
}

int ListMeetings(CommandContext& ctx) {
  membership::v1::ListMeetingsRequest request;
  request.set_parent(CircleResourceName(ctx.args().positionals()[0]));
  absl::Status range = SetDayRange(ctx, &request);
  if (!range.ok()) return ctx.UsageError(range.message());
  int page_size = 0;
  if (ctx.args().Has("page-size") &&
      (!absl::SimpleAtoi(ctx.args().Value("page-size"), &page_size) || page_size < 0)) {
    return ctx.UsageError(absl::StrCat("--page-size must be a whole number of at least 0, not \"",
                                       ctx.args().Value("page-size"), "\""));
  }
  request.set_page_size(page_size);
  request.set_page_token(ctx.args().Value("page-token"));
  request.set_view(ctx.args().Has("full") ? membership::v1::MEETING_VIEW_FULL
                                          : membership::v1::MEETING_VIEW_BASIC);
  membership::v1::ListMeetingsResponse merged;
  std::set<std::string> seen;
  while (true) {
    membership::v1::ListMeetingsResponse page;
    grpc::Status status =
        ctx.Unary<MeetingService>(&MeetingService::Stub::ListMeetings, request, &page);
    if (!status.ok()) return ctx.Fail(status);
    merged.mutable_meetings()->MergeFrom(page.meetings());
    merged.set_next_page_token(page.next_page_token());
    if (!ctx.args().Has("all") || page.next_page_token().empty()) break;
    if (!seen.insert(page.next_page_token()).second) {
      return ctx.Fail(grpc::Status(grpc::StatusCode::INTERNAL,
                                   "the server returned a page token twice; stopped"));
    }
    request.set_page_token(page.next_page_token());
  }
  if (ctx.json()) return ctx.PrintJson(merged);
  Table table(ctx.lang(), {{"MEETING", "RENCONTRE"},
                           {"DATE", "DATE"},
                           {"ATTENDANCE", "PRÉSENCE"},
                           {"PRESENT", "PRÉSENTS"},
                           {"LATE", "EN RETARD"},
                           {"EXCUSED", "EXCUSÉS"},
                           {"ABSENT", "ABSENTS"}});
  for (const Meeting& meeting : merged.meetings()) {
    const AttendanceCounts& c = meeting.counts();
    table.AddRow({meeting.name(), FormatDay(meeting.meeting_date()),
                  Rate(c.attendance_rate_basis_points(), ctx.lang()), absl::StrCat(c.present()),
                  absl::StrCat(c.late()), absl::StrCat(c.excused()), absl::StrCat(c.absent())});
  }
  table.Print(ctx.out());
  PrintNextPage(merged.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int AttendanceSummary(CommandContext& ctx) {
  membership::v1::GetAttendanceSummaryRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  absl::Status range = SetDayRange(ctx, &request);
  if (!range.ok()) return ctx.UsageError(range.message());
  membership::v1::GetAttendanceSummaryResponse response;
  grpc::Status status =
      ctx.Unary<MeetingService>(&MeetingService::Stub::GetAttendanceSummary, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"PERSON", "PERSONNE"},
                           {"ATTENDANCE", "PRÉSENCE"},
                           {"EXPECTED", "ATTENDUES"},
                           {"PRESENT", "PRÉSENTS"},
                           {"LATE", "EN RETARD"},
                           {"EXCUSED", "EXCUSÉS"},
                           {"ABSENT", "ABSENTS"}});
  auto add = [&](const std::string& who, const AttendanceCounts& c) {
    table.AddRow({who, Rate(c.attendance_rate_basis_points(), ctx.lang()),
                  absl::StrCat(c.expected()), absl::StrCat(c.present()), absl::StrCat(c.late()),
                  absl::StrCat(c.excused()), absl::StrCat(c.absent())});
  };
  for (const auto& member : response.members()) add(member.person(), member.counts());
  add(absl::StrCat(response.circle(), " (", response.meeting_count(),
                   (response.meeting_count() == 1 ? Bilingual(" meeting)", " rencontre)")
                                                  : Bilingual(" meetings)", " rencontres)"))
                       .In(ctx.lang())),
      response.circle_counts());
  table.Print(ctx.out());
  return kExitOk;
}

const OptionSpec kRequestIdOption = RequestIdOptionSpec();

}  // namespace

std::vector<Verb> MeetingVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"meetings", "update-schedule"},
       "circles/ID",
       {"Sets (or replaces) how often a circle meets.",
        "Fixe (ou remplace) la fréquence des rencontres d'un cercle."},
       {{"frequency",
         "FREQUENCY",
         {"weekly, every-two-weeks or monthly",
          "weekly (chaque semaine), every-two-weeks (aux deux semaines) ou monthly (chaque mois)"},
         false,
         true},
        {"first-date",
         "YYYY-MM-DD",
         {"the first meeting of the series", "la première rencontre de la série"},
         false,
         true},
        {"location",
         "TEXT",
         {"where the circle usually meets", "où le cercle se réunit d'habitude"}},
        {"notes",
         "TEXT",
         {"anything else: time of day, who hosts", "tout le reste : l'heure, qui reçoit"}},
        kRequestIdOption},
       1,
       1,
       SetSchedule});
  verbs.push_back({{"meetings", "get-schedule"},
                   "circles/ID",
                   {"Shows a circle's schedule and its next planned meeting dates.",
                    "Affiche le calendrier d'un cercle et les dates de ses prochaines rencontres."},
                   {{"upcoming",
                     "N",
                     {"how many dates to plan, 1 to 52 (default 4)",
                      "combien de dates planifier, de 1 à 52 (4 par défaut)"}}},
                   1,
                   1,
                   GetMeetingSchedule});
  // The old spellings, kept as aliases.
  const Verb update_schedule = verbs[verbs.size() - 2], get_schedule = verbs.back();
  verbs.push_back(AliasOf(update_schedule, {"meetings", "schedule"}));
  verbs.push_back(AliasOf(get_schedule, {"meetings", "schedule-get"}));
  verbs.push_back(
      {{"meetings", "record"},
       "circles/ID",
       {"Records a meeting held: every member's attendance, minutes, follow-ups and their "
        "business outcomes.",
        "Consigne une rencontre tenue : la présence de chaque membre, le procès-verbal, les suivis "
        "et les résultats de leurs entreprises."},
       {{"date",
         "YYYY-MM-DD",
         {"the day it was held (default: today)",
          "le jour où elle a été tenue (par défaut : aujourd'hui)"}},
        {"attendance",
         "PERSON=STATUS[,...]",
         {"present, absent, excused or late, for every member that day; PERSON is people/ID or "
          "ID (repeatable)",
          "present (présent), absent, excused (excusé) ou late (en retard), pour chaque membre ce "
          "jour-là ; PERSON est people/ID ou ID (répétable)"},
         true},
        {"minutes", "TEXT", {"the minutes", "le procès-verbal"}},
        {"minutes-file",
         "PATH",
         {"read the minutes from a file ('-': standard input)",
          "lire le procès-verbal dans un fichier ('-' : l'entrée standard)"}},
        {"follow-up",
         "PERSON:TEXT",
         {"progress of a member's business (repeatable)",
          "les progrès de l'entreprise d'un membre (répétable)"},
         true},
        {"difficulties",
         "PERSON:TEXT",
         {"what is hard for that business now (repeatable)",
          "ce qui est difficile pour cette entreprise en ce moment (répétable)"},
         true},
        {"help-offered",
         "PERSON=KIND[,KIND]",
         {"help offered: information, contacts, advice, referral-needed, other (repeatable)",
          "l'aide offerte : information, contacts, advice (conseils), referral-needed (référence "
          "nécessaire), other (autre) (répétable)"},
         true},
        {"help-details",
         "PERSON:TEXT",
         {"the contact given, the partner to refer to (repeatable)",
          "le contact donné, le partenaire à qui référer (répétable)"},
         true},
        {"outcome", "PERSON:KEY=VALUE[,...]", OutcomeHelp(), true},
        {"from-file",
         "PATH",
         {"the whole meeting as a cercles.membership.v1.Meeting in JSON ('-': standard input), "
          "instead of the options above",
          "toute la rencontre comme un cercles.membership.v1.Meeting en JSON ('-' : l'entrée "
          "standard), au lieu des options ci-dessus"}},
        kRequestIdOption},
       1,
       1,
       RecordMeeting});
  verbs.push_back({{"meetings", "get"},
                   "circles/ID/meetings/ID",
                   {"Shows one meeting: attendance, follow-ups and minutes.",
                    "Affiche une rencontre : présences, suivis et procès-verbal."},
                   {},
                   1,
                   1,
                   GetMeeting});
  verbs.push_back(
      {{"meetings", "list"},
       "circles/ID",
       {"Lists a circle's meetings, newest first.",
        "Liste les rencontres d'un cercle, de la plus récente à la plus ancienne."},
       {{"from",
         "YYYY-MM-DD",
         {"only meetings on or after this day", "seulement les rencontres de ce jour ou après"}},
        {"to",
         "YYYY-MM-DD",
         {"only meetings on or before this day", "seulement les rencontres de ce jour ou avant"}},
        {"page-size",
         "N",
         {"meetings per page, 1 to 500 (default: the server's, 50)",
          "rencontres par page, de 1 à 500 (par défaut : celle du serveur, 50)"}},
        {"page-token",
         "TOKEN",
         {"the page after a previous listing's 'next page'",
          "la page qui suit la « page suivante » d'une liste précédente"}},
        {"all", "", {"follow the pages to the end", "suivre les pages jusqu'à la fin"}},
        {"full",
         "",
         {"with minutes and follow-ups (json output shows them)",
          "avec le procès-verbal et les suivis (la sortie json les montre)"}}},
       1,
       1,
       ListMeetings});
  verbs.push_back(
      {{"meetings", "attendance"},
       "circles/ID",
       {"Attendance rates of a circle and of each member (present + late over "
        "meetings held while a member).",
        "Taux de présence d'un cercle et de chaque membre (présences et retards sur "
        "les rencontres tenues pendant qu'il était membre)."},
       {{"from",
         "YYYY-MM-DD",
         {"only meetings on or after this day", "seulement les rencontres de ce jour ou après"}},
        {"to",
         "YYYY-MM-DD",
         {"only meetings on or before this day", "seulement les rencontres de ce jour ou avant"}}},
       1,
       1,
       AttendanceSummary});
  return verbs;
}

}  // namespace cercles::cerclesctl
