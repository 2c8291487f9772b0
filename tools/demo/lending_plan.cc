#include "tools/demo/lending_plan.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/demo/fund_vocabulary.h"

namespace cercles::demo {
namespace {

using lending::Frequency;

lending::Schedule ScheduleOf(const lending::ScheduleTerms& terms) {
  auto schedule = lending::BuildSchedule(terms);
  // The plan's terms are fixed below and always valid (lending_plan_test checks
  // every planned loan against the same validation as lending).
  return schedule.ok() ? *schedule : lending::Schedule{};
}

// Pays the first `count` instalments on their due date or up to two days late
// (never after `until`).
void PayInstalments(const lending::Schedule& schedule, int count, absl::CivilDay until, Rng& rng,
                    std::vector<PaymentPlan>* out) {
  for (const lending::Instalment& instalment : schedule.instalments) {
    if (instalment.number > count) break;
    const absl::CivilDay day = std::min(until, instalment.due + rng.Between(0, 2));
    if (day < instalment.due - 3 || instalment.due > until) break;
    out->push_back({day, instalment.total_cents, false});
  }
}

// Pays, on `day`, everything still owed after the first `paid` instalments.
void PayOff(const lending::Schedule& schedule, int paid, absl::CivilDay day,
            std::vector<PaymentPlan>* out) {
  int64_t rest = 0;
  for (const lending::Instalment& instalment : schedule.instalments) {
    if (instalment.number > paid) rest += instalment.total_cents;
  }
  if (rest > 0) out->push_back({day, rest, false});
}

// Instalments due on or before `day`.
int DueBy(const lending::Schedule& schedule, absl::CivilDay day) {
  int n = 0;
  for (const lending::Instalment& instalment : schedule.instalments) {
    if (instalment.due <= day) ++n;
  }
  return n;
}

struct Purpose {
  const char* fr;
  const char* en;
};

const std::vector<Purpose>& Purposes() {
  static const auto* purposes = new std::vector<Purpose>{
      {"Achat d'équipement", "Equipment purchase"},
      {"Inventaire pour la saison", "Inventory for the season"},
      {"Fonds de roulement", "Working capital"},
      {"Site web et promotion", "Website and marketing"},
      {"Aménagement d'un local", "Fitting out premises"},
      {"Matières premières en volume", "Raw materials in bulk"},
  };
  return *purposes;
}

void Describe(const DemoPlan& plan, const CirclePlan& circle, int applicant, Rng& rng,
              LoanPlan* loan) {
  const auto& person = plan.people[static_cast<size_t>(applicant)].person;
  const Purpose& purpose = rng.Pick(Purposes());
  const bool fr = circle.language == Language::kFrench;
  const std::string business = person.business().name().empty()
                                   ? std::string(fr ? "Mon projet" : "My project")
                                   : person.business().name();
  const double dollars = static_cast<double>(loan->terms.principal_cents) / 100.0;
  const int monthly_sales = rng.Between(12, 60) * 100;
  loan->purpose = absl::StrCat(fr ? purpose.fr : purpose.en, " — ", business);
  loan->plan_summary =
      fr ? absl::StrFormat(
               "%s (%s). Ventes actuelles d'environ %d $ par mois. Le prêt de %.0f $ sert à : %s. "
               "Remboursement à même les revenus de l'entreprise; le cercle a suivi le projet en "
               "rencontre.",
               business, person.business().sector(), monthly_sales, dollars,
               absl::AsciiStrToLower(purpose.fr))
         : absl::StrFormat(
               "%s (%s). Current sales about $%d a month. The $%.0f loan pays for: %s. Repaid from "
               "the business's income; the circle followed the project in its meetings.",
               business, person.business().sector(), monthly_sales, dollars,
               absl::AsciiStrToLower(purpose.en));
}

class Planner {
 public:
  Planner(const DemoPlan& plan, uint64_t seed) : plan_(plan), seed_(seed) {}

  LendingPlan Run();

