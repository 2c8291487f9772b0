#include <optional>
#include <string>

#include "common/i18n/catalogue.h"
#include "common/i18n/language.h"
#include "common/i18n/localize.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace cercles::i18n {
namespace {

using ::testing::HasSubstr;

constexpr Language kEn = Language::kEnglish;
constexpr Language kFr = Language::kFrench;

TEST(AcceptLanguageTest, FrenchEnglishOrTheDefault) {
  EXPECT_EQ(LanguageOfAcceptLanguage("fr", kEn), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("fr-CA", kEn), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("FR-fr", kEn), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("en", kFr), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("en-GB", kFr), kEn);
  // Neither language, empty, malformed: the default.
  EXPECT_EQ(LanguageOfAcceptLanguage("de-DE", kFr), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("de-DE", kEn), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("", kFr), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("fr;q=2", kEn), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("fr;q=abc", kEn), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("frisian", kEn), kEn);
}

TEST(AcceptLanguageTest, WeightsOrderAndStar) {
  // RFC 9110's q-values: the highest acceptable weight wins.
  EXPECT_EQ(LanguageOfAcceptLanguage("en;q=0.5, fr;q=0.8", kEn), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("fr-CA;q=0.4, en-US;q=0.9, de", kFr), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("de, fr;q=0.1", kEn), kFr);
  // q=0: not acceptable.
  EXPECT_EQ(LanguageOfAcceptLanguage("fr;q=0, en;q=0.1", kFr), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("fr;q=0", kFr), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("en;q=0.000, fr;q=0", kFr), kFr);  // neither: the default
  // Equal weights: the range written first.
  EXPECT_EQ(LanguageOfAcceptLanguage("en, fr", kFr), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage(" fr-CA , en ", kEn), kFr);
  // "*" is every language not named: named ones win ties, alone it is the default.
  EXPECT_EQ(LanguageOfAcceptLanguage("*", kFr), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("*;q=0.5, en", kFr), kEn);
  EXPECT_EQ(LanguageOfAcceptLanguage("*, en;q=0", kEn), kFr);
  EXPECT_EQ(LanguageOfAcceptLanguage("fr;Q=0.7, *;q=0.9", kFr), kEn);
}

TEST(LanguageTest, CodesAndLocales) {
  EXPECT_EQ(ParseLanguageCode("FR"), kFr);
  EXPECT_EQ(ParseLanguageCode("en"), kEn);
  EXPECT_EQ(ParseLanguageCode("fr-CA"), std::nullopt);
  EXPECT_EQ(LanguageCode(kFr), "fr");
  EXPECT_EQ(LocaleOf(kFr), "fr-CA");
  EXPECT_EQ(LocaleOf(kEn), "en-CA");
}

Catalogue Parsed(const std::string& text) {
  absl::StatusOr<Catalogue> catalogue = Catalogue::Parse(text);
  EXPECT_TRUE(catalogue.ok()) << catalogue.status();
  return catalogue.ok() ? *std::move(catalogue) : Catalogue();
}

TEST(CatalogueTest, TemplatesCopyTheirValues) {
  const Catalogue catalogue = Parsed(
      "# a comment\n"
      "\n"
      "{field} must be at most {n} characters\t{field} doit compter au plus {n} caractères\n"
      "{field} is required\t{field} est obligatoire\n"
      "circle {name} is required to vote\tle cercle {name} doit voter\n"
      "the stream was cancelled\tle flux a été annulé\n"
      "circle: {message}\tcercle : {message}\n"
      "{a} and {b} differ from {a}\t{b} et {a} diffèrent de {a}\n"
      "with {{id}} a number, got {got}\tavec {{id}} un nombre, reçu {got}\n"
      "under strength\ten sous-effectif\n"
      "{circle} is {term}: it rests\t{circle} est {term} : il se repose\n"
      "{a} = {b}\t{b} = {a}\n");
  EXPECT_EQ(catalogue.size(), 10u);
  // An entry with short outer texts is tried for every message.
  EXPECT_EQ(catalogue.Translate("x = y"), "y = x");
  // A {term} is a word with its own entry, else copied.
  EXPECT_EQ(catalogue.Translate("circles/4 is under strength: it rests"),
            "circles/4 est en sous-effectif : il se repose");
  EXPECT_EQ(catalogue.Translate("circles/4 is tired: it rests"),
            "circles/4 est tired : il se repose");
  EXPECT_EQ(catalogue.Translate("person.display_name must be at most 200 characters"),
            "person.display_name doit compter au plus 200 caractères");
  EXPECT_EQ(catalogue.Translate("the stream was cancelled"), "le flux a été annulé");
  // The most literal entry wins over "{field} is required".
  EXPECT_EQ(catalogue.Translate("circle circles/3 is required to vote"),
            "le cercle circles/3 doit voter");
  EXPECT_EQ(catalogue.Translate("circles[2].name is required"), "circles[2].name est obligatoire");
  // A {message} is a message of the catalogue too: translated, or nothing is.
  EXPECT_EQ(catalogue.Translate("circle: name is required"), "cercle : name est obligatoire");
  EXPECT_EQ(catalogue.Translate("circle: something else"), std::nullopt);
  // A name that recurs matches the same text each time (the first split that
  // agrees is found by backtracking).
  EXPECT_EQ(catalogue.Translate("x and y differ from x"), "y et x diffèrent de x");
  EXPECT_EQ(catalogue.Translate("x and y differ from z"), std::nullopt);
  EXPECT_EQ(catalogue.Translate("with {id} a number, got 0"), "avec {id} un nombre, reçu 0");
  // A {field} is a field path: a whole list of rules is not one.
  EXPECT_EQ(catalogue.Translate("a must be b; c is required"), std::nullopt);
  // Placeholders take at least one character; no entry, no translation.
  EXPECT_EQ(catalogue.Translate(" is required"), std::nullopt);
  EXPECT_EQ(catalogue.Translate("something new happened"), std::nullopt);
}

TEST(CatalogueTest, RefusesBrokenEntries) {
  auto error = [](const std::string& text) {
    absl::StatusOr<Catalogue> catalogue = Catalogue::Parse(text);
    return catalogue.ok() ? std::string("ok") : std::string(catalogue.status().message());
  };
  EXPECT_EQ(error("no tab here\n"),
            "catalogue line 1: must be the English text, one tab, the translation");
  EXPECT_EQ(error("a\tb\nc\td\na\te\n"), "catalogue line 3: repeats \"a\"");
  EXPECT_EQ(error("{a}{b} x\t{a} {b}\n"),
            "catalogue line 1: has two placeholders with no text between them");
  EXPECT_EQ(error("{a} x\t{b} y\n"),
            "catalogue line 1: the translation's {b} is not in the English");
  EXPECT_EQ(error("{a} x {b}\t{a} y\n"), "catalogue line 1: the translation lacks {b}");
  EXPECT_EQ(error("x\t{a} y\n"),
            "catalogue line 1: the translation has placeholders the English lacks");
  EXPECT_EQ(error("x\t\n"), "catalogue line 1: has an empty side");
}

// The compiled-in catalogue parses (the services abort at start otherwise).
TEST(CatalogueTest, TheFrenchCatalogueParses) {
  absl::StatusOr<Catalogue> french = Catalogue::Parse(FrenchCatalogueText());
  ASSERT_TRUE(french.ok()) << french.status();
  EXPECT_GT(french->size(), 40u);
  EXPECT_EQ(CatalogueOf(kFr).size(), french->size());
  EXPECT_EQ(CatalogueOf(kEn).size(), 0u);
}

TEST(LocalizeTest, MessageViolationsAndLocalizedMessage) {
  google::rpc::Status status;
  status.set_code(3);
  status.set_message("page_size must be from 0 (default 50) to 1000; request_id is required");
  google::rpc::ErrorInfo info;
  info.set_reason("REQUEST_INVALID");
  status.add_details()->PackFrom(info);
  google::rpc::BadRequest bad_request;
  auto* page_size = bad_request.add_field_violations();
  page_size->set_field("page_size");
  page_size->set_description("must be from 0 (default 50) to 1000");
  auto* unknown = bad_request.add_field_violations();
  unknown->set_field("widget");
  unknown->set_description("must wobble");
  status.add_details()->PackFrom(bad_request);
  google::rpc::LocalizedMessage stale;  // from another service: replaced
  stale.set_locale("en-CA");
  status.add_details()->PackFrom(stale);

  Localized french = Localize(status, kFr);
  EXPECT_EQ(french.status.code(), 3);
  EXPECT_EQ(french.status.message(),
            "page_size doit être de 0 (par défaut 50) à 1000 ; request_id est obligatoire");
  EXPECT_THAT(french.untranslated, ::testing::ElementsAre("widget must wobble"));
  ASSERT_EQ(french.status.details_size(), 3);
  google::rpc::ErrorInfo kept;
  ASSERT_TRUE(french.status.details(0).UnpackTo(&kept));
  EXPECT_EQ(kept.reason(), "REQUEST_INVALID");
  google::rpc::BadRequest translated;
  ASSERT_TRUE(french.status.details(1).UnpackTo(&translated));
  EXPECT_EQ(translated.field_violations(0).field(), "page_size");
  EXPECT_EQ(translated.field_violations(0).description(), "doit être de 0 (par défaut 50) à 1000");
  EXPECT_EQ(translated.field_violations(1).description(), "must wobble");
  google::rpc::LocalizedMessage localized;
  ASSERT_TRUE(french.status.details(2).UnpackTo(&localized));
  EXPECT_EQ(localized.locale(), "fr-CA");
  EXPECT_EQ(localized.message(), french.status.message());

  Localized english = Localize(status, kEn);
  EXPECT_EQ(english.status.message(), status.message());
  EXPECT_TRUE(english.untranslated.empty());
  ASSERT_TRUE(english.status.details(2).UnpackTo(&localized));
  EXPECT_EQ(localized.locale(), "en-CA");
  EXPECT_THAT(localized.message(), HasSubstr("page_size must be"));
}

TEST(LocalizeTest, TextsSplitOnSemicolons) {
  EXPECT_EQ(TranslateText("call cancelled; deadline exceeded", kFr),
            "appel annulé ; délai dépassé");
  EXPECT_EQ(TranslateText("call cancelled; who knows", kFr), std::nullopt);
  EXPECT_EQ(TranslateText("who knows", kEn), "who knows");
}

// Messages the services answered in the integration tests before the catalogue
// had them (scripts/i18n-untranslated, 2026-12-07), as the services write them:
// each has a French translation now; a few are checked whole.
TEST(CatalogueTest, MessagesTheTestsProvokedAreTranslated) {
  const char* const messages[] = {
      "access request \"accessRequests/99\" does not exist",
      "access_request.channel must be one of ACCESS_REQUEST_CHANNEL_EMAIL, _IN_PERSON, _MAIL, "
      "_PHONE, _WEB, got 0",
      "access_request.person \"people/999999\" does not exist",
      "access_request.person must be \"people/{id}\", got \"circles/1\"",
      "access_request.person must be \"people/{id}\", got \"circles/1\"; "
      "access_request.receive_date must not be after today (2026-12-07 UTC); "
      "access_request.channel must be one of ACCESS_REQUEST_CHANNEL_EMAIL, _IN_PERSON, _MAIL, "
      "_PHONE, _WEB, got 0",
      "bank referral bankReferrals/99 does not exist",
      "circles[0].people must name 4 to 7 people, not 3",
      "completion.document_sha256 must be 64 hexadecimal digits (a SHA-256)",
      "completion.document_sha256 must be 64 hexadecimal digits (a SHA-256); "
      "completion.document_size_bytes must be 1 or more with document_sha256, got 0",
      "completion.document_size_bytes must be 1 or more with document_sha256, got 0",
      "field_path must be given_name, family_name, language, contact.email, contact.phone, "
      "contact.postal_address, birth_date, gender, business.name, business.sector, business.stage, "
      "business.start_date, expertise, or contact or business for all of its fields (got "
      "\"status\")",
      "kind \"LOAN\" is not a journal entry kind; one of CAPITAL_CONTRIBUTION, DISBURSEMENT, "
      "REPAYMENT, INTEREST_ACCRUAL, WRITE_OFF, RECOVERY, GUARANTEE_CALL, GUARANTEE_PAYMENT, "
      "REPAYMENT_REVERSAL, REVERSAL",
      "kind \"nope\" is not a journal entry kind; one of CAPITAL_CONTRIBUTION, DISBURSEMENT, "
      "REPAYMENT, INTEREST_ACCRUAL, WRITE_OFF, RECOVERY, GUARANTEE_CALL, GUARANTEE_PAYMENT, "
      "REPAYMENT_REVERSAL, REVERSAL",
      "lines must hold 1 to 100 lines, got 0",
      "lines[1].kind must be COLLECTION_KIND_REPAYMENT or COLLECTION_KIND_GUARANTOR_PAYMENT, got 0",
      "lines[1].person is required for COLLECTION_KIND_GUARANTOR_PAYMENT (the guarantor)",
      "meeting \"circles/999999/meetings/1\" must be a meeting of circles/1 (the circle of the "
      "request)",
      "meeting.follow_ups[0].outcome.jobs_kept.full_time must be 0 to 1000 jobs, got 1001",
      "meeting.follow_ups[1].outcome.jobs_kept.full_time must be 0 to 1000 jobs, got -2",
      "overdue_only must be false with state ACCESS_REQUEST_STATE_DONE (a done request is never "
      "overdue)",
      "people/1 already holds the values given for \"contact.email,given_name\": nothing to "
      "correct",
      "people/1 is a member of circles/1: record their departure from the circle before erasing "
      "them",
      "people/1 is erased: their record is no longer updated, corrected or consented (an erased "
      "person's record is final)",
      "reason must be one of ERASURE_REASON_PERSON_REQUEST, ERASURE_REASON_RETENTION, got 0",
      "referral.amount_requested must be a positive amount in minor units",
      "state must be ACCESS_REQUEST_STATE_OPEN, _DONE or unspecified, got 9",
      "update_mask is required: name the personal fields corrected (given_name, family_name, "
      "language, contact.email, contact.phone, contact.postal_address, birth_date, gender, "
      "business.name, business.sector, business.stage, business.start_date, expertise, or contact "
      "or business for all of its fields)",
      "update_mask path \"*\" is not accepted: name each personal field corrected",
      "contact.email must look like name@example.org (at most 254 characters, no spaces); "
      "contact.phone must be 7 to 15 digits, an optional leading + and spaces",
      "contact.phone must be 7 to 15 digits, an optional leading + and spaces",
      "date must be from year 1900 on, got 1899-12-31",
      "funds/fund-test/circles/1 and funds/fund-test/circles/3 are not sisters",
      "grain must be REPORT_GRAIN_YEAR or REPORT_GRAIN_QUARTER (or unspecified: years), got 9",
      "incident \"incidents/1\" has no revision 3",
      "incident.affected_count must be 1 to 10000000, got 0",
      "incident.discover_date is immutable: it stays 2026-12-05",
      "incident.people_notification is required with INCIDENT_RISK_SERIOUS_INJURY: set "
      "notify_date, or not_notified_reason",
      "incident.regulator_notification is required with INCIDENT_RISK_SERIOUS_INJURY: set "
      "notify_date, or not_notified_reason",
      "incident.revision 1 is not the latest (2): the incident changed meanwhile; read it again",
      "incident.summary must be 1 to 4000 characters, got 0; incident.discover_date must not be "
      "before incident.occur_date; incident.affected_count must be 1 to 10000000, got 0; "
      "incident.risk_assessment must be 1 to 4000 characters, got 0; "
      "incident.regulator_notification is required with INCIDENT_RISK_SERIOUS_INJURY: set "
      "notify_date, or not_notified_reason; incident.people_notification is required with "
      "INCIDENT_RISK_SERIOUS_INJURY: set notify_date, or not_notified_reason",
      "loans/1 already has a pending reschedule, loans/1/reschedules/1: one at a time (approve or "
      "reject it first)",
      "reschedule loans/1/reschedules/1 was already decided (RESCHEDULE_STATE_APPROVED)",
      "reschedule loans/1/reschedules/999 does not exist",
      "service name unknown",
      "stage must be unset, REMINDER_STAGE_UPCOMING or REMINDER_STAGE_OVERDUE, got 7",
      "reschedule.first_due_date 2026-12-06 is in the past: it must be today (2026-12-07) or later",
      "reschedule.frequency must be REPAYMENT_FREQUENCY_WEEKLY, "
      "REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS or REPAYMENT_FREQUENCY_MONTHLY",
      "include_peers must be false with a fund_id: the peer funds are added to the report of "
      "every fund only",
  };
  for (const char* message : messages) {
    EXPECT_NE(TranslateText(message, kFr), std::nullopt) << message;
  }
  EXPECT_EQ(TranslateText("people/1 is a member of circles/1: record their departure from the "
                          "circle before erasing them",
                          kFr),
            "people/1 est membre de circles/1 : inscrivez son départ du cercle avant de "
            "l'effacer");
  EXPECT_EQ(TranslateText("reason must be one of ERASURE_REASON_PERSON_REQUEST, "
                          "ERASURE_REASON_RETENTION, got 0",
                          kFr),
            "reason doit être l'une des valeurs ERASURE_REASON_PERSON_REQUEST, "
            "ERASURE_REASON_RETENTION, reçu 0");
  // A forwarded gRPC detail holds "; " of its own: {detail} takes it whole.
  EXPECT_EQ(TranslateText("membership is unavailable (UNAVAILABLE: failed to connect to all "
                          "addresses; last error: UNKNOWN: ipv4:127.0.0.1:39791: Failed to "
                          "connect to remote host: Connection refused); retry",
                          kFr),
            "membership n'est pas disponible (UNAVAILABLE : failed to connect to all addresses; "
            "last error: UNKNOWN: ipv4:127.0.0.1:39791: Failed to connect to remote host: "
            "Connection refused) ; réessayez");
  EXPECT_EQ(
      TranslateText("membership did not answer within 2s (Deadline Exceeded; again); retry", kFr),
      "membership n'a pas répondu en moins de 2s (Deadline Exceeded; again) ; réessayez");
  // What gRPC's server library answers a call its client cancelled.
  EXPECT_EQ(TranslateText("OnCancel()", kFr), "appel annulé par le client (OnCancel())");
  EXPECT_EQ(TranslateText("access_request.person must be \"people/{id}\", got \"circles/1\"", kFr),
            "access_request.person doit être de la forme « people/{id} », reçu \"circles/1\"");
}

}  // namespace
}  // namespace cercles::i18n
