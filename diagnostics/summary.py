"""The line a measurement leaves in the ticket's thread, in the active language.

    summary("ping", results.parse_all(raws), {270: "DE", 1216: "FR"})
    -> "ping from 2 probes in 2 countries: 20 % loss, median 54 ms"

It reads the dicts of `results.parse()`; counts are written with ngettext and
numbers in the active locale's format (3,4 ms in Spanish).
"""

import statistics
from collections import Counter

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

KIND_LABELS = {
    "ping": gettext_lazy("ping"),
    "traceroute": gettext_lazy("traceroute"),
    "dns": gettext_lazy("DNS"),
    "sslcert": gettext_lazy("SSL certificate"),
    "http": gettext_lazy("HTTP"),
}


def summary(kind: str, parsed: list[dict], probe_countries: dict[int, str] | None = None) -> str:
    """The line for `parsed` results of `kind`, in the active language, such as
    "ping from 10 probes in 4 countries: 0 % loss, median 38 ms"."""
    label = KIND_LABELS.get(kind, kind)
    parsed = [item for item in parsed if not item.get("malformed") and item.get("kind") == kind]
    if not parsed:
        return _("%(kind)s: no results yet") % {"kind": label}
    probe_ids = {item["probe_id"] for item in parsed}
    probes_text = ngettext("%(count)s probe", "%(count)s probes", len(probe_ids)) % {
        "count": number_format(len(probe_ids))
    }
    outcome = _OUTCOMES[kind](parsed) if kind in _OUTCOMES else ""
    countries = {
        probe_countries[probe] for probe in probe_ids if (probe_countries or {}).get(probe)
    }
    if countries:
        countries_text = ngettext("%(count)s country", "%(count)s countries", len(countries)) % {
            "count": number_format(len(countries))
        }
        return _("%(kind)s from %(probes)s in %(countries)s: %(outcome)s") % {
            "kind": label,
            "probes": probes_text,
            "countries": countries_text,
            "outcome": outcome,
        }
    return _("%(kind)s from %(probes)s: %(outcome)s") % {
        "kind": label,
        "probes": probes_text,
        "outcome": outcome,
    }


def _ms(value: float) -> str:
    return _number(value, 1 if value < 10 else 0)


def _number(value: float, decimals: int) -> str:
    # number_format cuts the decimals it does not show: round first
    return number_format(round(value, decimals), decimal_pos=decimals)


def _median(values) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def _ping_outcome(parsed):
    sent = sum(item.get("sent") or 0 for item in parsed)
    received = sum(min(item.get("received") or 0, item.get("sent") or 0) for item in parsed)
    if not sent:
        return _no_answer()
    loss = (sent - received) * 100 / sent
    loss_text = _number(loss, 0 if loss.is_integer() else 1)
    median = _median(rtt for item in parsed for rtt in item.get("rtts") or [])
    if median is None:
        return _("%(loss)s %% loss") % {"loss": loss_text}
    return _("%(loss)s %% loss, median %(rtt)s ms") % {"loss": loss_text, "rtt": _ms(median)}


def _traceroute_outcome(parsed):
    reached = [item for item in parsed if item.get("reached")]
    median = _median(item.get("last_rtt") for item in reached)
    params = {"reached": number_format(len(reached)), "total": number_format(len(parsed))}
    if median is None:
        return (
            ngettext(
                "%(reached)s of %(total)s reached the target",
                "%(reached)s of %(total)s reached the target",
                len(reached),
            )
            % params
        )
    return ngettext(
        "%(reached)s of %(total)s reached the target, median %(rtt)s ms",
        "%(reached)s of %(total)s reached the target, median %(rtt)s ms",
        len(reached),
    ) % {**params, "rtt": _ms(median)}


def _dns_outcome(parsed):
    responses = [response for item in parsed for response in item.get("responses") or []]
    answered = [r for r in responses if r.get("rcode") and not r.get("error")]
    if not answered:
        return _no_answer()
    rcodes = Counter(r["rcode"] for r in answered)
    median = _median(r.get("rt") for r in answered)
    return ngettext(
        "%(answered)s of %(total)s query answered (%(rcode)s), median %(rtt)s ms",
        "%(answered)s of %(total)s queries answered (%(rcode)s), median %(rtt)s ms",
        len(responses),
    ) % {
        "answered": number_format(len(answered)),
        "total": number_format(len(responses)),
        "rcode": rcodes.most_common(1)[0][0],
        "rtt": _ms(median or 0),
    }


def _sslcert_outcome(parsed):
    seen = [item for item in parsed if item.get("certificates")]
    if not seen:
        return _no_answer()
    # The certificate closest to expiry among the servers' own (first in each chain)
    leaves = [item["certificates"][0] for item in seen]
    leaf = min(leaves, key=lambda c: c["days_left"] if c["days_left"] is not None else 10**6)
    name = leaf.get("subject_cn") or "?"
    days = leaf.get("days_left") or 0
    if leaf.get("expired"):
        text = ngettext(
            "%(name)s expired %(days)s day ago",
            "%(name)s expired %(days)s days ago",
            -days,
        ) % {"name": name, "days": number_format(-days)}
    else:
        text = ngettext(
            "%(name)s expires in %(days)s day",
            "%(name)s expires in %(days)s days",
            days,
        ) % {"name": name, "days": number_format(days)}
    failed = len(parsed) - len(seen)
    if failed:
        text = _("%(outcome)s; %(failed)s without a certificate") % {
            "outcome": text,
            "failed": number_format(failed),
        }
    return text


def _http_outcome(parsed):
    responses = [response for item in parsed for response in item.get("responses") or []]
    answered = [r for r in responses if r.get("status") and not r.get("error")]
    if not answered:
        return _no_answer()
    statuses = Counter(r["status"] for r in answered)
    return ngettext(
        "%(answered)s of %(total)s request answered (%(status)s), median %(rtt)s ms",
        "%(answered)s of %(total)s requests answered (%(status)s), median %(rtt)s ms",
        len(responses),
    ) % {
        "answered": number_format(len(answered)),
        "total": number_format(len(responses)),
        "status": statuses.most_common(1)[0][0],
        "rtt": _ms(_median(r.get("rt") for r in answered) or 0),
    }


def _no_answer():
    return _("no answer from any probe")


_OUTCOMES = {
    "ping": _ping_outcome,
    "traceroute": _traceroute_outcome,
    "dns": _dns_outcome,
    "sslcert": _sslcert_outcome,
    "http": _http_outcome,
}
