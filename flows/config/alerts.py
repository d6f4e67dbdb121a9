"""`alerts:` of config/settings.yaml: who is told by email when a flow run fails (flows/run/alerts.py).

`recipients` left out: every recipient who gets the operators' digest (recipients.yaml).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from flows.config.recipients import checked_email


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    recipients: tuple[str, ...] = ()

    @field_validator("recipients", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(checked_email(a) for a in v)
