// People through the real cerclesctl binary: the CSV import (every row checked
// first, idempotent) and the verbs for people and trainings. Part of the
// people_test program (people_test.cc instantiates the suite on each engine).
#include "tests/integration/people_fixture.h"

namespace cercles::testing::people_fixture {
namespace {

TEST_P(PeopleTest, CsvImportChecksEveryRowFirstAndIsIdempotent) {
  const mv1::Training done = MustCreateTraining("Hiver", D(2024, 1, 9), D(2024, 3, 5));
  // Columns in any order (the header names them); a quoted field holds a comma.
  const std::vector<std::string> header = {"language",
                                           "family_name",
                                           "given_name",
                                           "email",
                                           "phone",
                                           "birth_date",
                                           "gender",
                                           "business_name",
                                           "sector",
                                           "stage",
                                           "expertise",
                                           "expertise_opt_in",
                                           "share_with_network",
                                           "share_with_other_funds",
                                           "training"};
  auto line = [&](std::map<std::string, std::string> values) {
    std::vector<std::string> fields;
    for (const std::string& column : header) fields.push_back(values[column]);
    return absl::StrCat(absl::StrJoin(fields, ","), "\n");
  };
  const std::string good_rows = absl::StrCat(absl::StrJoin(header, ","), "\n",
                                             line({{"language", "fr"},
                                                   {"family_name", "Tremblay"},
                                                   {"given_name", "Émilie"},
                                                   {"email", "emilie@example.org"},
                                                   {"phone", "+1 514 555 0100"},
                                                   {"birth_date", "1985-06-15"},
                                                   {"gender", "femme"},
                                                   {"business_name", "\"Confitures, etc.\""},
                                                   {"sector", "food"},
                                                   {"stage", "starting"},
                                                   {"expertise", "comptabilité; vente"},
                                                   {"expertise_opt_in", "oui"},
                                                   {"share_with_network", "yes"},
                                                   {"share_with_other_funds", "no"},
                                                   {"training", done.name()}}),  // line 2
                                             line({{"language", "EN"},
                                                   {"family_name", "Lima"},
                                                   {"given_name", "Ana"},
                                                   {"email", "ana@example.org"}}));  // line 3
  const std::string bad_rows = absl::StrCat(
      line({{"language", "fr"},
            {"family_name", "Roy"},
            {"given_name", "Marc"},
            {"email", "marc@"},
            {"birth_date", "1990-02-30"}}),                                           // line 4
      line({{"language", "de"}, {"family_name", "Gagnon"}, {"given_name", "Lise"}}),  // 5
      line({{"language", "fr"},
            {"family_name", "Côté"},
            {"given_name", "Paul"},
            {"training", "trainings/999"}}),  // line 6
      line({{"language", "fr"},
            {"given_name", "Zoé"},
            {"sector", "crafts"},
            {"stage", "soon"},
            {"expertise_opt_in", "maybe"}}));  // line 7
  const std::string mixed = WriteFile("people.csv", good_rows + bad_rows);

  // Dry run: every error of every row, with its line, and nothing written.
  CtlResult dry = Ctl({"import", "people", mixed, "--dry-run"});
  EXPECT_EQ(dry.code, 1) << dry.err;
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":4: email: must look like")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(mixed, ":4: birth_date: must be a real calendar day")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":5: language: must be one of fr|en")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(mixed, ":6: training: trainings/999 does not exist")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":7: stage: must be one of")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(mixed, ":7: expertise_opt_in: must be true or false")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":7: family_name: must be 1 to 100")));
  EXPECT_THAT(dry.err, Not(HasSubstr(":2:")));
  EXPECT_THAT(dry.err, Not(HasSubstr(":3:")));
  EXPECT_THAT(dry.err, Not(HasSubstr("\r")));  // no progress bar off a terminal
  EXPECT_THAT(dry.out, HasSubstr("6 rows checked: 2 valid, 4 failed; nothing written (dry run)"));
  EXPECT_EQ(CountPeople(), 0);

  // A clean file passes the dry run.
  const std::string clean = WriteFile("clean.csv", good_rows);
  CtlResult clean_dry = Ctl({"import", "people", clean, "--dry-run"});
  EXPECT_EQ(clean_dry.code, 0) << clean_dry.err;
  EXPECT_EQ(CountPeople(), 0);

  // The real import writes the good rows, none of the bad ones.
  CtlResult first = Ctl({"import", "people", mixed});
  EXPECT_EQ(first.code, 1) << first.err;
  EXPECT_THAT(first.out, HasSubstr("6 rows: 2 created, 0 already there, 4 failed"));
  mv1::ListPeopleRequest all;
  EXPECT_THAT(ListNames(all), ElementsAre("Émilie", "Ana"));
  mv1::Person emilie;
  ASSERT_TRUE(Get("people/1", &emilie).ok());
  EXPECT_EQ(emilie.business().name(), "Confitures, etc.");
  EXPECT_THAT(emilie.expertise(), ElementsAre("comptabilité", "vente"));
  EXPECT_TRUE(emilie.expertise_opt_in());
  EXPECT_TRUE(emilie.consents().share_with_network());
  EXPECT_FALSE(emilie.consents().share_with_other_funds());
  EXPECT_EQ(emilie.trainings_completed(), 1);
  const size_t events = Events().size();

  // Running it again changes nothing; so does the clean file with the same rows.
  CtlResult second = Ctl({"import", "people", mixed});
  EXPECT_EQ(second.code, 1);
  EXPECT_THAT(second.out, HasSubstr("6 rows: 0 created, 2 already there, 4 failed"));
  CtlResult third = Ctl({"--output", "json", "import", "people", clean});
  EXPECT_EQ(third.code, 0) << third.err;
  EXPECT_THAT(third.out, AllOf(HasSubstr("\"created\":0"), HasSubstr("\"alreadyThere\":2")));
  EXPECT_EQ(CountPeople(), 2);
  EXPECT_EQ(Events().size(), events);

  // Spreadsheet exports: a byte-order mark, CRLF, a quoted value over two lines.
  const std::string exported =
      WriteFile("exported.csv",
                "\xEF\xBB\xBFgiven_name,family_name,language,postal_address\r\n"
                "Léa,Roy,fr,\"12 rue Ontario\r\nMontréal\"\r\n"
                "Max,,fr,\r\n");
  CtlResult spreadsheet = Ctl({"import", "people", exported, "--dry-run"});
  EXPECT_EQ(spreadsheet.code, 1);
  EXPECT_THAT(spreadsheet.err,
              HasSubstr(absl::StrCat(exported, ":4: family_name: must be 1 to 100")));
  EXPECT_THAT(spreadsheet.err, Not(HasSubstr(":2:")));
  EXPECT_THAT(spreadsheet.out, HasSubstr("2 rows checked: 1 valid, 1 failed"));

  // Header mistakes stop before any row.
  const std::string bad_header = WriteFile("header.csv", "given_name,surname\nAna,Lima\n");
  CtlResult broken = Ctl({"import", "people", bad_header});
  EXPECT_EQ(broken.code, 1);
  EXPECT_THAT(broken.err,
              HasSubstr(absl::StrCat(bad_header, ":1: column \"surname\" is not one of")));
  EXPECT_THAT(broken.err, HasSubstr("column \"family_name\" is required"));
}

