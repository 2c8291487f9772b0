#ifndef CERCLES_TOOLS_CERCLESCTL_COMMANDS_H_
#define CERCLES_TOOLS_CERCLESCTL_COMMANDS_H_

#include <vector>

#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

// Each service's verbs live in their own file; AllVerbs() gathers them.
std::vector<Verb> HealthVerbs();         // health_commands.cc
std::vector<Verb> MembershipVerbs();     // membership_commands.cc (with ProposalVerbs)
std::vector<Verb> ProposalVerbs();       // proposal_commands.cc: circles propose, accept-proposal
std::vector<Verb> PeopleVerbs();         // people_commands.cc (and `import people`)
std::vector<Verb> ConsentVerbs();        // consent_commands.cc: people consent, consent-history
std::vector<Verb> CorrectionVerbs();     // correction_commands.cc: people correct, corrections
std::vector<Verb> ImportVerbs();         // circles_import.cc (`import circles`)
std::vector<Verb> TrainingVerbs();       // training_commands.cc
std::vector<Verb> MeetingVerbs();        // meeting_commands.cc
std::vector<Verb> LendingVerbs();        // lending_commands.cc (with the three below)
std::vector<Verb> LoanVerbs();           // loan_commands.cc: lending loans (with GuaranteeVerbs)
std::vector<Verb> GuaranteeVerbs();      // guarantee_commands.cc: lending guarantee call|pay
std::vector<Verb> RescheduleVerbs();     // reschedule_commands.cc: lending loans reschedule
std::vector<Verb> ReminderVerbs();       // reminder_commands.cc: lending reminders run|list
std::vector<Verb> CollectionVerbs();     // collection_commands.cc: a circle's meeting collections
std::vector<Verb> BooksVerbs();          // books_commands.cc: portfolio, journal, capital
std::vector<Verb> FinancingVerbs();      // financing_commands.cc: bank referrals, subsidies
std::vector<Verb> NetworkVerbs();        // network_commands.cc
std::vector<Verb> PrivacyVerbs();        // privacy_commands.cc: access log, contact, incidents
std::vector<Verb> AccessRequestVerbs();  // access_request_commands.cc: privacy access-requests
std::vector<Verb> PrivacyExportVerbs();  // privacy_export.cc: privacy export (all three services)
std::vector<Verb> ErasureVerbs();        // erasure_commands.cc: privacy erase
std::vector<Verb> RetentionVerbs();      // retention_commands.cc: privacy retention, purge
std::vector<Verb> ConfigVerbs();         // config_commands.cc: contexts (no server)
std::vector<Verb> ReportVerbs();         // report_commands.cc: impact, portfolio (HTML, CSV, table)
// `completion bash`, generated from `verbs` (the whole table, itself included).
Verb CompletionVerb(const std::vector<Verb>* verbs);  // completion.cc
// The script `completion bash` prints.
std::string BashCompletion(const std::vector<Verb>& verbs);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_COMMANDS_H_
