"""Key points the matcher's tests share: the hesitations card's three points, and whether an answer hits one."""

from __future__ import annotations

from srs.keypoints import KeyPoint, parse_key_point
from srs.matcher import check_answer

HESITATIONS = parse_key_point("hesitations | concerns | reservations | doubts")
ABOUT_ME = parse_key_point("about hiring me | about me | about my candidacy")
NOT_HOW_I_DID = parse_key_point("avoid: ask whether I answered satisfactorily | ask how I did")
CARD = [HESITATIONS, ABOUT_ME, NOT_HOW_I_DID]


def hit(answer: str, point: KeyPoint) -> bool:
    """Whether ``answer`` hits ``point``."""
    return check_answer(answer, [point]).points[0].hit
