"""Real servers on 127.0.0.1 for the pull tests: Dovecot (IMAP over TLS), a bureau-like web site, SFTP.

Dovecot runs from a throw-away configuration in a temporary folder, unprivileged (as `nobody` when
the tests run as root), on a free high port with a self-signed certificate the client is told to trust.
"""

from __future__ import annotations

import asyncio
import grp
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from brief_smtp import free_port, make_cert

HOST = "127.0.0.1"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout} s")


class Dovecot:
    """A running Dovecot: host, port, user, password, ca_file (its certificate)."""

    user, password = "bureau", "s3cret-imap"

    def __init__(self, folder: Path, port: int, ca_file: Path, process: subprocess.Popen):
        self.folder, self.host, self.port, self.ca_file, self.process = folder, HOST, port, ca_file, process

    def mailbox(self):
        import ssl

        from imap_tools import MailBox

        context = ssl.create_default_context(cafile=str(self.ca_file))
        return MailBox(self.host, self.port, ssl_context=context).login(self.user, self.password)

    def append(self, message: bytes, folder: str = "INBOX", received=None) -> None:
        """Deliver a message; `received` (an aware datetime) is its arrival date, which IMAP SINCE reads."""
        with self.mailbox() as box:
            box.append(message, folder, dt=received)


@contextmanager
def dovecot():
    """Start Dovecot on a free port; stop it and remove its folder afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="bipin-dovecot-"))
    run_as = "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
    entry = pwd.getpwnam(run_as)
    group = grp.getgrgid(entry.pw_gid).gr_name
    cert, key = make_cert(folder)  # self-signed for 127.0.0.1, as the SMTP tests use
    port = free_port()
    (folder / "passwd").write_text(f"{Dovecot.user}:{{PLAIN}}{Dovecot.password}\n")
    (folder / "dovecot.conf").write_text(f"""
base_dir = {folder}/run
state_dir = {folder}/state
protocols = imap
listen = {HOST}
default_internal_user = {run_as}
default_internal_group = {group}
default_login_user = {run_as}
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
log_path = {folder}/dovecot.log
auth_mechanisms = plain
auth_failure_delay = 0
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={run_as} gid={group} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
""")
    os.chmod(folder, 0o755)
    command = [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")]
    if os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
        command = ["runuser", "-u", run_as, "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        try:
            wait_port(port)
        except RuntimeError:
            log = (folder / "dovecot.log").read_text(errors="replace") if (folder / "dovecot.log").exists() else ""
            raise RuntimeError(f"dovecot did not start: {log[-500:]} {process.stderr.read(500) if process.poll() is not None else ''}") from None
        yield Dovecot(folder, port, cert, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


# -- a bureau's web site ---------------------------------------------------------------------------
class Page:
    """One resource: its bytes and type; `status` forces an error; `truncate` announces more bytes than it sends."""

    def __init__(self, body: bytes, content_type: str, status: int = 200, truncate: bool = False,
                 disposition: bytes | None = None):
        self.body, self.content_type, self.status, self.truncate = body, content_type, status, truncate
        self.disposition = disposition
        self.modified = formatdate(time.time(), usegmt=True)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class BureauSite:
    """A threaded HTTP server on 127.0.0.1 whose pages the test sets; it counts the requests it answers."""

    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, int, dict]] = []  # (path, status, request headers)
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, as a real web server sends them

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                with site._lock:
                    site.active += 1
                    site.max_active = max(site.max_active, site.active)
                try:
                    self._answer()
                finally:
                    with site._lock:
                        site.active -= 1

            def _answer(self):
                time.sleep(0.002)  # long enough for two parallel requests to overlap
                page = site.pages.get(self.path)
                status = 404 if page is None else page.status
                if page is not None and status == 200 and self.headers.get("If-None-Match") == page.etag:
                    status = 304
                site.requests.append((self.path, status, dict(self.headers)))
                if status != 200:
                    body = b"" if status == 304 else f"error {status}".encode()
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    if page is not None:
                        self.send_header("ETag", page.etag)
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(200)
                self.send_header("Content-Type", page.content_type)
                self.send_header("ETag", page.etag)
                self.send_header("Last-Modified", page.modified)
                if page.disposition:
                    self.send_header("Content-Disposition", page.disposition.decode("latin-1"))
                self.send_header("Content-Length", str(len(page.body) * (2 if page.truncate else 1)))
                self.end_headers()
                self.wfile.write(page.body)
                if page.truncate:
                    self.wfile.flush()
                    self.close_connection = True

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.url = f"http://{HOST}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths_fetched(self, status: int = 200) -> list[str]:
        return [p for p, s, _ in self.requests if s == status]


# -- SFTP (asyncssh) -------------------------------------------------------------------------------
class SftpServer:
    """An asyncssh SFTP server rooted at `root`, one user with a password, on a free port, in its own thread."""

    user, password = "share", "s3cret-sftp"

    def __init__(self, root: Path):
        self.root, self.port = root, free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.acceptor = None

    def __enter__(self):
        import asyncssh

        host_key = asyncssh.generate_private_key("ssh-ed25519")
        user, password, root = self.user, self.password, str(self.root)

        class Server(asyncssh.SSHServer):
            def begin_auth(self, username):
                return True

            def password_auth_supported(self):
                return True

            def validate_password(self, username, given):
                return username == user and given == password

        async def start():
            return await asyncssh.listen(HOST, self.port, server_host_keys=[host_key], server_factory=Server,
                                         sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root),
                                         allow_scp=False)

        self.thread.start()
        self.acceptor = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        return self

    def __exit__(self, *exc):
        async def stop():
            self.acceptor.close()
            await self.acceptor.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
