"""The birthday problem, exactly and by simulation: the numbers and demo data of this talk.

The chance that n people all have different birthdays is the product of
(d - k) / d for k = 0 .. n-1; one minus that is the chance some two share one.
A seeded simulation of many rooms checks the formula, so the talk can quote both.
"""

from __future__ import annotations

import random

NAMESPACE = "bday"
SECTION = "birthday"
DEFAULTS = {"days": 365, "max_people": 80, "trials": 20000, "seed": 7}

try:  # the engine's error type, so a bad setting is reported on its deck.yaml line
    from deck.compute import SettingError
except ImportError:  # pragma: no cover - running this file on its own
    SettingError = ValueError  # type: ignore[misc,assignment]


def validate(section: dict | None) -> dict:
    settings = dict(DEFAULTS)
    for key, value in (section or {}).items():
        if key not in DEFAULTS:
            raise SettingError(key, f"unknown setting (known: {', '.join(DEFAULTS)})")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SettingError(key, f"must be a positive whole number, got {value!r}")
        settings[key] = value
    if settings["max_people"] > 400 or settings["trials"] > 200_000:
        raise SettingError("trials" if settings["trials"] > 200_000 else "max_people", "too large for a build-time computation")
    return settings


def shared_chance(people: int, days: int) -> float:
    """Chance that at least two of ``people`` share a birthday, all ``days`` equally likely."""
    distinct = 1.0
    for k in range(people):
        distinct *= (days - k) / days
    return 1.0 - distinct


def simulated_chance(people: int, days: int, trials: int, rng: random.Random) -> float:
    hits = 0
    for _ in range(trials):
        seen = set()
        for _ in range(people):
            day = rng.randrange(days)
            if day in seen:
                hits += 1
                break
            seen.add(day)
    return hits / trials


def facts(settings: dict) -> dict:
    days = settings["days"]
    curve = [shared_chance(n, days) for n in range(settings["max_people"] + 1)]
    half = next(n for n, p in enumerate(curve) if p >= 0.5)
    ninety_nine = next(n for n, p in enumerate(curve) if p >= 0.99)
    rng = random.Random(settings["seed"])
    simulated = simulated_chance(23, days, settings["trials"], rng)
    return {
        "days": days,
        "people_for_half": half,
        "people_for_99": ninety_nine,
        "chance_23_percent": f"{100 * curve[23]:.1f}%",
        "chance_10_percent": f"{100 * curve[10]:.1f}%",
        "chance_50_percent": f"{100 * curve[50]:.1f}%",
        "pairs_23": 23 * 22 // 2,
        "trials": settings["trials"],
        "simulated_23_percent": f"{100 * simulated:.1f}%",
        "curve": [round(p, 6) for p in curve],
    }


def browser_data(settings: dict) -> dict:
    """What the room demo draws: the exact curve, so it can show theory beside the room it fills."""
    days = settings["days"]
    return {"curve": {"days": days, "chance": [round(shared_chance(n, days), 6) for n in range(settings["max_people"] + 1)]}}
