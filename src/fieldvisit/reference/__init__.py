"""Reference data shipped with the app: the communes of France."""

from fieldvisit.reference.communes import (
    ARRONDISSEMENT_MUNICIPAL,
    COMMUNE_ACTUELLE,
    COMMUNE_ASSOCIEE,
    COMMUNE_DELEGUEE,
    COMMUNE_TYPES,
    Commune,
    CommuneDataError,
    CommuneIndex,
    default_communes_file,
)
from fieldvisit.reference.text import normalise

__all__ = [
    "ARRONDISSEMENT_MUNICIPAL",
    "COMMUNE_ACTUELLE",
    "COMMUNE_ASSOCIEE",
    "COMMUNE_DELEGUEE",
    "COMMUNE_TYPES",
    "Commune",
    "CommuneDataError",
    "CommuneIndex",
    "default_communes_file",
    "normalise",
]
