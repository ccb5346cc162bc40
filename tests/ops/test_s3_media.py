"""Media on an S3-compatible store (moto server): stored there, streamed only by the views."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from signing import services as signing_services
from signing.models import Document
from tests.ops import s3
from tests.signing.factories import sent, sign, with_seal
from tickets.models import Attachment

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "portal-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    with s3.moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = s3.client(s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage_settings(s3_endpoint, BUCKET)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _object(bucket, name: str) -> bytes:
    return bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_attachment_goes_to_the_bucket_and_comes_back_only_through_its_view(
    client_for, world, ticket, bucket, client
):
    data = b"eth0: link down at 03:12\n" * 50
    member = client_for(world.member)
    response = member.post(
        reverse("tickets:detail", kwargs={"number": ticket.number}),
        {"body": "log attached", "attachments": [SimpleUploadedFile("router.log", data)]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(comment__ticket=ticket, name="router.log")

    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [attachment.file.name]
    assert _object(bucket, attachment.file.name) == data
    # Private: only the owner holds a grant; no public reader.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)
    # No signed link is ever made for it.
    assert "Signature" not in attachment.file.url and "X-Amz" not in attachment.file.url

    url = reverse(
        "tickets:attachment", kwargs={"number": ticket.number, "attachment_id": attachment.pk}
    )
    download = member.get(url)
    assert download.status_code == 200
    assert _streamed(download) == data
    assert download["Content-Type"].startswith("text/plain")

    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_an_attachment_whose_object_is_gone_is_a_404_not_a_broken_download(
    client_for, world, ticket, bucket
):
    member = client_for(world.member)
    member.post(
        reverse("tickets:detail", kwargs={"number": ticket.number}),
        {"body": "log", "attachments": [SimpleUploadedFile("gone.log", b"soon gone\n")]},
    )
    attachment = Attachment.objects.get(comment__ticket=ticket, name="gone.log")
    bucket.delete_object(Bucket=BUCKET, Key=attachment.file.name)
    url = reverse(
        "tickets:attachment", kwargs={"number": ticket.number, "attachment_id": attachment.pk}
    )
    assert member.get(url).status_code == 404


def test_a_second_file_of_the_same_name_does_not_overwrite_the_first(
    client_for, world, ticket, bucket
):
    member = client_for(world.member)
    url = reverse("tickets:detail", kwargs={"number": ticket.number})
    for content in (b"first\n", b"second\n"):
        member.post(url, {"body": "log", "attachments": [SimpleUploadedFile("a.log", content)]})
    stored = Attachment.objects.filter(comment__ticket=ticket, name="a.log").order_by("pk")
    assert [_object(bucket, a.file.name) for a in stored] == [b"first\n", b"second\n"]


def test_a_sealed_document_is_stored_and_served_from_the_bucket(client_for, world, bucket):
    document = sent(world, signers=[world.member])
    sign(document, world.member)
    with with_seal():
        signing_services.document_seal(document_id=document.pk)
    document = Document.objects.get(pk=document.pk)
    sealed = _object(bucket, document.sealed_file.name)
    assert hashlib.sha256(sealed).hexdigest() == document.sealed_sha256

    member = client_for(world.member)
    response = member.get(reverse("signing:signed", args=[document.number]))
    assert _streamed(response) == sealed
    with with_seal():
        page = member.get(reverse("signing:verify_document", args=[document.number]))
    text = page.content.decode().replace("\n", " ")
    assert "nothing has changed" in text or "nada ha cambiado" in text


def _storage_from_env(**env) -> str:
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, *(getattr(s, name, '-') for name in "
        "('bucket_name', 'querystring_auth', 'default_acl', 'file_overwrite')))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MEDIA_STORAGE"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_store_is_chosen_by_the_environment():
    assert _storage_from_env() == "FileSystemStorage - - - -"
    assert (
        _storage_from_env(AWS_STORAGE_BUCKET_NAME="media", AWS_S3_ENDPOINT_URL="http://s3.test")
        == "S3Storage media False private False"
    )
    assert _storage_from_env(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="b").startswith(
        "S3Storage b"
    )
