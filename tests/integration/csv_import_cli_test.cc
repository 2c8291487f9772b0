// CSV files as French Excel saves them ("CSV (séparateur : point-virgule)" on
// a French Windows: ';' between fields, Windows-1252 bytes such as 0xE9 for é,
// CRLF line ends, French column headers), imported through the real
// cerclesctl binary into the real membership process on each storage engine:
// the text arrives in UTF-8, errors keep their FILE:LINE: column: rule, and
// the same rows saved in English as UTF-8 with commas are the same rows
// (already there).
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class CsvImportCliTest : public MembershipSuiteTest {
 protected:
  CtlResult Ctl(const std::vector<std::string>& args) {
    return RunCerclesctl(*suite_, "membership", TestCredentials().admin_token, args, work_dir());
  }

  // The file's bytes exactly as given.
  std::string WriteFile(const std::string& name, const std::string& bytes) {
    const std::string path = absl::StrCat(work_dir(), "/", name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  mv1::Person GetPerson(const std::string& name) {
    mv1::GetPersonRequest request;
    request.set_name(name);
    mv1::GetPersonResponse response;
    grpc::Status status = people_->GetPerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return response.person();
  }
};

TEST_P(CsvImportCliTest, PeopleSavedByFrenchExcelImport) {
  // Windows-1252: 0xE9 é, 0xC9 É, 0xF4 ô; quoted fields hold ';'.
  const std::string excel =
      WriteFile("personnes.csv",
                "Pr\xE9nom;Nom;Langue;Courriel;T\xE9l\xE9phone;Date de naissance;Secteur;"
                "Nom de l'entreprise;Comp\xE9tences;Adresse postale\r\n"
                "\xC9milie;Tremblay;fr;emilie@example.org;+1 514 555 0100;1985-06-15;food;"
                "\"Confitures; etc.\";\"comptabilit\xE9; vente\";\"12 rue Ontario; Montr\xE9"
                "al\"\r\n"
                "Zo\xE9;C\xF4t\xE9;FR;zoe@example.org;;;;;;\r\n"
                "Marc;Roy;de;marc@;;1990-02-30;;;;\r\n"
                ";;;;;;;;;\r\n");

  CtlResult dry = Ctl({"import", "people", excel, "--dry-run"});
  EXPECT_EQ(dry.code, 1) << dry.err;
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(excel, ": not UTF-8: read as Windows-1252")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(excel, ":4: language: must be one of fr|en")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(excel, ":4: email: must look like")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(excel, ":4: birth_date: must be a real calendar day")));
  EXPECT_THAT(dry.err, AllOf(Not(HasSubstr(":1:")), Not(HasSubstr(":2:")), Not(HasSubstr(":3:"))));
  EXPECT_THAT(dry.out, HasSubstr("3 rows checked: 2 valid, 1 failed; nothing written (dry run)"));

  CtlResult first = Ctl({"import", "people", excel});
  EXPECT_EQ(first.code, 1) << first.err;
  EXPECT_THAT(first.out, HasSubstr("3 rows: 2 created, 0 already there, 1 failed"));
  mv1::Person emilie = GetPerson("people/1");
  EXPECT_EQ(emilie.given_name(), "Émilie");
  EXPECT_EQ(emilie.family_name(), "Tremblay");
  EXPECT_EQ(emilie.language(), mv1::LANGUAGE_FR);
  EXPECT_EQ(emilie.contact().phone(), "+1 514 555 0100");
  EXPECT_EQ(emilie.contact().postal_address(), "12 rue Ontario; Montréal");
  EXPECT_EQ(emilie.business().name(), "Confitures; etc.");
  EXPECT_EQ(emilie.business().sector(), "food");
  EXPECT_THAT(emilie.expertise(), ElementsAre("comptabilité", "vente"));
  mv1::Person zoe = GetPerson("people/2");
  EXPECT_EQ(zoe.given_name(), "Zoé");
  EXPECT_EQ(zoe.family_name(), "Côté");

  // The same rows saved as UTF-8 with a byte-order mark, commas and the
  // English headers in another order are the same rows: nothing new.
  const std::string english = WriteFile(
      "people.csv",
      "\xEF\xBB\xBF"
      "family_name,given_name,language,email,phone,birth_date,sector,business_name,expertise,"
      "postal_address\n"
      "Tremblay,Émilie,fr,emilie@example.org,+1 514 555 0100,1985-06-15,food,"
      "Confitures; etc.,comptabilité; vente,12 rue Ontario; Montréal\n"
      "Côté,Zoé,FR,zoe@example.org,,,,,,\n");
  CtlResult again = Ctl({"import", "people", english});
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("2 rows: 0 created, 2 already there, 0 failed"));
  EXPECT_THAT(again.err, Not(HasSubstr("Windows-1252")));

  // The French file again: nothing new either.
  CtlResult third = Ctl({"import", "people", excel});
  EXPECT_THAT(third.out, HasSubstr("3 rows: 0 created, 2 already there, 1 failed"));
}

