#include "tools/cerclesctl/people_args.h"

#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {

using membership::v1::BusinessStage;
using membership::v1::Language;
using membership::v1::Person;
using membership::v1::PersonStatus;

namespace {

// The value of an enum from its short name ("starting" for
// BUSINESS_STAGE_STARTING), with the choices in the error.
template <typename Enum>
absl::StatusOr<Enum> ParseShortEnum(absl::string_view text,
                                    const google::protobuf::EnumDescriptor* descriptor,
                                    absl::string_view prefix) {
  std::vector<std::string> choices;
  const std::string wanted = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto* value = descriptor->value(i);
    if (value->number() == 0) continue;
    const std::string name = ShortEnumName(value->name(), prefix);
    if (name == wanted) return static_cast<Enum>(value->number());
    choices.push_back(name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be one of ", absl::StrJoin(choices, "|"), ", not \"", text, "\""));
}

}  // namespace

absl::StatusOr<Language> ParseLanguage(absl::string_view text) {
  return ParseShortEnum<Language>(text, membership::v1::Language_descriptor(), "LANGUAGE_");
}

absl::StatusOr<BusinessStage> ParseBusinessStage(absl::string_view text) {
  return ParseShortEnum<BusinessStage>(text, membership::v1::BusinessStage_descriptor(),
                                       "BUSINESS_STAGE_");
}

absl::StatusOr<PersonStatus> ParsePersonStatus(absl::string_view text) {
  return ParseShortEnum<PersonStatus>(text, membership::v1::PersonStatus_descriptor(),
                                      "PERSON_STATUS_");
}

absl::StatusOr<membership::v1::ConsentPurpose> ParseConsentPurpose(absl::string_view text) {
  return ParseShortEnum<membership::v1::ConsentPurpose>(
      text, membership::v1::ConsentPurpose_descriptor(), "CONSENT_PURPOSE_");
}

absl::StatusOr<membership::v1::ConsentChannel> ParseConsentChannel(absl::string_view text) {
  return ParseShortEnum<membership::v1::ConsentChannel>(
      text, membership::v1::ConsentChannel_descriptor(), "CONSENT_CHANNEL_");
}

absl::StatusOr<bool> ParseYesNo(absl::string_view text) {
  const std::string value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (value == "true" || value == "yes" || value == "oui" || value == "1") return true;
  if (value == "false" || value == "no" || value == "non" || value == "0") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("must be true or false (yes/no, oui/non, 1/0), not \"", text, "\""));
}

