// The French of cerclesctl's own messages (language.h's Localize): usage
// errors, local failures and prompts, English <TAB> French. Placeholders
// ({name}) carry options, values and paths as the person typed them; the
// words are those of the services' catalogue (common/i18n/messages_fr.tsv).
namespace cercles::cerclesctl {

extern const char kCliMessagesFr[];
const char kCliMessagesFr[] = R"tsv(# The command line (args.cc, command.cc)
unknown option {arg} (options are spelled --name)	option inconnue {arg} (les options s'écrivent --nom)
unknown option --{name}	option inconnue --{name}
option --{name} given more than once	l'option --{name} est donnée plus d'une fois
option --{name} takes no value	l'option --{name} ne prend pas de valeur
option --{name} needs a value ({value})	l'option --{name} demande une valeur ({value})
missing required option --{name}	l'option obligatoire --{name} manque
"--" must come after the command	« -- » doit venir après la commande
unknown global option {arg}	option globale inconnue {arg}
missing argument {arguments}	argument manquant : {arguments}
unexpected argument "{arg}"	argument inattendu « {arg} »
no context "{name}" in {path} ('cerclesctl config get-contexts' lists them)	aucun contexte « {name} » dans {path} ('cerclesctl config get-contexts' les liste)
no command given	aucune commande donnée
no command given before options	aucune commande donnée avant les options
unknown command "{command}"	commande inconnue « {command} »
"{group}" needs a command	« {group} » demande une commande
no command "{command}" ('cerclesctl --help' lists the commands)	aucune commande « {command} » ('cerclesctl --help' liste les commandes)
# A command a service does not offer (command.cc)
the server at {address}	le serveur à {address}
the server at {address} ({service} in context "{context}")	le serveur à {address} ({service} du contexte « {context} »)
{message} does not offer "{command}"	{message} n'offre pas « {command} »
"{command}" is a {service} command and {message} does not offer it: {message_where}	« {command} » est une commande de {service} et {message} ne l'offre pas : {message_where}
{service} is at {address} in context "{context}" (drop --address and CERCLES_ADDRESS to reach it)	{service} est à {address} dans le contexte « {context} » (retirez --address et CERCLES_ADDRESS pour le joindre)
pass {service}'s address with --address, or set it once with cerclesctl config set-context NAME --{option} HOST:PORT	donnez l'adresse de {service} avec --address, ou fixez-la une fois pour toutes avec cerclesctl config set-context NAME --{option} HOST:PORT
# Global options (global_options.cc)
--lang must be fr or en, got "{value}"	--lang doit être fr ou en, reçu « {value} »
--output must be table, json or yaml, not "{value}"	--output doit être table, json ou yaml, pas « {value} »
--timeout must be a positive duration such as 10s or 500ms, not "{value}"	--timeout doit être une durée positive comme 10s ou 500ms, pas « {value} »
no server address: pass --address HOST:PORT or set CERCLES_ADDRESS	aucune adresse de serveur : donnez --address HOST:PORT ou fixez CERCLES_ADDRESS
no address of {service}: pass --address HOST:PORT, or set it in a context ({command} HOST:PORT)	aucune adresse pour {service} : donnez --address HOST:PORT, ou fixez-la dans un contexte ({command} HOST:PORT)
CERCLES_INSECURE must be true or false, not "{value}"	CERCLES_INSECURE doit être true ou false, pas « {value} »
no --ca (or CERCLES_CA): pass the CA certificate that signed the server's, or --insecure for a plaintext server	aucun --ca (ni CERCLES_CA) : donnez le certificat de l'autorité qui a signé celui du serveur, ou --insecure pour un serveur sans TLS
--cert and --key go together: pass both or neither	--cert et --key vont ensemble : donnez les deux ou aucun
pass --token or --token-file, not both	donnez --token ou --token-file, pas les deux
both CERCLES_TOKEN and CERCLES_TOKEN_FILE are set: unset one	CERCLES_TOKEN et CERCLES_TOKEN_FILE sont tous deux fixés : retirez-en un
--token is empty	--token est vide
# Values of options (people_args.cc, circle_args.cc, lending_args.cc, outcome_args.cc)
--{option} must be a day written YYYY-MM-DD, not "{value}"	--{option} doit être une date écrite AAAA-MM-JJ, pas « {value} »
--{option} must be one of {choices}, not "{value}"	--{option} doit être l'une des valeurs {choices}, pas « {value} »
--{option} must be true or false (yes/no, oui/non, 1/0), not "{value}"	--{option} doit être true ou false (yes/no, oui/non, 1/0), pas « {value} »
--{option} must be a whole number, not "{value}"	--{option} doit être un nombre entier, pas « {value} »
--{option} must be an amount in units with up to two decimals, e.g. 1500.00, not "{value}"	--{option} doit être un montant en dollars avec au plus deux décimales, p. ex. 1500.00 ou 1 500,00, pas « {value} »
--{option} must be a percentage with up to two decimals, e.g. 8 or 7.5%, not "{value}"	--{option} doit être un pourcentage avec au plus deux décimales, p. ex. 8 ou 7,5 %, pas « {value} »
--{option} must be 0 or more, not {value}	--{option} doit valoir 0 ou plus, pas {value}
--page-size must be a whole number of at least 0, not "{value}"	--page-size doit être un nombre entier d'au moins 0, pas « {value} »
--status must be one of {choices}, not "{value}"	--status doit être l'une des valeurs {choices}, pas « {value} »
--characteristic must be KIND=VALUE (e.g. sector=food), not "{value}"	--characteristic doit être de la forme KIND=VALUE (p. ex. sector=food), pas « {value} »
--outcome takes PERSON:KEY=VALUE[,KEY=VALUE...] (e.g. 7:stage=operating,jobs-created=1/0), not "{value}"	--outcome prend PERSON:KEY=VALUE[,KEY=VALUE...] (p. ex. 7:stage=operating,jobs-created=1/0), pas « {value} »
--outcome key "{key}" is not one of stage, event, jobs-created, jobs-kept, revenue	--outcome : la clé « {key} » n'est pas l'une de stage, event, jobs-created, jobs-kept, revenue
--outcome {key} takes FULL/PART (full-time/part-time jobs, e.g. 2/1), not "{value}"	--outcome : {key} prend FULL/PART (emplois à temps plein/à temps partiel, p. ex. 2/1), pas « {value} »
--outcome {key} must be one of {choices}, not "{value}"	--outcome : {key} doit être l'une des valeurs {choices}, pas « {value} »
# Circles, people, meetings (membership_commands.cc, people_commands.cc, meeting_commands.cc)
nothing to change: give --display-name and/or --characteristic	rien à modifier : donnez --display-name et/ou --characteristic
nothing to change: give at least one field option	rien à modifier : donnez au moins une option de champ
--clear-business removes the business: give no business option	--clear-business retire l'entreprise : ne donnez aucune option d'entreprise
--after must be a sequence number of at least 0, not "{value}"	--after doit être un numéro de séquence d'au moins 0, pas « {value} »
--limit must be a number of events of at least 1, not "{value}"	--limit doit être un nombre d'événements d'au moins 1, pas « {value} »
cannot read {path}	impossible de lire {path}
--frequency must be weekly, every-two-weeks or monthly, not "{value}"	--frequency doit être weekly, every-two-weeks ou monthly, pas « {value} »
--upcoming must be a number of dates of at least 1, not "{value}"	--upcoming doit être un nombre de dates d'au moins 1, pas « {value} »
--attendance takes PERSON=STATUS items (status present, absent, excused or late), not "{value}"	--attendance prend des éléments PERSON=STATUS (statut present, absent, excused ou late), pas « {value} »
--{option} takes PERSON:TEXT (e.g. 7:first contract signed), not "{value}"	--{option} prend PERSON:TEXT (p. ex. 7:premier contrat signé), pas « {value} »
--attendance is required: PERSON=STATUS for every member of the circle that day	--attendance est obligatoire : PERSON=STATUS pour chaque membre du cercle ce jour-là
give --minutes or --minutes-file, not both	donnez --minutes ou --minutes-file, pas les deux
--help-offered takes PERSON=KIND[,KIND...] with kinds information, contacts, advice, referral-needed or other, not "{value}"	--help-offered prend PERSON=KIND[,KIND...] avec les types information, contacts, advice, referral-needed ou other, pas « {value} »
--from-file holds the whole meeting: drop --{option}	--from-file contient toute la rencontre : retirez --{option}
# Loans and repayments (loan_commands.cc)
the vote {message}	le vote : {message}
must be yes or no, not "{value}"	doit être yes ou no, pas « {value} »
# The fund's settings, capital, subsidies, bank referrals (lending_commands.cc, financing_commands.cc)
nothing to change: give at least one setting option	rien à modifier : donnez au moins une option de réglage
nothing to change: give --status, --note or both	rien à modifier : donnez --status, --note ou les deux
--{option} must be ">N/D" (more than) or ">=N/D" (at least), not "{value}"	--{option} doit être « >N/D » (plus de) ou « >=N/D » (au moins), pas « {value} »
--{option} must be ">N/D" or ">=N/D" with whole N and D, not "{value}"	--{option} doit être « >N/D » ou « >=N/D » avec N et D entiers, pas « {value} »
--{option} must be MIN-MAX instalments, e.g. 1-24, not "{value}"	--{option} doit être MIN-MAX échéances, p. ex. 1-24, pas « {value} »
--{option} must be whole numbers separated by commas, not "{value}"	--{option} doit être des nombres entiers séparés par des virgules, pas « {value} »
--{option} must be three numbers of days, e.g. 30,60,90	--{option} doit être trois nombres de jours, p. ex. 30,60,90
# The network (network_commands.cc, network_partner_commands.cc, peer_commands.cc)
--{option} must be a number from {min} to {max}	--{option} doit être un nombre de {min} à {max}
--edge "{value}" is not fund, region, merged-from, sister, referral or federation	--edge : « {value} » n'est pas l'une des valeurs fund, region, merged-from, sister, referral ou federation
--kind "{value}" is not cdec, saje, cld, saco, bank, subsidy-programme or other	--kind : « {value} » n'est pas l'une des valeurs cdec, saje, cld, saco, bank, subsidy-programme ou other
--status "{value}" is not active or inactive	--status : « {value} » n'est ni active ni inactive
--status "{value}" is not sent, accepted, in-progress, completed or declined	--status : « {value} » n'est pas l'une des valeurs sent, accepted, in-progress, completed ou declined
STATUS "{value}" is not sent, accepted, in-progress, completed or declined	STATUS : « {value} » n'est pas l'une des valeurs sent, accepted, in-progress, completed ou declined
--status must be active or revoked	--status doit être active ou revoked
--direction must be incoming or outgoing	--direction doit être incoming ou outgoing
--status must be proposed, accepted or refused	--status doit être proposed, accepted ou refused
# Privacy (privacy_commands.cc, access_request_commands.cc, retention_commands.cc)
--{option} must be an RFC 3339 instant (2026-12-01T00:00:00Z)	--{option} doit être un instant RFC 3339 (2026-12-01T00:00:00Z)
--service must be membership, lending or network, got "{value}"	--service doit être membership, lending ou network, reçu « {value} »
--affected-count must be a whole number	--affected-count doit être un nombre entier
--risk must be pending, none or serious	--risk doit être pending, none ou serious
--revision must be a whole number	--revision doit être un nombre entier
--channel must be email, in-person, mail, phone or web	--channel doit être email, in-person, mail, phone ou web
--state must be open, overdue or done	--state doit être open, overdue ou done
--size must be a whole number of bytes	--size doit être un nombre entier d'octets
--kind must be people-never-in-circle, people-left-circles, meeting-notes, access-requests or incidents, got "{value}"	--kind doit être people-never-in-circle, people-left-circles, meeting-notes, access-requests ou incidents, reçu « {value} »
give one of --months N or --years N	donnez l'une de --months N ou --years N
# Reports (report_commands.cc)
--format must be html, csv or table, got "{value}"	--format doit être html, csv ou table, reçu « {value} »
--grain must be year or quarter, got "{value}"	--grain doit être year ou quarter, reçu « {value} »
# Contexts and health (config_commands.cc, health_commands.cc)
context name "{name}" must be 1 to 63 letters, digits, '-', '_' or '.'	le nom de contexte « {name} » doit compter de 1 à 63 lettres, chiffres, « - », « _ » ou « . »
--wait must be a duration such as 30s, not "{value}"	--wait doit être une durée comme 30s, pas « {value} »
# Reports, the export, the purge (report_commands.cc, privacy_export.cc)
cannot write {path}	impossible d'écrire {path}
wrote {path}	{path} écrit
no lending address (--lending-address, or a context with one): the report leaves the arrears out	aucune adresse de lending (--lending-address, ou un contexte qui en a une) : le rapport laisse les arriérés de côté
lending at {address} could not give the arrears ({code}: {detail}): the report leaves them out	lending à {address} n'a pas pu donner les arriérés ({code} : {detail}) : le rapport les laisse de côté
no {service} address (--{service}-address, or a context with one): {message}	aucune adresse de {service} (--{service}-address, ou un contexte qui en a une) : {message}
the export needs every service's part	l'exportation demande la part de chaque service
the purge asks lending which people have open loans	la purge demande à lending quelles personnes ont des prêts en cours
{service} did not give its part of the export	{service} n'a pas donné sa part de l'exportation
# CSV imports (import_common.cc, circles_import.cc, people_import.cc)
not UTF-8: read as Windows-1252 and converted	pas en UTF-8 : lu comme Windows-1252 et converti
run the same file again to finish this row (nothing is duplicated)	relancez le même fichier pour terminer cette ligne (rien n'est fait en double)
{rows} rows checked: {valid} valid, {failed} failed; nothing written (dry run)	{rows} lignes vérifiées : {valid} valides, {failed} en échec ; rien n'est écrit (simulation)
{rows} rows: {created} created, {existing} already there, {failed} failed	{rows} lignes : {created} créées, {existing} déjà là, {failed} en échec
column "{column}" is not one of {columns} nor {aliases}	la colonne « {column} » n'est ni l'une de {columns} ni {aliases}
column "{column}" is not one of {columns}	la colonne « {column} » n'est pas l'une de {columns}
column "{column}" appears twice ("{cell}")	la colonne « {column} » paraît deux fois (« {cell} »)
column "{column}" is required (or: {aliases})	la colonne « {column} » est obligatoire (ou : {aliases})
column "{column}" is required	la colonne « {column} » est obligatoire
has {n} fields where the header has {m}	a {n} champs là où l'en-tête en a {m}
is required	est obligatoire
entry {n} must be people/ID or ID, not "{value}"	l'entrée {n} doit être people/ID ou ID, pas « {value} »
{name} appears twice: a person is in one circle	{name} paraît deux fois : une personne est dans un seul cercle
must name {min} to {max} people separated by ';', not {n}	doit nommer de {min} à {max} personnes séparées par « ; », pas {n}
must be advisors/ID or ID, not "{value}"	doit être advisors/ID ou ID, pas « {value} »
must be trainings/ID, not "{value}"	doit être trainings/ID, pas « {value} »
must be one of {choices}, not "{value}"	doit être l'une des valeurs {choices}, pas « {value} »
must be true or false (yes/no, oui/non, 1/0), not "{value}"	doit être true ou false (yes/no, oui/non, 1/0), pas « {value} »
# Confirmation and retries (erasure_commands.cc, the writes' request ids)
Erasing {person} removes their personal data for good (their loans and the books stay, under the id).	Effacer {person} retire ses renseignements personnels pour de bon (ses prêts et les livres restent, sous l'identifiant).
Type {person} to confirm:	Tapez {person} pour confirmer :
to retry safely, add --request-id {id}	pour réessayer sans risque, ajoutez --request-id {id}
not confirmed: nothing was erased	non confirmé : rien n'a été effacé
erased {person}	personne effacée : {person}
)tsv";

}  // namespace cercles::cerclesctl
