"""Where the bureaus' tables are fetched from: config/pull.yaml, one entry per place to pull from.

Three kinds: a mailbox (IMAP over TLS), a web page listing tables, and any fsspec URL (a local or
network folder, sftp://, s3://, smb://). Passwords are never stored here: only the name of an
environment variable or of a Prefect Secret block that holds one. The shipped file lists no source,
so `make run` pulls nothing. Every default is stated here, once.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from flows.config.secrets import read_secret
from flows.config.yamlfile import UNREADABLE, read_yaml

PULL_FILE = "pull.yaml"
TABLE_PATTERNS = ("*.xlsx", "*.xls", "*.csv", "*.html", "*.htm", "*.pdf", "*.zip")
USER_AGENT = "bipin/0.1 (county statistics puller; one request at a time)"


class PullConfigError(Exception):
    """config/pull.yaml that cannot be used; the message names the file and key."""


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = ""
    enabled: bool = True
    retries: int = Field(default=3, ge=0)                 # extra attempts when the source fails
    backoff_s: float = Field(default=2.0, ge=0)           # first wait; doubles each attempt
    timeout_s: float = Field(default=30.0, gt=0)
    password_env: str | None = None                       # name of the environment variable, never the password
    password_block: str | None = None                     # name of a Prefect Secret block

    def password(self) -> str | None:
        """The secret from the named environment variable, else from the named Prefect Secret block."""
        return read_secret(self.password_env, self.password_block)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        return self.backoff_s * (2 ** (attempt - 1))


class MailboxSource(_Source):
    """Attachments of the bureau's emails, read over IMAP with TLS."""

    kind: Literal["mailbox"]
    host: str
    port: int = Field(default=993, ge=1, le=65535)
    user: str
    folder: str = "INBOX"
    senders: tuple[str, ...] = ()             # any of these addresses or domains (@tjj.jinhua.gov.cn); empty: anyone
    subject_contains: tuple[str, ...] = ()    # any of these words in the subject; empty: any subject
    since: date | None = None                 # messages on or after this day only
    attachments: tuple[str, ...] = TABLE_PATTERNS  # globs on the attachment's file name
    after: Literal["flag", "move", "keep"] = "flag"  # flag: mark \Seen; move: to `move_to`; keep: leave as is
    move_to: str | None = None
    ca_file: str | None = None                # extra CA bundle (a self-signed bureau server)

    @model_validator(mode="after")
    def _move_needs_folder(self):
        if self.after == "move" and not self.move_to:
            raise ValueError("after: move needs move_to (the folder to move pulled messages to, e.g. bipin/pulled)")
        return self


