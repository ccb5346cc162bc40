"""The knowledge base's search, timed in process on the bench's 100,000 texts
(bench/seed_knowledge.py): `knowledge.search.search` and `knowledge.search.suggest`
as the portal's views call them, over `Article.objects.visible_to(member,
organisation=org)` for a member of bench-0, in the query's language.

Three sets, each query repeated (a warm-up first) and timed end to end, Python and
SQL: selective queries in each language (tens to a couple of hundred matching
texts), broad ones (thousands), and the suggestions beside the new-ticket form as a
description is typed, word by word. Writes p50 and p99 in ms per query and per set,
with the number of texts each query matches; the goals are p99 under 30 ms for the
selective queries and under 100 ms for the broad ones.
"""

import os
import statistics
import time

REPEAT = int(os.environ.get("BENCH_KB_REPEAT", "100"))
SUGGEST_REPEAT = int(os.environ.get("BENCH_KB_SUGGEST_REPEAT", "40"))
WARMUP = 5
GOALS_MS = {"selective": 30, "broad": 100}

# (language, query): what a client types in the help centre's search box.
SELECTIVE = [
    ("es", "luz los roja huawei"),
    ("es", "fibra cortada zte"),
    ("es", "E2417"),
    ("en", "wifi password ubiquiti"),
    ("en", "factory reset cisco"),
    ("pt", "senha do wi-fi ubiquiti"),
    ("pt", "fibra rompida zte"),
    ("fr", "mot de passe wi-fi ubiquiti"),
    ("fr", "fibre coupée zte"),
]
BROAD = [
    ("es", "internet"),
    ("es", "router wifi"),
    ("en", "router"),
    ("pt", "fatura"),
    ("fr", "facture"),
]
# What a client writes in the new-ticket form; suggestions follow each word typed.
DESCRIPTIONS = [
    ("es", "no tengo internet desde ayer"),
    ("en", "the internet has been down since yesterday"),
    ("pt", "estou sem internet desde ontem"),
    ("fr", "plus de connexion internet depuis hier"),
]


def _percentiles(samples) -> dict:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return {"p50_ms": round(q[49] * 1000, 2), "p99_ms": round(q[98] * 1000, 2)}


def _timed(call, repeat) -> list[float]:
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def _matches(text) -> int:
    from knowledge.models import ArticleTranslation
    from knowledge.search import _matching, _queries

    return _matching(ArticleTranslation.objects.order_by(), _queries(text, "websearch")).count()


def run(personas) -> dict:
    from accounts.models import Membership
    from knowledge.models import Article
    from knowledge.search import search, suggest

    member = personas["member"]
    organisation = Membership.objects.get(user=member, organisation__slug="bench-0").organisation

    def readable():
        # A fresh queryset each call, as each request builds its own.
        return Article.objects.visible_to(member, organisation=organisation)

    results = {"texts": _count_texts(), "repeat": REPEAT, "goals_ms": GOALS_MS, "sets": {}}
    everything = {}
    for name, queries in (("selective", SELECTIVE), ("broad", BROAD)):
        rows, samples_of_set = [], []
        for language, text in queries:
            samples = _timed(lambda t=text, r=language: search(readable(), t, reader=r), REPEAT)
            found = search(readable(), text, reader=language)
            samples_of_set += samples
            rows.append(
                {
                    "language": language,
                    "query": text,
                    "matching_texts": _matches(text),
                    "results": found.total,
                    "capped": found.capped,
                    **_percentiles(samples),
                }
            )
        everything[name] = samples_of_set
        results["sets"][name] = {"queries": rows, **_percentiles(samples_of_set)}
    rows, samples_of_set = [], []
    for language, description in DESCRIPTIONS:
        words = description.split()
        for end in range(1, len(words) + 1):
            typed = " ".join(words[:end])
            samples = _timed(
                lambda t=typed, r=language: suggest(readable(), t, reader=r), SUGGEST_REPEAT
            )
            samples_of_set += samples
            rows.append(
                {
                    "language": language,
                    "typed": typed,
                    "shown": len(suggest(readable(), typed, reader=language)),
                    **_percentiles(samples),
                }
            )
    results["sets"]["suggestions"] = {
        "queries": rows,
        "repeat": SUGGEST_REPEAT,
        **_percentiles(samples_of_set),
    }
    results["goals_met"] = {
        name: results["sets"][name]["p99_ms"] < goal for name, goal in GOALS_MS.items()
    }
    return results


def _count_texts() -> int:
    from bench.seed_knowledge import bench_texts

    return bench_texts().count()


def table(results) -> str:
    lines = [f"{'set':<12} {'lang':<4} {'query':<44} {'matches':>8} {'p50 ms':>8} {'p99 ms':>8}"]
    for name, measured in results["sets"].items():
        for row in measured["queries"]:
            text = row.get("query") or row.get("typed")
            lines.append(
                f"{name:<12} {row['language']:<4} {text[:44]:<44}"
                f" {row.get('matching_texts', row.get('shown', '')):>8}"
                f" {row['p50_ms']:>8} {row['p99_ms']:>8}"
            )
        p50, p99 = measured["p50_ms"], measured["p99_ms"]
        lines.append(f"{name:<12} {'all':<4} {'':<44} {'':>8} {p50:>8} {p99:>8}")
    return "\n".join(lines)
