"""`python -m bench.jobs DATABASE TICKETS OUT.json [few]`: one size, in its own process."""

import json
import os
import sys
from pathlib import Path

from .data import ROOT
from .sweep import child


def _child_main(database, tickets, out, few):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if name != database:
        raise SystemExit(f"bench.jobs: connected to {name}, expected {database}")
    result = child(tickets, few)
    Path(out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    _child_main(sys.argv[1], int(sys.argv[2]), sys.argv[3], len(sys.argv) > 4 and sys.argv[4])
