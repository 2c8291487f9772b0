// cercles-network-dataset: writes a large network database for the network
// benchmark (scripts/bench-network): by default 10,000 circles and 60,000
// people over 3 funds (this fund and two peers), with sister links, partners,
// referrals and loans; deterministic for given flags.
//
//   cercles-network-dataset --database_url sqlite:///tmp/n.db --circles 10000 --people 60000
//
// How. Network's store is a projection of events, so the generator makes the
// events a real network would receive — CircleCreated, CirclesMerged,
// PersonCreated (minimised as membership sends them), AdvisorCreated from each
// fund's membership, LoanChanged from lending — and applies them with
// network's own EventProjection (the code and SQL the subscribers run), in
// large transactions with synchronous=NORMAL. Network's own records (sister
// links, partners, referrals and their edges) go through its stores, as its
// RPCs would write them. Left out: the event cursors (the benchmark's
// membership starts empty, so the subscriber has nothing to replay), the
// outbox and the idempotency records (no RPC was ever called). Peer funds'
// circles would arrive by federation; they are written as their funds' events.
//
// The data follows the domain: circles of 4 to 7 (88 % active, 4 % under
// strength, 3 % forming, 2 % suspended, 3 % merged into a later circle); each
// carries a region of its fund, a sector and a language, some a gender, an
// affinity; a person is in at most one circle; a quarter of the people opted
// in to share their expertise, 60 % share their name; loans of $500 to $5,000,
// about 8 % of the active ones more than 30 days late as of --as_of.
//
// The last line prints counts read back from the database and a digest of its
// content, equal for equal flags.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/closed_set.h"
#include "common/api/date.h"
#include "common/config/config.h"
#include "common/storage/database.h"
#include "common/util/crypto.h"
#include "common/util/status.h"
#include "services/network/directory_store.h"
#include "services/network/event_projection.h"
#include "services/network/graph_store.h"
#include "services/network/partner_store.h"
#include "services/network/stats_rules.h"

ABSL_FLAG(std::string, database_url, "",
          "sqlite:///abs/path.db of a database that does not exist yet");
ABSL_FLAG(int32_t, circles, 10000, "circles over all funds");
ABSL_FLAG(int32_t, people, 60000, "people over all funds (at least the circles' members)");
ABSL_FLAG(int32_t, funds, 3, "funds: fund-bench, then fund-peer-1, fund-peer-2...");
ABSL_FLAG(int32_t, sisters, 1500, "sister links, between circles of one region");
ABSL_FLAG(int32_t, loans, 15000, "loans over all funds");
ABSL_FLAG(int32_t, referrals, 3000, "referrals of fund-bench's people to its partners");
ABSL_FLAG(uint64_t, seed, 1, "generator seed");
ABSL_FLAG(std::string, as_of, "2026-01-15", "the data set's today (YYYY-MM-DD)");
ABSL_FLAG(int32_t, batch, 2000, "events per transaction");