TEST_P(PeopleTest, CerclesctlVerbsForPeopleAndTrainings) {
  CtlResult created =
      Ctl({"people", "create", "--given-name", "Émilie", "--family-name", "Tremblay", "--language",
           "fr", "--email", "emilie@example.org", "--sector", "food", "--expertise", "vente",
           "--expertise", "comptabilité"});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_THAT(created.out, AllOf(HasSubstr("people/1"), HasSubstr("emilie@example.org")));
  CtlResult updated = Ctl(
      {"people", "update", "people/1", "--phone", "+1 514 555 0100", "--birth-date", "1985-06-15"});
  ASSERT_EQ(updated.code, 0) << updated.err;
  EXPECT_THAT(updated.out, AllOf(HasSubstr("+1 514 555 0100"), HasSubstr("1985-06-15")));
  CtlResult bad = Ctl({"people", "update", "1", "--email", "nope"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT: person.contact.email"));
  CtlResult listed = Ctl({"people", "list", "--name-prefix", "emi", "--sector", "food"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("people/1"), HasSubstr("Tremblay")));

  CtlResult training = Ctl({"trainings", "create", "--display-name", "Printemps", "--start-date",
                            "2024-03-05", "--end-date", "2024-05-07"});
  ASSERT_EQ(training.code, 0) << training.err;
  EXPECT_THAT(training.out, HasSubstr("trainings/1"));
  ASSERT_EQ(Ctl({"trainings", "enrol", "trainings/1", "people/1"}).code, 0);
  CtlResult completed =
      Ctl({"trainings", "complete", "trainings/1", "people/1", "--date", "2024-05-07"});
  ASSERT_EQ(completed.code, 0) << completed.err;
  EXPECT_THAT(completed.out, HasSubstr("2024-05-07"));
  CtlResult enrolments = Ctl({"--output", "json", "trainings", "enrolments", "--person", "1"});
  ASSERT_EQ(enrolments.code, 0) << enrolments.err;
  EXPECT_THAT(enrolments.out, HasSubstr("\"completionDate\""));
  CtlResult got = Ctl({"people", "get", "1"});
  EXPECT_THAT(got.out, HasSubstr("trainings completed"));
  CtlResult cohort = Ctl({"people", "list", "--cohort", "trainings/1"});
  EXPECT_THAT(cohort.out, HasSubstr("Émilie"));
  CtlResult trainings = Ctl({"trainings", "list"});
  EXPECT_THAT(trainings.out, AllOf(HasSubstr("Printemps"), HasSubstr("2024-03-05")));
}

}  // namespace
}  // namespace cercles::testing::people_fixture
