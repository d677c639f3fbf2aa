"""Natural keys: one answer per visit × form × item, one rating per visit × theme, …

Such a record's id is derived from its key (`wire.NATURAL_KEYS`, `core.ids.natural_id`)
and the server accepts it only under that id. So nobody can take the id of another
territory's future answer (it would name a visit of theirs, not his), and two records
never hold one key: a laptop would refuse the second on its unique index and fail every
pull after it. A record under another id is refused with `natural_key_taken` when the
key's own record exists (a duplicate), otherwise with `natural_id_mismatch`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fieldvisit.server.validation import Refusal
from fieldvisit.sync.wire import Change, natural_record_id

# What a duplicate would be, said the way people see it.
_TAKEN = {
    "visit_participants": "ce contact participe déjà à la visite",
    "answers": "cet élément du formulaire a déjà une réponse dans cette visite",
    "interviewees": "ce contact est déjà interrogé dans cet entretien",
    "interview_answers": "cette question de l'entretien a déjà une réponse",
    "theme_ratings": "ce thème a déjà une évaluation dans cette visite",
    "signatures": "ce signataire a déjà signé cette visite (signer à nouveau la remplace)",
    "occurrence_answers": "cet élément de l'occurrence a déjà une réponse",
}


def wanted_ids(changes: Iterable[Change]) -> dict[str, set[str]]:
    """The natural-key ids of these changes' keys, by table: loaded with the batch so
    that a duplicate is recognised without a query per record."""
    wanted: dict[str, set[str]] = {}
    for change in changes:
        expected = natural_record_id(change.table, change.fields)
        if expected is not None and expected != change.id:
            wanted.setdefault(change.table, set()).add(expected)
    return wanted


def natural_key_problem(
    change: Change, records: Mapping[tuple[str, str], object]
) -> Refusal | None:
    """Why this record's id does not fit its natural key, or None (also for tables
    without one). `records` holds the batch's records, loaded with `wanted_ids`."""
    expected = natural_record_id(change.table, change.fields)
    if expected is None or expected == change.id:
        return None
    holder = records.get((change.table, expected))
    if holder is not None:
        return Refusal(
            "natural_key_taken",
            f"{_TAKEN[change.table]} (enregistrement « {expected} ») : modifiez celui-ci "
            "plutôt que d'en créer un second",
        )
    return Refusal(
        "natural_id_mismatch",
        f"identifiant « {change.id} » qui ne correspond pas à l'enregistrement (attendu : "
        f"« {expected} », calculé à partir de son parent et de sa clé)",
    )