namespace cercles::bench {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;

// Regions of each fund (the benchmark fund is Montréal's).
const std::vector<std::vector<std::string>>& Regions() {
  static const auto* regions = new std::vector<std::vector<std::string>>{
      {"Rosemont",
       "Villeray",
       "Hochelaga",
       "Verdun",
       "Plateau-Mont-Royal",
       "Côte-des-Neiges",
       "Saint-Michel",
       "Parc-Extension",
       "Ahuntsic",
       "Montréal-Nord",
       "Lachine",
       "LaSalle",
       "Saint-Laurent",
       "Anjou",
       "Rivière-des-Prairies",
       "Pointe-aux-Trembles",
       "Outremont",
       "Sud-Ouest",
       "Mercier",
       "Centre-Sud"},
      {"Limoilou",
       "Saint-Roch",
       "Saint-Sauveur",
       "Beauport",
       "Charlesbourg",
       "Sainte-Foy",
       "Sillery",
       "Vanier",
       "Lebourgneuf",
       "Montcalm",
       "Saint-Jean-Baptiste",
       "Duberger",
       "Les Saules",
       "Cap-Rouge",
       "Val-Bélair",
       "Loretteville",
       "Neufchâtel",
       "Lairet",
       "Maizerets",
       "Vieux-Québec"},
      {"Sherbrooke-Est", "Fleurimont",    "Lennoxville", "Rock Forest",  "Jacques-Cartier",
       "Mont-Bellevue",  "Brompton",      "Magog",       "Coaticook",    "Windsor",
       "Asbestos",       "Orford",        "Compton",     "Waterville",   "Ascot",
       "Deauville",      "Bromptonville", "Saint-Élie",  "North Hatley", "Stoke"},
  };
  return *regions;
}

const std::vector<std::string> kSectors = {"alimentation", "artisanat", "services",    "commerce",
                                           "numérique",    "culture",   "bien-être",   "mode",
                                           "construction", "transport", "agriculture", "éducation"};
const std::vector<std::string> kAffinities = {
    "youth", "50-plus", "newcomers", "parents", "haitian-community", "latin-american-community"};
const std::vector<std::string> kExpertise = {
    "comptabilité", "marketing web",  "réseaux sociaux",  "plan d'affaires",  "fiscalité",
    "photographie", "vente en ligne", "design graphique", "droit commercial", "logistique",
    "traiteur",     "couture",        "menuiserie",       "subventions",      "exportation"};
const std::vector<std::string> kGiven = {"Amélie", "Karim", "Nadia", "Jean", "Fatou",   "Luis",
                                         "Sophie", "Marc",  "Aïcha", "Minh", "Chantal", "Omar"};
const std::vector<std::string> kFamily = {"Tremblay", "Gagnon", "Roy",    "Côté",   "Bouchard",
                                          "Diallo",   "Nguyen", "Haddad", "Joseph", "Pierre"};

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  int Below(int n) { return static_cast<int>(engine_() % static_cast<uint64_t>(n)); }
  bool Percent(int p) { return Below(100) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(static_cast<int>(v.size()))];
  }

 private:
  std::mt19937_64 engine_;
};

std::string FundId(int f) { return f == 0 ? "fund-bench" : absl::StrCat("fund-peer-", f); }

struct PlannedCircle {
  int fund = 0;
  int64_t id = 0;  // in its fund
  int region = 0;
  mv1::Circle circle;
};

class Generator {
 public:
  Generator(storage::Database* db, uint64_t seed, int batch, absl::CivilDay as_of)
      : db_(db), rng_(seed), batch_(batch), as_of_(as_of) {}

  absl::Status Run(int circles, int people, int funds, int sisters, int loans, int referrals) {
    for (int f = 0; f < funds; ++f) {
      for (int a = 1; a <= 10; ++a) {
        mv1::AdvisorCreated e;
        e.mutable_advisor()->set_name(absl::StrCat("advisors/", a));
        e.mutable_advisor()->set_display_name(absl::StrCat(Pick(kGiven), " ", Pick(kFamily)));
        e.mutable_advisor()->set_email(absl::StrCat("conseil", a, "@", FundId(f), ".example"));
        CERCLES_RETURN_IF_ERROR(Membership(FundId(f), e));
      }
    }
    CERCLES_RETURN_IF_ERROR(PlanCircles(circles, funds));
    CERCLES_RETURN_IF_ERROR(WriteCircles());
    CERCLES_RETURN_IF_ERROR(WritePeople(people, funds));
    CERCLES_RETURN_IF_ERROR(Flush());
    CERCLES_RETURN_IF_ERROR(WriteSisters(sisters));
    CERCLES_RETURN_IF_ERROR(WritePartnersAndReferrals(referrals));
    CERCLES_RETURN_IF_ERROR(WriteLoans(loans));
    return Flush();
  }

