#include "tools/demo/fund_vocabulary.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cercles::demo {

uint64_t Rng::Next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int Rng::Below(int n) {
  if (n <= 1) return 0;
  return static_cast<int>(Next() % static_cast<uint64_t>(n));
}

Rng Rng::For(uint64_t seed, absl::string_view kind, int64_t index) {
  // FNV-1a of the kind, mixed with the seed and the index.
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : kind) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  Rng mixer(seed ^ h ^ (static_cast<uint64_t>(index) * 0xD6E8FEB86659FD93ULL));
  mixer.Next();
  return Rng(mixer.Next());
}

const std::vector<Community>& FrenchSpeakingCommunities() {
  static const auto* const kCommunities = new std::vector<Community>{
      {"quebec",
       {"Marie",       "Julie",     "Isabelle",  "Nathalie", "Sophie", "Catherine", "Geneviève",
        "Mélanie",     "Émilie",    "Véronique", "Chantal",  "Josée",  "Annie",     "Caroline",
        "Karine",      "Valérie",   "Audrey",    "Camille",  "Léa",    "Marie-Ève", "Marie-Claude",
        "Andrée-Anne", "Stéphanie", "Maude",     "Roxanne",  "Noémie", "Manon",     "Sylvie",
        "Lucie",       "Johanne",   "Gabrielle", "Rosalie",  "Amélie", "Laurence",  "Justine"},
       {"Jean",    "Pierre", "Michel",     "Luc",     "François", "Martin",        "Stéphane",
        "Sylvain", "Éric",   "Patrick",    "Mathieu", "Simon",    "Alexandre",     "Guillaume",
        "Olivier", "Jérôme", "Marc-André", "Louis",   "Gabriel",  "Jean-François", "Samuel",
        "Félix",   "Maxime", "Vincent",    "Nicolas", "Philippe", "Sébastien",     "Benoît",
        "Yannick", "Hugo",   "Antoine",    "Étienne", "Frédéric", "Réjean",        "Normand"},
       {"Tremblay",   "Gagnon",   "Roy",      "Côté",      "Bouchard",  "Gauthier", "Morin",
        "Lavoie",     "Fortin",   "Gagné",    "Ouellet",   "Pelletier", "Bélanger", "Lévesque",
        "Bergeron",   "Leblanc",  "Paquette", "Girard",    "Simard",    "Boucher",  "Caron",
        "Beaulieu",   "Cloutier", "Dubé",     "Poirier",   "Fournier",  "Lapointe", "Leclerc",
        "Lefebvre",   "Poulin",   "Thibault", "St-Pierre", "Nadeau",    "Landry",   "Martel",
        "Bédard",     "Grenier",  "Lessard",  "Bernier",   "Richard",   "Michaud",  "Hébert",
        "Desjardins", "Couture",  "Turcotte", "Lachance",  "Parent",    "Blais",    "Gosselin",
        "Savard",     "Proulx",   "Beaudoin", "Demers",    "Perreault", "Lemieux",  "Dufour",
        "Dion",       "Mercier",  "Bolduc",   "Bérubé",    "Boisvert",  "Langlois", "Ménard"}},
      {"haitian",
       {"Widlène", "Fabiola", "Nadège", "Marjorie", "Rose-Andrée", "Guerline", "Mirlande",
        "Nathacha", "Ketly", "Roseline", "Fedna", "Darline"},
       {"Jean-Robert", "Wilson", "Frantz", "Ricardo", "Jean-Claude", "Réginald", "Wesner",
        "Jocelyn", "Pierre-Richard", "Evens", "Dieudonné", "Marc-Kenley"},
       {"Joseph", "Pierre-Louis", "Jean-Baptiste", "Charles", "Saint-Fleur", "Augustin", "Désir",
        "Bien-Aimé", "Célestin", "Dorvil", "Exantus", "Laguerre", "Jean-Louis", "Étienne",
        "Petit-Frère", "Alexis"}},
      {"maghreb",
       {"Amina", "Yasmine", "Nadia", "Fatima", "Samira", "Leïla", "Imane", "Salma", "Karima",
        "Rania", "Houda", "Sonia"},
       {"Karim", "Mohamed", "Youssef", "Rachid", "Amine", "Mehdi", "Nabil", "Hicham", "Sofiane",
        "Walid", "Farid", "Anis"},
       {"Benali", "Haddad", "Belkacem", "Bouzid", "Amrani", "El Idrissi", "Cherif", "Mansouri",
        "Tahiri", "Saïdi", "Benyahia", "Kaddour", "Ouali", "Meziane"}},
      {"latin-american",
       {"María", "Sofía", "Valentina", "Daniela", "Carolina", "Gabriela", "Lucía", "Paola",
        "Adriana", "Natalia"},
       {"Carlos", "Diego", "Alejandro", "Luis", "Andrés", "Javier", "Miguel", "Ricardo", "Fernando",
        "Julián"},
       {"Rodríguez", "González", "Martínez", "Hernández", "López", "García", "Pérez", "Ramírez",
        "Torres", "Flores", "Vargas", "Castillo"}},
      {"west-african",
       {"Aïssatou", "Fatoumata", "Mariama", "Kadiatou", "Awa", "Ramatoulaye", "Bintou", "Adama"},
       {"Moussa", "Ibrahima", "Mamadou", "Souleymane", "Ousmane", "Seydou", "Abdoulaye", "Cheikh"},
       {"Diallo", "Traoré", "Coulibaly", "Diop", "Ndiaye", "Keïta", "Camara", "Sow", "Bah"}},
      {"vietnamese",
       {"Thi Lan", "Mai", "Linh", "Thu", "Ngoc Anh", "Hoa"},
       {"Minh", "Tuan", "Huy", "Quang", "Duc", "Thanh"},
       {"Nguyen", "Tran", "Le", "Pham", "Vo", "Huynh", "Dang"}},
  };
  return *kCommunities;
}

