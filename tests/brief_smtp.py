"""A real SMTP server for the briefing tests: aiosmtpd on 127.0.0.1 with STARTTLS and AUTH.

The certificate is self-signed for 127.0.0.1, generated per test session with `cryptography`;
the client trusts it through delivery.smtp.ca_file, as an office would trust its relay's CA.
The handler can refuse the first deliveries (4xx), reject an address (5xx), go down after N mails,
drop the connection after receiving a whole message (before its 250), accept another password, or
echo the password it was given in its 535 reply (as some servers' error messages do).
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
import threading
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "bipin", "Sup3r-Secret-pw-42"


def make_cert(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """aiosmtpd handler that keeps what arrives and can misbehave on purpose."""

    def __init__(self, refuse_first: int = 0, reject: tuple[str, ...] = (), down_after: int | None = None,
                 drop_after_data: int = 0, password: str = PASSWORD, echo_password: bool = False):
        self.refuse_first, self.reject, self.down_after = refuse_first, set(reject), down_after
        self.drop_after_data, self.password, self.echo_password = drop_after_data, password, echo_password
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused = 0
        self.controller: Controller | None = None
        self.auth_ok = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.down_after is not None and len(self.messages) >= self.down_after:
            threading.Thread(target=self.controller.stop, daemon=True).start()
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse_first:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        if self.drop_after_data > 0:  # kept the message, but the client never hears so
            self.drop_after_data -= 1
            server.transport.abort()
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == USER.encode() and auth_data.password == self.password.encode("utf-8")
        self.auth_ok += ok
        if not ok and self.echo_password:
            given = auth_data.password.decode("utf-8", errors="replace")
            return AuthResult(success=False, handled=False,  # bytes: sent as they are, UTF-8 included
                              message=f"535 5.7.8 Authentication failed for {USER} with password {given}".encode())
        return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 235 or 535


def start(mailbox: Mailbox, cert: Path, key: Path, port: int | None = None) -> Controller:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port(), tls_context=ctx,
                            require_starttls=True, authenticator=mailbox.authenticate, auth_require_tls=True,
                            auth_exclude_mechanism=["LOGIN"])
    mailbox.controller = controller
    controller.start()
    return controller


def delivery_yaml(port: int, cert: Path, retries: int = 2) -> str:
    return (f"delivery:\n  mode: smtp\n  from_address: bipin@example.gov.cn\n  from_name: 比拼简报\n"
            f"  retries: {retries}\n  backoff_s: 0.01\n"
            f"  smtp:\n    host: 127.0.0.1\n    port: {port}\n    security: starttls\n    user: {USER}\n"
            f"    password_env: BIPIN_TEST_SMTP_PASSWORD\n    ca_file: {cert}\n    timeout_s: 5\n")


def start_implicit_tls(mailbox: Mailbox, cert: Path, key: Path) -> Controller:
    """SMTPS (implicit TLS, port 465 style): TLS from the first byte, then AUTH."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; here the whole session is TLS
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ssl_context=ctx,
                            authenticator=mailbox.authenticate, auth_require_tls=False,
                            auth_exclude_mechanism=["LOGIN"])
    mailbox.controller = controller
    controller.start()
    return controller


def weekly_items(settings) -> list:
    """The test world's weekly emails, rendered and ready to deliver."""
    from brief_world import AS_OF

    from flows.brief import plan as p

    plan = p.make_plan(settings, "weekly", as_of=AS_OF)
    return [p.render_for(settings, plan, r).outgoing for r in plan.recipients]


def send(settings, items, resend: bool = False) -> list:
    """deliver_batch as the flow calls it, without waiting between retries."""
    from flows.brief.delivery.send import deliver_batch
    from flows.config.delivery import load_delivery_config
    from flows.warehouse.db import connect

    con = connect(settings.db_path)
    try:
        return deliver_batch(items, load_delivery_config(settings.config_dir), con, settings.outbox,
                             resend=resend, sleep=lambda s: None)
    finally:
        con.close()