 private:
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return rng_.Pick(v);
  }

  // Queues one event's application; every `batch_` events commit together.
  absl::Status Queue(std::function<absl::Status(storage::Transaction&)> write) {
    pending_.push_back(std::move(write));
    return static_cast<int>(pending_.size()) >= batch_ ? Flush() : absl::OkStatus();
  }
  absl::Status Flush() {
    if (pending_.empty()) return absl::OkStatus();
    absl::Status status =
        storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
          for (const auto& write : pending_) CERCLES_RETURN_IF_ERROR(write(tx));
          return absl::OkStatus();
        });
    pending_.clear();
    return status;
  }
  absl::Status Membership(const std::string& fund, const google::protobuf::Message& payload) {
    cercles::common::v1::Event event = MakeEvent(fund, payload);
    return Queue([this, event](storage::Transaction& tx) {
      return projection_.ApplyMembershipEvent(tx, event);
    });
  }
  absl::Status Lending(const std::string& fund, const google::protobuf::Message& payload) {
    cercles::common::v1::Event event = MakeEvent(fund, payload);
    return Queue([this, event](storage::Transaction& tx) {
      return projection_.ApplyLendingEvent(tx, event);
    });
  }
  cercles::common::v1::Event MakeEvent(const std::string& fund,
                                       const google::protobuf::Message& payload) {
    cercles::common::v1::Event e;
    e.set_sequence(++sequence_);
    e.set_fund_id(fund);
    e.set_type(payload.GetDescriptor()->full_name());
    e.mutable_payload()->PackFrom(payload);
    return e;
  }
  google::protobuf::Timestamp Stamp(int days_ago) {
    google::protobuf::Timestamp t;
    t.set_seconds(absl::ToUnixSeconds(absl::FromCivil(as_of_ - days_ago, absl::UTCTimeZone())));
    return t;
  }

  absl::Status PlanCircles(int circles, int funds) {
    std::vector<int64_t> next_id(funds, 0);
    for (int i = 0; i < circles; ++i) {
      PlannedCircle p;
      p.fund = i % funds;
      p.id = ++next_id[p.fund];
      const auto& regions = Regions()[p.fund % Regions().size()];
      p.region = rng_.Below(static_cast<int>(regions.size()));
      mv1::Circle& c = p.circle;
      c.set_name(absl::StrCat("circles/", p.id));
      c.set_display_name(absl::StrCat("Cercle ", regions[p.region], " ", p.id));
      c.set_fund_id(FundId(p.fund));
      c.set_advisor(absl::StrCat("advisors/", 1 + rng_.Below(10)));
      const int roll = rng_.Below(100);
      const int size = 4 + rng_.Below(4);
      if (roll < 88) {
        c.set_status(mv1::CIRCLE_STATUS_ACTIVE), c.set_member_count(size);
      } else if (roll < 92) {
        c.set_status(mv1::CIRCLE_STATUS_UNDER_STRENGTH), c.set_member_count(3);
      } else if (roll < 95) {
        c.set_status(mv1::CIRCLE_STATUS_FORMING), c.set_member_count(2 + rng_.Below(2));
      } else if (roll < 97) {
        c.set_status(mv1::CIRCLE_STATUS_SUSPENDED), c.set_member_count(size);
      } else {
        c.set_status(mv1::CIRCLE_STATUS_MERGED), c.set_member_count(0);
      }
      auto add = [&](mv1::CharacteristicKind kind, const std::string& value) {
        auto* ch = c.add_characteristics();
        ch->set_kind(kind);
        ch->set_value(value);
      };
      add(mv1::CHARACTERISTIC_KIND_REGION, regions[p.region]);
      add(mv1::CHARACTERISTIC_KIND_SECTOR, Pick(kSectors));
      add(mv1::CHARACTERISTIC_KIND_LANGUAGE, rng_.Percent(85) ? "fr" : "en");
      if (rng_.Percent(10)) add(mv1::CHARACTERISTIC_KIND_GENDER, "women");
      if (rng_.Percent(30)) add(mv1::CHARACTERISTIC_KIND_AFFINITY, Pick(kAffinities));
      *c.mutable_update_time() = Stamp(rng_.Below(900));
      planned_.push_back(std::move(p));
    }
    // Each merged circle's members now sit in a later active circle of its fund,
    // which records the lineage.
    for (size_t i = 0; i < planned_.size(); ++i) {
      if (planned_[i].circle.status() != mv1::CIRCLE_STATUS_MERGED) continue;
      for (size_t j = i + 1; j < planned_.size(); ++j) {
        mv1::Circle& later = planned_[j].circle;
        if (planned_[j].fund == planned_[i].fund && later.status() == mv1::CIRCLE_STATUS_ACTIVE &&
            later.merged_from_size() < 2) {
          later.add_merged_from(planned_[i].circle.name());
          break;
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status WriteCircles() {
    for (const PlannedCircle& p : planned_) {
      mv1::CircleCreated e;
      *e.mutable_circle() = p.circle;
      CERCLES_RETURN_IF_ERROR(Membership(FundId(p.fund), e));
    }
    return absl::OkStatus();
  }

  absl::Status WritePeople(int people, int funds) {
    std::vector<int64_t> next_id(funds, 0);
    int written = 0;
    auto person = [&](int fund, const std::string& circle) -> absl::Status {
      mv1::PersonCreated e;
      mv1::Person* p = e.mutable_person();
      p->set_name(absl::StrCat("people/", ++next_id[fund]));
      p->set_given_name(Pick(kGiven));
      p->set_family_name(Pick(kFamily));
      p->set_language(rng_.Percent(85) ? mv1::LANGUAGE_FR : mv1::LANGUAGE_EN);
      p->mutable_business()->set_sector(Pick(kSectors));
      p->mutable_consents()->set_share_with_network(rng_.Percent(60));
      p->mutable_consents()->set_share_with_other_funds(rng_.Percent(30));
      if (rng_.Percent(25)) {
        p->set_expertise_opt_in(true);
        for (int k = 1 + rng_.Below(3); k > 0; --k) p->add_expertise(Pick(kExpertise));
        // Entries are distinct (membership refuses repeats).
        std::sort(p->mutable_expertise()->begin(), p->mutable_expertise()->end());
        p->mutable_expertise()->erase(
            std::unique(p->mutable_expertise()->begin(), p->mutable_expertise()->end()),
            p->mutable_expertise()->end());
      }
      p->set_status(mv1::PERSON_STATUS_ACTIVE);
      p->set_current_circle(circle);
      ++written;
      return Membership(FundId(fund), e);
    };
    for (PlannedCircle& p : planned_) {
      const int members =
          p.circle.status() == mv1::CIRCLE_STATUS_MERGED ? 0 : p.circle.member_count();
      for (int m = 0; m < members; ++m) {
        const int64_t person_id = next_id[p.fund] + 1;
        CERCLES_RETURN_IF_ERROR(person(p.fund, p.circle.name()));
        if (p.fund == 0) members_of_bench_.push_back({person_id, p.id});
      }
    }
    if (written > people) {
      return absl::InvalidArgumentError(absl::StrCat("--people ", people, " is fewer than the ",
                                                     written, " members of the circles"));
    }
    for (int f = 0; written < people; f = (f + 1) % funds) {
      CERCLES_RETURN_IF_ERROR(person(f, ""));  // graduates waiting for a circle
    }
    return absl::OkStatus();
  }

  absl::Status WriteSisters(int sisters) {
    network::GraphStore graph;
    std::map<std::pair<int, int>, std::vector<const PlannedCircle*>> by_region;
    for (const PlannedCircle& p : planned_) {
      if (p.circle.status() != mv1::CIRCLE_STATUS_MERGED)
        by_region[{p.fund, p.region}].push_back(&p);
    }
    std::set<std::pair<std::string, std::string>> done;
    return storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
      for (int tries = 0; static_cast<int>(done.size()) < sisters && tries < sisters * 10;
           ++tries) {
        const PlannedCircle& a = rng_.Pick(planned_);
        if (a.circle.status() == mv1::CIRCLE_STATUS_MERGED) continue;
        const PlannedCircle& b = *rng_.Pick(by_region[{a.fund, a.region}]);
        auto pair = network::SisterPair({FundId(a.fund), a.id}, {FundId(b.fund), b.id});
        if (!pair.ok()) continue;  // the same circle
        nv1::SisterLink link;
        link.set_circle_a(network::NetworkCircleName(pair->first));
        link.set_circle_b(network::NetworkCircleName(pair->second));
        if (!done.insert({link.circle_a(), link.circle_b()}).second) continue;
        link.set_note("même quartier");
        link.set_declared_by("staff:dataset-generator");
        CERCLES_RETURN_IF_ERROR(graph.InsertSister(
            tx, link, absl::ToUnixMicros(absl::FromCivil(as_of_ - 30, absl::UTCTimeZone()))));
      }
      return absl::OkStatus();
    });
  }

  absl::Status WritePartnersAndReferrals(int referrals) {
    network::PartnerStore partners;
    network::GraphStore graph;
    const absl::Time when = absl::FromCivil(as_of_ - 60, absl::UTCTimeZone());
    static const std::vector<std::pair<nv1::PartnerKind, std::string>> kPartners = {
        {nv1::PARTNER_KIND_CDEC, "CDEC Rosemont–Petite-Patrie"},
        {nv1::PARTNER_KIND_CDEC, "CDEC Centre-Sud"},
        {nv1::PARTNER_KIND_SAJE, "SAJE Montréal Centre"},
        {nv1::PARTNER_KIND_CLD, "PME MTL Est-de-l'Île"},
        {nv1::PARTNER_KIND_SACO, "SACO — conseillers bénévoles"},
        {nv1::PARTNER_KIND_BANK, "Caisse solidaire"},
        {nv1::PARTNER_KIND_SUBSIDY_PROGRAMME, "Futurpreneur"},
        {nv1::PARTNER_KIND_OTHER, "Centre d'aide aux immigrants"}};
    return storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
      for (const auto& [kind, name] : kPartners) {
        nv1::Partner p;
        p.set_display_name(name);
        p.set_kind(kind);
        p.set_status(nv1::PARTNER_STATUS_ACTIVE);
        for (int k = 0; k < 4; ++k) p.add_territory(Regions()[0][(partners_count_ * 4 + k) % 20]);
        p.add_services(Pick(kExpertise));
        ++partners_count_;
        CERCLES_RETURN_IF_ERROR(partners.InsertPartner(tx, p, when).status());
      }
      for (int r = 0; r < referrals && !members_of_bench_.empty(); ++r) {
        const auto& [person, circle] = rng_.Pick(members_of_bench_);
        const int64_t partner = 1 + rng_.Below(static_cast<int>(kPartners.size()));
        nv1::Referral referral;
        referral.set_person(absl::StrCat("people/", person));
        referral.set_partner(absl::StrCat("partners/", partner));
        referral.set_circle(network::NetworkCircleName({FundId(0), circle}));
        referral.set_reason("suivi individuel");
        const int roll = rng_.Below(100);
        referral.set_status(roll < 30   ? nv1::REFERRAL_STATUS_SENT
                            : roll < 50 ? nv1::REFERRAL_STATUS_IN_PROGRESS
                            : roll < 85 ? nv1::REFERRAL_STATUS_COMPLETED
                                        : nv1::REFERRAL_STATUS_DECLINED);
        referral.set_referred_by("staff:dataset-generator");
        CERCLES_RETURN_IF_ERROR(
            partners.InsertReferral(tx, referral, person, partner, when).status());
        if (referral.status() != nv1::REFERRAL_STATUS_DECLINED) {
          CERCLES_RETURN_IF_ERROR(graph.AddToEdge(tx, referral.circle(), nv1::EDGE_KIND_REFERRAL,
                                                  network::PartnerNodeName(FundId(0), partner), 1));
        }
      }
      return absl::OkStatus();
    });
  }

  absl::Status WriteLoans(int loans) {
    std::vector<const PlannedCircle*> lenders;
    for (const PlannedCircle& p : planned_) {
      if (p.circle.status() != mv1::CIRCLE_STATUS_MERGED) lenders.push_back(&p);
    }
    for (int i = 0; i < loans && !lenders.empty(); ++i) {
      const PlannedCircle& p = *rng_.Pick(lenders);
      lv1::LoanChanged e;
      lv1::Loan* loan = e.mutable_loan();
      loan->set_name(absl::StrCat("loans/", ++loan_ids_[p.fund]));
      loan->set_circle(p.circle.name());
      const int64_t principal = 50000 + 10000 * rng_.Below(46);  // $500 to $5,000
      loan->mutable_amount()->set_currency_code("CAD");
      loan->mutable_amount()->set_minor_units(principal);
      loan->mutable_outstanding_principal()->set_currency_code("CAD");
      const int roll = rng_.Below(100);
      if (roll < 50) {
        loan->set_state(lv1::LOAN_STATE_ACTIVE);
        loan->mutable_outstanding_principal()->set_minor_units(principal * (20 + rng_.Below(80)) /
                                                               100);
        const int late = rng_.Below(100);
        if (late < 8) {
          *loan->mutable_arrears()->mutable_oldest_unpaid_due_date() =
              api::DateFromDay(as_of_ - (31 + rng_.Below(90)));
        } else if (late < 20) {
          *loan->mutable_arrears()->mutable_oldest_unpaid_due_date() =
              api::DateFromDay(as_of_ - (1 + rng_.Below(30)));
        }
      } else if (roll < 85) {
        loan->set_state(lv1::LOAN_STATE_CLOSED_REPAID);
      } else if (roll < 90) {
        loan->set_state(lv1::LOAN_STATE_WRITTEN_OFF);
      } else {
        loan->set_state(lv1::LOAN_STATE_SUBMITTED);
      }
      api::SetClosedSet(&e, "change", "change_kind", "DISBURSED");  // as lending fills it
      CERCLES_RETURN_IF_ERROR(Lending(FundId(p.fund), e));
    }
    return absl::OkStatus();
  }

  storage::Database* db_;
  Rng rng_;
  const int batch_;
  const absl::CivilDay as_of_;
  network::EventProjection projection_;
  std::vector<std::function<absl::Status(storage::Transaction&)>> pending_;
  int64_t sequence_ = 0;
  std::vector<PlannedCircle> planned_;
  std::vector<std::pair<int64_t, int64_t>> members_of_bench_;  // (person, circle) of fund 0
  std::map<int, int64_t> loan_ids_;
  int partners_count_ = 0;
};

