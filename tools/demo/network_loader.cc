#include "tools/demo/network_loader.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "tools/cerclesctl/connection.h"
#include "tools/demo/demo_call.h"
#include "tools/demo/fund_vocabulary.h"

namespace cercles::demo {
namespace {

namespace nv1 = cercles::network::v1;

struct PartnerPlan {
  const char* display_name;
  nv1::PartnerKind kind;
  std::vector<std::string> services;
  const char* description;
  const char* contact_point;
};

const std::vector<PartnerPlan>& Partners() {
  static const auto* partners = new std::vector<PartnerPlan>{
      {"CDEC Centre-Sud / Plateau Mont-Royal",
       nv1::PARTNER_KIND_CDEC,
       {"accounting", "business plan", "social economy"},
       "Corporation de développement économique communautaire: individual follow-up and "
       "bookkeeping clinics",
       "accueil@cdec-exemple.org"},
      {"SAJE Montréal Métro",
       nv1::PARTNER_KIND_SAJE,
       {"business plan", "self-employment programme", "marketing"},
       "Service d'aide aux jeunes entrepreneurs: business-plan workshops and coaching",
       "info@saje-exemple.org"},
      {"PME MTL Est-de-l'Île",
       nv1::PARTNER_KIND_CLD,
       {"subsidies", "financing", "business plan"},
       "Local development centre: subsidy programmes and small-business financing",
       "514 555-0142"},
      {"SACO — Experts bénévoles",
       nv1::PARTNER_KIND_SACO,
       {"mentoring", "export", "operations"},
       "Volunteer experts matched with entrepreneurs for a few months",
       "mentorat@saco-exemple.org"},
  };
  return *partners;
}

// Referral k: which partner, and the statuses it went through.
struct ReferralStory {
  int partner;
  std::vector<nv1::ReferralStatus> statuses;  // after SENT
  const char* outcome;                        // for COMPLETED / DECLINED
};

const std::vector<ReferralStory>& Stories() {
  static const auto* stories = new std::vector<ReferralStory>{
      {0,
       {nv1::REFERRAL_STATUS_ACCEPTED, nv1::REFERRAL_STATUS_COMPLETED},
       "Bookkeeping set up; monthly statements now shown at the circle's meetings"},
      {1, {nv1::REFERRAL_STATUS_ACCEPTED, nv1::REFERRAL_STATUS_IN_PROGRESS}, ""},
      {2, {nv1::REFERRAL_STATUS_ACCEPTED}, ""},
      {3, {nv1::REFERRAL_STATUS_ACCEPTED, nv1::REFERRAL_STATUS_IN_PROGRESS}, ""},
      {1, {}, ""},
      {2, {nv1::REFERRAL_STATUS_DECLINED}, "Outside the programme's territory; sent to SAJE"},
      {0,
       {nv1::REFERRAL_STATUS_ACCEPTED, nv1::REFERRAL_STATUS_COMPLETED},
       "Pricing reviewed with a counsellor; margins up from 18 % to 27 %"},
      {3, {}, ""},
  };
  return *stories;
}

class NetworkLoader {
 public:
  NetworkLoader(const std::shared_ptr<grpc::Channel>& channel, const LoadSummary& membership,
                const NetworkLoaderOptions& options)
      : network_(nv1::NetworkService::NewStub(channel)),
        partners_(nv1::PartnerService::NewStub(channel)),
        membership_(membership),
        options_(options) {}

  absl::StatusOr<NetworkSummary> Run();

 private:
  CallOptions Admin() const { return {options_.token, options_.timeout, nullptr}; }
  std::string NetworkName(size_t circle) const {
    return absl::StrCat("funds/", membership_.fund_id, "/", membership_.circle_names[circle]);
  }
  // Waits until network has applied membership's events up to `circle`.
  absl::Status WaitFor(const std::string& circle);
  absl::Status Declare(size_t a, size_t b, int n, NetworkSummary* out);

