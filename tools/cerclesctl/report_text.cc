#include "tools/cerclesctl/report_text.h"

#include <array>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cercles::cerclesctl {
namespace {

struct Entry {
  const char* key;
  const char* fr;
  const char* en;
};

// Every word a report shows. Keys are English-ish identifiers, never shown.
constexpr Entry kTable[] = {
    {"impact.title", "Rapport d'impact", "Impact report"},
    {"impact.subtitle", "$0, du $1 au $2", "$0, from $1 to $2"},
    {"impact.fund", "Fonds $0", "Fund $0"},
    {"impact.all_funds", "Tous les fonds", "All funds"},
    {"impact.as_of", "États des prêts au $0", "Loan states as of $0"},
    {"col.fund", "Fonds", "Fund"},
    {"col.region", "Région", "Region"},
    {"col.period", "Période", "Period"},
    {"col.entrepreneurs", "Entrepreneurs soutenus", "Entrepreneurs supported"},
    {"col.loans", "Prêts décaissés", "Loans disbursed"},
    {"col.amount", "Montant décaissé", "Amount disbursed"},
    {"col.started", "Entreprises démarrées", "Businesses started"},
    {"col.kept", "Entreprises maintenues", "Businesses kept"},
    {"col.jobs_created_ft", "Emplois créés (temps plein)", "Jobs created (full time)"},
    {"col.jobs_created_pt", "Emplois créés (temps partiel)", "Jobs created (part time)"},
    {"col.jobs_kept_ft", "Emplois maintenus (temps plein)", "Jobs kept (full time)"},
    {"col.jobs_kept_pt", "Emplois maintenus (temps partiel)", "Jobs kept (part time)"},
    {"col.repayment", "Taux de remboursement", "Repayment rate"},
    {"col.write_off", "Ratio de radiation", "Write-off ratio"},
    {"col.outstanding", "Encours", "Outstanding principal"},
    {"col.par30", "PAR30", "PAR30"},
    {"col.period_start", "Début", "Start"},
    {"col.period_end", "Fin", "End"},
    {"col.currency", "Devise", "Currency"},
    {"col.loans_repaid", "Prêts remboursés", "Loans repaid"},
    {"col.loans_written_off", "Prêts radiés", "Loans written off"},
    {"col.written_off_principal", "Capital radié", "Principal written off"},
    {"col.at_risk", "Capital à risque (PAR30)", "Principal at risk (PAR30)"},
    {"col.cohort", "Cohorte", "Cohort"},
    {"col.businesses", "Entreprises", "Businesses"},
    {"col.survival_1", "Survie à 1 an", "1-year survival"},
    {"col.survival_3", "Survie à 3 ans", "3-year survival"},
    {"col.survival_5", "Survie à 5 ans", "5-year survival"},
    {"section.totals", "Sur toute la période", "Over the whole range"},
    {"section.periods", "Par période", "By period"},
    {"section.regions", "Par région", "By region"},
    {"section.cohorts", "Survie des entreprises par cohorte", "Business survival by cohort"},
    {"chart.trend", "Prêts décaissés et montants par période",
     "Loans disbursed and amounts by period"},
    {"chart.survival", "Survie des entreprises par cohorte (année de démarrage)",
     "Business survival by cohort (year started)"},
    {"chart.regions", "Montant décaissé par région", "Amount disbursed by region"},
    {"chart.no_data", "Aucune donnée", "No data"},
    {"chart.funds", "Montant décaissé par fonds", "Amount disbursed by fund"},
    {"col.network", "Réseau (total)", "Network (total)"},
    {"impact.missing", "Fonds absents du total du réseau : $0",
     "Funds missing from the network total: $0"},
    {"missing.MISSING_FUND_REASON_UNAVAILABLE", "injoignable", "unreachable"},
    {"missing.MISSING_FUND_REASON_REFUSED", "a refusé la demande", "refused the request"},
    {"missing.MISSING_FUND_REASON_NOT_CALLABLE", "sans adresse", "no address"},
    {"missing.MISSING_FUND_REASON_INVALID_ANSWER", "réponse inutilisable", "unusable answer"},
    {"missing.MISSING_FUND_REASON_ERROR", "erreur", "error"},
    {"note.peers",
     "Les fonds pairs ne transmettent que des agrégats : une région de moins de 5 "
     "entrepreneurs est regroupée, une cohorte de moins de 5 entreprises n'est pas transmise.",
     "Peer funds send aggregates only: a region of fewer than 5 entrepreneurs is merged, a "
     "cohort of fewer than 5 businesses is not sent."},
    {"note.survival",
     "Une cohorte trop récente pour un horizon n'a pas de chiffre pour celui-ci (—).",
     "A cohort too young for an horizon has no figure for it (—)."},
    {"note.ratios",
     "Ratios des prêts décaissés dans chaque période, selon leur état au jour du rapport.",
     "Ratios of the loans disbursed in each period, in their state on the report's day."},
    {"portfolio.title", "Portefeuille de prêts", "Loan portfolio"},
    {"portfolio.as_of", "Au $0", "As of $0"},
    {"portfolio.fund", "Fonds", "Fund"},
    {"portfolio.current", "À jour", "Current"},
    {"col.group", "Groupe", "Group"},
    {"col.active_loans", "Prêts actifs", "Active loans"},
    {"col.bucket", "Retard $0 j", "$0 days late"},
    {"col.as_of", "Date", "As of"},
    {"chart.buckets", "Prêts actifs par tranche de retard", "Active loans by arrears bucket"},
    {"chart.circles", "Encours par cercle", "Outstanding principal by circle"},
    {"section.groups", "Le fonds, ses cercles et ses conseillers",
     "The fund, its circles and its advisors"},
    {"circles.title", "Rapport des cercles", "Circles report"},
    {"circles.subtitle", "Du $0 au $1 ; états et membres au $1",
     "From $0 to $1; statuses and members as of $1"},
    {"circles.capped", "Les $0 premiers cercles sur $1 sont détaillés.",
     "The first $0 of $1 circles are detailed."},
    {"circles.no_lending",
     "Le service de prêt n'a pas pu être joint : les retards ne sont pas indiqués.",
     "Lending could not be reached: arrears are not shown."},
    {"status.CIRCLE_STATUS_UNSPECIFIED", "Non précisé", "Unspecified"},
    {"status.CIRCLE_STATUS_FORMING", "En formation", "Forming"},
    {"status.CIRCLE_STATUS_ACTIVE", "Actif", "Active"},
    {"status.CIRCLE_STATUS_UNDER_STRENGTH", "En sous-effectif", "Under strength"},
    {"status.CIRCLE_STATUS_SUSPENDED", "Suspendu", "Suspended"},
    {"status.CIRCLE_STATUS_DISSOLVED", "Dissous", "Dissolved"},
    {"status.CIRCLE_STATUS_MERGED", "Fusionné", "Merged"},
    {"col.circle", "Cercle", "Circle"},
    {"col.circle_id", "Identifiant du cercle", "Circle id"},
    {"col.circles", "Cercles", "Circles"},
    {"col.status", "État", "Status"},
    {"col.advisor", "Conseiller", "Advisor"},
    {"col.members", "Membres", "Members"},
    {"col.meetings", "Rencontres tenues", "Meetings held"},
    {"col.attendance", "Taux de présence", "Attendance rate"},
    {"col.days_since_meeting", "Jours depuis la dernière rencontre", "Days since last meeting"},
    {"col.loans_in_arrears", "Prêts en retard", "Loans in arrears"},
    {"col.month", "Mois", "Month"},
    {"chart.circles_by_status", "Cercles par état", "Circles by status"},
    {"chart.meetings_trend", "Rencontres tenues et taux de présence par mois",
     "Meetings held and attendance rate by month"},
    {"chart.attendance_by_circle", "Taux de présence par cercle", "Attendance rate by circle"},
    {"chart.arrears_by_circle", "Prêts en retard par cercle", "Loans in arrears by circle"},
    {"section.status", "Cercles par état", "Circles by status"},
    {"section.circles", "Les cercles", "The circles"},
    {"section.months", "Par mois", "By month"},
    {"footer.generated.circles",
     "Produit par cerclesctl à partir des API de membres et de prêt Cercles.",
     "Made by cerclesctl from the Cercles membership and lending APIs."},
    {"footer.generated.lending", "Produit par cerclesctl à partir de l'API de prêt Cercles.",
     "Made by cerclesctl from the Cercles lending API."},
    {"footer.generated", "Produit par cerclesctl à partir de l'API du réseau Cercles.",
     "Made by cerclesctl from the Cercles network API."},
    // privacy export: the summary of a person's data (Law 25 access request).
    {"export.title", "Renseignements personnels de $0 ($1)", "Personal information of $0 ($1)"},
    {"export.fund", "Fonds : $0, produit le $1", "Fund: $0, generated $1"},
    {"export.file", "Document : $0 ($1 octets, SHA-256 $2)", "Document: $0 ($1 bytes, SHA-256 $2)"},
    {"export.membership", "Adhésion", "Membership"},
    {"export.lending", "Prêts", "Lending"},
    {"export.network", "Réseau", "Network"},
    {"export.consents", "changements de consentement", "consent changes"},
    {"export.corrections", "rectifications", "corrections"},
    {"export.trainings", "formations", "trainings"},
    {"export.stays", "séjours dans un cercle", "circle stays"},
    {"export.meetings", "rencontres", "meetings"},
    {"export.outcomes", "suivis d'affaires", "business outcomes"},
    {"export.loans", "demandes et prêts", "loan requests and loans"},
    {"export.repayments", "remboursements", "repayments"},
    {"export.votes", "votes exprimés", "votes cast"},
    {"export.guarantees", "garanties données", "guarantees given"},
    {"export.bank_referrals", "références bancaires", "bank referrals"},
    {"export.subsidies", "demandes de subvention", "subsidy applications"},
    {"export.reminders", "rappels", "reminders"},
    {"export.directory", "fiche du répertoire", "directory entry"},
    {"export.referrals", "références aux partenaires", "partner referrals"},
    {"export.transfers", "transferts vers d'autres fonds", "transfers to other funds"},
    {"export.completed", "Demande d'accès $0 : terminée.", "Access request $0: completed."},
    // privacy retention, privacy purge: the retention schedule and its purge (Law 25).
    {"retention.kind", "Genre de renseignements", "Kind of record"},
    {"retention.months", "Mois", "Months"},
    {"retention.people-never-in-circle", "Personnes jamais en cercle", "People never in a circle"},
    {"retention.people-left-circles", "Personnes sorties des cercles", "People who left circles"},
    {"retention.meeting-notes", "Notes des rencontres", "Meeting notes"},
    {"retention.access-requests", "Demandes d'accès terminées", "Access requests done"},
    {"retention.incidents", "Incidents de confidentialité", "Confidentiality incidents"},
    {"retention.closed-loans", "Prêts fermés (texte)", "Closed loans (text)"},
    {"retention.changed", "Modifié par $0 le $1", "Changed by $0 on $1"},
    {"retention.defaults", "Valeurs par défaut", "Defaults"},
    {"purge.title", "Purge au $0", "Purge as of $0"},
    {"purge.title.dry", "Purge au $0 (simulation : rien n'est changé)",
     "Purge as of $0 (dry run: nothing is changed)"},
    {"purge.ended", "Fin avant le", "Ended by"},
    {"purge.to_purge", "À purger", "To purge"},
    {"purge.purged", "Purgés", "Purged"},
    {"purge.kept", "Gardés", "Kept"},
    {"purge.kept_because", "gardé : $0 ($1)", "kept: $0 ($1)"},
    {"purge.open_access_request", "demande d'accès en cours", "access request open"},
    {"purge.open_loan", "prêt ou garantie en cours", "open loan or guarantee"},
    {"purge.confirm", "Tapez purge pour confirmer : ", "Type purge to confirm: "},
    {"purge.not_confirmed", "non confirmé : rien n'a été purgé",
     "not confirmed: nothing was purged"},
};

}  // namespace

