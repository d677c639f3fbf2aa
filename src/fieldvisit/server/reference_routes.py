"""The endpoints of public datasets (server/reference.py): the list of the parts of the
account's territories, and one part's bytes. Read-only: files are imported with
`fieldvisit-server reference import`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from fieldvisit.server import logs
from fieldvisit.server.context import ApiError
from fieldvisit.server.reference import part_content, reference_index
from fieldvisit.server.routes import Ctx, Who, binary, errors, strict_query
from fieldvisit.sync.wire import API_PREFIX, DEPARTEMENT_RE, REFERENCE_DATASET_RE, ReferenceIndex

router = APIRouter(responses=errors(413, 422, 503, 507), dependencies=[Depends(strict_query)])
DatasetPath = Annotated[str, Path(pattern=REFERENCE_DATASET_RE.pattern)]
TerritoryPath = Annotated[str, Path(pattern=DEPARTEMENT_RE.pattern)]


@router.get(f"{API_PREFIX}/reference", response_model=ReferenceIndex, responses=errors(401))
def reference_parts(who: Who, ctx: Ctx) -> ReferenceIndex:
    with ctx.db.reading() as session:
        return reference_index(session, who)


@router.get(
    f"{API_PREFIX}/reference/{{dataset}}/{{territory}}",
    response_class=Response,
    responses={
        **binary("application/gzip", "L'en-tête publié et les lignes du département, gzip"),
        **errors(401, 404),
    },
)
def reference_part(dataset: DatasetPath, territory: TerritoryPath, who: Who, ctx: Ctx) -> Response:
    with ctx.db.reading() as session:
        content = part_content(session, who, dataset, territory)
    if content is None:
        raise ApiError(
            404, "not_found", f"Données publiques « {dataset} » du {territory} introuvables."
        )
    logs.audit(
        "reference_part", user=who.username, device=who.device_id, dataset=dataset,
        territory=territory,
    )  # fmt: skip
    return Response(content, media_type="application/gzip")