const std::vector<Community>& EnglishSpeakingCommunities() {
  static const auto* const kCommunities = new std::vector<Community>{
      {"anglo-montreal",
       {"Emily", "Sarah", "Jennifer", "Jessica", "Rachel", "Megan", "Laura", "Kathleen", "Hannah",
        "Olivia", "Rebecca", "Alison"},
       {"Michael", "David", "Ryan", "Daniel", "Andrew", "Kevin", "Matthew", "Sean", "Jonathan",
        "Patrick", "Adam", "Jason"},
       {"Smith", "Campbell", "O'Brien", "MacDonald", "Wilson", "Murphy", "Kelly", "Johnson",
        "Brown", "Stewart", "Fraser", "Cohen", "Goldberg", "Williams", "Taylor", "Ross"}},
      {"south-asian",
       {"Priya", "Anjali", "Sunita", "Harpreet", "Kavya", "Nisha"},
       {"Raj", "Arjun", "Vikram", "Gurpreet", "Sanjay", "Rohan"},
       {"Singh", "Patel", "Sharma", "Kaur", "Gill", "Desai", "Iyer"}},
      {"chinese",
       {"Xin", "Mei", "Ying", "Jing", "Lan"},
       {"Wei", "Jun", "Hao", "Ming", "Lei"},
       {"Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Wu"}},
      {"caribbean",
       {"Shanice", "Kezia", "Natalie", "Tamika", "Marcia"},
       {"Andre", "Dwayne", "Marlon", "Trevor", "Kwame"},
       {"Williams", "Thomas", "Grant", "Campbell", "Baptiste", "Francis"}},
      {"ukrainian",
       {"Oksana", "Iryna", "Olena", "Natalia", "Tetiana"},
       {"Andriy", "Oleksandr", "Taras", "Dmytro", "Serhiy"},
       {"Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko"}},
  };
  return *kCommunities;
}

const Community* FindCommunity(absl::string_view key) {
  for (const auto* list : {&FrenchSpeakingCommunities(), &EnglishSpeakingCommunities()}) {
    for (const Community& c : *list) {
      if (c.key == key) return &c;
    }
  }
  return nullptr;
}