std::string Tr(Lang lang, absl::string_view key) {
  for (const Entry& e : kTable) {
    if (key == e.key) return lang == Lang::kFr ? e.fr : e.en;
  }
  return std::string(key);
}

std::vector<std::string> MissingTranslations() {
  std::vector<std::string> missing;
  for (const Entry& e : kTable) {
    if (e.fr == nullptr || e.en == nullptr || *e.fr == '\0' || *e.en == '\0') {
      missing.push_back(e.key);
    }
  }
  return missing;
}

std::vector<std::string> TranslationKeys() {
  std::vector<std::string> keys;
  for (const Entry& e : kTable) keys.push_back(e.key);
  return keys;
}

std::string DecimalFraction(std::optional<int32_t> bps) {
  if (!bps.has_value()) return "";
  std::string text = absl::StrFormat("%.4f", *bps / 10000.0);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string ShortPeriod(Lang lang, bool quarters, const cercles::common::v1::Date& start) {
  if (!quarters) return absl::StrCat(start.year());
  return absl::StrCat(lang == Lang::kFr ? "T" : "Q", (start.month() - 1) / 3 + 1, " ",
                      start.year());
}

std::string FormatPeriod(Lang lang, const cercles::common::v1::Date& start,
                         const cercles::common::v1::Date& end) {
  const bool same_year = start.year() == end.year();
  if (same_year && start.month() == 1 && start.day() == 1 && end.month() == 12 && end.day() == 31) {
    return ShortPeriod(lang, false, start);
  }
  static constexpr int kQuarterEndDay[] = {31, 30, 30, 31};
  const int quarter = (start.month() - 1) / 3;
  if (same_year && start.day() == 1 && (start.month() - 1) % 3 == 0 &&
      end.month() == start.month() + 2 && end.day() == kQuarterEndDay[quarter]) {
    return ShortPeriod(lang, true, start);
  }
  return absl::StrCat(FormatLongDate(lang, start), " – ", FormatLongDate(lang, end));
}

}  // namespace cercles::cerclesctl
