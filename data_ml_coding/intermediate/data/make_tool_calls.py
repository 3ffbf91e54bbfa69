"""Write `tool_calls.jsonl`: a small, seeded, synthetic log of recorded LLM tool calls.

Run from the repository root: `python data_ml_coding/intermediate/data/make_tool_calls.py`.
The same seed always writes the same file, which is checked in next to this script.

Each line is one case answered by one prompt version:
    {"case_id": "c-007", "prompt_version": "v1",
     "expected": {"name": "get_weather", "arguments": {"city": "Lisbon", ...}},
     "output": "<the model's raw text>"}

Every case is answered by three prompt versions. v1 is the old prompt: more prose, broken JSON
and wrong argument values. v2 is a real improvement. v3 is v2 with one sentence reworded: a
fifth of its decisions are drawn afresh, so it differs from v2 on some cases, in both directions
(a gain inside the noise). The versions
share one latent draw per case and decision (common random numbers), as a real model would be
hard or easy on the same cases whatever the prompt: that is what makes a paired comparison pay.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

SEED = 20261106
CASES = 100
OUT = Path(__file__).with_name("tool_calls.jsonl")

CITIES = ("Seattle", "Lisbon", "Nairobi", "Osaka", "Lima", "Oslo", "Denver", "Hanoi")
AIRPORTS = ("SEA", "LIS", "NBO", "KIX", "LIM", "OSL", "DEN", "HAN")
CURRENCIES = ("USD", "EUR", "JPY", "KES", "NOK", "PEN")
TOOLS = ("get_weather", "search_flights", "convert_currency", "create_reminder")


# How often each version does each thing. A decision happens when the case's latent draw for it
# falls under the version's rate; v3 has v2's rates and redraws V3_REDRAW of its decisions.
RATES: dict[str, dict[str, float]] = {
    "v1": {
        "no_json": 0.03,
        "invalid_json": 0.10,
        "not_a_call": 0.03,
        "wrong_tool": 0.08,
        "wrong_value": 0.22,
        "missing_arg": 0.10,
        "extra_arg": 0.12,
        "type_drift": 0.30,
        "duplicate_key": 0.08,
        "fence": 0.35,
        "prose": 0.30,
        "trailing": 0.30,
    },
    "v2": {
        "no_json": 0.01,
        "invalid_json": 0.02,
        "not_a_call": 0.01,
        "wrong_tool": 0.07,
        "wrong_value": 0.10,
        "missing_arg": 0.04,
        "extra_arg": 0.05,
        "type_drift": 0.25,
        "duplicate_key": 0.06,
        "fence": 0.60,
        "prose": 0.10,
        "trailing": 0.20,
    },
}
VERSIONS = ("v1", "v2", "v3")
V3_REDRAW = 0.2  # share of v2's decisions that v3 makes afresh


def expected_call(rng: random.Random) -> dict[str, Any]:
    tool = rng.choice(TOOLS)
    if tool == "get_weather":
        arguments: dict[str, Any] = {
            "city": rng.choice(CITIES),
            "units": rng.choice(("metric", "imperial")),
            "days": rng.randint(1, 7),
        }
    elif tool == "search_flights":
        origin, destination = rng.sample(AIRPORTS, 2)
        arguments = {
            "origin": origin,
            "destination": destination,
            "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "max_stops": rng.randint(0, 2),
            "refundable": rng.random() < 0.5,
        }
    elif tool == "convert_currency":
        source, target = rng.sample(CURRENCIES, 2)
        arguments = {
            "amount": rng.choice((25, 100, 250.5, 1000, 19.99)),
            "from_currency": source,
            "to_currency": target,
        }
    else:
        arguments = {
            "text": rng.choice(("call the vet", "renew passport", "team standup", "water plants")),
            "when": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T09:00",
            "urgent": rng.random() < 0.3,
        }
    return {"name": tool, "arguments": arguments}


def drifted(value: Any, rng: random.Random) -> Any:
    """The same value in another type or spelling: normalization must still match it."""
    if isinstance(value, bool):
        return rng.choice(("true", "True")) if value else rng.choice(("false", "FALSE"))
    if isinstance(value, int | float):
        return rng.choice((str(value), f" {value} ", float(value)))
    if isinstance(value, str):
        return rng.choice((value.lower(), f" {value}", value.upper()))
    return value


def wrong(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + rng.choice((1, 2, -1)) if value > 1 else value + 1
    if value in CITIES:
        return rng.choice([c for c in CITIES if c != value])
    if value in AIRPORTS:
        return rng.choice([a for a in AIRPORTS if a != value])
    if value in CURRENCIES:
        return rng.choice([c for c in CURRENCIES if c != value])
    if value in ("metric", "imperial"):
        return "imperial" if value == "metric" else "metric"
    return value + " tomorrow"


def render_arguments(pairs: list[tuple[str, Any]]) -> str:
    """A JSON object written by hand, so that a key may appear twice."""
    return "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs) + "}"


def model_output(
    expected: dict[str, Any], draws: dict[str, float], rates: dict[str, float], rng: random.Random
) -> str:
    def happens(what: str) -> bool:
        return draws[what] < rates[what]

    if happens("no_json"):
        return rng.choice(
            (
                "I'm sorry, I can't tell which tool fits this request.",
                f"I would call {expected['name']} with the details you gave.",
            )
        )
    name = expected["name"]
    if happens("wrong_tool"):
        name = rng.choice([t for t in TOOLS if t != name])
    pairs = list(expected["arguments"].items())
    if happens("wrong_value"):
        i = rng.randrange(len(pairs))
        pairs[i] = (pairs[i][0], wrong(pairs[i][1], rng))
    if happens("missing_arg"):
        pairs.pop(rng.randrange(len(pairs)))
    if happens("extra_arg"):
        pairs.append(rng.choice((("language", "en"), ("verbose", True), ("limit", 5))))
    if happens("type_drift") and pairs:
        i = rng.randrange(len(pairs))
        pairs[i] = (pairs[i][0], drifted(pairs[i][1], rng))
    if happens("duplicate_key") and pairs:
        # The same argument twice, once capitalized and first: the later spelling must win.
        key, value = pairs[0]
        stale = wrong(value, rng) if rng.random() < 0.5 else value
        pairs.insert(0, (key.capitalize(), stale))
    arguments = render_arguments(pairs)
    if happens("not_a_call"):
        body = rng.choice(
            (
                f'{{"tool": {json.dumps(name)}, "args": {arguments}}}',
                f'{{"name": {json.dumps(name)}, "arguments": {json.dumps(arguments)}}}',
            )
        )
    else:
        body = f'{{"name": {json.dumps(name)}, "arguments": {arguments}}}'
    if happens("invalid_json"):
        kind = rng.choice(("single_quotes", "trailing_comma", "truncated"))
        if kind == "single_quotes":
            body = body.replace('"', "'")
        elif kind == "trailing_comma":
            body = body[:-2] + ",}}"
        else:
            body = body[: int(len(body) * 0.7)]
    if happens("fence"):
        body = f"```{rng.choice(('json', ''))}\n{body}\n```"
    if happens("prose"):
        body = rng.choice(("Sure! Here is the call:\n", "Calling the tool now. ")) + body
    if happens("trailing"):
        body += rng.choice(
            (
                "\nLet me know if you need anything else.",
                " {this call uses your saved preferences}",
                "\n\nNote: results may be cached.",
            )
        )
    return body


def main() -> None:
    rng = random.Random(SEED)
    lines = []
    for case in range(1, CASES + 1):
        expected = expected_call(rng)
        draws = {what: rng.random() for what in RATES["v1"]}
        # One text generator per case, replayed for every version: the versions make the same
        # choices (which argument goes wrong, which spelling) wherever their decisions agree.
        text_seed = rng.getrandbits(32)
        for version in VERSIONS:
            rates = RATES["v2" if version == "v3" else version]
            mine = dict(draws)
            if version == "v3":
                for what in mine:
                    if rng.random() < V3_REDRAW:
                        mine[what] = rng.random()
            output = model_output(expected, mine, rates, random.Random(text_seed))
            lines.append(
                {
                    "case_id": f"c-{case:03d}",
                    "prompt_version": version,
                    "expected": expected,
                    "output": output,
                }
            )
    OUT.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    print(f"wrote {len(lines)} lines to {OUT}")


if __name__ == "__main__":
    main()
