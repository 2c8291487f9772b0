#include "tools/demo/demo_plan.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cercles::demo {
namespace {

using v1::Characteristic;
using v1::MeetingFrequency;

constexpr MeetingFrequency kMonthly = v1::MEETING_FREQUENCY_MONTHLY;
constexpr MeetingFrequency kBiweekly = v1::MEETING_FREQUENCY_EVERY_TWO_WEEKS;
constexpr Language kFr = Language::kFrench;
constexpr Language kEn = Language::kEnglish;

// A circle of the demo fund, as the fund would describe it.
struct CircleTemplate {
  const char* name;
  const char* sector;  // "" for a circle of mixed sectors
  Language language;
  const char* region;  // a Neighbourhood key
  bool women_only;
  const char* affinity;  // "" or e.g. "haitian-community", "youth", "50-plus"
  const char* savings;   // "" or "monthly", "weekly", "tontine"
  int size;              // founding members
  Fate fate;
  const char* reason;  // departure or suspension reason (fates other than active, forming)
  MeetingFrequency frequency;
  absl::Weekday weekday;  // the day the circle meets
};

const std::vector<CircleTemplate>& CircleTemplates() {
  using W = absl::Weekday;
  static const auto* const kTemplates = new std::vector<CircleTemplate>{
      {"Les Pionnières", "food", kFr, "hochelaga-maisonneuve", true, "", "monthly", 6,
       Fate::kActive, "", kMonthly, W::tuesday},
      {"Verdun Numérique", "technology", kFr, "verdun", false, "youth", "", 5, Fate::kActive, "",
       kBiweekly, W::wednesday},
      {"Les Bâtisseurs", "construction", kFr, "mercier", false, "newcomers", "monthly", 5,
       Fate::kActive, "", kMonthly, W::thursday},
      {"Hochelaga Solidaire", "retail", kFr, "hochelaga-maisonneuve", false, "", "", 7,
       Fate::kActive, "", kMonthly, W::monday},
      {"Kombit Saint-Michel", "food", kFr, "saint-michel", false, "haitian-community", "tontine", 6,
       Fate::kActive, "", kBiweekly, W::saturday},
      {"Les Artisanes de Rosemont", "crafts", kFr, "rosemont", true, "", "", 5, Fate::kActive, "",
       kMonthly, W::wednesday},
      {"Cercle Tremplin", "services", kFr, "villeray", false, "youth", "", 4, Fate::kUnderStrength,
       "a accepté un emploi à temps plein et met son projet en veilleuse", kMonthly, W::tuesday},
      {"Saveurs du Petit Maghreb", "food", kFr, "saint-michel", false, "maghreb-community", "", 5,
       Fate::kActive, "", kBiweekly, W::sunday},
      {"Les Mains Habiles", "crafts", kFr, "plateau-mont-royal", false, "", "monthly", 6,
       Fate::kActive, "", kMonthly, W::thursday},
      {"Cercle Envol", "care", kFr, "montreal-nord", true, "parents", "", 5, Fate::kActive, "",
       kBiweekly, W::tuesday},
      {"Les Audacieuses", "beauty", kFr, "saint-michel", true, "haitian-community", "tontine", 6,
       Fate::kActive, "", kBiweekly, W::monday},
      {"Cercle Horizon", "services", kFr, "ahuntsic", false, "50-plus", "", 5, Fate::kActive, "",
       kMonthly, W::wednesday},
      {"The Mile End Makers", "crafts", kEn, "mile-end", false, "", "", 5, Fate::kActive, "",
       kBiweekly, W::thursday},
      {"Cercle Racines", "agriculture", kFr, "pointe-saint-charles", false, "", "", 4,
       Fate::kActive, "", kMonthly, W::saturday},
      {"Les Défricheurs", "technology", kFr, "plateau-mont-royal", false, "", "", 6,
       Fate::kSuspended,
       "pause demandée par les membres jusqu'en janvier : trois d'entre eux sont en pleine saison",
       kMonthly, W::tuesday},
      {"NDG Entrepreneurs", "services", kEn, "notre-dame-de-grace", false, "", "monthly", 6,
       Fate::kActive, "", kMonthly, W::wednesday},
      {"Cercle Boussole", "retail", kFr, "cote-des-neiges", false, "newcomers", "", 5,
       Fate::kActive, "", kBiweekly, W::thursday},
      {"Las Emprendedoras", "food", kFr, "villeray", true, "latin-american-community", "monthly", 5,
       Fate::kActive, "", kBiweekly, W::saturday},
      {"Cercle L'Étincelle", "arts", kFr, "plateau-mont-royal", false, "youth", "", 5,
       Fate::kActive, "", kMonthly, W::monday},
      {"Les Voisins d'affaires", "services", kFr, "rosemont", false, "", "monthly", 7,
       Fate::kActive, "", kMonthly, W::tuesday},
      {"Cercle Élan", "cleaning", kFr, "montreal-nord", false, "newcomers", "tontine", 5,
       Fate::kActive, "", kBiweekly, W::sunday},
      {"Les Bâtisseuses", "construction", kFr, "hochelaga-maisonneuve", true, "", "", 4,
       Fate::kActive, "", kMonthly, W::wednesday},
      {"Cercle Tisserand", "crafts", kFr, "saint-henri", false, "", "", 4, Fate::kMergeSource,
       "a déménagé à Québec", kMonthly, W::thursday},
      {"Cercle Atwater", "crafts", kFr, "saint-henri", false, "", "", 4, Fate::kMergeSource,
       "a fermé son atelier pour un emploi salarié", kMonthly, W::thursday},
      {"Les Jardiniers urbains", "agriculture", kFr, "rosemont", false, "", "", 5, Fate::kActive,
       "", kMonthly, W::saturday},
      {"Cercle Bonne Mine", "food", kFr, "centre-sud", false, "", "weekly", 6, Fate::kActive, "",
       kBiweekly, W::monday},
      {"Westside Circle", "technology", kEn, "lasalle", false, "", "", 5, Fate::kActive, "",
       kBiweekly, W::tuesday},
      {"Cercle Main dans la main", "care", kFr, "ahuntsic", true, "50-plus", "", 5, Fate::kActive,
       "", kMonthly, W::thursday},
      {"Les Couturières de Saint-Henri", "crafts", kFr, "saint-henri", true, "newcomers", "tontine",
       6, Fate::kActive, "", kBiweekly, W::wednesday},
      {"Cercle Pointe-Saint-Charles", "services", kFr, "pointe-saint-charles", false, "", "", 4,
       Fate::kUnderStrength, "a déménagé en région pour rejoindre sa famille", kMonthly,
       W::tuesday},
      {"Cercle Ahuntsic Affaires", "retail", kFr, "ahuntsic", false, "", "monthly", 6,
       Fate::kActive, "", kMonthly, W::monday},
      {"Montréal-Nord Ensemble", "food", kFr, "montreal-nord", false, "haitian-community",
       "tontine", 7, Fate::kActive, "", kBiweekly, W::saturday},
      {"Cercle Cap Nord", "transport", kFr, "anjou", false, "", "", 5, Fate::kActive, "", kMonthly,
       W::wednesday},
      {"Les Passeurs", "arts", kFr, "centre-sud", false, "", "", 5, Fate::kActive, "", kMonthly,
       W::thursday},
      {"Cercle Mosaïque", "", kFr, "parc-extension", false, "newcomers", "", 6, Fate::kActive, "",
       kBiweekly, W::tuesday},
      {"Les Semeuses", "agriculture", kFr, "mercier", true, "", "", 5, Fate::kActive, "", kMonthly,
       W::monday},
      {"Cercle Lachine Affaires", "retail", kFr, "lachine", false, "", "monthly", 5, Fate::kActive,
       "", kMonthly, W::wednesday},
      {"Cercle Fil d'Or", "beauty", kFr, "villeray", true, "", "", 4, Fate::kUnderStrength,
       "retourne aux études à temps plein", kMonthly, W::sunday},
      {"Cercle Le Rucher", "food", kFr, "verdun", false, "", "", 3, Fate::kForming, "", kMonthly,
       W::thursday},
      {"Cercle Bel Avenir", "services", kFr, "lasalle", false, "youth", "", 6, Fate::kActive, "",
       kMonthly, W::tuesday},
  };
  return *kTemplates;
}

constexpr int kPastCohorts = 7;
constexpr int kEnglishCohort = 4;  // the one cohort taught in English
constexpr int kCurrentCohort = kPastCohorts;
constexpr int kFirstCohortNumber = 31;  // the fund has trained cohorts before these

absl::CivilDay OnOrBefore(absl::CivilDay day, absl::Weekday weekday) {
  while (absl::GetWeekday(day) != weekday) day -= 1;
  return day;
}

absl::CivilDay OnOrAfter(absl::CivilDay day, absl::Weekday weekday) {
  while (absl::GetWeekday(day) != weekday) day += 1;
  return day;
}

// "hiver 2026" for a start in December 2025 too: winter is named by its January.
std::string Season(absl::CivilDay day, Language language) {
  static const char* const kFrench[] = {"hiver",     "hiver",   "printemps", "printemps",
                                        "printemps", "été",     "été",       "été",
                                        "automne",   "automne", "automne",   "hiver"};
  static const char* const kEnglish[] = {"winter", "winter", "spring", "spring",
                                         "spring", "summer", "summer", "summer",
                                         "fall",   "fall",   "fall",   "winter"};
  const int m = day.month() - 1;
  const int64_t year = day.year() + (day.month() == 12 ? 1 : 0);
  return absl::StrCat(language == kFr ? kFrench[m] : kEnglish[m], " ", year);
}

// The schedule's first planned day after `day` (monthly: the first meeting's
// day of the month, at most the 28th here; every two weeks: 14 days apart).
absl::CivilDay NextPlannedDay(const v1::MeetingSchedule& schedule, absl::CivilDay day) {
  const auto& f = schedule.first_meeting_date();
  absl::CivilDay next(f.year(), f.month(), f.day());
  while (next <= day) {
    next = schedule.frequency() == v1::MEETING_FREQUENCY_MONTHLY
               ? absl::CivilDay(next.year(), next.month() + 1, f.day())
               : next + (schedule.frequency() == v1::MEETING_FREQUENCY_WEEKLY ? 7 : 14);
  }
  return next;
}

// The schedule's days from its first one, in [from, until).
std::vector<absl::CivilDay> PlannedDays(const v1::MeetingSchedule& schedule, absl::CivilDay from,
                                        absl::CivilDay until) {
  std::vector<absl::CivilDay> days;
  const auto& f = schedule.first_meeting_date();
  const absl::CivilDay first(f.year(), f.month(), f.day());
  for (absl::CivilDay day = first; day < until; day = NextPlannedDay(schedule, day)) {
    if (day >= from) days.push_back(day);
  }
  return days;
}

// The circle's past: formed a few days after its cohort's last session,
// activated before its first meeting, a member leaving between two meetings,
// and the meetings of the past months.
void PlanHistory(uint64_t seed, absl::CivilDay anchor, absl::CivilDay cohort_end, CirclePlan* c) {
  Rng rng = Rng::For(seed, "history", c->index);
  c->formed = cohort_end + rng.Between(2, 6);
  // The schedule's first meeting is 10 days after the cohort's end at the
  // earliest: the circle is active by then.
  if (c->fate != Fate::kForming) c->activated = c->formed + rng.Between(1, 3);
  c->meeting_days = PlannedDays(c->schedule, anchor - kMeetingHistoryDays, anchor);
  if (c->leaving_member >= 0) {
    c->departure = std::max(c->activated + 10, anchor - rng.Between(35, 65));
    // Between two meetings, not on one.
    while (std::find(c->meeting_days.begin(), c->meeting_days.end(), c->departure) !=
           c->meeting_days.end()) {
      c->departure += 1;
    }
  }
}

// What a circle talked about besides its members' businesses, by season.
const std::string& Topic(Rng& rng, absl::CivilDay day, bool fr) {
  static const auto* const kFrench = new std::vector<std::vector<std::string>>{
      {"les prix de l'hiver et les ventes de janvier", "les déclarations de revenus à venir",
       "un fournisseur commun pour réduire les coûts"},
      {"les marchés du printemps", "les subventions saisonnières de la Ville",
       "la mise à jour des pages des entreprises sur les réseaux sociaux"},
      {"les marchés publics de l'été", "les vacances et la relève pendant l'été",
       "les festivals de quartier"},
      {"la rentrée et les commandes de l'automne", "les marchés de Noël et leurs inscriptions",
       "les prix de l'hiver et les prochains marchés"}};
  static const auto* const kEnglish = new std::vector<std::vector<std::string>>{
      {"winter prices and January sales", "the coming tax returns",
       "a shared supplier to cut costs"},
      {"spring markets", "the City's seasonal grants", "updating the businesses' social pages"},
      {"summer public markets", "holidays and covering for each other", "neighbourhood festivals"},
      {"back-to-school and fall orders", "Christmas markets and their sign-ups",
       "winter prices and the next markets"}};
  const size_t season = static_cast<size_t>(day.month() % 12 / 3);
  return rng.Pick((fr ? *kFrench : *kEnglish)[season]);
}

std::string FrenchLongDate(absl::CivilDay day) {
  static const char* const kMonths[] = {"janvier",   "février", "mars",     "avril",
                                        "mai",       "juin",    "juillet",  "août",
                                        "septembre", "octobre", "novembre", "décembre"};
  return absl::StrCat(day.day() == 1 ? "1er" : absl::StrCat(day.day()), " ",
                      kMonths[day.month() - 1], " ", day.year());
}

std::string EnglishLongDate(absl::CivilDay day) {
  static const char* const kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  return absl::StrCat(kMonths[day.month() - 1], " ", day.day(), ", ", day.year());
}

Characteristic MakeCharacteristic(v1::CharacteristicKind kind, const std::string& value) {
  Characteristic c;
  c.set_kind(kind);
  c.set_value(value);
  return c;
}

PersonTraits TraitsOf(const CircleTemplate& t) {
  PersonTraits traits;
  traits.language = t.language;
  traits.woman = t.women_only;
  traits.sector = t.sector;
  traits.where = FindNeighbourhood(t.region);
  const std::string affinity = t.affinity;
  if (affinity == "haitian-community") traits.community = FindCommunity("haitian");
  if (affinity == "maghreb-community") traits.community = FindCommunity("maghreb");
  if (affinity == "latin-american-community") traits.community = FindCommunity("latin-american");
  if (affinity == "newcomers") traits.newcomer = true;
  if (affinity == "youth") traits.min_age = 20, traits.max_age = 34;
  if (affinity == "50-plus") traits.min_age = 50, traits.max_age = 66;
  return traits;
}

v1::MeetingSchedule PlanSchedule(const CircleTemplate& t, const Neighbourhood& where,
                                 absl::CivilDay cohort_end, uint64_t seed, int index) {
  Rng rng = Rng::For(seed, "schedule", index);
  v1::MeetingSchedule s;
  s.set_frequency(t.frequency);
  absl::CivilDay first = OnOrAfter(cohort_end + rng.Between(10, 24), t.weekday);
  // A monthly series keeps its day of the month: start it on the 28th at the latest.
  while (t.frequency == kMonthly && first.day() > 28) first += 7;
  *s.mutable_first_meeting_date() = ToDate(first);
  s.set_location(where.meeting_place);
  static const char* const kFrenchDays[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                            "vendredi", "samedi", "dimanche"};
  static const char* const kEnglishDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                             "Friday", "Saturday", "Sunday"};
  const int day = static_cast<int>(t.weekday);  // absl: monday = 0
  const bool weekend = t.weekday == absl::Weekday::saturday || t.weekday == absl::Weekday::sunday;
  const char* hour_fr = weekend ? "10 h" : "18 h 30";
  const char* hour_en = weekend ? "10 am" : "6:30 pm";
  if (t.language == kFr) {
    const std::string when = t.frequency == kMonthly
                                 ? absl::StrCat("Le ", first.day(), " de chaque mois à ", hour_fr)
                                 : absl::StrCat("Un ", kFrenchDays[day], " sur deux à ", hour_fr);
    s.set_notes(absl::StrCat(when,
                             ", deux heures. Collation à tour de rôle; la conseillère ou le "
                             "conseiller se joint au cercle une fois par trimestre."));
  } else {
    const std::string when = t.frequency == kMonthly
                                 ? absl::StrCat("Day ", first.day(), " of each month at ", hour_en)
                                 : absl::StrCat("Every other ", kEnglishDays[day], " at ", hour_en);
    s.set_notes(
        absl::StrCat(when, ", two hours. Snacks in turn; the advisor joins once a quarter."));
  }
  return s;
}

}  // namespace

