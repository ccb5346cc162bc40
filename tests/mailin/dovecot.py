"""A real IMAP server on loopback for the tests: Debian's Dovecot with a throwaway
configuration in a temporary folder, on a free port.

Plain-text logins on loopback, one passwd-file user, Maildir storage; mail is
put in by IMAP APPEND, as a mail server would deliver it. Running as root (CI),
the mailbox belongs to the `dovecot` system user, since Dovecot never opens mail
as root; as another user, every Dovecot process runs as that user.

    with Dovecot() as server:
        server.deliver(raw)           # APPEND to INBOX
        server.url                    # imap://support:secret@127.0.0.1:PORT/INBOX
        server.messages()             # [(flags, raw)] of a folder
"""

import getpass
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.fake_smtp import free_port

USER = "support"
PASSWORD = "secret"

CONFIG = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{dir}/mail/%u
first_valid_uid = {uid}
last_valid_uid = 0
{internal}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if Path(p).exists()), None
    )


class Dovecot:
    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.process = None

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def _identity(self) -> tuple[int, int, str]:
        if os.geteuid() == 0:
            account = pwd.getpwnam("dovecot")
            return account.pw_uid, account.pw_gid, ""
        name = getpass.getuser()
        internal = f"default_internal_user = {name}\ndefault_login_user = {name}"
        return os.getuid(), os.getgid(), internal

    def start(self) -> "Dovecot":
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("dovecot is not installed: `make system-packages` installs it")
        uid, gid, internal = self._identity()
        for name in ("run", "state", "mail"):
            (self.dir / name).mkdir(exist_ok=True)
        # Dovecot's processes must reach the folder (mkdtemp makes it 0700).
        self.dir.chmod(0o755)
        os.chown(self.dir / "mail", uid, gid)
        (self.dir / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        config = self.dir / "dovecot.conf"
        config.write_text(
            CONFIG.format(dir=self.dir, uid=uid, gid=gid, port=self.port, internal=internal)
        )
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopped:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            status, data = client.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def create(self, folder: str) -> None:
        client = self.client()
        try:
            client.create(folder)
        finally:
            client.logout()

    def messages(self, folder: str = "INBOX") -> list[tuple[str, bytes]]:
        """(flags, raw) of every message in `folder`, read without marking them seen."""
        client = self.client()
        try:
            client.select(folder, readonly=True)
            _status, data = client.uid("SEARCH", None, "ALL")
            found = []
            for uid in (data[0] or b"").split():
                _status, fetched = client.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                head, raw = fetched[0]
                found.append((head.decode(), raw))
            return found
        finally:
            client.logout()

    def empty(self, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.select(folder)
            client.store("1:*", "+FLAGS", "(\\Deleted)")
            client.expunge()
        except imaplib.IMAP4.error:
            pass
        finally:
            client.logout()
