"""The resource list's filters, counts and costs, each one query over the reader's resources."""

import re
from dataclasses import dataclass, field

from django.db.models import Count, DecimalField, ExpressionWrapper, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.http import urlencode

from contracts.models import Service
from core.spreadsheet import text_cell

from .models import Kind, Period, Status

EXPIRING_DAYS = 30
DIGITS = re.compile(r"[0-9]{1,9}")
SEARCH_MAX = 100
csv_safe = text_cell


@dataclass
class Filters:
    kind: str = ""
    status: str = ""
    service: int | None = None
    site: str = ""
    expiring: bool = False
    q: str = ""
    # For the form: the organisation's services and sites that have resources.
    services: list = field(default_factory=list)
    sites: list = field(default_factory=list)

    @classmethod
    def from_query(cls, params: QueryDict, visible) -> "Filters":
        """The filters asked for; anything not a known choice is ignored (a stale link)."""
        kind = params.get("kind", "")
        status = params.get("status", "")
        service = params.get("service", "")
        filters = cls(
            kind=kind if kind in Kind.values else "",
            status=status if status in Status.values or status == "all" else "",
            service=int(service) if DIGITS.fullmatch(service) else None,
            # PostgreSQL refuses a NUL in text: no site or search holds one.
            site=params.get("site", "").replace("\x00", "")[:200],
            expiring=params.get("expiring") == "1",
            q=" ".join(params.get("q", "").replace("\x00", "").split())[:SEARCH_MAX],
        )
        filters.services = list(
            Service.objects.filter(pk__in=visible.exclude(service=None).values("service")).order_by(
                "name"
            )
        )
        filters.sites = list(
            visible.exclude(site="").order_by("site").values_list("site", flat=True).distinct()
        )
        if filters.service not in {s.pk for s in filters.services}:
            filters.service = None
        return filters

    def apply(self, resources):
        if self.status == "all":
            pass
        elif self.status:
            resources = resources.filter(status=self.status)
        else:
            resources = resources.exclude(status=Status.RETIRED)
        if self.kind:
            resources = resources.filter(kind=self.kind)
        if self.service:
            resources = resources.filter(service_id=self.service)
        if self.site:
            resources = resources.filter(site=self.site)
        if self.expiring:
            resources = resources.expiring(EXPIRING_DAYS).order_by("expires_on", "pk")
        if self.q:
            for word in self.q.split()[:8]:
                resources = resources.filter(
                    Q(name__icontains=word)
                    | Q(number__iexact=word)
                    | Q(serial__icontains=word)
                    | Q(asset_tag__icontains=word)
                    | Q(site__icontains=word)
                    | Q(network__startswith=word)
                )
        return resources

    @property
    def active(self) -> bool:
        return bool(
            self.kind or self.status or self.service or self.site or self.expiring or self.q
        )

    def urlencode(self, **changes) -> str:
        values = {
            "kind": self.kind,
            "status": self.status,
            "service": self.service or "",
            "site": self.site,
            "expiring": "1" if self.expiring else "",
            "q": self.q,
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


def counts_by_kind(visible) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the resources in use (not retired), in the kinds' order."""
    rows = dict(
        visible.exclude(status=Status.RETIRED)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return [(value, label, rows[value]) for value, label in Kind.choices if rows.get(value)]


def expiring_count(visible) -> int:
    return visible.expiring(EXPIRING_DAYS).count()


def monthly_costs(visible) -> list[tuple[str, object]]:
    """(currency, monthly cost) of what is active: yearly prices count a twelfth, one-offs none."""
    monthly = ExpressionWrapper(
        Coalesce(
            Sum("price", filter=Q(price_period=Period.MONTHLY)),
            Value(0),
            output_field=DecimalField(),
        )
        + Coalesce(
            Sum("price", filter=Q(price_period=Period.YEARLY)),
            Value(0),
            output_field=DecimalField(),
        )
        / 12,
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    rows = (
        visible.filter(status=Status.ACTIVE, price__isnull=False)
        .exclude(price_period=Period.ONE_OFF)
        .order_by("currency")
        .values("currency")
        .annotate(total=monthly)
        .values_list("currency", "total")
    )
    return [(currency, round(total, 2)) for currency, total in rows]
