"""Where a photo's GPS position goes: a person's location is personal data.

`LocationPolicy` is what the Préférences decide (the UI keeps it in its settings and
hands it to the import, the report and the export; the command line uses the default):

- `in_stored_photos` (default True): the position read at import stays in the stored
  photo and on its record (shown in the Photos section and the internal report).
  False: the import removes it from the file it stores (photo_facts.without_location)
  and stores no position;
- `in_shared_copies` (default False): the position is printed in the shareable report
  and kept in exported copies. False: neither shows it.

The report's renditions never carry EXIF at all (report/images.py writes bare JPEGs),
so the only place a position can appear in a PDF is the caption this policy governs.
"""

from __future__ import annotations

from pathlib import Path

from fieldvisit.core.files import atomic_output
from fieldvisit.core.geo import DEFAULT_POLICY as DEFAULT_POLICY
from fieldvisit.core.geo import LocationPolicy as LocationPolicy
from fieldvisit.services import photo_facts
from fieldvisit.services.attachments import files
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.models import Attachment


def export_copy(
    svc: Services, attachment_id: str, target: Path, policy: LocationPolicy | None = None
) -> Path:
    """Write a plain copy of a photo to `target` (chosen by the person), without its
    GPS position unless the policy keeps it in shared copies. Atomic: a failure leaves
    no partial file (French message for an unwritable place)."""
    policy = policy or DEFAULT_POLICY
    with svc.store.reading() as session:
        attachment = get_live(session, Attachment, attachment_id)
        sha, media_type = attachment.sha256, attachment.media_type
    data = files(svc).read_bytes(sha)
    if not policy.in_shared_copies and media_type.startswith("image/"):
        data = photo_facts.without_location(data)
    with atomic_output(target, kind="image", prefix=".export-") as tmp:
        tmp.write_bytes(data)
    return target