TEST_P(CsvImportCliTest, FrenchHeaderMistakesNameTheColumnAsWritten) {
  const std::string unknown =
      WriteFile("inconnu.csv", "Pr\xE9nom;Surnom;Langue\r\nAna;Lima;fr\r\n");
  CtlResult run = Ctl({"import", "people", unknown});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat(unknown,
                                              ":1: column \"Surnom\" is not one of "
                                              "given_name,family_name")));
  EXPECT_THAT(run.err, HasSubstr("nor prénom, nom, nom de famille"));
  EXPECT_THAT(run.err,
              HasSubstr(absl::StrCat(
                  unknown, ":1: column \"family_name\" is required (or: nom, nom de famille)")));

  // A column named in English and again in French is named twice.
  const std::string twice = WriteFile(
      "deux-fois.csv", "\xEF\xBB\xBFPR\xC3\x89NOM;given_name;Nom;Langue\r\nAna;Ana;Lima;fr\r\n");
  run = Ctl({"import", "people", twice});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat(
                           twice, ":1: column \"given_name\" appears twice (\"given_name\")")));
  EXPECT_THAT(run.err, Not(HasSubstr("Windows-1252")));  // valid UTF-8 after its mark
}

TEST_P(CsvImportCliTest, CirclesSavedByFrenchExcelImport) {
  mv1::CreateTrainingRequest training;
  training.set_request_id("training-1");
  training.mutable_training()->set_display_name("Cohorte hiver");
  auto* start = training.mutable_training()->mutable_start_date();
  start->set_year(2024), start->set_month(1), start->set_day(9);
  auto* end = training.mutable_training()->mutable_end_date();
  end->set_year(2024), end->set_month(3), end->set_day(5);
  mv1::CreateTrainingResponse created;
  grpc::Status status = trainings_->CreateTraining(Admin().get(), training, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> people;
  for (int i = 0; i < 7; ++i) {
    people.push_back(CreatePersonInTraining(
        *people_, *trainings_, TestCredentials().admin_token, created.training().name(), *end,
        NewPerson{absl::StrCat("p", i), mv1::LANGUAGE_FR, "", true}));
  }
  const std::string four = absl::StrJoin(people.begin(), people.begin() + 4, ";");
  const std::string three = absl::StrJoin(people.begin() + 4, people.end(), ";");
  const std::string excel = WriteFile(
      "cercles.csv", absl::StrCat("Nom du cercle;Membres;Caract\xE9ristiques;Activer\r\n",
                                  "Cercle C\xF4t\xE9-Est;\"", four,
                                  "\";\"sector=food;language=fr\";oui\r\n",  // line 2
                                  "Cercle Sud;\"", three, "\";;non\r\n"));   // line 3: 3 members
  CtlResult run = Ctl({"import", "circles", excel});
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat(excel, ":3: members: must name 4 to 7 people")));
  EXPECT_THAT(run.out, HasSubstr("2 rows: 1 created, 0 already there, 1 failed"));

  mv1::ListCirclesRequest request;
  mv1::ListCirclesResponse response;
  status = circles_->ListCircles(Admin().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.circles_size(), 1);
  EXPECT_EQ(response.circles(0).display_name(), "Cercle Côté-Est");
  EXPECT_EQ(response.circles(0).status(), mv1::CIRCLE_STATUS_ACTIVE);
}

INSTANTIATE_TEST_SUITE_P(Engines, CsvImportCliTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
