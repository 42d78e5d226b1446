"""The answer matcher's speed, and its agreement with hand-labelled ratings: ``python -m benchmarks.matcher``.

Speed: the median time to check one answer against a card with five key points, over varied answers, both in
steady state (the stemmer's word cache warm, as in a review session) and cold (the cache emptied before every
answer, so each answer's words are stemmed from scratch). The goal is under 1 ms per answer.

Agreement: for each labelled set present (``tests/data/labelled_answers.toml``, and the timed second set
``tests/data/labelled_answers_timed.toml``), the matcher's suggested rating against the human rating of every
labelled answer, exact and within one grade, separately for the tuning part and the held-out part
(``holdout = true``). An answer that carries its typing time (the second set) is checked with that time. ``--misses`` lists the tuning part's disagreements (never the held-out ones);
``--tuning-only`` leaves the held-out part out of the figures too, for a tuning round that must not see them;
``--pace-sweep`` shows, on the tuning part, how agreement moves when the answer's time is simulated at other paces.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from srs.keypoints import parse_key_point
from srs.matcher import check_answer, typing_allowance_seconds
from srs.matching.words import stem, word_count
from tests.labelled import LABELLED, LABELLED_TIMED, Labelled, load_labelled  # shared with the regression test

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


def suggested(item: Labelled, timed: bool) -> int:
    """The matcher's rating for a labelled answer, with the time it took when the label has one; else ``timed``
    simulates that time.

    The first set's labels carry no time, so "timed" assumes the learner typed the answer at the pace the typing allowance
    assumes (:func:`typing_allowance_seconds` of the answer itself): a complete answer is then Easy exactly when
    it is no longer than the card's response. Untimed, the matcher never suggests Easy.
    """
    if item.seconds is not None:
        return check_answer(item.answer, item.key_points, answer_seconds=item.seconds,
                            reference=item.response).suggested_rating
    if not timed:
        return check_answer(item.answer, item.key_points).suggested_rating
    return check_answer(item.answer, item.key_points, answer_seconds=typing_allowance_seconds(item.answer),
                        reference=item.response).suggested_rating


def agreement(items: list[Labelled], timed: bool) -> dict[bool, tuple[int, int, int]]:
    """Exact and within-one agreement per part: ``{holdout: (answers, exact, within one)}``."""
    parts: dict[bool, tuple[int, int, int]] = {}
    for item in items:
        rating = suggested(item, timed)
        n, exact, within = parts.get(item.holdout, (0, 0, 0))
        parts[item.holdout] = (n + 1, exact + (rating == item.rating), within + (abs(rating - item.rating) <= 1))
    return parts


def pace_sweep(path: Path) -> None:
    """On the tuning part only: exact agreement when the answer's time is simulated at other paces.

    Each answer is taken to be typed at ``wpm`` words a minute after ``think`` seconds, and compared with the
    allowance (the card's response at :data:`srs.matcher.TYPING_WPM` plus :data:`srs.matcher.THINKING_SECONDS`).
    Also prints how long the complete answers are, relative to the card's response, by their label.
    """
    items = [item for item in load_labelled(path) if not item.holdout]
    complete = [item for item in items if check_answer(item.answer, item.key_points).suggested_rating == 3]
    for label in (4, 3):
        ratios = [word_count(i.answer) / word_count(i.response) for i in complete if i.rating == label]
        print(f"tuning, complete answers labelled {label}: {len(ratios)}, length / response's length: "
              f"median {statistics.median(ratios):.2f}, {sum(r <= 1 for r in ratios)} no longer than it")
    print(f"tuning, exact agreement untimed: {sum(suggested(i, False) == i.rating for i in items)}/{len(items)}")
    for think in (0.0, 5.0, 10.0, 15.0):
        cells = []
        for wpm in (20, 30, 40, 60):
            exact = sum(check_answer(i.answer, i.key_points, reference=i.response,
                                     answer_seconds=word_count(i.answer) * 60 / wpm + think).suggested_rating
                        == i.rating for i in items)
            cells.append(f"{wpm} wpm {exact}")
        print(f"tuning, exact agreement timed, {think:.0f} s to think: " + ", ".join(cells))


def report(path: Path, show_misses: bool, tuning_only: bool = False) -> None:
    """Print agreement with the labelled ratings, the tuning and held-out parts apart, timed and untimed."""
    items = [item for item in load_labelled(path) if not (tuning_only and item.holdout)]
    print(f"{path.name}:")
    has_times = all(item.seconds is not None for item in items)
    for timed in (True,) if has_times else (True, False):
        label = ("with the labels' own times" if has_times else
                 "timed (typed at 40 wpm + 5 s)" if timed else "untimed (never Easy)")
        for held_out, (n, exact, within) in sorted(agreement(items, timed).items()):
            part = "held-out" if held_out else "tuning"
            print(f"{label}, {part}: {n} answers, exact {exact}/{n} = {exact / n:.1%}, "
                  f"within one {within}/{n} = {within / n:.1%}")
    if show_misses:
        for item in items:
            if item.holdout:
                continue  # never shown: the held-out part measures the matcher honestly
            rating = suggested(item, timed=False)
            if rating != item.rating:
                result = check_answer(item.answer, item.key_points, answer_seconds=item.seconds,
                                      reference=item.response if item.seconds is not None else None)
                marks = "; ".join(("+ " if p.hit else "- ") + p.point.label for p in result.points)
                took = f", {item.seconds:.0f}s of {typing_allowance_seconds(item.response):.0f}s" if item.seconds else ""
                print(f"miss {item.card}: human {item.rating}, matcher {rating}{took}: {item.answer!r}\n    [{marks}]")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matcher")
    parser.add_argument("--repeat", type=int, default=21, help="runs per answer (the median is kept)")
    parser.add_argument("--labelled", type=Path, action="append",
                        help="a labelled set (repeatable; default: both of tests/data's)")
    parser.add_argument("--misses", action="store_true", help="list the tuning part's disagreements")
    parser.add_argument("--tuning-only", action="store_true", help="measure the tuning part only (no held-out figures)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    parser.add_argument("--pace-sweep", action="store_true",
                        help="tuning part: agreement with the answer time simulated at other paces")
    args = parser.parse_args()
    if not args.no_speed:
        speed(args.repeat)
    for path in args.labelled or [LABELLED, LABELLED_TIMED]:
        if path.exists():
            report(path, args.misses, args.tuning_only)
            if args.pace_sweep:
                pace_sweep(path)
        else:
            print(f"no labelled answers at {path}: agreement not measured", file=sys.stderr)


if __name__ == "__main__":
    main()
