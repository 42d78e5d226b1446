"""Per-learner scheduler settings, with Anki's defaults, and the parsing behind ``srs config set KEY VALUE``.

Each setting is described once in :data:`SETTINGS`: its default, how a string from the command line becomes a
value, the allowed range (named in the refusal message), and how the value is shown. Values are stored as JSON
(numbers, strings, lists), one row per learner and key; :meth:`SchedulerSettings.from_values` rebuilds the
frozen settings object from those rows over the defaults.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from srs.errors import ConfigError


def detect_timezone() -> tuple[str, str | None]:
    """This machine's IANA zone name, and a note for the person when something had to be ignored.

    Looks at ``TZ`` (``Europe/Berlin`` or ``:Europe/Berlin``), then at the zone file ``/etc/localtime`` links
    to. Only names in :func:`srs.scheduling.days.zone_names` count: a POSIX rule such as ``EST5EDT,M3.2.0,M11.1.0``
    or a file path is not one. With neither, the answer is ``"UTC"`` and the note says why and how to set a zone.
    """
    ignored = []
    tz = os.environ.get("TZ", "")
    if tz:
        if is_zone_name(tz.lstrip(":")):
            return tz.lstrip(":"), None
        ignored.append(f"TZ={shown_value(tz)} is not an IANA zone name")
    try:
        target = str(Path("/etc/localtime").resolve())
    except (OSError, RuntimeError):  # pragma: no cover - unusual systems, link loops
        target = ""
    name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    if name.startswith(("posix/", "right/")):
        name = name.split("/", 1)[1]
    if is_zone_name(name):
        return name, (f"{ignored[0]}; using this machine's zone, {name}." if ignored else None)
    ignored.append("/etc/localtime names no zone")
    return "UTC", (f"Could not tell this machine's time zone ({'; '.join(ignored)}): days are counted in UTC. "
                   "Set yours with: srs config set timezone Europe/Berlin")


def system_timezone() -> str:
    """The IANA name of this machine's time zone (see :func:`detect_timezone`); ``"UTC"`` when it cannot tell."""
    return detect_timezone()[0]


def is_zone_name(name: str) -> bool:
    """Whether ``name`` is an IANA time-zone name (or ``UTC`` in any case)."""
    from srs.scheduling.days import zone

    try:
        zone(name)
    except ValueError:
        return False
    return True


def shown_value(raw: str, limit: int = 40) -> str:
    """``raw`` quoted for a message: control characters escaped, cut to ``limit`` characters with its length."""
    if len(raw) <= limit:
        return repr(raw)
    return f"{raw[:limit]!r}… ({len(raw)} characters)"


def suggest_zones(raw: str) -> list[str]:
    """Zone names close to ``raw``: ``Berlin`` or ``europe/berlin`` -> ``Europe/Berlin``; at most three."""
    import difflib

    from srs.scheduling.days import zone_names

    text = raw.strip()
    if not text or len(text) > 64 or not text.isprintable():
        return []
    names = sorted(zone_names())
    city = text.replace(" ", "_").lower()
    by_city = [name for name in names if name.lower() == city or name.rsplit("/", 1)[-1].lower() == city]
    by_case = {name.lower(): name for name in names}
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.75)
    close += [by_case[m] for m in difflib.get_close_matches(text.lower(), list(by_case), n=3, cutoff=0.75)]
    return list(dict.fromkeys(by_city + close))[:3]


@dataclass(frozen=True)
class SchedulerSettings:
    """Everything the scheduler and the study queue need to know about a learner's preferences.

    Steps are in minutes, as Anki stores them. ``fsrs_parameters`` None means FSRS's default parameters.
    ``answer_mode`` is how ``srs review`` asks for the response: ``flip`` (say it, then reveal) or ``type``.
    """

    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps: tuple[float, ...] = (1.0, 10.0)
    relearning_steps: tuple[float, ...] = (10.0,)
    rollover_hour: int = 4
    timezone: str = field(default_factory=system_timezone)
    maximum_interval: int = 36500
    leech_threshold: int = 8
    learn_ahead_minutes: int = 20
    fsrs_parameters: tuple[float, ...] | None = None
    answer_mode: str = "flip"
    # The predicted recall at an interview that counts a card as ready; the interview plan aims above it.
    interview_retention: float = 0.95

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> SchedulerSettings:
        """Build settings from stored JSON values (unknown keys are ignored, missing ones take the default)."""
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                continue
            spec = SETTINGS[key]
            kwargs[key] = spec.from_json(value)
        return cls(**kwargs)


