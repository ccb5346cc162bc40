"""Texts and whether they carry a secret: the one list both checks are tested with.

tests/tickets/test_secrets.py runs it through the server's find_secrets(), and
tests/e2e/test_secret_warning.py through portal.js in Chromium.
"""

CASES = [
    ("My card is 4111 1111 1111 1111, please charge it", True),
    ("Card 4111-1111-1111-1111 expires 12/29", True),
    ("378282246310005", True),  # American Express, 15 digits
    ("6011111111111117", True),
    ("Order 4111 1111 1111 1112 (fails Luhn)", False),
    ("Serial 1234 5678 9012", False),  # 12 digits
    ("The circuit id is 1234567890123 ", False),  # 13 digits, fails Luhn
    ("password: hunter22", True),
    ("Contraseña = cañón77", True),
    ("mot de passe: sesame", True),
    ("the password policy is strict", False),
    ("api_key=abcdef0123456789xyz", True),
    ("token: short", False),
    ("AKIAIOSFODNN7EXAMPLE", True),
    ("ghp_" + "a" * 36, True),
    ("xoxb-1234567890-abc", True),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abcdef", True),
    ("-----BEGIN RSA PRIVATE KEY-----", True),
    ("-----BEGIN PUBLIC KEY-----", False),
    ("The router reboots every night at 02:00.", False),
    ("Call me on +34 600 123 456", False),
]
