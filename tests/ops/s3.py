"""A local S3 (moto's server mode) on a loopback port, for the media storage tests."""

import socket
from contextlib import contextmanager

import boto3
from moto.server import ThreadedMotoServer

KEY, SECRET, REGION = "testing-key", "testing-secret", "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def moto_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name=REGION,
    )


def storage_settings(endpoint: str, bucket: str) -> dict:
    """STORAGES["default"] as config/settings.py makes it for MEDIA_STORAGE=s3."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": KEY,
            "secret_key": SECRET,
            "location": "",
            "addressing_style": None,
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