# -- parsing helpers -------------------------------------------------------------------------------------------

_STEP_RE = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT_MINUTES = {"s": 1 / 60, "m": 1.0, "": 1.0, "h": 60.0, "d": 1440.0}
MAX_STEP_MINUTES = 365 * 1440.0


def parse_steps(raw: str, key: str) -> tuple[float, ...]:
    """Parse ``"1m 10m"`` (units s, m, h, d; a bare number is minutes) into minutes. ``""``/``none`` = no steps."""
    text = raw.replace(",", " ").strip().lower()
    if text in ("", "none", "-"):
        return ()
    steps: list[float] = []
    for part in text.split():
        match = _STEP_RE.match(part)
        if not match:
            raise ConfigError(
                f"{key}: {part!r} is not a step; use numbers with a unit s, m, h or d, e.g. \"1m 10m\""
            )
        minutes = float(match.group(1)) * _UNIT_MINUTES[match.group(2)]
        if not (1 / 60 <= minutes <= MAX_STEP_MINUTES):
            raise ConfigError(f"{key}: each step must be between 1s and 365d (got {part})")
        steps.append(minutes)
    return tuple(steps)


def format_step(minutes: float) -> str:
    """Show a step the way it would be typed: ``1m``, ``30s``, ``1h``, ``2d``."""
    for unit, size in (("d", 1440.0), ("h", 60.0), ("m", 1.0)):
        count = minutes / size
        if count >= 1 and abs(count - round(count)) < 1e-9:
            return f"{round(count)}{unit}"
    seconds = minutes * 60
    if abs(seconds - round(seconds)) < 1e-9:
        return f"{round(seconds)}s"
    return f"{minutes:g}m"