const Community& DrawCommunity(Rng& rng, Language language) {
  // Weights in percent, in the order of the lists above.
  static const int kFrench[] = {62, 14, 10, 6, 5, 3};
  static const int kEnglish[] = {58, 13, 10, 11, 8};
  const auto& list =
      language == Language::kFrench ? FrenchSpeakingCommunities() : EnglishSpeakingCommunities();
  const int* weights = language == Language::kFrench ? kFrench : kEnglish;
  int roll = rng.Below(100);
  for (size_t i = 0; i < list.size(); ++i) {
    roll -= weights[i];
    if (roll < 0) return list[i];
  }
  return list.front();
}

const std::vector<Neighbourhood>& Neighbourhoods() {
  static const auto* const kNeighbourhoods = new std::vector<Neighbourhood>{
      {"hochelaga-maisonneuve",
       "Hochelaga-Maisonneuve",
       "H1W",
       {"rue Ontario Est", "rue Sainte-Catherine Est", "avenue Valois", "rue Adam", "rue Darling"},
       "Salle communautaire, 2901, rue Ontario Est"},
      {"rosemont",
       "Rosemont–La Petite-Patrie",
       "H2G",
       {"rue Masson", "boulevard Rosemont", "rue Beaubien Est", "avenue Papineau", "rue Bélanger"},
       "Café coopératif, 2950, rue Masson"},
      {"verdun",
       "Verdun",
       "H4G",
       {"rue Wellington", "rue de Verdun", "boulevard LaSalle", "rue Bannantyne"},
       "Bibliothèque de Verdun, salle 2, 5955, rue Bannantyne"},
      {"villeray",
       "Villeray",
       "H2R",
       {"rue Jarry Est", "rue De Castelnau Est", "rue Villeray", "rue Saint-Denis",
        "avenue Christophe-Colomb"},
       "Maison de quartier Villeray, 660, rue Villeray"},
      {"saint-michel",
       "Saint-Michel",
       "H1Z",
       {"boulevard Saint-Michel", "rue Jean-Rivard", "rue Bélair", "avenue Shelley",
        "rue Jean-Talon Est"},
       "Carrefour populaire, 7501, rue François-Perrault"},
      {"parc-extension",
       "Parc-Extension",
       "H3N",
       {"avenue Querbes", "rue Jean-Talon Ouest", "avenue Bloomfield", "avenue Outremont"},
       "Centre William-Hingston, 419, rue Saint-Roch"},
      {"cote-des-neiges",
       "Côte-des-Neiges",
       "H3S",
       {"chemin de la Côte-des-Neiges", "avenue Van Horne", "avenue Victoria", "rue Jean-Brillant"},
       "Maison de la culture, 5290, chemin de la Côte-des-Neiges"},
      {"plateau-mont-royal",
       "Le Plateau-Mont-Royal",
       "H2J",
       {"avenue du Mont-Royal Est", "rue Rachel Est", "avenue Duluth Est", "rue Saint-Hubert"},
       "Espace coworking, 4200, boulevard Saint-Laurent"},
      {"saint-henri",
       "Saint-Henri",
       "H4C",
       {"rue Notre-Dame Ouest", "rue Saint-Jacques", "avenue Atwater", "rue Saint-Ambroise"},
       "Salle paroissiale, 4061, rue Notre-Dame Ouest"},
      {"pointe-saint-charles",
       "Pointe-Saint-Charles",
       "H3K",
       {"rue Centre", "rue Wellington", "rue Charlevoix", "rue Grand Trunk"},
       "Bâtiment 7, 1900, rue Le Ber"},
      {"montreal-nord",
       "Montréal-Nord",
       "H1G",
       {"boulevard Léger", "rue Charleroi", "boulevard Pie-IX", "avenue Audoin"},
       "Café-jeunesse, 11121, avenue Salk"},
      {"ahuntsic",
       "Ahuntsic",
       "H3L",
       {"rue Fleury Ouest", "boulevard Gouin Ouest", "rue Lajeunesse", "rue Saint-Hubert"},
       "Bibliothèque d'Ahuntsic, 10300, rue Lajeunesse"},
      {"lasalle",
       "LaSalle",
       "H8N",
       {"boulevard Newman", "rue Dollard", "boulevard Champlain", "avenue Lafleur"},
       "Centre culturel, 1, rue Strathyre"},
      {"mercier",
       "Mercier–Hochelaga-Maisonneuve Est",
       "H1L",
       {"rue Hochelaga", "rue Sherbrooke Est", "avenue Mercier", "rue des Ormeaux"},
       "Maison du citoyen, 8110, rue Hochelaga"},
      {"notre-dame-de-grace",
       "Notre-Dame-de-Grâce",
       "H4A",
       {"rue Sherbrooke Ouest", "avenue Monkland", "boulevard Décarie", "avenue Girouard"},
       "NDG Community Council, 5964, avenue Notre-Dame-de-Grâce"},
      {"mile-end",
       "Mile End",
       "H2T",
       {"boulevard Saint-Laurent", "rue Bernard Ouest", "avenue du Parc",
        "rue Saint-Viateur Ouest"},
       "Shared workshop, 5445, avenue de Gaspé"},
      {"centre-sud",
       "Centre-Sud",
       "H2L",
       {"rue Ontario Est", "rue Amherst", "rue Parthenais", "rue Fullum"},
       "Centre communautaire, 2093, rue de la Visitation"},
      {"lachine",
       "Lachine",
       "H8S",
       {"rue Notre-Dame", "boulevard Saint-Joseph", "34e Avenue", "rue Provost"},
       "Maison du brasseur, 2901, boulevard Saint-Joseph"},
      {"anjou",
       "Anjou",
       "H1K",
       {"avenue de Châteauneuf", "boulevard des Galeries-d'Anjou", "rue Bélanger",
        "avenue Goncourt"},
       "Bibliothèque Jean-Corbeil, 7500, avenue Goncourt"},
      {"saint-laurent",
       "Saint-Laurent",
       "H4L",
       {"boulevard Décarie", "rue Grenet", "boulevard Côte-Vertu", "rue Du Collège"},
       "Centre des loisirs, 1375, rue Grenet"},
  };
  return *kNeighbourhoods;
}

