// Issue 14, item 2 (the request): a person's access requests through the real
// membership process on each storage engine: the 30-day due date, the open /
// overdue / done filters, completion by the caller with the document's
// fingerprint, validation naming the field, admins only, an event with ids
// only, the note's reads in the access log, and cerclesctl's verbs.
#include <memory>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"
#include "tests/support/proto_matchers.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;

class AccessRequestsTest : public MembershipSuiteTest {
 protected:
  void Connect() override {
    MembershipSuiteTest::Connect();
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
  }

  std::string CreatePerson(const std::string& given) {
    mv1::CreatePersonRequest request;
    request.set_request_id(absl::StrCat("create-", given));
    request.mutable_person()->set_given_name(given);
    request.mutable_person()->set_family_name("Gagnon");
    request.mutable_person()->set_language(mv1::LANGUAGE_FR);
    mv1::CreatePersonResponse response;
    grpc::Status status = people_->CreatePerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.person().name();
  }

  grpc::Status Create(std::unique_ptr<grpc::ClientContext> as, const std::string& id,
                      const mv1::AccessRequest& access_request, mv1::AccessRequest* out = nullptr) {
    mv1::CreateAccessRequestRequest request;
    request.set_request_id(id);
    *request.mutable_access_request() = access_request;
    mv1::CreateAccessRequestResponse response;
    grpc::Status status = privacy_->CreateAccessRequest(as.get(), request, &response);
    if (out != nullptr) *out = response.access_request();
    return status;
  }

