"""What the demo visits say: the towns (real Petites Villes de demain in gendarmerie
zone, with invented situations), the texts of answers and notes, the diagnostic's notes
and the action plan. Plain data: `demo/seed.py` writes it through the services.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldvisit.core.domain import ActionStatus, Dispositif, Horizon, Porteur


@dataclass(frozen=True)
class DemoTown:
    code: str
    mayor: str
    commander: str
    summary: str
    status: str  # how far the demo visit has gone
    days_ago: int


TOWNS = (
    DemoTown(
        "15187",
        "Mme Hélène Vidal",
        "Adjudant-chef Marc Delpuech",
        "Centre-bourg historique bien tenu ; inquiétudes sur les cambriolages de résidences "
        "secondaires hors saison et sur les rodéos motorisés près de la gare.",
        "rapport_emis",
        120,
    ),
    DemoTown(
        "52269",
        "M. Bernard Collin",
        "Lieutenant Sophie Marchal",
        "Commerces du centre fragilisés par la vacance ; éclairage coupé dès 23 h ; demande "
        "d'étude de vidéoprotection aux entrées de ville.",
        "terminee",
        60,
    ),
    DemoTown(
        "12208",
        "Mme Christine Bousquet",
        "Major Alain Fabre",
        "Rassemblements nocturnes place du Foirail, tags et dégradations sur le mobilier "
        "urbain ; participation citoyenne à relancer.",
        "terminee",
        45,
    ),
    DemoTown(
        "58079",
        "M. Pascal Lefebvre",
        "Adjudant Nadia Benali",
        "Violences intrafamiliales en hausse selon la brigade ; besoin de mieux orienter "
        "les victimes vers la Maison de protection des familles.",
        "en_cours",
        3,
    ),
    DemoTown(
        "34142",
        "Mme Sandrine Roux",
        "Capitaine Julien Arnaud",
        "Visite préparée avec la cheffe de projet PVD : diagnostic partagé à construire "
        "avant la signature d'un contrat de sécurité.",
        "planifiee",
        -10,
    ),
)


@dataclass(frozen=True)
class DemoFollowUp:
    """A follow-up visit of a demo town: what its diagnostic and plan say since."""

    code: str  # the town whose visit it follows
    days_ago: int
    summary: str
    #: the level each theme gets now (the others keep no level yet)
    levels: tuple[tuple[str, int], ...]
    #: the status each carried-over action has now, by the start of its text
    progress: tuple[tuple[str, ActionStatus], ...]


FOLLOW_UP = DemoFollowUp(
    "15187",
    5,
    "Visite de suivi quatre mois après le premier diagnostic : les rodéos ont reculé "
    "depuis l'aménagement du parking de la gare ; les cambriolages de résidences "
    "secondaires restent le premier sujet.",
    (
        ("cambriolages", 4),
        ("degradations", 2),
        ("rodeos", 2),
        ("incivilites", 2),
        ("stupefiants", 3),
        ("securite_routiere", 1),
        ("depots_sauvages", 2),
        ("lieux_anxiogenes", 2),
        ("presence_gendarmerie", 2),
    ),
    (
        ("Relancer le dispositif de participation citoyenne", ActionStatus.REALISEE),
        ("Promouvoir l'Opération tranquillité vacances", ActionStatus.EN_COURS),
    ),
)

SHORT_TEXTS = (
    "Constat partagé avec l'adjoint à la sécurité.",
    "À vérifier de nuit lors d'une prochaine visite.",
    "Signalé par plusieurs commerçants.",
    "Point évoqué avec le référent sûreté.",
)
LONG_TEXTS = (
    "Le secteur est bien fréquenté en journée mais se vide après la fermeture des "
    "commerces. Les habitants rencontrés évoquent un sentiment d'insécurité le soir, "
    "surtout près des arrêts de car et du parking de la médiathèque.",
    "La commune a engagé des travaux de requalification dans le cadre de Petites Villes "
    "de demain : l'occasion d'intégrer la prévention situationnelle (éclairage, lignes "
    "de vue, mobilier urbain) dès la conception.",
)

# Answers to long-text items, by item id (invented, plausible for any small town).
ITEM_TEXTS = {
    "parcours": (
        "Départ de la mairie, rue principale jusqu'à la place du marché, gare routière, "
        "parc municipal, abords du collège, retour par les quais. Environ 2 km, à pied."
    ),
    "eclairage_zones_sombres_lieux": (
        "Passage piéton sous la voie ferrée, parking de la médiathèque et allée du parc "
        "municipal : plusieurs candélabres éteints ou masqués par la végétation."
    ),
    "angles_morts_lieux": (
        "Arrière de la salle des fêtes et recoin entre l'ancienne poste et le parking : "
        "invisibles depuis la rue, avec des traces de regroupements."
    ),
    "rassemblements_lieux": (
        "Place du marché et abri de la gare routière, surtout le vendredi et le samedi de "
        "21 h à 1 h ; bruit et déchets signalés par les riverains."
    ),
    "stupefiants_indices": (
        "Allées et venues brèves autour de l'abri de la gare routière en soirée, selon "
        "deux commerçants ; à confirmer avec la brigade."
    ),
    "aires_jeux_usages": (
        "Rassemblements nocturnes sur l'aire de jeux du parc, canettes et mégots le "
        "matin ; une clôture abîmée côté rivière."
    ),
    "commerces_sensibles": (
        "Tabac-presse et pharmacie de la rue principale, sans rideau métallique ; la "
        "bijouterie a une alarme mais pas de vidéoprotection. Station-service isolée à "
        "l'entrée sud."
    ),
    "batiments_remarques": (
        "Ateliers municipaux : portail sans serrure et matériel visible depuis la route. "
        "Salle des fêtes : issue de secours forcée l'an dernier."
    ),
    "points_forts": (
        "Centre-bourg animé en journée, commerces de proximité actifs, bonne "
        "connaissance mutuelle entre le maire et le commandant de brigade."
    ),
    "points_vigilance": (
        "Rue principale vide après la fermeture des commerces, éclairage coupé à 23 h, "
        "bâti vacant en hausse autour de la place du marché."
    ),
    "pistes_prevention_situationnelle": (
        "Intégrer l'éclairage et les lignes de vue aux travaux de requalification Petites "
        "Villes de demain ; tailler la végétation du parc ; fermer l'angle mort derrière "
        "la salle des fêtes."
    ),
    "constat_synthese": (
        "Délinquance enregistrée stable, dominée par les cambriolages de résidences "
        "secondaires hors saison et les dégradations du mobilier urbain ; rodéos "
        "motorisés l'été près de la gare."
    ),
    "ressenti_synthese": (
        "Les habitants rencontrés évoquent un sentiment d'insécurité le soir, près des "
        "arrêts de car et du parking de la médiathèque ; ils attendent plus de présence "
        "de la gendarmerie et un meilleur éclairage."
    ),
    "reponses_synthese": (
        "Présence de la brigade appréciée mais circonscription étendue ; coordination "
        "avec la police municipale à formaliser ; CISPD peu actif ; vidéoprotection à "
        "étudier avec le référent sûreté avant tout dossier FIPD."
    ),
    "problemes_description": (
        "Dégradations et tags autour de la gare depuis deux ans, rassemblements bruyants "
        "le week-end sur la place du marché, surtout l'été."
    ),
    "remontees_habitants": (
        "Appels et courriers en mairie, messages sur la page de la commune ; le maire "
        "relaie ensuite au gendarme référent."
    ),
    "evenements": (
        "Marché hebdomadaire, fête patronale en août, festival de musique : un arrêté et "
        "des barrières, sécurisation à revoir avec la brigade."
    ),
    "projet_pvd": (
        "Requalification de la place du marché et de la rue principale en 2027, "
        "réhabilitation de l'ancienne poste ; occasion d'intégrer la prévention "
        "situationnelle."
    ),
    "atteintes_elus_details": (
        "Menaces verbales contre un adjoint lors d'un conflit de voisinage ; main courante "
        "déposée, pas de plainte."
    ),
    "attentes": (
        "Un contact plus régulier avec la brigade, un appui pour le dossier de "
        "vidéoprotection et l'aide de l'ANCT pour financer l'éclairage."
    ),
    "faits_marquants": (
        "Cambriolages de résidences secondaires de novembre à mars, vols dans les "
        "véhicules au parking de la gare, dégradations le week-end."
    ),
    "cambriolages_details": (
        "Effractions par l'arrière des maisons inoccupées, en semaine ; deux interpellations "
        "l'hiver dernier, procédures en cours."
    ),
    "delinquance_itinerante_details": (
        "Une équipe circulant en utilitaire repérée sur trois communes voisines à "
        "l'automne ; signalement transmis à la compagnie."
    ),
    "enquetes_en_cours": (
        "Deux enquêtes en cours sur les cambriolages, un groupe de jeunes majeurs connu "
        "pour les rodéos."
    ),
    "vif_situations": (
        "Quatre familles suivies avec la Maison de protection des familles ; une "
        "ordonnance de protection en cours."
    ),
    "securite_routiere": (
        "Vitesse excessive à l'entrée nord et devant le collège ; deux accidents corporels "
        "l'an dernier au carrefour de la gare."
    ),
    "patrouilles_remarques": (
        "Circonscription étendue, délai d'intervention de 20 à 30 minutes la nuit ; "
        "patrouilles renforcées l'été."
    ),
    "recommandations": (
        "Relancer la participation citoyenne, promouvoir l'Opération tranquillité "
        "vacances, demander un diagnostic de vidéoprotection au référent sûreté."
    ),
    "informations_sensibles": (
        "Un commerce de la rue principale est surveillé dans le cadre d'une enquête ; ne "
        "pas évoquer avec la commune."
    ),
}

# Observations on the diagnostic's themes, by theme id (invented, plausible).
THEME_NOTES = {
    "cambriolages": "Séries l'hiver dans les résidences secondaires, par l'arrière des maisons.",
    "degradations": "Abribus et bancs dégradés autour de la gare, tags le long des quais.",
    "violences": "Violences intrafamiliales en hausse selon la brigade ; peu de signalements.",
    "violences_intrafamiliales": (
        "En hausse selon la brigade ; peu de signalements, référent VIF mobilisé."
    ),
    "violences_hors_cadre_familial": "Rixes ponctuelles à la sortie du bar de la place.",
    "vols": "Vols dans les véhicules stationnés au parking de la gare, la nuit.",
    "stupefiants": "Usage constaté près de l'abri de la gare routière ; pas de point de deal.",
    "securite_routiere": "Vitesse excessive à l'entrée nord et devant le collège.",
    "incivilites": "Bruit et déchets le week-end sur la place du marché.",
    "rodeos": "Motos et quads l'été sur le parking de la gare et les chemins du stade.",
    "depots_sauvages": "Dépôts réguliers derrière les ateliers municipaux.",
    "mineurs": "Groupe de collégiens désœuvrés le mercredi après-midi au parc.",
    "cyber_risques": "Escroqueries au faux conseiller bancaire chez des personnes âgées.",
    "atteintes_commerces": "Vol à l'étalage et une tentative d'effraction au tabac-presse.",
    "lieux_anxiogenes": "Passage sous la voie ferrée et parking de la médiathèque, la nuit.",
    "evenements_festifs": "Fête patronale d'août : sécurisation des accès à revoir.",
    "tranquillite_nocturne": "Rassemblements bruyants jusqu'à 1 h le vendredi et le samedi.",
    "presence_gendarmerie": "Patrouilles appréciées mais jugées trop rares en soirée.",
    "police_municipale_coordination": "Échanges avec la brigade à formaliser par écrit.",
    "videoprotection": "Étude souhaitée aux entrées de ville et sur la place du marché.",
    "eclairage_public": "Extinction à 23 h, y compris près de la gare routière.",
    "prevention": "Peu d'actions au collège ; CISPD à relancer.",
    "partenariats": "Bons liens mairie – brigade ; bailleurs et commerçants peu associés.",
}

# What a contrat de sécurité needs of some of them (by their place in RECOMMENDATIONS):
# dispositifs, the mayor named as porteur, description, cost and funding (euros),
# indicator, and a review so many days after the visit.
CONTRACT_DETAILS: dict[int, dict[str, object]] = {
    0: {
        "dispositifs": ["participation_citoyenne", "gendarme_referent"],
        "named_mayor": True,
        "success_indicator": "Trois référents par quartier, une réunion par trimestre",
        "review_days": 120,
    },
    1: {
        "dispositifs": ["videoprotection", "fipd", "referent_surete"],
        "named_mayor": True,
        "description": "Six caméras : deux entrées de ville, la place du marché, le parking "
        "de la gare ; images consultables par la brigade.",
        "estimated_cost": 48000,
        "funding": [("fipd", 24000), ("detr", 14400), ("commune", 4800)],
        "success_indicator": "Caméras en service et convention de visionnage signée",
        "review_days": 180,
    },
}

RECOMMENDATIONS = (
    (
        "Relancer le dispositif de participation citoyenne : désigner trois citoyens "
        "référents par quartier et réunir les signataires du protocole.",
        1,
        Horizon.COURT,
        Porteur.COMMUNE,
        Dispositif.PARTICIPATION_CITOYENNE,
        ActionStatus.EN_COURS,
        "partenariats",
    ),
    (
        "Demander au référent sûreté un diagnostic de vidéoprotection des entrées de ville "
        "et de la place du marché, puis déposer un dossier FIPD.",
        1,
        Horizon.MOYEN,
        Porteur.GENDARMERIE,
        Dispositif.VIDEOPROTECTION,
        ActionStatus.A_ENGAGER,
        "videoprotection",
    ),
    (
        "Promouvoir l'Opération tranquillité vacances auprès des commerçants et des "
        "propriétaires de résidences secondaires avant l'été.",
        2,
        Horizon.COURT,
        Porteur.GENDARMERIE,
        Dispositif.OTV,
        ActionStatus.A_ENGAGER,
        "cambriolages",
    ),
    (
        "Adapter les horaires d'extinction de l'éclairage public autour de la gare et des "
        "arrêts de car.",
        2,
        Horizon.COURT,
        Porteur.COMMUNE,
        Dispositif.AUCUN,
        ActionStatus.REALISEE,
        "eclairage_public",
    ),
    (
        "Installer un CISPD avec les communes de l'intercommunalité pour partager le suivi "
        "des incivilités et des rodéos.",
        3,
        Horizon.LONG,
        Porteur.EPCI,
        Dispositif.CLSPD,
        ActionStatus.A_ENGAGER,
        "rodeos",
    ),
)

# The walk's observations (« Points d'attention ») of the visits under way: category,
# severity, place, comment and where it is on the plan of the town centre (x, y).
WALK: tuple[tuple[str, str, str, str, tuple[float, float]], ...] = (
    (
        "eclairage",
        "forte",
        "Rue du Commerce, devant la pharmacie",
        "Deux lampadaires éteints depuis l'hiver ; trottoir très sombre après 19 h.",
        (0.34, 0.42),
    ),
    (
        "angle_mort",
        "moyenne",
        "Passage couvert entre la place et le parking",
        "Aucune visibilité depuis la rue ; tags récents.",
        (0.52, 0.58),
    ),
    (
        "depot_sauvage",
        "moyenne",
        "Arrière de la salle des fêtes",
        "Sacs et encombrants déposés à côté des conteneurs.",
        (0.71, 0.31),
    ),
    (
        "camera_existante",
        "faible",
        "Façade de la mairie",
        "Une caméra dôme ; panneau d'information absent.",
        (0.46, 0.22),
    ),
    (
        "stationnement",
        "faible",
        "Abords de l'école",
        "Stationnement en double file à la sortie des classes.",
        (0.20, 0.70),
    ),
)