const Neighbourhood* FindNeighbourhood(absl::string_view key) {
  for (const Neighbourhood& n : Neighbourhoods()) {
    if (n.key == key) return &n;
  }
  return nullptr;
}

const std::vector<Sector>& Sectors() {
  static const auto* const kSectors = new std::vector<Sector>{
      {"food",
       {"Traiteur", "Boulangerie", "Pâtisserie", "Épicerie fine", "Cantine", "Café", "Conserverie",
        "Chocolaterie"},
       {"Catering", "Bakery", "Café", "Kitchen", "Preserves"},
       {"cuisine de production", "hygiène et salubrité alimentaire", "calcul du coût des recettes",
        "traiteur événementiel", "mise en conserve"},
       {"food costing", "catering", "food safety"},
       {"premier contrat de traiteur signé pour un mariage",
        "permis du MAPAQ obtenu, la cuisine est louée deux jours par semaine",
        "nouveau produit lancé au marché Jean-Talon",
        "trois épiceries du quartier prennent ses pots"},
       {"first catering contract signed", "food permit obtained, kitchen rented twice a week",
        "two grocers now carry the products"}},
      {"crafts",
       {"Atelier", "Poterie", "Couture", "Bijoux", "Savonnerie", "Ébénisterie", "Maroquinerie"},
       {"Studio", "Pottery", "Leatherworks", "Jewellery"},
       {"couture", "céramique", "vente sur Etsy", "photographie de produits", "salons d'artisans"},
       {"online shop set-up", "product photography", "craft fairs"},
       {"kiosque réservé au salon des métiers d'art de décembre",
        "boutique en ligne ouverte, douze commandes le premier mois",
        "collection d'automne terminée", "entente de consignation avec une boutique du Plateau"},
       {"booth booked at the holiday craft fair", "online shop opened, twelve orders in a month",
        "consignment deal with a Mile End shop"}},
      {"services",
       {"Services comptables", "Traduction", "Conseil", "Rédaction", "Secrétariat virtuel"},
       {"Bookkeeping", "Translation", "Consulting", "Virtual Assistance"},
       {"comptabilité", "tenue de livres", "service à la clientèle", "rédaction", "traduction"},
       {"bookkeeping", "customer service", "translation"},
       {"deux nouveaux clients réguliers", "site web mis en ligne",
        "tarifs révisés après l'analyse du cercle", "inscrite au registre des entreprises"},
       {"two new regular clients", "website launched", "rates revised after the circle's review"}},
      {"retail",
       {"Boutique", "Friperie", "Dépanneur", "Librairie", "Quincaillerie"},
       {"Boutique", "Thrift Store", "Corner Store", "Books"},
       {"gestion des stocks", "marchandisage", "point de vente", "commerce en ligne",
        "négociation avec les fournisseurs"},
       {"inventory management", "merchandising", "supplier negotiation"},
       {"vitrine refaite, l'achalandage a augmenté", "nouveau fournisseur, marge améliorée",
        "ventes en ligne : 20 % du chiffre d'affaires", "bail renouvelé pour trois ans"},
       {"new storefront, more walk-ins", "new supplier, better margins",
        "lease renewed for three years"}},
      {"technology",
       {"Studio web", "Solutions numériques", "Informatique", "Applications"},
       {"Web Studio", "Digital Solutions", "IT Services"},
       {"développement web", "réseaux sociaux", "marketing numérique", "cybersécurité",
        "soutien informatique"},
       {"web development", "social media", "digital marketing"},
       {"premier contrat avec un organisme du quartier", "version 1 de l'application livrée",
        "forfait d'entretien vendu à trois commerces", "portfolio mis à jour"},
       {"first contract with a local non-profit", "app version 1 delivered",
        "maintenance plans sold to three shops"}},
      {"construction",
       {"Rénovations", "Plomberie", "Peinture", "Menuiserie", "Toitures"},
       {"Renovations", "Plumbing", "Carpentry"},
       {"rénovation", "plomberie", "préparation de soumissions", "licence RBQ", "menuiserie"},
       {"renovation", "estimates", "carpentry"},
       {"licence RBQ obtenue", "deux chantiers de salle de bain ce mois-ci",
        "camion acheté grâce au prêt", "soumission gagnée pour une coopérative d'habitation"},
       {"contractor licence obtained", "two bathroom jobs this month",
        "won a bid for a housing co-op"}},
      {"care",
       {"Garderie", "Soins à domicile", "Halte-garderie", "Services aux aînés"},
       {"Home Care", "Daycare", "Senior Services"},
       {"garde d'enfants", "soins à domicile", "premiers soins", "garde en milieu familial",
        "accompagnement des aînés"},
       {"childcare", "home care", "first aid"},
       {"reconnaissance du bureau coordonnateur obtenue", "cinq places sur six occupées",
        "formation en premiers soins terminée", "deux nouvelles familles clientes"},
       {"accreditation obtained", "five of six places filled", "first-aid training completed"}},
      {"beauty",
       {"Salon de coiffure", "Esthétique", "Barbier", "Onglerie"},
       {"Hair Studio", "Barbershop", "Nail Bar"},
       {"coiffure", "esthétique", "prise de rendez-vous en ligne", "fidélisation de la clientèle"},
       {"hairdressing", "online booking", "client loyalty"},
       {"chaise louée dans un salon de la rue Jean-Talon", "prise de rendez-vous en ligne activée",
        "carnet plein les fins de semaine"},
       {"chair rented in a salon", "online booking live", "weekends fully booked"}},
      {"cleaning",
       {"Entretien ménager", "Nettoyage commercial"},
       {"Cleaning Services", "Commercial Cleaning"},
       {"entretien ménager", "produits écologiques", "gestion d'horaires"},
       {"eco-friendly cleaning", "scheduling"},
       {"contrat avec deux bureaux du quartier", "première employée embauchée",
        "produits écologiques achetés en gros"},
       {"two office contracts", "first employee hired"}},
      {"arts",
       {"Studio de photo", "Productions", "Galerie", "École de danse"},
       {"Photo Studio", "Productions", "Dance School"},
       {"photographie", "montage vidéo", "demandes de subventions", "gestion d'événements"},
       {"photography", "video editing", "grant writing"},
       {"contrat de photos pour un festival", "demande au Conseil des arts déposée",
        "session d'automne complète"},
       {"festival photo contract", "arts council grant submitted"}},
      {"transport",
       {"Déménagement", "Livraison", "Transport adapté"},
       {"Moving", "Delivery"},
       {"logistique", "entretien de véhicules", "assurances commerciales"},
       {"logistics", "fleet upkeep"},
       {"deuxième camion loué pour la saison des déménagements",
        "entente de livraison avec trois restaurants"},
       {"second truck for moving season", "delivery deal with three restaurants"}},
      {"agriculture",
       {"Fermette urbaine", "Serres", "Micropousses", "Apiculture"},
       {"Urban Farm", "Microgreens", "Apiary"},
       {"agriculture urbaine", "culture en serre", "paniers bio", "apiculture"},
       {"urban farming", "greenhouse growing"},
       {"vingt abonnés aux paniers d'été", "toit loué pour trois ruches",
        "premières ventes aux restaurants du quartier"},
       {"twenty summer basket subscribers", "rooftop rented for three hives"}},
  };
  return *kSectors;
}