 private:
  // A loan of `circle`'s member number `member` (in joining order, the founders
  // first); false (nothing added) when its story does not fit before the anchor.
  bool Add(int circle, int member, LoanFate fate, int64_t cents, int count, Frequency frequency,
           absl::CivilDay disbursed, int previous);
  void PlanFinancing();
  const LoanPlan* Last() const { return out_.loans.empty() ? nullptr : &out_.loans.back(); }
  int LastIndex() const { return static_cast<int>(out_.loans.size()) - 1; }

  const DemoPlan& plan_;
  const uint64_t seed_;
  LendingPlan out_;
};

bool Planner::Add(int circle_index, int member, LoanFate fate, int64_t cents, int count,
                  Frequency frequency, absl::CivilDay disbursed, int previous) {
  const CirclePlan& circle = plan_.circles[static_cast<size_t>(circle_index)];
  const absl::CivilDay anchor = plan_.anchor;
  if (member >= static_cast<int>(circle.members.size())) return false;
  const bool disburses = fate != LoanFate::kAwaitingVote && fate != LoanFate::kAwaitingDecision &&
                         fate != LoanFate::kWithdrawn;
  if (disburses && (disbursed < circle.activated + 7 || disbursed > anchor - 1)) return false;
  if (previous >= 0) {
    const LoanPlan& before = out_.loans[static_cast<size_t>(previous)];
    if (before.payments.empty() || disbursed <= before.payments.back().day) return false;
  }
  const int index = static_cast<int>(out_.loans.size());
  Rng rng = Rng::For(seed_, "loan", index);
  LoanPlan loan;
  loan.key = absl::StrCat("demo-loan-", index + 1);
  loan.circle = circle_index;
  loan.applicant = circle.members[static_cast<size_t>(member)];
  loan.previous = previous;
  loan.fate = fate;
  loan.terms.principal_cents = cents;
  loan.terms.annual_rate_bps = 800;
  loan.terms.instalment_count = count;
  loan.terms.frequency = frequency;
  loan.terms.method = lending::InterestMethod::kDecliningBalance;
  loan.disbursed = disbursed;
  loan.terms.first_due = frequency == Frequency::kMonthly
                             ? disbursed + 30
                             : disbursed + (frequency == Frequency::kWeekly ? 7 : 14);
  Describe(plan_, circle, loan.applicant, rng, &loan);

  const lending::Schedule schedule = ScheduleOf(loan.terms);
  const int due_by_anchor = DueBy(schedule, anchor - 1);
  switch (fate) {
    case LoanFate::kRepaid:
      if (count >= 4 && rng.Percent(50)) {
        // Half the instalments, then the rest early in one payment (prepayment).
        const int half = count / 2;
        PayInstalments(schedule, half, anchor - 1, rng, &loan.payments);
        const absl::CivilDay early = schedule.instalments[static_cast<size_t>(half)].due - 3;
        if (static_cast<int>(loan.payments.size()) != half || early > anchor - 1 ||
            early <= loan.payments.back().day) {
          return false;
        }
        PayOff(schedule, half, early, &loan.payments);
      } else {
        PayInstalments(schedule, count, anchor - 1, rng, &loan.payments);
        if (static_cast<int>(loan.payments.size()) != count) return false;
      }
      break;
    case LoanFate::kCurrent:
      PayInstalments(schedule, due_by_anchor, anchor - 1, rng, &loan.payments);
      if (due_by_anchor >= count) return false;  // it would be repaid already
      if (!loan.payments.empty() && index % 3 == 0) loan.payments.front().keyed_wrong_first = true;
      break;
    case LoanFate::kLate:
    case LoanFate::kGuaranteeCalled:
    case LoanFate::kWrittenOff: {
      // Paid the first instalments, then stopped: how long ago decides the bucket.
      const int paid = fate == LoanFate::kLate ? std::max(1, due_by_anchor - 2) : 1;
      if (paid >= count || due_by_anchor <= paid) return false;
      PayInstalments(schedule, paid, anchor - 1, rng, &loan.payments);
      const absl::CivilDay first_missed = schedule.instalments[static_cast<size_t>(paid)].due;
      if (fate == LoanFate::kGuaranteeCalled) {
        loan.guarantee_call = first_missed + 62;
        if (*loan.guarantee_call > anchor - 1) return false;
      }
      if (fate == LoanFate::kWrittenOff) {
        loan.write_off = first_missed + 182;
        if (*loan.write_off > anchor - 1) return false;
      }
      break;
    }
    case LoanFate::kAwaitingVote:
      loan.votes_cast = 1;
      break;
    case LoanFate::kAwaitingDecision:
    case LoanFate::kWithdrawn:
      break;
  }
  if (fate == LoanFate::kAwaitingDecision) loan.no_votes = 1;
  out_.loans.push_back(std::move(loan));
  return true;
}

LendingPlan Planner::Run() {
  const absl::CivilDay anchor = plan_.anchor;
  // The oldest active circles first: their members have had time to borrow.
  std::vector<int> circles;
  for (const CirclePlan& c : plan_.circles) {
    if (c.fate == Fate::kActive) circles.push_back(c.index);
  }
  std::sort(circles.begin(), circles.end(), [&](int a, int b) {
    const auto& ca = plan_.circles[static_cast<size_t>(a)];
    const auto& cb = plan_.circles[static_cast<size_t>(b)];
    return ca.activated != cb.activated ? ca.activated < cb.activated : a < b;
  });
  auto circle = [&](size_t i) { return i < circles.size() ? circles[i] : -1; };
  auto activated = [&](int c) { return plan_.circles[static_cast<size_t>(c)].activated; };
  out_.capital_day = anchor - 400;
  out_.capital_cents = 25'000'000;  // $250,000 from the fund's backers

  if (int c = circle(0); c >= 0) {
    const absl::CivilDay start = activated(c);
    // Climbing the ladder: $500, $1,000 and $2,000 repaid early, then $5,000,
    // above the guarantee threshold: the borrower's responsibility alone.
    int previous = -1;
    const int64_t ladder[] = {50'000, 100'000, 200'000};
    absl::CivilDay day = start + 10;
    for (int64_t cents : ladder) {
      if (!Add(c, 0, LoanFate::kRepaid, cents, 4, Frequency::kEveryTwoWeeks, day, previous)) break;
      previous = LastIndex();
      day = Last()->payments.back().day + 3;
    }
    if (previous >= 0 &&
        out_.loans[static_cast<size_t>(previous)].terms.principal_cents == 200'000) {
      Add(c, 0, LoanFate::kCurrent, 500'000, 24, Frequency::kMonthly, day, previous);
    }
    // A first loan gone bad: guarantee called, then written off.
    Add(c, 1, LoanFate::kWrittenOff, 50'000, 6, Frequency::kMonthly, start + 8, -1);
    Add(c, 2, LoanFate::kLate, 50'000, 6, Frequency::kMonthly, anchor - 140, -1);
    Add(c, 3, LoanFate::kAwaitingVote, 50'000, 6, Frequency::kMonthly, anchor, -1);
  }
  if (int c = circle(1); c >= 0) {
    // Repaid on time, then a second, larger loan being repaid.
    if (Add(c, 0, LoanFate::kRepaid, 50'000, 8, Frequency::kWeekly, activated(c) + 10, -1)) {
      Add(c, 0, LoanFate::kCurrent, 100'000, 10, Frequency::kMonthly,
          Last()->payments.back().day + 5, LastIndex());
    }
    Add(c, 1, LoanFate::kGuaranteeCalled, 50'000, 6, Frequency::kMonthly, anchor - 190, -1);
    Add(c, 2, LoanFate::kCurrent, 50'000, 12, Frequency::kMonthly, anchor - 95, -1);
    Add(c, 3, LoanFate::kAwaitingDecision, 50'000, 10, Frequency::kEveryTwoWeeks, anchor, -1);
  }
  if (int c = circle(2); c >= 0) {
    Add(c, 0, LoanFate::kCurrent, 50'000, 16, Frequency::kWeekly, anchor - 45, -1);
    Add(c, 1, LoanFate::kLate, 50'000, 20, Frequency::kWeekly, anchor - 80, -1);
    Add(c, 2, LoanFate::kWithdrawn, 50'000, 6, Frequency::kMonthly, anchor, -1);
    Add(c, 3, LoanFate::kRepaid, 50'000, 6, Frequency::kEveryTwoWeeks, activated(c) + 12, -1);
  }
  if (int c = circle(3); c >= 0) {
    Add(c, 0, LoanFate::kCurrent, 50'000, 12, Frequency::kEveryTwoWeeks, anchor - 60, -1);
    Add(c, 1, LoanFate::kRepaid, 50'000, 8, Frequency::kWeekly, activated(c) + 9, -1);
  }
  PlanFinancing();
  return std::move(out_);
}

// The withdrawn applicant got a bank loan through the fund's referral; the
// ladder's climber is referred for a larger amount; one referral declined.
// Subsidies for the newest circles' members.
void Planner::PlanFinancing() {
  bool declined = false;
  for (const LoanPlan& loan : out_.loans) {
    if (loan.fate == LoanFate::kWithdrawn) {
      out_.bank_referrals.push_back({"",
                                     loan.applicant,
                                     "Caisse Desjardins du Plateau",
                                     800'000,
                                     {"sent", "accepted"},
                                     750'000,
                                     "Equipment financing; the fund's letter of support attached"});
    }
    if (loan.terms.principal_cents == 500'000) {
      out_.bank_referrals.push_back({"",
                                     loan.applicant,
                                     "Banque Nationale — PME",
                                     2'500'000,
                                     {"sent"},
                                     0,
                                     "Second location; three years of statements"});
    }
    if (loan.fate == LoanFate::kLate && !declined) {
      declined = true;
      out_.bank_referrals.push_back({"",
                                     loan.applicant,
                                     "RBC Small Business",
                                     1'000'000,
                                     {"sent", "declined"},
                                     0,
                                     "Declined: credit history too short"});
    }
  }
  const std::vector<SubsidyPlan> subsidies = {
      {"",
       0,
       "Futurpreneur — Démarrage",
       1'500'000,
       {"submitted", "granted"},
       1'500'000,
       "Granted with a mentor for two years"},
      {"", 0, "PME MTL — Bourse jeunes entrepreneurs", 500'000, {"submitted"}, 0, ""},
      {"",
       0,
       "Emploi-Québec — Soutien au travail autonome",
       1'200'000,
       {"submitted", "refused"},
       0,
       "Refused: the business started before the application"},
  };
  // Members of the newest active circles (the fund helps newcomers most).
  std::vector<int> people;
  for (auto it = plan_.circles.rbegin(); it != plan_.circles.rend() && people.size() < 3; ++it) {
    if (it->fate == Fate::kActive) people.push_back(it->members.front());
  }
  for (size_t i = 0; i < subsidies.size() && i < people.size(); ++i) {
    out_.subsidies.push_back(subsidies[i]);
    out_.subsidies.back().person = people[i];
  }
  for (size_t i = 0; i < out_.bank_referrals.size(); ++i) {
    out_.bank_referrals[i].key = absl::StrCat("demo-bank-referral-", i + 1);
  }
  for (size_t i = 0; i < out_.subsidies.size(); ++i) {
    out_.subsidies[i].key = absl::StrCat("demo-subsidy-", i + 1);
  }
}

}  // namespace

LendingPlan PlanLending(const DemoPlan& plan, uint64_t seed) { return Planner(plan, seed).Run(); }

std::vector<int> VotersOf(const DemoPlan& plan, const LoanPlan& loan) {
  std::vector<int> voters;
  for (int member : MembersOn(plan.circles[static_cast<size_t>(loan.circle)], plan.anchor)) {
    if (member != loan.applicant) voters.push_back(member);
  }
  return voters;
}

}  // namespace cercles::demo
