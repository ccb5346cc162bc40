"""A software security key: what a browser and its authenticator send, built by hand.

An EC P-256 key pair (cryptography), its public half as a COSE key, a "none"
attestation object (cbor2), and assertions signed the way a real key signs them:
ES256 over authenticatorData + sha256(clientDataJSON), where authenticatorData is
sha256(RP ID) + flags + counter [+ attested credential data].
"""

import hashlib
import json
import os

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

UP, UV, AT = 0x01, 0x04, 0x40
ORIGIN = "http://testserver"
RP_ID = "testserver"


class SoftKey:
    def __init__(self, *, sign_count: int = 0):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        # Keys that count add one per use; a key that starts at 0 and stays there
        # does not count at all.
        self.sign_count = sign_count

    @property
    def id(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _authenticator_data(self, rp_id: str, *, attested: bool) -> bytes:
        flags = UP | UV | (AT if attested else 0)
        data = hashlib.sha256(rp_id.encode()).digest()
        data += bytes([flags]) + self.sign_count.to_bytes(4, "big")
        if attested:
            aaguid = bytes(16)
            data += aaguid + len(self.credential_id).to_bytes(2, "big") + self.credential_id
            data += self.cose_public_key()
        return data

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict, *, origin: str = ORIGIN, challenge: str | None = None) -> str:
        """navigator.credentials.create()'s answer to registration options, as JSON."""
        client_data = self._client_data(
            "webauthn.create", challenge or options["challenge"], origin
        )
        attestation = cbor2.dumps(
            {
                "fmt": "none",
                "attStmt": {},
                "authData": self._authenticator_data(options["rp"]["id"], attested=True),
            }
        )
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["usb"],
                },
            }
        )

    def get(
        self,
        options: dict,
        *,
        origin: str = ORIGIN,
        challenge: str | None = None,
        counter: int | None = None,
    ) -> str:
        """navigator.credentials.get()'s answer to authentication options, as JSON.

        The counter goes up by one unless `counter` says what to send instead.
        """
        if counter is not None:
            self.sign_count = counter
        elif self.sign_count:
            self.sign_count += 1
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin)
        auth_data = self._authenticator_data(options["rpId"], attested=False)
        signature = self.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                    "userHandle": None,
                },
            }
        )

    def save_for(self, user, *, name: str = "YubiKey 5"):
        """The key as if already added by `user` (no ceremony)."""
        from accounts.models import SecurityKey

        return SecurityKey.objects.create(
            user=user,
            name=name,
            credential_id=self.id,
            public_key=self.cose_public_key(),
            sign_count=self.sign_count,
            transports=["usb"],
        )
