"""Where a page's time goes: cProfile of a few in-process requests, for `make bench`.

The page is requested through Django's test Client in the bench's own process, with
the settings and URLs gunicorn serves (ROOT_URLCONF=bench.urls), on the same
database, after one request to warm caches. bench/profiles/<page>.txt keeps the top
entries by cumulative time, then the portal's own functions by cumulative time and
everything by own time. `summary()` is what results.json keeps: the milliseconds per
request under the profiler (inflated by it, about twice: compare pages, not
seconds), those spent executing SQL and rendering templates (which includes the SQL
that lazy querysets run from templates), and the three costliest functions of the
portal's own code that are not wrappers of the whole request (the view and the
middleware are).
"""

import cProfile
import io
import os
import pstats
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "profiles"
REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "20"))
TOP = 40
WRAPPER_SHARE = 0.85  # a function over this share of the request wraps it: not a cost
SQL = ("django/db/backends/utils.py", "_execute")
RENDER = ("django/template/base.py", "render", "Template")
APPS = "accounts|activity|bench|config|contracts|core|notifications|portal|sla|tickets"
OWN_CODE = re.compile(rf"^{re.escape(str(ROOT))}/({APPS})/")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _own(function) -> bool:
    return bool(OWN_CODE.match(function[0]))


def _label(function) -> str:
    filename, line, name = function
    if filename.startswith(str(ROOT)):
        filename = os.path.relpath(filename, ROOT)
    return f"{filename}:{line}({name})"


def _cumulative(stats, filename_end, name, per) -> float | None:
    total = [
        ct
        for (filename, _line, fn), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
        if filename.endswith(filename_end) and fn == name
    ]
    return round(max(total) * 1000 / per, 1) if total else None


def wrappers(path) -> set[tuple]:
    """The portal's functions that wrap the whole request of `path`: its view and the
    middleware's __call__. Their time is everything's; they are not a cost of their own."""
    import importlib
    import inspect

    from django.conf import settings
    from django.urls import resolve

    found = set()
    for dotted in settings.MIDDLEWARE:
        module = importlib.import_module(dotted.rsplit(".", 1)[0])
        found.add((module.__file__, "__call__"))
    view = inspect.unwrap(resolve(path.split("?", 1)[0]).func)
    code = getattr(view, "__code__", None)
    if code is not None:
        found.add((code.co_filename, code.co_name))
    return found


def _calls(stats, outer, inner) -> bool:
    """Whether `inner` is called under `outer`, directly or through other functions."""
    seen, todo = {inner}, [inner]
    while todo:
        for caller in stats.stats[todo.pop()][4]:
            if caller == outer:
                return True
            if caller not in seen and caller in stats.stats:
                seen.add(caller)
                todo.append(caller)
    return False


def summary(stats, requests: int, wrapping=frozenset()) -> dict:
    """The per-request figures results.json keeps (see the module's docstring).

    `top`: the portal's functions by cumulative time, leaving out those in `wrapping`
    (filename, name) or over WRAPPER_SHARE of the request, and a function that is most
    of one already listed and called under it, through Django's code or not
    (load_access and the organisations_for it calls: one cost)."""
    total = stats.total_tt
    own = sorted(
        (
            (ct, function)
            for function, (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
            if _own(function)
            and (function[0], function[2]) not in wrapping
            and ct < total * WRAPPER_SHARE
        ),
        reverse=True,
    )
    top = []
    for ct, function in own:
        if any(
            ct >= 0.8 * listed_ct and _calls(stats, listed, function) for listed_ct, listed in top
        ):
            continue
        top.append((ct, function))
        if len(top) == 3:
            break
    return {
        "requests": requests,
        "ms": round(total * 1000 / requests, 1),
        "sql_ms": _cumulative(stats, SQL[0], SQL[1], requests),
        "render_ms": _cumulative(stats, RENDER[0], RENDER[1], requests),
        "top": [
            {"function": _label(function), "ms": round(ct * 1000 / requests, 1)}
            for ct, function in top
        ],
    }


def report(stats, title: str) -> str:
    """The text of bench/profiles/<page>.txt."""
    out = io.StringIO()
    stats.stream = out
    print(title, file=out)
    print(f"\n== Top {TOP} by cumulative time ==", file=out)
    stats.sort_stats("cumulative").print_stats(TOP)
    print("== The portal's own functions by cumulative time ==", file=out)
    stats.sort_stats("cumulative").print_stats(OWN_CODE.pattern.lstrip("^"), 25)
    print("== Top 25 by own time ==", file=out)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue().replace(str(ROOT) + "/", "")


def profile(name, user, path, status=200, requests=REQUESTS, out=OUT) -> dict:
    """Profile `requests` GETs of `path` as `user`; write the report, return the summary."""
    from django.test import Client

    from accounts import second_factor

    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
        session = client.session
        session[second_factor.SESSION_KEY] = {"device": "bench", "at": "bench"}
        session.save()
    client.get(path)  # warm caches the way a running server has them
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        for _ in range(requests):
            response = client.get(path)
            assert response.status_code == status, (path, response.status_code, status)
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler)
    result = summary(stats, requests, wrappers(path))
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{slug(name)}.txt"
    target.write_text(report(stats, f"{name}: GET {path}, {requests} requests in process"))
    result["file"] = os.path.relpath(target, ROOT)
    return result
