"""Starting a measurement and following it until Atlas has all its results.

`measurement_start` checks who asks and what (the target, the probes, the
organisation's rules and quota), asks RIPE Atlas, and records the measurement
and its event in one transaction, with the organisation's rules row locked so
that two requests at once cannot both pass the quota. Nothing is written when
Atlas refuses: the refusal comes back in the asker's language.

`measurement_poll` is what the task runs: the status, then the results since the
last one stored; each result is stored once (probe and timestamp are unique), so
a task run twice, or retried after a crash, stores nothing twice.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Visibility
from activity.services import record_event
from tickets import services as ticket_services

from . import definitions
from .atlas import AtlasClient, AtlasError, AtlasRateLimited, AtlasUnavailable
from .models import Measurement, MeasurementResult, OrganisationRules, Probe, Status
from .targets import check_target


def _next_number(now) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO diagnostics_measurementnumber (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = diagnostics_measurementnumber.last + 1 "
            "RETURNING last",
            [now.year],
        )
        (last,) = cursor.fetchone()
    return f"NET-{now.year}-{last:05d}"


def _rules(organisation) -> OrganisationRules:
    OrganisationRules.objects.get_or_create(organisation=organisation)
    return OrganisationRules.objects.select_for_update().get(organisation=organisation)


def _client_may_measure(rules, host: str) -> bool:
    import ipaddress

    allowed = [line.strip().lower() for line in rules.client_targets.splitlines() if line.strip()]
    if host.lower() in allowed:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return rules.any_public_target
    for line in allowed:
        try:
            if address in ipaddress.ip_network(line, strict=False):
                return True
        except ValueError:
            continue
    return False


def _check_client(rules, kind, target, by, now):
    if not rules.clients_may_run:
        raise ValidationError(
            _("Network measurements are run by support for your organisation: ask in the ticket.")
        )
    if target:
        host = check_target(target, kind=kind).host
        if not _client_may_measure(rules, host):
            raise ValidationError(
                _(
                    "%(target)s is not one of your organisation's services: support can "
                    "measure it for you."
                )
                % {"target": host}
            )
    today = Measurement.objects.filter(
        organisation=rules.organisation, created_at__date=timezone.localdate(now)
    )
    if today.count() >= rules.daily_limit:
        raise ValidationError(
            _(
                "Your organisation has run its %(limit)s measurements for today. "
                "Try again tomorrow, or ask support in the ticket."
            )
            % {"limit": rules.daily_limit}
        )


def _credits(kind: str, probes: int, options: dict) -> int:
    # Atlas charges per result: a one-off ping of N packets costs about N credits a probe.
    per_probe = {"ping": 1, "traceroute": 30, "dns": 10, "sslcert": 10, "http": 10}[kind]
    if kind in ("ping", "traceroute"):
        per_probe *= max(int(options.get("packets") or 3), 1)
    return per_probe * probes


def measurement_start(
    *,
    organisation,
    by,
    kind: str,
    target: str | None,
    probes: list[dict] | None = None,
    options: dict | None = None,
    af: int | None = None,
    ticket=None,
    shared: bool = True,
    key: str | None = None,
    rerun_of=None,
    client: AtlasClient | None = None,
) -> Measurement:
    if ticket is not None and ticket.organisation_id != organisation.pk:
        raise ValidationError(_("That ticket belongs to another organisation."))
    options = dict(options or {})
    definition = definitions.build(kind, target, af=af, options=options)
    selection = definitions.probes(probes or definitions.default_probes(organisation.country))
    count = definitions.requested(selection)
    cost = _credits(kind, count, options)
    client = client or AtlasClient()
    key = key or next(iter(client.key_names()), "default")
    now = timezone.now()
    with transaction.atomic():
        rules = _rules(organisation)
        if not by.is_staff:
            shared = True
            _check_client(rules, kind, target, by, now)
        month = (
            Measurement.objects.filter(
                organisation=organisation, created_at__gte=now.replace(day=1, hour=0, minute=0)
            ).aggregate(spent=Sum("credits_estimate"))["spent"]
            or 0
        )
        if month + cost > rules.monthly_credits:
            raise ValidationError(
                _(
                    "This measurement would take about %(cost)s Atlas credits, and only "
                    "%(left)s of this month's %(limit)s are left."
                )
                % {
                    "cost": cost,
                    "left": max(rules.monthly_credits - month, 0),
                    "limit": rules.monthly_credits,
                }
            )
        (atlas_id,) = client.create([definition], selection, key=key)
        measurement = Measurement.objects.create(
            number=_next_number(now),
            organisation=organisation,
            ticket=ticket,
            requested_by=by,
            kind=kind,
            target=definition.get("target", ""),
            af=definition.get("af", 4),
            options=options,
            probes=selection,
            definition=definition,
            shared=shared,
            atlas_id=atlas_id,
            api_key_name=key,
            probes_requested=count,
            credits_estimate=cost,
            rerun_of=rerun_of,
            next_poll_at=now + timedelta(seconds=settings.ATLAS_POLL_FIRST_SECONDS),
        )
        _event(measurement, by, "measurement_started")
        _noted(measurement)
        transaction.on_commit(lambda: _enqueue(measurement.pk), robust=True)
    return measurement


def measurement_rerun(*, measurement, by, client: AtlasClient | None = None) -> Measurement:
    """The same definition again, on probes chosen the same way, linked to the first run."""
    return measurement_start(
        organisation=measurement.organisation,
        by=by,
        kind=measurement.kind,
        target=measurement.definition.get("target") or None,
        af=measurement.af,
        options=measurement.options,
        probes=[
            {key: item[key] for key in ("type", "value", "requested")}
            for item in measurement.probes
        ],
        ticket=measurement.ticket,
        shared=measurement.shared,
        key=measurement.api_key_name,
        rerun_of=measurement.rerun_of or measurement,
        client=client,
    )


def _noted(measurement) -> None:
    # A shared measurement shows on the ticket's page: open pages pick it up.
    if measurement.ticket_id and measurement.shared:
        ticket_services.ticket_activity_noted(ticket_id=measurement.ticket_id)


def _event(measurement, actor, verb, **extra):
    data = {
        "measurement": measurement.number,
        "kind": measurement.kind,
        "target": measurement.target,
        **extra,
    }
    if measurement.ticket_id:
        data.update(number=measurement.ticket.number, subject=measurement.ticket.subject)
    return record_event(
        organisation=measurement.organisation,
        actor=actor,
        verb=verb,
        target=measurement,
        visibility=Visibility.PUBLIC if measurement.shared else Visibility.INTERNAL,
        data=data,
    )


def _enqueue(measurement_id: int, countdown: float = 0) -> None:
    from .tasks import poll

    poll.apply_async((measurement_id,), countdown=countdown)


def _backoff(polls: int) -> float:
    base = settings.ATLAS_POLL_FIRST_SECONDS
    return min(base * (2 ** min(polls, 6)), settings.ATLAS_POLL_MAX_SECONDS)


def measurement_poll(*, measurement_id: int, client: AtlasClient | None = None) -> float | None:
    """One look at Atlas; the seconds until the next one, or None when it is over."""
    measurement = Measurement.objects.filter(pk=measurement_id, status=Status.RUNNING).first()
    if measurement is None:
        return None
    client = client or AtlasClient()
    now = timezone.now()
    try:
        status = client.status(measurement.atlas_id, key=measurement.api_key_name)
        start = measurement.last_result_at
        results = client.results(measurement.atlas_id, start=start, key=measurement.api_key_name)
    except AtlasRateLimited as limited:
        return _reschedule(measurement, now, limited.retry_after)
    except AtlasUnavailable:
        return _reschedule(measurement, now, _backoff(measurement.polls))
    _learn_probes(client, results)
    with transaction.atomic():
        measurement = Measurement.objects.select_for_update().get(pk=measurement.pk)
        if measurement.status != Status.RUNNING:
            return None
        rows = [
            MeasurementResult(
                measurement=measurement,
                probe_id=int(raw.get("prb_id") or 0),
                timestamp=int(raw.get("timestamp") or 0),
                raw=raw,
            )
            for raw in results
            if isinstance(raw, dict)
        ]
        MeasurementResult.objects.bulk_create(rows, ignore_conflicts=True)
        if rows:
            latest = max(row.timestamp for row in rows)
            measurement.last_result_at = max(latest, measurement.last_result_at or 0)
        measurement.polls += 1
        measurement.atlas_status = status["status_id"]
        timed_out = now - measurement.created_at > timedelta(
            seconds=settings.ATLAS_MEASUREMENT_TIMEOUT_SECONDS
        )
        if status["terminal"] or timed_out:
            measurement.status = _outcome(status, timed_out)
            measurement.finished_at = now
            measurement.next_poll_at = None
            if measurement.status == Status.FAILED:
                measurement.error_code = f"atlas_status_{status['status_id']}"
            measurement.save()
            _event(measurement, None, "measurement_finished", status=measurement.status)
            _noted(measurement)
            return None
        wait = _backoff(measurement.polls)
        measurement.next_poll_at = now + timedelta(seconds=wait)
        measurement.save()
    return wait


def _learn_probes(client, results) -> None:
    """The countries and networks of probes not seen before (for the pages and the summary)."""
    seen = {int(raw.get("prb_id") or 0) for raw in results if isinstance(raw, dict)}
    unknown = seen - set(Probe.objects.filter(pk__in=seen).values_list("pk", flat=True))
    unknown.discard(0)
    if not unknown:
        return
    try:
        facts = client.probes(sorted(unknown))
    except AtlasError:
        return  # the countries are a nicety: the results are stored all the same
    Probe.objects.bulk_create(
        [
            Probe(
                id=probe_id,
                country=(row.get("country_code") or "")[:2],
                asn_v4=row.get("asn_v4"),
                asn_v6=row.get("asn_v6"),
            )
            for probe_id, row in facts.items()
        ],
        ignore_conflicts=True,
    )


def _outcome(status, timed_out) -> str:
    from .atlas import NO_SUITABLE_PROBES, STOPPED

    if status["status_id"] == STOPPED:
        return Status.DONE
    if status["terminal"] or status["status_id"] == NO_SUITABLE_PROBES:
        return Status.FAILED
    return Status.TIMED_OUT if timed_out else Status.FAILED


def _reschedule(measurement, now, seconds) -> float:
    Measurement.objects.filter(pk=measurement.pk, status=Status.RUNNING).update(
        next_poll_at=now + timedelta(seconds=seconds)
    )
    return seconds


def poll_due(now=None) -> int:
    """Measurements whose next look is overdue (a task lost with a worker) are looked at again."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.ATLAS_POLL_MAX_SECONDS)
    due = Measurement.objects.filter(status=Status.RUNNING, next_poll_at__lte=now - grace)
    count = 0
    for pk in due.values_list("pk", flat=True):
        _enqueue(pk)
        count += 1
    return count
