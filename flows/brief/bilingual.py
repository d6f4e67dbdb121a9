"""A message said twice: English for logs, the CLI and Prefect, Chinese for the operators' digest.

`Said` is the English text itself (a str: it joins, logs, hashes and pickles as the plain English
message everywhere that already takes one) and carries its Chinese line in `.zh`, which the digest
prints instead. `zh(x)` reads that line, or returns x unchanged when it has none.
"""

from __future__ import annotations


class Said(str):
    """English text with its Chinese counterpart attached."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Said:
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def __reduce__(self):  # Prefect and Dask pickle plans and results: keep the Chinese line
        return (Said, (str(self), self.zh))


def zh(text: str) -> str:
    return getattr(text, "zh", text)