def _int_parser(key: str, low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ConfigError(f"{key} must be a whole number between {low} and {high} (got {raw!r})") from None
        if not low <= value <= high:
            raise ConfigError(f"{key} must be between {low} and {high} (got {value})")
        return value

    return parse


def _retention_parser(key: str, low: float, high: float) -> Callable[[str], float]:
    """A parser for a probability setting: ``0.85`` or ``85%``, between ``low`` and ``high``."""

    def parse(raw: str) -> float:
        try:
            value = float(raw.strip().rstrip("%")) / (100 if raw.strip().endswith("%") else 1)
        except ValueError:
            raise ConfigError(f"{key} must be a number between {low:.2f} and {high:.2f} (got {raw!r})") from None
        if not low <= value <= high:
            raise ConfigError(f"{key} must be between {low:.2f} and {high:.2f} (got {raw.strip()})")
        return round(value, 4)

    return parse


def _parse_timezone(raw: str) -> str:
    from srs.scheduling.days import zone_names

    name = raw.strip()
    if name.upper() == "UTC":
        return "UTC"
    if name in zone_names():
        return name
    by_case = {known.lower(): known for known in zone_names()}
    if name.lower() in by_case:  # europe/berlin: the name, spelt as tzdata spells it
        return by_case[name.lower()]
    message = f"timezone must be an IANA time zone name such as Europe/Berlin (got {shown_value(raw)})"
    if name.startswith(("/", ".", "~")) or "\\" in name or "../" in name:
        message += "; a file path is not a zone name"
    suggestions = suggest_zones(raw)
    if suggestions:
        message += f"; did you mean {' or '.join(suggestions)}?"
    raise ConfigError(message)


def _stored_timezone(value: Any) -> str:
    """A timezone read back from the database; one stored by an older, laxer release is refused with the fix."""
    name = str(value)
    if not is_zone_name(name):
        raise ConfigError(f"the stored timezone {shown_value(name)} is not an IANA time zone name; "
                          "set yours with: srs config set timezone Europe/Berlin (or: default)")
    return name


def _parse_parameters(raw: str) -> list[float] | None:
    text = raw.strip()
    if text.lower() in ("", "default", "none"):
        return None
    try:
        values = [float(part) for part in text.replace(",", " ").split()]
    except ValueError:
        raise ConfigError("fsrs_parameters must be 17, 19 or 21 numbers, or 'default'") from None
    if len(values) not in (17, 19, 21):
        raise ConfigError(f"fsrs_parameters must be 17, 19 or 21 numbers, or 'default' (got {len(values)})")
    import fsrs_rs_python as frs

    try:
        frs.FSRS(frs.check_and_fill_parameters(values))
    except Exception as exc:  # the extension raises plain exceptions for invalid parameters
        raise ConfigError(f"fsrs_parameters are not valid FSRS parameters: {exc}") from None
    return values


ANSWER_MODES = ("flip", "type")


def _parse_answer_mode(raw: str) -> str:
    mode = raw.strip().lower()
    if mode not in ANSWER_MODES:
        raise ConfigError(f"answer_mode must be flip or type (got {shown_value(raw)})")
    return mode


def _stored_answer_mode(value: Any) -> str:
    """A stored mode; anything else (a newer release's mode) reads as flip, which every release has."""
    return str(value) if value in ANSWER_MODES else "flip"


@dataclass(frozen=True)
class SettingSpec:
    """How one setting is parsed, stored and shown."""

    key: str
    help: str
    allowed: str
    parse: Callable[[str], Any]  # command-line string -> JSON value
    from_json: Callable[[Any], Any]  # JSON value -> SchedulerSettings field value
    show: Callable[[Any], str]  # SchedulerSettings field value -> text


def _steps_spec(key: str, help_text: str) -> SettingSpec:
    return SettingSpec(
        key,
        help_text,
        'steps with units s/m/h/d, e.g. "1m 10m"; "none" for no steps',
        lambda raw: list(parse_steps(raw, key)),
        lambda value: tuple(float(v) for v in value),
        lambda value: " ".join(format_step(v) for v in value) or "none",
    )


def _int_spec(key: str, help_text: str, low: int, high: int) -> SettingSpec:
    return SettingSpec(key, help_text, f"{low}-{high}", _int_parser(key, low, high), int, str)


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "desired_retention",
            "Probability of recall FSRS aims for when a card comes due",
            "0.70-0.99",
            _retention_parser("desired_retention", 0.70, 0.99),
            float,
            lambda value: f"{value:g}",
        ),
        _int_spec("new_per_day", "New cards introduced per learner-day", 0, 9999),
        _int_spec("reviews_per_day", "Reviews shown per learner-day", 0, 99999),
        _steps_spec("learning_steps", "Delays between answers while a new card is being learned"),
        _steps_spec("relearning_steps", "Delays between answers after a review is forgotten"),
        _int_spec("rollover_hour", "Hour (local time) at which a new learner-day starts", 0, 23),
        SettingSpec(
            "timezone",
            "IANA time zone the learner's days are counted in",
            "an IANA name such as Europe/Berlin",
            _parse_timezone,
            _stored_timezone,
            str,
        ),
        _int_spec("maximum_interval", "Longest interval in days a card may get", 1, 36500),
        _int_spec("leech_threshold", "Lapses after which a card is tagged a leech", 1, 9999),
        _int_spec("learn_ahead_minutes", "How early a learning card may be shown when nothing else is due", 0, 1440),
        SettingSpec(
            "fsrs_parameters",
            "FSRS model weights (set by `srs optimize`)",
            "17, 19 or 21 numbers, or 'default'",
            _parse_parameters,
            lambda value: None if value is None else tuple(float(v) for v in value),
            lambda value: "default" if value is None else " ".join(f"{v:.4f}" for v in value),
        ),
        SettingSpec(
            "answer_mode",
            "How `srs review` asks for the response: flip (say it, then reveal) or type (type it, see the key "
            "points you hit)",
            "flip or type",
            _parse_answer_mode,
            _stored_answer_mode,
            str,
        ),
        SettingSpec(
            "interview_retention",
            "Predicted recall at an interview that counts a card as ready (`srs interview`)",
            "0.80-0.99",
            _retention_parser("interview_retention", 0.80, 0.99),
            float,
            lambda value: f"{value:g}",
        ),
    )
}


def normalize_key(key: str) -> str:
    """Accept ``desired-retention`` as well as ``desired_retention``; refuse unknown keys, listing the known."""
    name = key.strip().lower().replace("-", "_")
    if name not in SETTINGS:
        raise ConfigError(f"unknown setting {key!r}; known settings: {', '.join(SETTINGS)}")
    return name


def parse_setting(key: str, raw: str) -> Any:
    """Validate ``raw`` for ``key`` and return the JSON value to store.

    Raises:
        ConfigError: the key is unknown or the value is outside the allowed range (the message names it).
    """
    return SETTINGS[normalize_key(key)].parse(raw)


def show_setting(settings: SchedulerSettings, key: str) -> str:
    """The current value of ``key`` as text, in the form ``srs config set`` accepts."""
    name = normalize_key(key)
    return SETTINGS[name].show(getattr(settings, name))
