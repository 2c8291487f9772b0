// A whole fund on loopback for network's integration tests (header only, shared
// by tests/integration/network_*_test.cc): membership data set up through its
// public API, network's stubs, and network's Prometheus metrics read over HTTP.
#ifndef CERCLES_TESTS_INTEGRATION_NETWORK_FIXTURES_H_
#define CERCLES_TESTS_INTEGRATION_NETWORK_FIXTURES_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"

namespace cercles::testing {

namespace mv1 = cercles::membership::v1;
namespace nv1 = cercles::network::v1;

class NetworkSuiteTest : public EngineSuiteTest {
 protected:
  void SetUp() override {
    EngineSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto channel = suite_->StaffChannel("membership");
    circles_ = mv1::MembershipService::NewStub(channel);
    people_ = mv1::PeopleService::NewStub(channel);
    trainings_ = mv1::TrainingService::NewStub(channel);
    network_ = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
    partners_ = nv1::PartnerService::NewStub(suite_->StaffChannel("network"));
    mv1::CreateTrainingRequest training;
    training.set_request_id("training-1");
    training.mutable_training()->set_display_name("Cohorte automne");
    auto* start = training.mutable_training()->mutable_start_date();
    start->set_year(2026), start->set_month(9), start->set_day(1);
    auto* end = training.mutable_training()->mutable_end_date();
    end->set_year(2026), end->set_month(10), end->set_day(30);
    mv1::CreateTrainingResponse created;
    grpc::Status status = trainings_->CreateTraining(Admin().get(), training, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    training_ = created.training().name();
  }

  // The suite's default fund id.
  static std::string Fund() { return "fund-test"; }
  static std::string Net(const std::string& local_circle) {
    return absl::StrCat("funds/", Fund(), "/", local_circle);
  }

  std::string CreateAdvisor(const std::string& token_name) {
    mv1::CreateAdvisorRequest request;
    request.set_request_id("advisor-" + token_name);
    request.mutable_advisor()->set_display_name(token_name);
    request.mutable_advisor()->set_email(token_name + "@fonds.example");
    request.mutable_advisor()->set_principal_name(token_name);
    mv1::CreateAdvisorResponse response;
    grpc::Status status = circles_->CreateAdvisor(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.advisor().name();
  }

  // A trained person.
  std::string Person(const std::string& given, const std::string& sector = "") {
    cercles::common::v1::Date completed;
    completed.set_year(2026), completed.set_month(10), completed.set_day(30);
    return CreatePersonInTraining(*people_, *trainings_, TestCredentials().admin_token, training_,
                                  completed, NewPerson{given, mv1::LANGUAGE_FR, sector, true});
  }

  // Opts a person in to share expertise (and, if `shares`, their name) with the network.
  void ShareExpertise(const std::string& person, std::vector<std::string> expertise, bool shares) {
    mv1::UpdatePersonRequest request;
    request.set_request_id("expertise-" + person.substr(person.find('/') + 1));
    request.mutable_person()->set_name(person);
    for (const auto& e : expertise) request.mutable_person()->add_expertise(e);
    request.mutable_person()->set_expertise_opt_in(true);
    request.mutable_person()->mutable_consents()->set_share_with_network(shares);
    for (const char* path : {"expertise", "expertise_opt_in", "consents"}) {
      request.mutable_update_mask()->add_paths(path);
    }
    mv1::UpdatePersonResponse response;
    grpc::Status status = people_->UpdatePerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  mv1::Circle CreateCircle(
      const std::string& display_name,
      const std::vector<std::pair<mv1::CharacteristicKind, std::string>>& tags) {
    mv1::CreateCircleRequest request;
    request.set_request_id(absl::StrCat("circle-", ++counter_));
    request.mutable_circle()->set_display_name(display_name);
    for (const auto& [kind, value] : tags) {
      auto* c = request.mutable_circle()->add_characteristics();
      c->set_kind(kind);
      c->set_value(value);
    }
    mv1::CreateCircleResponse response;
    grpc::Status status = circles_->CreateCircle(Bob().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.circle();
  }

  grpc::Status AddMember(const std::string& circle, const std::string& person) {
    mv1::AddCircleMemberRequest request;
    request.set_request_id(absl::StrCat("add-", ++counter_));
    request.set_circle(circle);
    request.set_person(person);
    request.set_reason("founder");
    mv1::AddCircleMemberResponse response;
    return circles_->AddCircleMember(Bob().get(), request, &response);
  }

  // A circle with `members` new trained people (activated when 4 or more),
  // with a business in `sector` when one is given.
  mv1::Circle CircleWithMembers(
      const std::string& display_name,
      const std::vector<std::pair<mv1::CharacteristicKind, std::string>>& tags, int members,
      std::vector<std::string>* people = nullptr, const std::string& sector = "") {
    mv1::Circle circle = CreateCircle(display_name, tags);
    for (int i = 0; i < members; ++i) {
      const std::string person = Person(absl::StrCat("Member", ++counter_), sector);
      if (people != nullptr) people->push_back(person);
      grpc::Status added = AddMember(circle.name(), person);
      EXPECT_TRUE(added.ok()) << added.error_message();
    }
    if (members >= 4) {
      mv1::ActivateCircleRequest request;
      request.set_request_id(absl::StrCat("activate-", ++counter_));
      request.set_name(circle.name());
      mv1::ActivateCircleResponse response;
      grpc::Status status = circles_->ActivateCircle(Bob().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      return response.circle();
    }
    mv1::GetCircleRequest get;
    get.set_name(circle.name());
    mv1::GetCircleResponse got;
    EXPECT_TRUE(circles_->GetCircle(Admin().get(), get, &got).ok());
    return got.circle();
  }

  // Waits until network's directory shows the circle as membership does now
  // (its update time), so what follows reads an up-to-date network.
  void WaitForNetwork(const mv1::Circle& circle) {
    nv1::GetNetworkCircleRequest request;
    request.set_name(Net(circle.name()));
    const bool caught_up = Eventually(
        [&] {
          nv1::GetNetworkCircleResponse response;
          return network_->GetNetworkCircle(Admin().get(), request, &response).ok() &&
                 response.circle().update_time().seconds() == circle.update_time().seconds() &&
                 response.circle().update_time().nanos() == circle.update_time().nanos() &&
                 response.circle().member_count() == circle.member_count();
        },
        absl::Seconds(20));
    ASSERT_TRUE(caught_up) << circle.name() << "\n" << suite_->Log("network");
  }

  mv1::Circle GetCircle(const std::string& name) {
    mv1::GetCircleRequest get;
    get.set_name(name);
    mv1::GetCircleResponse got;
    EXPECT_TRUE(circles_->GetCircle(Admin().get(), get, &got).ok());
    return got.circle();
  }

  nv1::GetCircleNeighbourhoodResponse Neighbourhood(const std::string& circle, int depth,
                                                    std::vector<nv1::EdgeKind> kinds = {},
                                                    grpc::Status* status_out = nullptr) {
    nv1::GetCircleNeighbourhoodRequest request;
    request.set_circle(circle);
    request.set_depth(depth);
    for (auto k : kinds) request.add_edge_kinds(k);
    nv1::GetCircleNeighbourhoodResponse response;
    grpc::Status status = network_->GetCircleNeighbourhood(Admin().get(), request, &response);
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  static std::vector<std::string> NodeNames(const nv1::GetCircleNeighbourhoodResponse& r) {
    std::vector<std::string> names;
    for (const auto& n : r.nodes()) names.push_back(n.name());
    return names;
  }

  // Network's /metrics page.
  std::string NetworkMetrics() { return ScrapeMetrics(suite_->Log("network")); }
  double CacheLoads(const std::string& query) {
    return MetricValue(NetworkMetrics(),
                       absl::StrCat("cercles_network_cache_loads_total{query=\"", query, "\"}"));
  }

  std::unique_ptr<mv1::MembershipService::Stub> circles_;
  std::unique_ptr<mv1::PeopleService::Stub> people_;
  std::unique_ptr<mv1::TrainingService::Stub> trainings_;
  std::unique_ptr<nv1::NetworkService::Stub> network_;
  std::unique_ptr<nv1::PartnerService::Stub> partners_;
  std::string training_;
  int counter_ = 0;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_INTEGRATION_NETWORK_FIXTURES_H_
