"""Domain vocabulary: the closed lists of the programme, with their French labels.

Values are stable ASCII codes stored in the database and sent over the wire; labels are
what people read. Vocabulary follows DOMAIN.md (ANCT / gendarmerie usage).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a French label."""

    label: str

    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def parse(cls, text: str) -> LabelledEnum:
        """Accept a code or a label, case-insensitively; raise ValueError otherwise."""
        wanted = text.strip().casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.label.casefold()):
                return member
        codes = ", ".join(m.value for m in cls)
        raise ValueError(f"« {text} » n'est pas une valeur possible (valeurs : {codes})")


class ContactRole(LabelledEnum):
    MAIRE = "maire", "Maire"
    ADJOINT = "adjoint", "Adjoint(e) au maire"
    DGS = "dgs", "Directeur(rice) général(e) des services"
    POLICIER_MUNICIPAL = "policier_municipal", "Policier(ère) municipal(e)"
    COMMANDANT_BRIGADE = "commandant_brigade", "Commandant de brigade"
    REFERENT_SURETE = "referent_surete", "Référent(e) sûreté"
    GENDARME_REFERENT = "gendarme_referent", "Gendarme référent de la commune"
    CHEF_PROJET_PVD = "chef_projet_pvd", "Chef(fe) de projet PVD"
    SOUS_PREFET = "sous_prefet", "Sous-préfet(e)"
    DELEGUE_PREFET = "delegue_prefet", "Délégué(e) du préfet"
    COORDINATEUR_CLSPD = "coordinateur_clspd", "Coordinateur(rice) du CLSPD / CISPD"
    AUTRE = "autre", "Autre"


class VisitType(LabelledEnum):
    PREMIERE = "premiere", "Première visite"
    SUIVI = "suivi", "Visite de suivi"


class VisitStatus(LabelledEnum):
    PLANIFIEE = "planifiee", "Planifiée"
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"
    RAPPORT_EMIS = "rapport_emis", "Rapport émis"


# A visit moves forward only: planifiée → en cours → terminée → rapport émis.
# "Rouvrir" (terminée → en cours) is allowed so a forgotten answer can be added.
VISIT_TRANSITIONS: dict[VisitStatus, frozenset[VisitStatus]] = {
    VisitStatus.PLANIFIEE: frozenset({VisitStatus.EN_COURS}),
    VisitStatus.EN_COURS: frozenset({VisitStatus.TERMINEE}),
    VisitStatus.TERMINEE: frozenset({VisitStatus.RAPPORT_EMIS, VisitStatus.EN_COURS}),
    # « Rouvrir » an issued visit: editable again; the issued PDFs stay as issued and
    # the next issuing is their next version (report/issued.py).
    VisitStatus.RAPPORT_EMIS: frozenset({VisitStatus.EN_COURS}),
}


class Horizon(LabelledEnum):
    COURT = "court", "Court terme"
    MOYEN = "moyen", "Moyen terme"
    LONG = "long", "Long terme"


class Porteur(LabelledEnum):
    COMMUNE = "commune", "Commune"
    GENDARMERIE = "gendarmerie", "Gendarmerie"
    POLICE_MUNICIPALE = "police_municipale", "Police municipale"
    EPCI = "epci", "EPCI (intercommunalité)"
    PREFECTURE = "prefecture", "Préfecture"
    DEPARTEMENT = "departement", "Conseil départemental"
    ANCT = "anct", "ANCT / chef de projet PVD"
    ASSOCIATIONS = "associations", "Associations / commerçants"
    AUTRE = "autre", "Autre"


class Dispositif(LabelledEnum):
    """The gendarmerie and State tools a recommendation can rely on (DOMAIN.md)."""

    AUCUN = "aucun", "Aucun"
    PARTICIPATION_CITOYENNE = "participation_citoyenne", "Participation citoyenne"
    OTV = "otv", "Opération tranquillité vacances (OTV)"
    VIDEOPROTECTION = "videoprotection", "Vidéoprotection"
    FIPD = "fipd", "FIPD"
    CONVENTION_COORDINATION = (
        "convention_coordination",
        "Convention de coordination police municipale / forces de l'État",
    )
    CLSPD = "clspd", "CLSPD / CISPD"
    REFERENT_SURETE = "referent_surete", "Référent sûreté (diagnostic de sûreté)"
    GENDARME_REFERENT = "gendarme_referent", "Gendarme référent de la commune"
    GEND_ELUS = "gend_elus", "Gend'élus / brigade numérique"
    MAISON_PROTECTION_FAMILLES = "maison_protection_familles", "Maison de protection des familles"
    CONTRAT_SECURITE = "contrat_securite", "Contrat de sécurité PVD"
    AUTRE = "autre", "Autre"