absl::StatusOr<common::v1::Date> ParseDay(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    shaped = shaped && i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]));
  }
  if (!shaped) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be a day written YYYY-MM-DD, not \"", text, "\""));
  }
  auto number = [&](size_t from, size_t length) {
    int n = 0;
    for (size_t i = from; i < from + length; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::string FormatDay(const common::v1::Date& date, bool present) {
  if (!present) return "-";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

common::v1::Date Today() {
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
  common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string LanguageName(Language language, Lang lang) { return EnumWord(lang, language); }
std::string BusinessStageName(BusinessStage stage, Lang lang) { return EnumWord(lang, stage); }
std::string PersonStatusName(PersonStatus status, Lang lang) { return EnumWord(lang, status); }

std::string PersonResourceName(absl::string_view text) {
  if (absl::StrContains(text, '/')) return std::string(text);
  return absl::StrCat("people/", text);
}

std::string TrainingResourceName(absl::string_view text) {
  if (absl::StrContains(text, '/')) return std::string(text);
  return absl::StrCat("trainings/", text);
}

namespace {

using Setter = std::function<absl::Status(const std::vector<std::string>&, Person*)>;

// A single-valued option; `set` receives its value ("" clears the field).
PersonField Single(std::string name, std::string value_name, Bilingual help, std::string path,
                   std::function<absl::Status(const std::string&, Person*)> set) {
  const std::string option = name;
  return {{std::move(name), std::move(value_name), std::move(help)},
          std::move(path),
          [set = std::move(set), option](const std::vector<std::string>& values,
                                         Person* person) -> absl::Status {
            absl::Status status = set(values.back(), person);
            if (status.ok()) return status;
            return absl::InvalidArgumentError(absl::StrCat("--", option, " ", status.message()));
          }};
}

std::function<absl::Status(const std::string&, Person*)> Text(
    std::function<std::string*(Person*)> field) {
  return [field](const std::string& value, Person* person) {
    *field(person) = value;
    return absl::OkStatus();
  };
}

std::function<absl::Status(const std::string&, Person*)> Day(
    std::function<common::v1::Date*(Person*)> field) {
  return [field](const std::string& value, Person* person) -> absl::Status {
    if (value.empty()) return absl::OkStatus();  // in the mask, unset: cleared
    auto day = ParseDay(value);
    if (!day.ok()) return day.status();
    *field(person) = *day;
    return absl::OkStatus();
  };
}

std::function<absl::Status(const std::string&, Person*)> Flag(
    std::function<void(Person*, bool)> field) {
  return [field](const std::string& value, Person* person) -> absl::Status {
    auto flag = ParseYesNo(value);
    if (!flag.ok()) return flag.status();
    field(person, *flag);
    return absl::OkStatus();
  };
}

}  // namespace

const std::vector<PersonField>& PersonFields() {
  static const std::vector<PersonField>* fields = [] {
    auto* f = new std::vector<PersonField>();
    f->push_back(Single("given-name", "NAME", {"1 to 100 characters", "de 1 à 100 caractères"},
                        "given_name", Text([](Person* p) { return p->mutable_given_name(); })));
    f->push_back(Single("family-name", "NAME", {"1 to 100 characters", "de 1 à 100 caractères"},
                        "family_name", Text([](Person* p) { return p->mutable_family_name(); })));
    f->push_back(Single(
        "language", "fr|en",
        {"language the person is served in", "la langue dans laquelle la personne est servie"},
        "language", [](const std::string& value, Person* p) -> absl::Status {
          auto language = ParseLanguage(value);
          if (!language.ok()) return language.status();
          p->set_language(*language);
          return absl::OkStatus();
        }));
    f->push_back(Single("email", "ADDRESS", {"e-mail address", "adresse courriel"}, "contact.email",
                        Text([](Person* p) { return p->mutable_contact()->mutable_email(); })));
    f->push_back(Single(
        "phone", "NUMBER",
        {"digits, spaces and a leading '+'", "des chiffres, des espaces et un « + » au début"},
        "contact.phone", Text([](Person* p) { return p->mutable_contact()->mutable_phone(); })));
    f->push_back(Single(
        "postal-address", "TEXT", {"postal address", "adresse postale"}, "contact.postal_address",
        Text([](Person* p) { return p->mutable_contact()->mutable_postal_address(); })));
    f->push_back(Single("birth-date", "YYYY-MM-DD",
                        {"birth date (\"\" clears it)", "date de naissance (\"\" l'efface)"},
                        "birth_date", Day([](Person* p) { return p->mutable_birth_date(); })));
    f->push_back(Single("gender", "TEXT",
                        {"as the person describes it", "comme la personne le décrit"}, "gender",
                        Text([](Person* p) { return p->mutable_gender(); })));
    f->push_back(Single("business-name", "NAME", {"name of the business", "nom de l'entreprise"},
                        "business.name",
                        Text([](Person* p) { return p->mutable_business()->mutable_name(); })));
    f->push_back(
        Single("sector", "SECTOR",
               {"sector of the business, e.g. food", "secteur de l'entreprise, p. ex. food"},
               "business.sector",
               Text([](Person* p) { return p->mutable_business()->mutable_sector(); })));
    f->push_back(Single("stage", "idea|starting|operating|growing",
                        {"where the business stands", "où en est l'entreprise"}, "business.stage",
                        [](const std::string& value, Person* p) -> absl::Status {
                          if (value.empty()) {
                            p->mutable_business()->clear_stage();
                            return absl::OkStatus();
                          }
                          auto stage = ParseBusinessStage(value);
                          if (!stage.ok()) return stage.status();
                          p->mutable_business()->set_stage(*stage);
                          return absl::OkStatus();
                        }));
    f->push_back(
        Single("business-start-date", "YYYY-MM-DD",
               {"when the business started", "quand l'entreprise a démarré"}, "business.start_date",
               Day([](Person* p) { return p->mutable_business()->mutable_start_date(); })));
    f->push_back(
        {{"expertise",
          "TEXT",
          {"what the person can help others with (repeatable; \"\" clears the list)",
           "ce en quoi la personne peut aider les autres (répétable ; \"\" vide la liste)"},
          true},
         "expertise",
         [](const std::vector<std::string>& values, Person* p) {
           for (const std::string& value : values) {
             if (!value.empty()) p->add_expertise(value);
           }
           return absl::OkStatus();
         }});
    f->push_back(Single("expertise-opt-in", "yes|no",
                        {"the expertise may be shared with the network",
                         "l'expertise peut être partagée avec le réseau"},
                        "expertise_opt_in",
                        Flag([](Person* p, bool v) { p->set_expertise_opt_in(v); })));
    f->push_back(Single("share-with-network", "yes|no",
                        {"consents to share with the network of circles",
                         "consent au partage avec le réseau des cercles"},
                        "consents.share_with_network", Flag([](Person* p, bool v) {
                          p->mutable_consents()->set_share_with_network(v);
                        })));
    f->push_back(Single("share-with-other-funds", "yes|no",
                        {"consents to share with other regional funds",
                         "consent au partage avec les autres fonds régionaux"},
                        "consents.share_with_other_funds", Flag([](Person* p, bool v) {
                          p->mutable_consents()->set_share_with_other_funds(v);
                        })));
    f->push_back(Single("reminders-by-email", "yes|no",
                        {"consents to reminders of their loan's instalments by email",
                         "consent aux rappels des échéances de son prêt par courriel"},
                        "consents.reminders_by_email", Flag([](Person* p, bool v) {
                          p->mutable_consents()->set_reminders_by_email(v);
                        })));
    f->push_back(Single("status", "active|withdrawn",
                        {"whether the person takes part", "si la personne participe"}, "status",
                        [](const std::string& value, Person* p) -> absl::Status {
                          auto status = ParsePersonStatus(value);
                          if (!status.ok()) return status.status();
                          p->set_status(*status);
                          return absl::OkStatus();
                        }));
    return f;
  }();
  return *fields;
}

bool IsPersonalField(const PersonField& field) {
  return field.path != "status" && field.path != "expertise_opt_in" &&
         !absl::StartsWith(field.path, "consents.");
}

std::vector<OptionSpec> PersonOptionSpecs(bool names_required, bool personal_only) {
  std::vector<OptionSpec> specs;
  for (const PersonField& field : PersonFields()) {
    if (personal_only && !IsPersonalField(field)) continue;
    OptionSpec spec = field.option;
    spec.required = names_required && (spec.name == "given-name" || spec.name == "family-name" ||
                                       spec.name == "language");
    specs.push_back(spec);
  }
  return specs;
}

absl::Status PersonFromOptions(const ParsedArgs& args, Person* person,
                               google::protobuf::FieldMask* mask) {
  for (const PersonField& field : PersonFields()) {
    if (!args.Has(field.option.name)) continue;
    absl::Status status = field.set(args.Values(field.option.name), person);
    if (!status.ok()) return status;
    mask->add_paths(field.path);
  }
  return absl::OkStatus();
}

void PrintPerson(const Person& person, std::ostream& out, Lang lang) {
  Table table(lang, {{"FIELD", "CHAMP"}, {"VALUE", "VALEUR"}});
  auto row = [&](const Bilingual& label, const std::string& value) {
    table.AddRow({label.In(lang), value});
  };
  auto yes_no = [lang](bool value) { return YesNo(value, lang); };
  const auto& business = person.business();
  const auto& consents = person.consents();
  row({"name", "nom"}, person.name());
  row({"given name", "prénom"}, person.given_name());
  row({"family name", "nom de famille"}, person.family_name());
  row({"language", "langue"}, LanguageName(person.language(), lang));
  row({"status", "statut"}, PersonStatusName(person.status(), lang));
  row({"email", "courriel"}, person.contact().email());
  row({"phone", "téléphone"}, person.contact().phone());
  row({"postal address", "adresse postale"}, person.contact().postal_address());
  row({"birth date", "date de naissance"}, FormatDay(person.birth_date(), person.has_birth_date()));
  row({"gender", "genre"}, person.gender());
  row({"business", "entreprise"}, business.name());
  row({"sector", "secteur"}, business.sector());
  row({"stage", "stade"}, person.has_business() ? BusinessStageName(business.stage(), lang) : "");
  row({"business start", "démarrage de l'entreprise"},
      FormatDay(business.start_date(), business.has_start_date()));
  row({"expertise", "compétences"}, absl::StrJoin(person.expertise(), "; "));
  row({"expertise shared", "compétences partagées"}, yes_no(person.expertise_opt_in()));
  row({"shares with network", "partage avec le réseau"}, yes_no(consents.share_with_network()));
  row({"shares with other funds", "partage avec les autres fonds"},
      yes_no(consents.share_with_other_funds()));
  row({"reminders by email", "rappels par courriel"}, yes_no(consents.reminders_by_email()));
  row({"referrals to partners", "références aux partenaires"},
      yes_no(consents.share_with_partners()));
  row({"circle sees follow-ups", "suivis vus par le cercle"},
      yes_no(consents.circle_sees_follow_ups()));
  row({"credit reporting", "déclaration au bureau de crédit"}, yes_no(consents.credit_reporting()));
  row({"current circle", "cercle actuel"},
      person.current_circle().empty() ? "-" : person.current_circle());
  row({"trainings completed", "formations suivies"}, absl::StrCat(person.trainings_completed()));
  row({"created", "créée"}, FormatTimestamp(person.create_time()));
  row({"updated", "modifiée"}, FormatTimestamp(person.update_time()));
  table.Print(out);
}

std::string RequestIdOption(const CommandContext& ctx) {
  return ctx.args().Has("request-id") ? ctx.args().Value("request-id") : NewRequestId();
}

int FailWrite(CommandContext& ctx, const grpc::Status& status, const std::string& request_id) {
  const int code = ctx.Fail(status);
  // The change may have happened even though no answer came back: retrying
  // with the same id returns it rather than making a second one.
  if (!ctx.args().Has("request-id") &&
      (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
       status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)) {
    ctx.err() << "cerclesctl: "
              << Localize(ctx.lang(),
                          absl::StrCat("to retry safely, add --request-id ", request_id))
              << '\n';
  }
  return code;
}

OptionSpec RequestIdOptionSpec() {
  return {"request-id",
          "ID",
          {"idempotency key: a retry with the same id changes nothing more (default: a random "
           "UUID)",
           "clé d'idempotence : une reprise avec le même identifiant ne change rien de plus (par "
           "défaut : un UUID aléatoire)"}};
}

std::vector<OptionSpec> PageOptionSpecs(absl::string_view things) {
  return {
      {"page-size",
       "N",
       {absl::StrCat(things, " per page, 1 to 500 (default: the server's, 50)"),
        "combien par page, de 1 à 500 (par défaut : le nombre du serveur, 50)"}},
      {"page-token",
       "TOKEN",
       {"the page after a previous listing's 'next page'",
        "la page qui suit la « page suivante » d'une liste précédente"}},
      {"all", "", {"follow the pages to the end", "suivre les pages jusqu'à la fin"}},
  };
}

absl::StatusOr<PageOptions> ParsePageOptions(const ParsedArgs& args) {
  PageOptions options;
  if (args.Has("page-size") &&
      (!absl::SimpleAtoi(args.Value("page-size"), &options.page_size) || options.page_size < 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--page-size must be a whole number of at least 0, not \"", args.Value("page-size"), "\""));
  }
  options.page_token = args.Value("page-token");
  options.all = args.Has("all");
  return options;
}

}  // namespace cercles::cerclesctl
