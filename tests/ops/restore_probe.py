"""What a copy of the portal serves, as JSON: run against the original and a restored copy.

    DATABASE_URL=... MEDIA_ROOT=... python -m tests.ops.restore_probe member@x.test

Through Django's test client, as that client: the ticket list's numbers, each
ticket's attachments downloaded through their view (SHA-256), and each completed
document's sealed PDF downloaded (SHA-256), with the hash the database stored for
it and whether the seal still verifies.
"""

import hashlib
import json
import os
import re
import sys

import django


def main(email: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from signing.models import Document, DocumentStatus
    from signing.pdf.verify import verify
    from tickets.models import Attachment

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    listing = client.get(reverse("tickets:list")).content.decode()
    numbers = sorted(set(re.findall(r"TKT-\d{4}-\d{5}", listing)))
    files = {}
    for attachment in Attachment.objects.filter(comment__ticket__number__in=numbers).order_by("pk"):
        url = reverse(
            "tickets:attachment",
            kwargs={"number": attachment.comment.ticket.number, "attachment_id": attachment.pk},
        )
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        files[f"{attachment.comment.ticket.number}/{attachment.name}"] = {
            "status": response.status_code,
            "sha256": hashlib.sha256(body).hexdigest(),
            "stored_sha256": attachment.sha256,
        }
    documents = {}
    for document in Document.objects.filter(status=DocumentStatus.COMPLETED).order_by("pk"):
        response = client.get(reverse("signing:signed", args=[document.number]))
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        documents[document.number] = {
            "status": response.status_code,
            "sha256": hashlib.sha256(body).hexdigest(),
            "stored_sha256": document.sealed_sha256,
            "seal": verify(body).status,
        }
    return {"tickets": numbers, "files": files, "documents": documents}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), sort_keys=True))