std::vector<int> MembersOn(const CirclePlan& circle, absl::CivilDay day) {
  std::vector<int> members;
  if (day < circle.formed) return members;
  for (int m : circle.members) {
    if (m == circle.leaving_member && day > circle.departure) continue;
    members.push_back(m);
  }
  return members;
}

cercles::common::v1::Date ToDate(absl::CivilDay day) {
  cercles::common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

v1::Person PeopleFactory::Make(int index, const PersonTraits& traits) {
  Rng rng = Rng::For(seed_, "person", index);
  v1::Person p;
  const Language language = traits.language;
  const bool fr = language == kFr;
  const Community* community = traits.community;
  if (community == nullptr) {
    community = &DrawCommunity(rng, language);
    if (traits.newcomer) {
      const auto& list = fr ? FrenchSpeakingCommunities() : EnglishSpeakingCommunities();
      community = &list[1 + static_cast<size_t>(rng.Below(static_cast<int>(list.size()) - 1))];
    }
  }
  // Gender as people describe it; some leave it blank.
  enum { kWoman, kMan, kNonBinary, kUnsaid } gender = kWoman;
  if (!traits.woman) {
    const int roll = rng.Below(100);
    gender = roll < 46 ? kWoman : roll < 86 ? kMan : roll < 88 ? kNonBinary : kUnsaid;
  }
  const bool woman_name = gender == kWoman || (gender != kMan && rng.Percent(50));
  p.set_given_name(rng.Pick(woman_name ? community->women : community->men));
  p.set_family_name(rng.Pick(community->family_names));
  p.set_language(fr ? v1::LANGUAGE_FR : v1::LANGUAGE_EN);
  switch (gender) {
    case kWoman:
      p.set_gender(fr ? "femme" : "woman");
      break;
    case kMan:
      p.set_gender(fr ? "homme" : "man");
      break;
    case kNonBinary:
      p.set_gender(fr ? "non binaire" : "non-binary");
      break;
    case kUnsaid:
      break;
  }

  const Neighbourhood* where = traits.where != nullptr ? traits.where : &rng.Pick(Neighbourhoods());
  v1::Contact* contact = p.mutable_contact();
  if (rng.Percent(88)) {
    static const std::vector<std::string> kDomains = {"example.org", "example.com", "example.net"};
    std::string local = absl::StrCat(AsciiSlug(p.given_name()), ".", AsciiSlug(p.family_name()));
    const std::string base = local;
    for (int n = 2; !emails_.insert(local).second; ++n) local = absl::StrCat(base, n);
    contact->set_email(absl::StrCat(local, "@", rng.Pick(kDomains)));
  }
  if (rng.Percent(90)) contact->set_phone(FictionalPhone(rng));
  if (rng.Percent(75)) contact->set_postal_address(PostalAddress(rng, *where));

  const int age = rng.Between(traits.min_age, traits.max_age);
  *p.mutable_birth_date() =
      ToDate(absl::CivilDay(anchor_.year() - age - 1, rng.Between(1, 12), rng.Between(1, 28)) +
             rng.Below(200));

  const Sector& sector = traits.sector.empty() ? rng.Pick(Sectors()) : *FindSector(traits.sector);
  v1::Business* business = p.mutable_business();
  business->set_sector(sector.key);
  const int stage_roll = rng.Below(100);
  const v1::BusinessStage stage = stage_roll < 12   ? v1::BUSINESS_STAGE_IDEA
                                  : stage_roll < 50 ? v1::BUSINESS_STAGE_STARTING
                                  : stage_roll < 88 ? v1::BUSINESS_STAGE_OPERATING
                                                    : v1::BUSINESS_STAGE_GROWING;
  business->set_stage(stage);
  if (stage != v1::BUSINESS_STAGE_IDEA || rng.Percent(50)) {
    business->set_name(BusinessName(rng, sector, language, p.family_name()));
  }
  int days_ago = 0;
  if (stage == v1::BUSINESS_STAGE_STARTING) days_ago = rng.Between(30, 400);
  if (stage == v1::BUSINESS_STAGE_OPERATING) days_ago = rng.Between(365, 6 * 365);
  if (stage == v1::BUSINESS_STAGE_GROWING) days_ago = rng.Between(3 * 365, 12 * 365);
  if (days_ago > 0) *business->mutable_start_date() = ToDate(anchor_ - days_ago);

  // Declared expertise: from the sector and general skills, distinct.
  const auto& own = fr ? sector.expertise_fr : sector.expertise_en;
  const int wanted = rng.Between(1, 3);
  std::set<std::string> seen;
  for (int attempt = 0; attempt < 8 && static_cast<int>(seen.size()) < wanted; ++attempt) {
    const std::string& entry =
        rng.Percent(65) ? rng.Pick(own) : rng.Pick(GeneralExpertise(language));
    if (seen.insert(entry).second) p.add_expertise(entry);
  }
  p.set_expertise_opt_in(rng.Percent(55));
  const bool network = rng.Percent(80);
  p.mutable_consents()->set_share_with_network(network);
  p.mutable_consents()->set_share_with_other_funds(network && rng.Percent(50));
  // Every demo person signed the enrolment form's referral consent, so the
  // demo's referrals (network_loader.cc) may name any member.
  p.mutable_consents()->set_share_with_partners(true);
  return p;
}

std::vector<AdvisorPlan> PlanAdvisors(const std::vector<std::string>& token_names) {
  struct Staff {
    const char* display_name;
    const char* principal;
  };
  static const Staff kStaff[] = {{"Isabelle Gagnon", "isabelle.gagnon"},
                                 {"Karim Benali", "karim.benali"},
                                 {"Nathalie Pierre-Louis", "nathalie.pierre-louis"},
                                 {"Marc-Olivier Roy", "marc-olivier.roy"}};
  const size_t count = std::max<size_t>(4, token_names.size());
  std::vector<AdvisorPlan> out;
  for (size_t i = 0; i < count; ++i) {
    AdvisorPlan plan;
    plan.request_id = absl::StrCat("demo-advisor-", i + 1);
    if (i < 4) {
      plan.advisor.set_display_name(kStaff[i].display_name);
      plan.advisor.set_email(absl::StrCat(kStaff[i].principal, "@fonds-montreal.example.org"));
      plan.advisor.set_principal_name(kStaff[i].principal);
    } else {
      plan.advisor.set_display_name(absl::StrCat("Conseil ", token_names[i]));
      plan.advisor.set_email(absl::StrCat(token_names[i], "@fonds-montreal.example.org"));
    }
    if (i < token_names.size()) plan.advisor.set_principal_name(token_names[i]);
    out.push_back(std::move(plan));
  }
  return out;
}

DemoPlan PlanDemo(uint64_t seed, absl::CivilDay anchor, int advisor_count) {
  DemoPlan plan;
  plan.anchor = anchor;

  // Cohorts of nine weekly 3-hour sessions (start + 8 weeks), one every seven
  // weeks over the past year, and one under way.
  for (int k = 0; k <= kPastCohorts; ++k) {
    TrainingPlan t;
    t.request_id = absl::StrCat("demo-training-", k + 1);
    t.language = k == kEnglishCohort ? kEn : kFr;
    t.start = k < kPastCohorts ? OnOrBefore(anchor - 378 + 49 * k, absl::Weekday::tuesday)
                               : OnOrBefore(anchor - 21, absl::Weekday::tuesday);
    t.end = t.start + 56;
    const int number = kFirstCohortNumber + k;
    t.display_name = t.language == kFr
                         ? absl::StrCat("Cohorte ", number, " — Démarrer son entreprise (",
                                        Season(t.start, kFr), ")")
                         : absl::StrCat("Cohort ", number, " — Starting Your Business (",
                                        Season(t.start, kEn), ")");
    plan.trainings.push_back(std::move(t));
  }

  // Circles and their founders: the French-speaking circles spread over the
  // French cohorts (oldest first), the English ones from the English cohort,
  // the forming circle from the latest cohort.
  const auto& templates = CircleTemplates();
  const std::vector<int> french_cohorts = {0, 1, 2, 3, 5, 6};
  int french_total = 0;
  for (const auto& t : templates) {
    if (t.language == kFr && t.fate != Fate::kForming) ++french_total;
  }
  PeopleFactory people(seed, anchor);
  int french_seen = 0;
  for (size_t i = 0; i < templates.size(); ++i) {
    const CircleTemplate& t = templates[i];
    CirclePlan c;
    c.index = static_cast<int>(i);
    c.display_name = t.name;
    c.language = t.language;
    c.where = FindNeighbourhood(t.region);
    if (t.language == kEn) {
      c.cohort = kEnglishCohort;
    } else if (t.fate == Fate::kForming) {
      c.cohort = kPastCohorts - 1;
    } else {
      c.cohort = french_cohorts[static_cast<size_t>(french_seen++ * 6 / french_total)];
    }
    c.advisor = static_cast<int>(i) % advisor_count;
    if (*t.sector != '\0') {
      c.characteristics.push_back(MakeCharacteristic(v1::CHARACTERISTIC_KIND_SECTOR, t.sector));
    }
    c.characteristics.push_back(
        MakeCharacteristic(v1::CHARACTERISTIC_KIND_LANGUAGE, t.language == kFr ? "fr" : "en"));
    c.characteristics.push_back(MakeCharacteristic(v1::CHARACTERISTIC_KIND_REGION, t.region));
    if (t.women_only) {
      c.characteristics.push_back(MakeCharacteristic(v1::CHARACTERISTIC_KIND_GENDER, "women"));
    }
    if (*t.affinity != '\0') {
      c.characteristics.push_back(MakeCharacteristic(v1::CHARACTERISTIC_KIND_AFFINITY, t.affinity));
    }
    if (*t.savings != '\0') {
      c.characteristics.push_back(MakeCharacteristic(v1::CHARACTERISTIC_KIND_SAVINGS, t.savings));
    }
    const PersonTraits traits = TraitsOf(t);
    for (int m = 0; m < t.size; ++m) {
      PersonPlan p;
      const int index = static_cast<int>(plan.people.size());
      p.request_id = absl::StrCat("demo-person-", index + 1);
      PersonTraits member = traits;
      // Most members share the circle's sector; mixed circles draw theirs.
      Rng rng = Rng::For(seed, "member-sector", index);
      if (!member.sector.empty() && rng.Percent(20)) member.sector.clear();
      p.person = people.Make(index, member);
      p.cohort = c.cohort;
      p.completes = true;
      p.circle = c.index;
      c.members.push_back(index);
      plan.people.push_back(std::move(p));
    }
    c.fate = t.fate;
    c.fate_reason = t.reason;
    if (t.fate == Fate::kUnderStrength || t.fate == Fate::kMergeSource) {
      c.leaving_member = c.members.back();
    }
    const absl::CivilDay cohort_end = plan.trainings[static_cast<size_t>(c.cohort)].end;
    c.schedule = PlanSchedule(t, *c.where, cohort_end, seed, c.index);
    PlanHistory(seed, anchor, cohort_end, &c);
    plan.circles.push_back(std::move(c));
  }

  // Around the circles: graduates waiting for a circle and one who dropped out
  // of each past cohort, the cohort under way, and people just registered.
  auto add_person = [&](int cohort, bool completes, Language language) {
    PersonPlan p;
    const int index = static_cast<int>(plan.people.size());
    p.request_id = absl::StrCat("demo-person-", index + 1);
    PersonTraits traits;
    traits.language = language;
    p.person = people.Make(index, traits);
    p.cohort = cohort;
    p.completes = completes;
    plan.people.push_back(std::move(p));
  };
  for (int k = 0; k < kPastCohorts; ++k) {
    const Language language = plan.trainings[static_cast<size_t>(k)].language;
    add_person(k, true, language);
    add_person(k, true, language);
    add_person(k, false, language);
  }
  for (int n = 0; n < 22; ++n) add_person(kCurrentCohort, false, n % 8 == 5 ? kEn : kFr);
  for (int n = 0; n < 4; ++n) add_person(-1, false, kFr);

  // The merge: the two Saint-Henri craft circles, each one member short.
  MergePlan& merge = plan.merge;
  merge.request_id = "demo-merge-1";
  for (const CirclePlan& c : plan.circles) {
    if (c.fate == Fate::kMergeSource) merge.sources.push_back(c.index);
  }
  const CirclePlan& first = plan.circles[static_cast<size_t>(merge.sources.front())];
  merge.result.index = static_cast<int>(plan.circles.size());
  merge.result.display_name = "Les Tisserands de Saint-Henri";
  merge.result.language = first.language;
  merge.result.where = first.where;
  merge.result.cohort = first.cohort;
  merge.result.advisor = first.advisor;
  merge.result.characteristics = first.characteristics;
  merge.result.schedule = first.schedule;
  for (int source : merge.sources) {
    for (int member : plan.circles[static_cast<size_t>(source)].members) {
      if (member != plan.circles[static_cast<size_t>(source)].leaving_member) {
        merge.result.members.push_back(member);
      }
    }
  }
  return plan;
}

v1::Meeting PlanMeeting(uint64_t seed, const std::string& key, const CirclePlan& circle,
                        absl::CivilDay day, const std::vector<MeetingMember>& members) {
  Rng rng = Rng::For(seed, absl::StrCat("meeting-", key), day - absl::CivilDay(2000, 1, 1));
  const bool fr = circle.language == kFr;
  const Language language = circle.language;
  v1::Meeting meeting;
  *meeting.mutable_meeting_date() = ToDate(day);
  int attending = 0;
  for (const MeetingMember& m : members) {
    v1::Attendance* a = meeting.add_attendance();
    a->set_person(m.person);
    const int roll = rng.Below(100);
    if (roll < 80) {
      a->set_status(v1::ATTENDANCE_STATUS_PRESENT);
    } else if (roll < 89) {
      a->set_status(v1::ATTENDANCE_STATUS_LATE);
    } else if (roll < 96) {
      a->set_status(v1::ATTENDANCE_STATUS_EXCUSED);
      a->set_note(rng.Pick(ExcuseNotes(language)));
    } else {
      a->set_status(v1::ATTENDANCE_STATUS_ABSENT);
    }
    if (a->status() == v1::ATTENDANCE_STATUS_PRESENT || a->status() == v1::ATTENDANCE_STATUS_LATE) {
      ++attending;
    }
  }
  if (attending == 0 && meeting.attendance_size() > 0) {
    meeting.mutable_attendance(0)->set_status(v1::ATTENDANCE_STATUS_PRESENT);
    meeting.mutable_attendance(0)->clear_note();
    attending = 1;
  }

  int follow_ups = 0;
  for (int i = 0; i < meeting.attendance_size(); ++i) {
    const v1::Attendance& a = meeting.attendance(i);
    if (a.status() != v1::ATTENDANCE_STATUS_PRESENT && a.status() != v1::ATTENDANCE_STATUS_LATE) {
      continue;
    }
    if (!rng.Percent(75)) continue;
    const PersonPlan& person = *members[static_cast<size_t>(i)].plan;
    const Sector* sector = FindSector(person.person.business().sector());
    v1::BusinessFollowUp* f = meeting.add_follow_ups();
    f->set_person(a.person());
    if (sector != nullptr)
      f->set_progress(rng.Pick(fr ? sector->progress_fr : sector->progress_en));
    if (rng.Percent(45)) f->set_difficulties(rng.Pick(Difficulties(language)));
    if (rng.Percent(40)) f->add_help_offered(v1::HELP_KIND_INFORMATION);
    if (rng.Percent(35)) f->add_help_offered(v1::HELP_KIND_CONTACTS);
    if (rng.Percent(50)) f->add_help_offered(v1::HELP_KIND_ADVICE);
    std::string details;
    if (rng.Percent(10)) {
      f->add_help_offered(v1::HELP_KIND_REFERRAL_NEEDED);
      details = rng.Pick(ReferralPartners(language));
    }
    if (rng.Percent(4)) {
      f->add_help_offered(v1::HELP_KIND_OTHER);
      const std::string other = fr ? "prêt d'une table et d'un présentoir pour le prochain marché"
                                   : "lent a table and a display stand for the next market";
      details = details.empty() ? other : absl::StrCat(details, "; ", other);
    }
    if (f->help_offered_size() == 0) f->add_help_offered(v1::HELP_KIND_ADVICE);
    f->set_help_details(details);
    ++follow_ups;
  }

  const absl::CivilDay next = NextPlannedDay(circle.schedule, day);
  const std::string where = circle.schedule.location();
  const int count = meeting.attendance_size();
  if (fr) {
    meeting.set_minutes(absl::StrCat("Rencontre du ", FrenchLongDate(day), " — ", where, ".\n",
                                     "Présences : ", attending, " sur ", count, ".\n",
                                     "Tour de table des entreprises : ", follow_ups,
                                     " suivis consignés. Autre sujet : ", Topic(rng, day, true),
                                     ".\n", "Prochaine rencontre : ", FrenchLongDate(next), "."));
  } else {
    meeting.set_minutes(absl::StrCat(
        "Meeting of ", EnglishLongDate(day), " — ", where, ".\n", "Attendance: ", attending, " of ",
        count, ".\n", "Round table of the businesses: ", follow_ups,
        " follow-ups recorded. Also discussed: ", Topic(rng, day, false), ".\n",
        "Next meeting: ", EnglishLongDate(next), "."));
  }
  return meeting;
}

}  // namespace cercles::demo