  std::unique_ptr<nv1::NetworkService::Stub> network_;
  std::unique_ptr<nv1::PartnerService::Stub> partners_;
  const LoadSummary& membership_;
  const NetworkLoaderOptions options_;
};

absl::Status NetworkLoader::WaitFor(const std::string& circle) {
  const absl::Time deadline = absl::Now() + options_.catch_up;
  for (;;) {
    nv1::GetNetworkCircleRequest request;
    request.set_name(circle);
    nv1::GetNetworkCircleResponse response;
    grpc::ClientContext context;
    cerclesctl::PrepareCall(&context, options_.token, options_.timeout);
    const grpc::Status status = network_->GetNetworkCircle(&context, request, &response);
    if (status.ok()) return absl::OkStatus();
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(circle, " did not reach the network directory within ",
                       absl::FormatDuration(options_.catch_up), ": ", status.error_message()));
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

absl::Status NetworkLoader::Declare(size_t a, size_t b, int n, NetworkSummary* out) {
  nv1::DeclareSisterCirclesRequest request;
  request.set_request_id(absl::StrCat("demo-sisters-", n));
  request.set_circle(NetworkName(a));
  request.set_sister(NetworkName(b));
  request.set_note("Same sector: their members visit each other's meetings");
  nv1::DeclareSisterCirclesResponse response;
  absl::Status status = CallWithRetries(Admin(), request.request_id(), [&](grpc::ClientContext* c) {
    return network_->DeclareSisterCircles(c, request, &response);
  });
  if (status.ok()) ++out->sister_links;
  return status;
}

absl::StatusOr<NetworkSummary> NetworkLoader::Run() {
  NetworkSummary out;
  const DemoPlan& plan = membership_.plan;
  std::vector<size_t> active;
  for (size_t i = 0; i < plan.circles.size(); ++i) {
    if (plan.circles[i].fate == Fate::kActive) active.push_back(i);
  }
  if (active.size() < 4) return out;
  // The last circle's events come last: once it is there, all are.
  absl::Status status = WaitFor(NetworkName(plan.circles.size() - 1));
  if (!status.ok()) return status;

  std::vector<std::string> partner_names;
  const auto& neighbourhoods = Neighbourhoods();
  for (size_t p = 0; p < Partners().size(); ++p) {
    const PartnerPlan& plan_p = Partners()[p];
    nv1::CreatePartnerRequest request;
    request.set_request_id(absl::StrCat("demo-partner-", p + 1));
    nv1::Partner* partner = request.mutable_partner();
    partner->set_display_name(plan_p.display_name);
    partner->set_kind(plan_p.kind);
    for (size_t k = p; k < neighbourhoods.size(); k += 2) {
      partner->add_territory(neighbourhoods[k].key);
    }
    for (const std::string& service : plan_p.services) partner->add_services(service);
    partner->set_description(plan_p.description);
    partner->set_contact_point(plan_p.contact_point);
    nv1::CreatePartnerResponse response;
    status = CallWithRetries(Admin(), request.request_id(), [&](grpc::ClientContext* c) {
      return partners_->CreatePartner(c, request, &response);
    });
    if (!status.ok()) return status;
    partner_names.push_back(response.partner().name());
    ++out.partners;
  }

  // One member of each of the first active circles, referred for follow-up.
  for (size_t k = 0; k < Stories().size() && k < active.size(); ++k) {
    const ReferralStory& story = Stories()[k];
    const CirclePlan& circle = plan.circles[active[k]];
    const int person = circle.members[1];
    nv1::CreateReferralRequest request;
    request.set_request_id(absl::StrCat("demo-referral-", k + 1));
    request.mutable_referral()->set_person(membership_.person_names[static_cast<size_t>(person)]);
    request.mutable_referral()->set_partner(partner_names[static_cast<size_t>(story.partner)]);
    request.mutable_referral()->set_reason(Rng::For(2026, "referral", static_cast<int64_t>(k))
                                               .Pick(ReferralPartners(circle.language)));
    nv1::CreateReferralResponse created;
    status = CallWithRetries(Admin(), request.request_id(), [&](grpc::ClientContext* c) {
      return partners_->CreateReferral(c, request, &created);
    });
    if (!status.ok()) return status;
    for (size_t s = 0; s < story.statuses.size(); ++s) {
      nv1::UpdateReferralStatusRequest update;
      update.set_request_id(absl::StrCat(request.request_id(), "-", s + 1));
      update.set_name(created.referral().name());
      update.set_status(story.statuses[s]);
      if (story.statuses[s] == nv1::REFERRAL_STATUS_COMPLETED ||
          story.statuses[s] == nv1::REFERRAL_STATUS_DECLINED) {
        update.set_outcome(story.outcome);
      }
      nv1::UpdateReferralStatusResponse updated;
      status = CallWithRetries(Admin(), update.request_id(), [&](grpc::ClientContext* c) {
        return partners_->UpdateReferralStatus(c, update, &updated);
      });
      if (!status.ok()) return status;
    }
    ++out.referrals;
  }

  // Sister circles: the first active circle with the next one of its sector.
  int n = 0;
  for (size_t i = 0; i < active.size() && n < 3; ++i) {
    for (size_t j = i + 1; j < active.size(); ++j) {
      const auto& a = plan.circles[active[i]].characteristics;
      const auto& b = plan.circles[active[j]].characteristics;
      if (a.empty() || b.empty() || a.front().value() != b.front().value()) continue;
      status = Declare(active[i], active[j], ++n, &out);
      if (!status.ok()) return status;
      if (out.showcase.empty()) out.showcase = NetworkName(active[i]);
      break;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<NetworkSummary> LoadNetwork(const std::shared_ptr<grpc::Channel>& channel,
                                           const LoadSummary& membership,
                                           const NetworkLoaderOptions& options) {
  NetworkLoader loader(channel, membership, options);
  return loader.Run();
}

std::string FormatNetworkSummary(const NetworkSummary& s) {
  return absl::StrFormat(
      "network loaded: %d partners (CDEC, SAJE, CLD, SACO), %d referrals at every stage, %d "
      "sister-circle links%s\n",
      s.partners, s.referrals, s.sister_links,
      s.showcase.empty() ? "" : absl::StrCat("; try: network neighbours ", s.showcase));
}

}  // namespace cercles::demo