const Sector* FindSector(absl::string_view key) {
  for (const Sector& s : Sectors()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

const std::vector<std::string>& GeneralExpertise(Language language) {
  static const auto* const kFr = new std::vector<std::string>{"plan d'affaires",
                                                              "demandes de subventions",
                                                              "fiscalité du travail autonome",
                                                              "réseautage",
                                                              "prise de parole en public",
                                                              "réseaux sociaux",
                                                              "négociation",
                                                              "tenue de livres"};
  static const auto* const kEn =
      new std::vector<std::string>{"business plans", "grant applications", "self-employment taxes",
                                   "networking", "public speaking"};
  return language == Language::kFrench ? *kFr : *kEn;
}

const std::vector<std::string>& BusinessQualifiers(Language language) {
  static const auto* const kFr = new std::vector<std::string>{
      "du Quartier", "Soleil",   "L'Érable",     "Boréal",         "Mosaïque", "La Ruche",
      "Horizon",     "Le Phare", "Bonne Mine",   "Saveurs du Sud", "Lumière",  "Bel Avenir",
      "Le Nid",      "Nordik",   "Kaléidoscope", "Fleur de sel",   "Étoile",   "Racines"};
  static const auto* const kEn = new std::vector<std::string>{
      "Maple", "Northside", "Harbour", "Bright", "Riverside", "Lantern", "Mosaic", "Cedar"};
  return language == Language::kFrench ? *kFr : *kEn;
}

const std::vector<std::string>& Difficulties(Language language) {
  static const auto* const kFr =
      new std::vector<std::string>{"trésorerie serrée : deux clients paient en retard",
                                   "difficile de concilier l'entreprise et la famille",
                                   "hausse du prix des matières premières",
                                   "ne sait pas comment fixer ses prix",
                                   "cherche un local abordable",
                                   "démarches pour le numéro de TPS/TVQ",
                                   "peu de visibilité en ligne",
                                   "un fournisseur a fait faillite"};
  static const auto* const kEn = new std::vector<std::string>{
      "cash flow is tight: two clients pay late", "hard to balance business and family",
      "unsure how to price the services", "looking for affordable space",
      "sales-tax registration is confusing"};
  return language == Language::kFrench ? *kFr : *kEn;
}

const std::vector<std::string>& ExcuseNotes(Language language) {
  static const auto* const kFr = new std::vector<std::string>{
      "enfant malade", "rendez-vous médical", "salon d'artisans à Québec", "contrat ce soir-là",
      "a prévenu la veille"};
  static const auto* const kEn =
      new std::vector<std::string>{"sick child", "medical appointment",
                                   "working an event that evening", "told us the day before"};
  return language == Language::kFrench ? *kFr : *kEn;
}

const std::vector<std::string>& ReferralPartners(Language language) {
  static const auto* const kFr = new std::vector<std::string>{
      "référer à la CDEC pour un accompagnement en comptabilité",
      "référer au SAJE pour le plan d'affaires", "référer au CLD pour une demande de subvention",
      "jumelage avec un mentor du SACO"};
  static const auto* const kEn = new std::vector<std::string>{
      "refer to the CDEC for bookkeeping support", "refer to SAJE for the business plan",
      "match with a SACO mentor"};
  return language == Language::kFrench ? *kFr : *kEn;
}

std::string AsciiSlug(absl::string_view text) {
  // UTF-8 sequences of the accented letters these names use, and their letter.
  static const std::vector<std::pair<std::string, char>> kFold = {
      {"à", 'a'}, {"â", 'a'}, {"á", 'a'}, {"ä", 'a'}, {"ç", 'c'}, {"é", 'e'}, {"è", 'e'},
      {"ê", 'e'}, {"ë", 'e'}, {"î", 'i'}, {"ï", 'i'}, {"í", 'i'}, {"ô", 'o'}, {"ó", 'o'},
      {"ö", 'o'}, {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"ú", 'u'}, {"ñ", 'n'}, {"É", 'e'},
      {"È", 'e'}, {"Ê", 'e'}, {"À", 'a'}, {"Â", 'a'}, {"Ç", 'c'}, {"Î", 'i'}, {"Ô", 'o'}};
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool folded = false;
    for (const auto& [utf8, letter] : kFold) {
      if (text.substr(i, utf8.size()) == utf8) {
        out.push_back(letter);
        i += utf8.size();
        folded = true;
        break;
      }
    }
    if (folded) continue;
    const char c = text[i++];
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if ((c == '-' || c == ' ') && !out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string PostalCode(Rng& rng, const Neighbourhood& where) {
  static const char kLetters[] = "ABCEGHJKLMNPRSTVXY";  // letters Canada Post uses
  return absl::StrFormat("%s %d%c%d", where.postal_area, rng.Between(1, 9), kLetters[rng.Below(18)],
                         rng.Between(0, 9));
}

std::string PostalAddress(Rng& rng, const Neighbourhood& where) {
  const int number = rng.Between(10, 899) * 10 + rng.Below(10);
  std::string line = absl::StrCat(number, ", ", rng.Pick(where.streets));
  if (rng.Percent(40)) absl::StrAppend(&line, ", app. ", rng.Between(1, 12));
  return absl::StrCat(line, ", Montréal (Québec) ", PostalCode(rng, where));
}

std::string FictionalPhone(Rng& rng) {
  static const std::vector<std::string> kAreaCodes = {"514", "438", "263"};
  return absl::StrFormat("+1 %s 555 01%02d", rng.Pick(kAreaCodes), rng.Below(100));
}

std::string BusinessName(Rng& rng, const Sector& sector, Language language,
                         const std::string& family_name) {
  if (language == Language::kEnglish) {
    const std::string& kind = rng.Pick(sector.kinds_en);
    if (rng.Percent(35)) return absl::StrCat(family_name, " ", kind);
    return absl::StrCat(rng.Pick(BusinessQualifiers(language)), " ", kind);
  }
  const std::string& kind = rng.Pick(sector.kinds_fr);
  if (rng.Percent(35)) return absl::StrCat(kind, " ", family_name);
  return absl::StrCat(kind, " ", rng.Pick(BusinessQualifiers(language)));
}

}  // namespace cercles::demo
