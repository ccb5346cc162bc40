"""Resources made through the service, as staff make them."""

from decimal import Decimal

from inventory import services
from inventory.models import Kind, Period, Resource, Status

DETAILS = {
    Kind.SWITCH: {"vendor": "Cisco", "model": "C9300", "management_address": "10.0.0.2"},
    Kind.SSL_CERTIFICATE: {"common_name": "www.andes.test", "expires_on": "2027-01-15"},
    Kind.IP_BLOCK: {"cidr": "203.0.113.0/24"},
    Kind.LICENCE: {"product": "Microsoft 365", "seats": 10},
    Kind.DOMAIN: {"domain": "andes.test"},
}


def make_resource(organisation, kind=Kind.SWITCH, *, by=None, **fields) -> Resource:
    fields.setdefault("name", f"{Kind(kind).label} {Resource.objects.count() + 1}")
    fields.setdefault("status", Status.ACTIVE)
    fields.setdefault("details", dict(DETAILS.get(kind, {})))
    if "price" in fields:
        fields["price"] = Decimal(str(fields["price"]))
        fields.setdefault("currency", "EUR")
        fields.setdefault("price_period", Period.MONTHLY)
    resource = Resource(organisation=organisation, kind=kind, **fields)
    services.resource_save(resource=resource, by=by)
    return resource