class WebSource(_Source):
    """Tables linked from a bureau's listing page (统计数据 / 统计月报)."""

    kind: Literal["web"]
    url: str = Field(pattern=r"^https?://")
    link_pattern: str = r"\.(xlsx?|csv|pdf|html?|zip)$"   # regex on the link's address or text
    charset: str | None = None                # the listing page's encoding (gbk); null: what the server/page says
    delay_s: float = Field(default=1.0, ge=0)  # pause between two requests to the same site
    max_links: int = Field(default=500, ge=1)
    ca_file: str | None = None

    @field_validator("link_pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"{v!r} is not a regular expression: {exc}") from None
        return v

    @field_validator("charset")
    @classmethod
    def _charset(cls, v: str | None) -> str | None:
        if v is not None:
            import codecs

            try:
                codecs.lookup(v)
            except LookupError:
                raise ValueError(f"unknown charset {v!r} (use e.g. gbk, gb18030, utf-8)") from None
        return v


class FolderSource(_Source):
    """Files in a folder any fsspec URL names: /srv/share, sftp://host/path, s3://bucket/prefix, smb://..."""

    kind: Literal["folder"]
    url: str
    glob: str = "*"
    user: str | None = None
    settle_s: float = Field(default=60.0, ge=0)  # a file changed this recently may still be being written: next time
    options: dict[str, str | int | float | bool] = {}  # fsspec storage options that are not secret (port, region)

    @field_validator("url")
    @classmethod
    def _known_protocol(cls, v: str) -> str:
        from fsspec.registry import known_implementations

        protocol = v.split("://", 1)[0] if "://" in v else "file"
        if protocol not in known_implementations:
            from flows.config.names import did_you_mean

            raise ValueError(f"{protocol}:// is not a file system fsspec knows (a folder path, sftp://, s3://, "
                             f"smb://, ...){did_you_mean(protocol, known_implementations)}")
        return v

    @field_validator("options")
    @classmethod
    def _no_secret(cls, v: dict) -> dict:
        secret = [k for k in v if any(w in k.lower() for w in ("password", "secret", "token", "key"))]
        if secret:
            raise ValueError(f"{secret} look like secrets: put the secret in an environment variable "
                             "and name it in password_env")
        return v


PullSource = Annotated[MailboxSource | WebSource | FolderSource, Field(discriminator="kind")]


class PullConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    user_agent: str = USER_AGENT
    sources: tuple[PullSource, ...] = ()

    @field_validator("user_agent")
    @classmethod
    def _names_bipin(cls, v: str) -> str:
        if "bipin" not in v.lower():
            raise ValueError("the User-Agent must name bipin, so a bureau's webmaster knows who is asking")
        return v

    @model_validator(mode="after")
    def _unique_codes(self):
        codes = [s.code for s in self.sources]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"source code(s) {twice} appear twice; each source needs its own code")
        return self

    def chosen(self, code: str | None = None) -> list:
        """The enabled sources, or the one named `code` (enabled or not)."""
        if code is None:
            return [s for s in self.sources if s.enabled]
        found = [s for s in self.sources if s.code == code]
        if not found:
            from flows.config.names import did_you_mean

            hint = did_you_mean(code, [s.code for s in self.sources])
            raise PullConfigError(f"no pull source {code!r} in config/{PULL_FILE}{hint}")
        return found


def load_pull(config_dir: str | Path) -> PullConfig:
    """config/pull.yaml on its own (tests; the job reads Config.pull); raise PullConfigError listing every problem."""
    path = Path(config_dir) / PULL_FILE
    content, problems = read_yaml(path) if path.exists() else (None, [])
    config, found = pull_from(path, content)
    if problems or found:
        raise PullConfigError("\n".join(problems + found))
    return config


def pull_from(path: Path, content: Any) -> tuple[PullConfig, list[str]]:
    """(the sources, every problem) of pull.yaml's content (None: no file, so no source: nothing is pulled).
    With a problem the value is the empty PullConfig; Config is not built then anyway."""
    if content is None or content is UNREADABLE:
        return PullConfig(), []  # read_yaml said why it is unreadable
    if not isinstance(content, dict):
        return PullConfig(), [f"{path}: expected a mapping with keys user_agent and sources"]
    try:
        return PullConfig.model_validate(content), []
    except ValidationError as exc:
        from flows.config.names import validation_hint

        return PullConfig(), [f"{path}: {_where(content, e['loc'])}: {e['msg']}"
                              f"{validation_hint(e, _fields(e['loc']))}" for e in exc.errors()]


def _where(content: dict, loc: tuple) -> str:
    """sources[2] (code jinhua_mail).port rather than sources.2.mailbox.port."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if i == 1 and loc[0] == "sources" and isinstance(part, int):
            sources = content.get("sources") or []
            code = sources[part].get("code") if part < len(sources) and isinstance(sources[part], dict) else None
            parts[-1] += f"[{part}]" + (f" (code {code})" if code else "")
        elif i == 2 and loc[0] == "sources" and part in ("mailbox", "web", "folder"):
            continue
        else:
            parts.append(str(part))
    return ".".join(parts)


def _fields(loc: tuple) -> dict:
    """The model fields a did-you-mean hint chooses from."""
    kinds = {"mailbox": MailboxSource, "web": WebSource, "folder": FolderSource}
    if len(loc) > 2 and loc[0] == "sources" and loc[2] in kinds:
        return kinds[loc[2]].model_fields
    return PullConfig.model_fields
