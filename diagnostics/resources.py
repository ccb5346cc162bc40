"""The measurements of a managed resource, on its page (a core.plugins Widget of page "resource").

inventory is a sibling app: it passes the resource, and only its `targets()`
(the hosts and networks it answers on) and `organisation_id` are read here.
Measurements of an address inside a block count as the block's.
"""

import ipaddress

from django.urls import reverse
from django.utils.http import urlencode

from .models import Measurement, OrganisationRules

SHOWN = 5
# Enough recent measurements to find a block's among them without reading them all.
SCANNED = 200


def _networks(targets):
    networks = []
    for target in targets:
        try:
            networks.append(ipaddress.ip_network(target, strict=False))
        except ValueError:
            continue
    return networks


def _matches(target: str, names: set, networks) -> bool:
    if target.lower() in names:
        return True
    try:
        address = ipaddress.ip_address(target)
    except ValueError:
        return False
    return any(address.version == n.version and address in n for n in networks)


def _measurable(targets) -> str:
    """The target a new measurement starts from: a host, or a block's first address."""
    for target in targets:
        if "/" not in target:
            return target
    for network in _networks(targets):
        return str(next(network.hosts(), network.network_address))
    return ""


def panel(request, organisation, *, resource):
    targets = resource.targets()
    if not targets or organisation is None:
        return None
    names = {t.lower() for t in targets if "/" not in t}
    networks = _networks(targets)
    recent = (
        Measurement.objects.visible_to(request.user, organisation=organisation)
        .only("number", "kind", "target", "status", "created_at")
        .order_by("-created_at")[:SCANNED]
    )
    measurements = [m for m in recent if _matches(m.target, names, networks)][:SHOWN]
    rules = OrganisationRules.objects.filter(organisation=organisation).first()
    run_url = None
    if rules and rules.clients_may_run:
        run_url = f"{reverse('diagnostics:home')}?{urlencode({'target': _measurable(targets)})}"
    if not measurements and not run_url:
        return None
    return {"measurements": measurements, "run_url": run_url}