  // The names of the requests the filter selects, every page (one per page).
  std::vector<std::string> Names(mv1::ListAccessRequestsRequest request) {
    std::vector<std::string> names;
    request.set_page_size(1);
    for (;;) {
      mv1::ListAccessRequestsResponse response;
      grpc::Status status = privacy_->ListAccessRequests(Admin().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return names;
      for (const auto& r : response.access_requests()) names.push_back(r.name());
      if (response.next_page_token().empty()) return names;
      request.set_page_token(response.next_page_token());
    }
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
};

TEST_P(AccessRequestsTest, TracksEachRequestAgainstItsThirtyDayDeadline) {
  const std::string nadia = CreatePerson("Nadia");
  const std::string omar = CreatePerson("Omar");

  // Received 40 days ago: due 10 days ago, overdue.
  mv1::AccessRequest late;
  late.set_person(nadia);
  late.set_channel(mv1::ACCESS_REQUEST_CHANNEL_MAIL);
  *late.mutable_receive_date() = ToDate(MembershipToday() - 40);
  late.set_note("Demande une copie de tout son dossier");
  mv1::AccessRequest stored_late;
  ASSERT_TRUE(Create(Admin(), "ar-late", late, &stored_late).ok());
  EXPECT_EQ(stored_late.name(), "accessRequests/1");
  EXPECT_EQ(stored_late.person(), nadia);
  EXPECT_THAT(stored_late.due_date(), EqualsProto(ToDate(MembershipToday() - 10)));
  EXPECT_EQ(stored_late.state(), mv1::ACCESS_REQUEST_STATE_OPEN);
  EXPECT_TRUE(stored_late.overdue());
  EXPECT_EQ(stored_late.recorded_by(), "staff:alice");
  EXPECT_EQ(stored_late.note(), "Demande une copie de tout son dossier");

  // Received today (the default): due in 30 days, not overdue.
  mv1::AccessRequest fresh;
  fresh.set_person(omar);
  fresh.set_channel(mv1::ACCESS_REQUEST_CHANNEL_EMAIL);
  mv1::AccessRequest stored_fresh;
  ASSERT_TRUE(Create(Admin(), "ar-fresh", fresh, &stored_fresh).ok());
  EXPECT_THAT(stored_fresh.receive_date(), EqualsProto(ToDate(MembershipToday())));
  EXPECT_THAT(stored_fresh.due_date(), EqualsProto(ToDate(MembershipToday() + 30)));
  EXPECT_FALSE(stored_fresh.overdue());
  // A retry answers the first answer; the same id for another request is refused.
  mv1::AccessRequest again;
  ASSERT_TRUE(Create(Admin(), "ar-fresh", fresh, &again).ok());
  EXPECT_EQ(again.name(), stored_fresh.name());
  EXPECT_THAT(Create(Admin(), "ar-fresh", late), StatusIs(grpc::StatusCode::ALREADY_EXISTS));

  // Received 31 days ago (overdue) and answered: done, never overdue.
  mv1::AccessRequest answered = fresh;
  *answered.mutable_receive_date() = ToDate(MembershipToday() - 31);
  answered.set_channel(mv1::ACCESS_REQUEST_CHANNEL_IN_PERSON);
  mv1::AccessRequest stored_answered;
  ASSERT_TRUE(Create(Admin(), "ar-answered", answered, &stored_answered).ok());
  EXPECT_TRUE(stored_answered.overdue());
  mv1::CompleteAccessRequestRequest complete;
  complete.set_request_id("ar-answered-done");
  complete.set_name(stored_answered.name());
  complete.mutable_completion()->set_document_sha256(std::string(64, 'F'));
  complete.mutable_completion()->set_document_size_bytes(4096);
  complete.mutable_completion()->set_summary("Export remis en main propre");
  mv1::CompleteAccessRequestResponse completed;
  ASSERT_TRUE(privacy_->CompleteAccessRequest(Admin().get(), complete, &completed).ok());
  EXPECT_EQ(completed.access_request().state(), mv1::ACCESS_REQUEST_STATE_DONE);
  EXPECT_FALSE(completed.access_request().overdue());
  EXPECT_EQ(completed.access_request().completion().completed_by(), "staff:alice");
  EXPECT_EQ(completed.access_request().completion().document_sha256(), std::string(64, 'f'));
  EXPECT_EQ(completed.access_request().completion().document_size_bytes(), 4096);
  EXPECT_TRUE(completed.access_request().completion().has_complete_time());
  // Completing it again (another request_id) is refused, nothing changes.
  complete.set_request_id("ar-answered-twice");
  EXPECT_THAT(privacy_->CompleteAccessRequest(Admin().get(), complete, &completed),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already completed")));

  // The filters: open, overdue, done, a person; every page.
  mv1::ListAccessRequestsRequest list;
  EXPECT_THAT(Names(list),
              ElementsAre(stored_late.name(), stored_fresh.name(), stored_answered.name()));
  list.set_state(mv1::ACCESS_REQUEST_STATE_OPEN);
  EXPECT_THAT(Names(list), ElementsAre(stored_late.name(), stored_fresh.name()));
  list.set_overdue_only(true);
  EXPECT_THAT(Names(list), ElementsAre(stored_late.name()));
  list.clear_state();
  EXPECT_THAT(Names(list), ElementsAre(stored_late.name()));
  list.clear_overdue_only();
  list.set_state(mv1::ACCESS_REQUEST_STATE_DONE);
  EXPECT_THAT(Names(list), ElementsAre(stored_answered.name()));
  list.clear_state();
  list.set_person(omar);
  EXPECT_THAT(Names(list), ElementsAre(stored_fresh.name(), stored_answered.name()));

  // Get answers `overdue` as of now.
  mv1::GetAccessRequestRequest get;
  get.set_name(stored_late.name());
  mv1::GetAccessRequestResponse got;
  ASSERT_TRUE(privacy_->GetAccessRequest(Admin().get(), get, &got).ok());
  EXPECT_THAT(got.access_request(), EqualsProto(stored_late));
  get.set_name("accessRequests/99");
  EXPECT_THAT(privacy_->GetAccessRequest(Admin().get(), get, &got),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("accessRequests/99")));

  // Reading the note is a read of Nadia's personal data: in the access log.
  mv1::ListPersonalReadsRequest reads;
  reads.set_person(nadia);
  std::vector<std::string> rpcs;
  Eventually(
      [&] {
        mv1::ListPersonalReadsResponse response;
        rpcs.clear();
        if (!privacy_->ListPersonalReads(Admin().get(), reads, &response).ok()) return false;
        for (const auto& read : response.reads()) rpcs.push_back(read.rpc());
        return absl::c_linear_search(rpcs, "cercles.membership.v1.PrivacyService.GetAccessRequest");
      },
      absl::Seconds(5));
  EXPECT_THAT(rpcs, ::testing::Contains("cercles.membership.v1.PrivacyService.GetAccessRequest"));

  // One event per change, ids only.
  auto db = storage::Database::Open(suite_->DatabaseUrl("membership"));
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Status read = storage::RunInTransaction(
      **db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
        auto rows = tx.Query("SELECT subject, payload FROM outbox WHERE type = ? ORDER BY sequence",
                             {std::string("cercles.membership.v1.AccessRequestChanged")});
        if (!rows.ok()) return rows.status();
        EXPECT_EQ(rows->size(), 4u);  // three recorded, one completed
        for (const storage::Row& row : *rows) {
          EXPECT_THAT(row.Text(0), HasSubstr("accessRequests/"));
          EXPECT_THAT(row.Bytes(1), Not(HasSubstr("Demande")));
          EXPECT_THAT(row.Bytes(1), Not(HasSubstr("main propre")));
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(read.ok()) << read;
}

TEST_P(AccessRequestsTest, ValidatesEveryFieldAndIsForAdminsOnly) {
  const std::string nadia = CreatePerson("Nadia");
  mv1::AccessRequest valid;
  valid.set_person(nadia);
  valid.set_channel(mv1::ACCESS_REQUEST_CHANNEL_PHONE);
  EXPECT_THAT(Create(Bob(), "ar-bob", valid), StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  mv1::AccessRequest bad;
  bad.set_person("circles/1");
  *bad.mutable_receive_date() = ToDate(MembershipToday() + 1);
  EXPECT_THAT(Create(Admin(), "ar-bad", bad),
              StatusIs(kInvalid, AllOf(HasSubstr("access_request.person"),
                                       HasSubstr("access_request.receive_date"),
                                       HasSubstr("access_request.channel"))));
  mv1::AccessRequest ghost = valid;
  ghost.set_person("people/999999");
  EXPECT_THAT(Create(Admin(), "ar-ghost", ghost),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("access_request.person")));
  EXPECT_THAT(Create(Admin(), "", valid), StatusIs(kInvalid, HasSubstr("request_id")));

  mv1::AccessRequest stored;
  ASSERT_TRUE(Create(Admin(), "ar-ok", valid, &stored).ok());
  mv1::CompleteAccessRequestRequest complete;
  complete.set_request_id("ar-ok-done");
  complete.set_name(stored.name());
  mv1::CompleteAccessRequestResponse completed;
  EXPECT_THAT(privacy_->CompleteAccessRequest(Admin().get(), complete, &completed),
              StatusIs(kInvalid, HasSubstr("completion is required")));
  complete.mutable_completion()->set_document_sha256("not-a-digest");
  EXPECT_THAT(privacy_->CompleteAccessRequest(Admin().get(), complete, &completed),
              StatusIs(kInvalid, AllOf(HasSubstr("completion.document_sha256"),
                                       HasSubstr("completion.document_size_bytes"))));
  complete.set_name("accessRequests/x");
  EXPECT_THAT(privacy_->CompleteAccessRequest(Admin().get(), complete, &completed),
              StatusIs(kInvalid, HasSubstr("name")));
  complete.set_name(stored.name());
  complete.mutable_completion()->set_document_sha256(std::string(64, '0'));
  complete.mutable_completion()->set_document_size_bytes(10);
  EXPECT_THAT(privacy_->CompleteAccessRequest(Bob().get(), complete, &completed),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  mv1::ListAccessRequestsRequest list;
  mv1::ListAccessRequestsResponse listed;
  list.set_state(mv1::ACCESS_REQUEST_STATE_DONE);
  list.set_overdue_only(true);
  EXPECT_THAT(privacy_->ListAccessRequests(Admin().get(), list, &listed),
              StatusIs(kInvalid, HasSubstr("overdue_only")));
  list.Clear();
  list.set_person("nobody");
  EXPECT_THAT(privacy_->ListAccessRequests(Admin().get(), list, &listed),
              StatusIs(kInvalid, HasSubstr("person")));
  list.Clear();
  list.set_state(static_cast<mv1::AccessRequestState>(9));
  EXPECT_THAT(privacy_->ListAccessRequests(Admin().get(), list, &listed),
              StatusIs(kInvalid, HasSubstr("state")));

  // Nothing was recorded by the refusals but the one valid request, still open.
  EXPECT_THAT(Names(mv1::ListAccessRequestsRequest()), ElementsAre(stored.name()));
  mv1::GetAccessRequestRequest get;
  get.set_name(stored.name());
  mv1::GetAccessRequestResponse got;
  ASSERT_TRUE(privacy_->GetAccessRequest(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.access_request().state(), mv1::ACCESS_REQUEST_STATE_OPEN);
}

TEST_P(AccessRequestsTest, CerclesctlCreatesListsAndCompletesRequests) {
  const std::string& work = work_dir();
  const std::string& admin = TestCredentials().admin_token;
  const std::string nadia = CreatePerson("Nadia");
  const std::string received = absl::FormatCivilTime(MembershipToday() - 35);
  CtlResult r = RunCerclesctl(*suite_, "membership", admin,
                              {"privacy", "access-requests", "create", nadia, "--channel", "mail",
                               "--received", received, "--note", "copie papier"},
                              work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "accessRequests/1")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, absl::FormatCivilTime(MembershipToday() - 5)))
      << r.out;  // due
  EXPECT_TRUE(absl::StrContains(r.out, "overdue")) << r.out;

  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "access-requests", "list", "--state", "overdue"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "accessRequests/1")) << r.out;

  r = RunCerclesctl(
      *suite_, "membership", admin,
      {"privacy", "access-requests", "complete", "1", "--summary", "copie papier postée"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "done")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "staff:alice")) << r.out;

  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "access-requests", "list", "--state", "overdue"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(absl::StrContains(r.out, "accessRequests/1")) << r.out;

  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "access-requests", "create", nadia, "--channel", "fax"}, work);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "--channel")) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, AccessRequestsTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