// Counts read back, and a digest of the content (equal for equal flags).
absl::StatusOr<std::string> Summary(storage::Database& db) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, db.Begin(storage::TxMode::kRead));
  std::string summary, digest_input;
  for (const char* table :
       {"network_circles", "network_people", "network_expertise", "network_adjacency",
        "network_sisters", "network_loans", "network_partners", "network_referrals"}) {
    CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                             tx->Query(absl::StrCat("SELECT COUNT(*) FROM ", table)));
    absl::StrAppend(&summary, summary.empty() ? "" : ", ", table + 8, " ", rows[0].Int(0));
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx->Query("SELECT node, status, member_count, region FROM network_circles ORDER BY node"));
  for (const auto& r : rows)
    absl::StrAppend(&digest_input, r.Text(0), r.Int(1), r.Int(2), r.Text(3));
  CERCLES_ASSIGN_OR_RETURN(rows, tx->Query("SELECT node, kind, other, weight FROM "
                                           "network_adjacency ORDER BY node, kind, other"));
  for (const auto& r : rows)
    absl::StrAppend(&digest_input, r.Text(0), r.Int(1), r.Text(2), r.Int(3));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return absl::StrCat(summary, "; digest ", Sha256Hex(digest_input).substr(0, 16));
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Writes a large network database for scripts/bench-network.");
  cercles::config::SetVersionForFlags(argv[0]);  // --version
  absl::ParseCommandLine(argc, argv);
  const std::string url = absl::GetFlag(FLAGS_database_url);
  if (!absl::StartsWith(url, "sqlite://") || url == "sqlite::memory:") {
    std::fprintf(stderr, "--database_url must be sqlite:///path/to/new.db\n");
    return 2;
  }
  const std::string path = url.substr(std::string("sqlite://").size());
  if (std::filesystem::exists(path)) {
    std::fprintf(stderr, "%s already exists: the generator only writes new databases\n",
                 path.c_str());
    return 2;
  }
  absl::CivilDay as_of;
  if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_as_of), &as_of)) {
    std::fprintf(stderr, "--as_of must be YYYY-MM-DD\n");
    return 2;
  }
  const int funds = absl::GetFlag(FLAGS_funds);
  if (funds < 1 || funds > 3 || absl::GetFlag(FLAGS_circles) < 1 ||
      absl::GetFlag(FLAGS_batch) < 1) {
    std::fprintf(stderr, "--funds must be 1 to 3; --circles and --batch positive\n");
    return 2;
  }
  storage::OpenOptions options;
  options.durable_writes = false;  // a benchmark fixture, rebuilt at will
  auto db = storage::Database::Open(url, options);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", std::string(db.status().message()).c_str());
    return 1;
  }
  absl::Status status = network::MigrateNetwork(**db);
  const absl::Time start = absl::Now();
  if (status.ok()) {
    Generator generator(db->get(), absl::GetFlag(FLAGS_seed), absl::GetFlag(FLAGS_batch), as_of);
    status = generator.Run(absl::GetFlag(FLAGS_circles), absl::GetFlag(FLAGS_people), funds,
                           absl::GetFlag(FLAGS_sisters), absl::GetFlag(FLAGS_loans),
                           absl::GetFlag(FLAGS_referrals));
  }
  if (!status.ok()) {
    std::fprintf(stderr, "cercles-network-dataset: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  auto summary = Summary(**db);
  if (!summary.ok()) {
    std::fprintf(stderr, "cercles-network-dataset: %s\n",
                 std::string(summary.status().message()).c_str());
    return 1;
  }
  std::printf("written in %.1f s: %s\n", absl::ToDoubleSeconds(absl::Now() - start),
              summary->c_str());
  return 0;
}

}  // namespace
}  // namespace cercles::bench

int main(int argc, char** argv) { return cercles::bench::Main(argc, argv); }
