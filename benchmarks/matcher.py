"""The answer matcher's speed, and its agreement with hand-labelled ratings: ``python -m benchmarks.matcher``.

Speed: the median time to check one answer against a card with five key points, over varied answers, both in
steady state (the stemmer's word cache warm, as in a review session) and cold (the cache emptied before every
answer, so each answer's words are stemmed from scratch). The goal is under 1 ms per answer.

Agreement: when ``tests/data/labelled_answers.toml`` is present, the matcher's suggested rating against the
human rating of every labelled answer, exact and within one grade, separately for the tuning part and the
held-out part (``holdout = true``). ``--misses`` lists the tuning part's disagreements (never the held-out ones).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from srs.keypoints import parse_key_point
from srs.matcher import check_answer
from srs.matching.words import stem

ROOT = Path(__file__).resolve().parents[1]

FIVE_POINTS = [parse_key_point(text) for text in (
    "hesitations | concerns | reservations | doubts",
    "about hiring me | about me | about my candidacy",
    "avoid: ask whether I answered satisfactorily | ask how I did",
    "feedback | what stands between me and the job",
    "not afraid of the answer | ready for any answer",
)]

ANSWERS = [
    "What hesitations do you have about hiring me?",
    "Ask: what hesitations do you have about hiring me?",
    "I'd ask whether they have any concerns about me, since I'm not afraid of the answer.",
    "Do you have any reservations about my candidacy? I want the feedback.",
    "Don't ask how you did; ask what doubts they have about hiring you.",
    "Rather than asking whether I answered satisfactorily, I'd ask what concerns they have about me.",
    "Ask how I did.",
    "Thank them for their time, shake hands firmly and leave.",
    "Say you're really interested in the opportunity and hope to hear from them soon.",
    "I would never ask about hesitations, it puts them on the spot.",
    "What reservatoins do you have about my candidacy? I'm ready for any answer.",
    "Any concerns about hiring me? Whatever the answer is, I'm not afraid of it, and it's feedback I can use.",
    "Is there anything that stands between me and the job?",
    "Send a thank-you note and move on to the next interview.",
    "I'd skip questions about my performance and close with a quick, upbeat line of interest.",
    "hesitatons about me",
    "Ask them what doubts they have, then say you're not afraid of hearing the answer and want the feedback.",
    "Ask whether I answered everything satisfactorily and how I did overall, then thank them.",
    "What concerns would you have about bringing me on board?",
    "Honestly, do you have any reservations about me for this role? I'd rather hear them now than never.",
] * 5  # 100 answers; the repeats only matter to the warm figure, as a session's repeated words do


def _timings(answers: list[str], repeat: int, cold: bool) -> list[float]:
    per_answer = []
    for answer in answers:
        runs = []
        for _ in range(repeat):
            if cold:
                stem.cache_clear()
            start = time.perf_counter()
            check_answer(answer, FIVE_POINTS)
            runs.append(time.perf_counter() - start)
        per_answer.append(statistics.median(runs))
    return per_answer


def speed(repeat: int) -> None:
    """Print the median time per answer, warm and cold."""
    check_answer(ANSWERS[0], FIVE_POINTS)  # the points are compiled once, as a review session does
    warm = _timings(ANSWERS, repeat, cold=False)
    cold = _timings(ANSWERS, repeat, cold=True)
    words = statistics.median(len(a.split()) for a in ANSWERS)
    print(f"matching one answer, 5 key points, {len(ANSWERS)} answers (median {words:.0f} words), "
          f"{repeat} runs each:")
    for name, times in (("warm word cache", warm), ("cold word cache", cold)):
        print(f"  {name}: median {statistics.median(times) * 1e6:.0f} µs, "
              f"max {max(times) * 1e6:.0f} µs per answer (goal < 1000 µs)")


def agreement(path: Path, show_misses: bool) -> None:
    """Print exact and within-one agreement with the labelled ratings, tuning and held-out parts apart."""
    from tests.labelled import load_labelled  # the loader the regression test uses too (run from the root)

    items = load_labelled(path)
    for part, held_out in (("tuning", False), ("held-out", True)):
        chosen = [item for item in items if item.holdout == held_out]
        if not chosen:
            continue
        exact = within = 0
        for item in chosen:
            suggested = check_answer(item.answer, item.key_points).suggested_rating
            exact += suggested == item.rating
            within += abs(suggested - item.rating) <= 1
            if show_misses and not held_out and suggested != item.rating:
                result = check_answer(item.answer, item.key_points)
                marks = ", ".join(("+" if p.hit else "-") + p.point.label for p in result.points)
                print(f"  miss {item.card}: human {item.rating}, matcher {suggested}: {item.answer!r} [{marks}]")
        n = len(chosen)
        print(f"{part}: {n} answers, exact {exact}/{n} = {exact / n:.1%}, within one {within}/{n} = {within / n:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matcher")
    parser.add_argument("--repeat", type=int, default=21, help="runs per answer (the median is kept)")
    parser.add_argument("--labelled", type=Path, default=ROOT / "tests" / "data" / "labelled_answers.toml")
    parser.add_argument("--misses", action="store_true", help="list the tuning part's disagreements")
    args = parser.parse_args()
    speed(args.repeat)
    if args.labelled.exists():
        agreement(args.labelled, args.misses)
    else:
        print(f"no labelled answers at {args.labelled}: agreement not measured", file=sys.stderr)


if __name__ == "__main__":
    main()
