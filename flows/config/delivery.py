"""How briefings travel: outbox or SMTP, read from config/delivery.yaml (or `delivery:` in settings.yaml).

The SMTP password is never stored in config: only the name of an environment variable or of a
Prefect Secret block that holds it. Every default is stated here, once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flows.config.channels import ChatConfig
from flows.config.secrets import read_secret
from flows.config.yamlfile import UNREADABLE, read_yaml


class DeliveryConfigError(Exception):
    """delivery config that cannot be used; the message names the file and key."""


class SmtpConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    host: str = "127.0.0.1"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    password_env: str | None = "BIPIN_SMTP_PASSWORD"  # name of the environment variable, never the password
    password_block: str | None = None                  # name of a Prefect Secret block
    ca_file: str | None = None                         # extra CA bundle (a private relay's certificate)
    timeout_s: float = Field(default=30.0, gt=0)


class DeliveryConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    mode: Literal["outbox", "smtp"] = "outbox"
    from_address: str = "bipin@example.gov.cn"
    from_name: str = "比拼简报"
    smtp: SmtpConfig = SmtpConfig()
    chat: ChatConfig = ChatConfig()                   # robot posts (config/recipients.yaml `channels:`)
    max_data_age_days: int = Field(default=62, ge=1)  # newest loaded file older than this: nothing is sent
    release_lag_days: int = Field(default=25, ge=0)   # a period is overdue this many days after its month ends
    retries: int = Field(default=3, ge=0)             # extra attempts for a transient SMTP failure
    backoff_s: float = Field(default=2.0, ge=0)       # first wait; doubles each attempt
    trend_periods: int = Field(default=12, ge=2)      # heat map and chart width
    digest_days: int = Field(default=1, ge=1)         # what `brief digest` covers (it runs daily)

    @property
    def message_domain(self) -> str:
        return self.from_address.rsplit("@", 1)[-1]

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        return self.backoff_s * (2 ** (attempt - 1))


def load_delivery_config(config_dir: str | Path) -> DeliveryConfig:
    """delivery.yaml on its own (tests, benchmarks); the job reads flows.config.model.Config.delivery."""
    path = Path(config_dir) / "delivery.yaml"
    content, problems = read_yaml(path) if path.exists() else (None, [])
    cfg, found = delivery_from(path, content)
    if problems or found:
        raise DeliveryConfigError("; ".join(problems + found))
    return cfg or DeliveryConfig()


def delivery_from(path: Path, content) -> tuple[DeliveryConfig | None, list[str]]:
    """(the `delivery:` of delivery.yaml, problems); None when there is no file (settings.yaml's, else defaults)."""
    if content is None or content is UNREADABLE:
        return None, []
    if not isinstance(content, dict) or "delivery" not in content:
        return None, [f"{path}: expected a mapping with a top-level key 'delivery:'"]
    try:
        return DeliveryConfig.model_validate(content["delivery"] or {}), []
    except ValidationError as exc:
        from flows.config.names import model_problems

        return None, model_problems(exc, path, DeliveryConfig, prefix=("delivery",))


def smtp_password(cfg: SmtpConfig) -> str | None:
    """The password from the named environment variable, else from the named Prefect Secret block."""
    return read_secret(cfg.password_env, cfg.password_block)