class FundingSource(LabelledEnum):
    """Who pays for an action of the plan (DOMAIN.md: FIPD; the State's DETR and DSIL for
    investment; the local authorities)."""

    FIPD = "fipd", "FIPD"
    DETR = "detr", "DETR"
    DSIL = "dsil", "DSIL"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    COMMUNE = "commune", "Commune"
    AUTRE = "autre", "Autre"


class ActionStatus(LabelledEnum):
    A_ENGAGER = "a_engager", "À engager"
    EN_COURS = "en_cours", "En cours"
    REALISEE = "realisee", "Réalisée"
    ABANDONNEE = "abandonnee", "Abandonnée"

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.A_ENGAGER, ActionStatus.EN_COURS)


# What a follow-up says of an action of the previous plan: its status, or « En retard »
# when it is still open past its échéance (an action without one is never late).
LATE_LABEL = "En retard"


def is_late(status: str, due_date: date | None, today: date) -> bool:
    """An open action (à engager, en cours) whose échéance is before `today`."""
    try:
        open_now = ActionStatus(status).is_open
    except ValueError:
        return False
    return open_now and due_date is not None and due_date < today


def action_state_label(status: str, late: bool) -> str:
    """« En retard » for a late action, else its status's label."""
    if late:
        return LATE_LABEL
    try:
        return ActionStatus(status).label
    except ValueError:
        return status


PRIORITY_LABELS: dict[int, str] = {1: "Priorité 1 (haute)", 2: "Priorité 2", 3: "Priorité 3"}

# Level of concern for a diagnostic theme. None means "non évalué". This scale is a
# design choice: DOMAIN.md notes that no official scale exists.
CONCERN_LABELS: dict[int | None, str] = {
    None: "Non évalué",
    1: "1 – Faible",
    2: "2 – Modéré",
    3: "3 – Préoccupant",
    4: "4 – Très préoccupant",
}


class ObservationCategory(LabelledEnum):
    """What an observation of the walk is about (« Points d'attention »; the choice ids
    of its `categorie` question in the centre-bourg form, checked by a test)."""

    ECLAIRAGE = "eclairage", "Éclairage"
    ANGLE_MORT = "angle_mort", "Angle mort"
    DEGRADATION = "degradation", "Dégradation"
    DEPOT_SAUVAGE = "depot_sauvage", "Dépôt sauvage"
    STATIONNEMENT = "stationnement", "Stationnement"
    COMMERCE = "commerce", "Commerce"
    BATIMENT_PUBLIC = "batiment_public", "Bâtiment public"
    CAMERA_EXISTANTE = "camera_existante", "Caméra existante"
    AUTRE = "autre", "Autre"


def walk_rank(category: str) -> int:
    """Where an observation of this category stands in the walk's numbered table: the
    categories' order, an unknown one last. The report and the workbook number a visit's
    observations by it (a stable sort keeps their order of entry within a category)."""
    return _WALK_RANKS.get(category, len(_WALK_RANKS))


_WALK_RANKS = {category.value: rank for rank, category in enumerate(ObservationCategory)}


class ObservationSeverity(LabelledEnum):
    FAIBLE = "faible", "Faible"
    MOYENNE = "moyenne", "Moyenne"
    FORTE = "forte", "Forte"


class SignerRole(LabelledEnum):
    """Who signs a visit's report on screen (`signatures.role`): one signature per
    visit and role, re-signing replaces it (services/signatures.py)."""

    AUTEUR = "auteur", "Rédaction"
    MAIRE = "maire", "Maire"
    COMMANDANT = "commandant", "Commandant de brigade"
