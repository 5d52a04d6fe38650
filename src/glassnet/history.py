"""History: what training recorded, one dict per epoch, and its CSV/JSON files.

A record holds ``epoch``, ``loss``, ``learning_rate`` and ``time`` (wall seconds of the
epoch), and when asked ``val_loss``, ``<metric>``, ``val_<metric>`` and what callbacks add
(diagnostics). Imports only the standard library; ``training`` re-exports ``History``.

One encoding for numbers that are not finite, in every file that holds a History (its JSON
and the model file): the strings "nan", "inf" and "-inf", written by ``to_dict`` and read
by ``from_dict``, which also reads null as nan (model files written before this encoding).
"""

from __future__ import annotations

import csv
import json
import math
import numbers

NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class History:
    """Per-epoch records of training: ``history["loss"]`` is the list of epoch losses.

    ``records`` holds one dict per epoch; ``stopped_early`` says a callback (such as
    EarlyStopping) ended training, ``interrupted`` that Ctrl-C or a KeyboardInterrupt from
    a callback did. ``history[key]`` gives ``nan`` for epochs whose record lacks ``key``.
    """

    def __init__(self, records=None, stopped_early: bool = False, interrupted: bool = False):
        self.records: list[dict[str, float]] = [dict(record) for record in records or []]
        self.stopped_early = bool(stopped_early)
        self.interrupted = bool(interrupted)

    def append(self, record: dict[str, float]) -> None:
        """Keep ``record`` itself (not a copy), so epoch-end callbacks may still add keys."""
        self.records.append(record)

    def keys(self) -> list[str]:
        """Every recorded key, in the order it first appeared."""
        return list(dict.fromkeys(key for record in self.records for key in record))

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.keys():
            raise KeyError(f"history has no {key!r}; it has {self.keys()}")
        return [record.get(key, math.nan) for record in self.records]

    def __contains__(self, key: str) -> bool:
        return key in self.keys()

    def __len__(self) -> int:
        return len(self.records)

    @property
    def epochs(self) -> int:
        return len(self.records)

    def to_dict(self) -> dict:
        """Strict-JSON data: ``{"records": [...], "stopped_early": ..., "interrupted": ...}``;
        each value an int or float, or "nan", "inf", "-inf" where it is not finite."""
        records = [{key: json_number(plain_number(key, value)) for key, value in record.items()}
                   for record in self.records]
        return {"records": records, "stopped_early": self.stopped_early,
                "interrupted": self.interrupted}

    @classmethod
    def from_dict(cls, data) -> History:
        """The inverse of ``to_dict``; also takes float nan and inf, and null as nan."""
        if not isinstance(data, dict) or not isinstance(data.get("records"), list):
            raise ValueError(f"data must be a dict with a list under 'records', got {data!r:.200}")
        records = []
        for index, record in enumerate(data["records"]):
            if not isinstance(record, dict):
                raise ValueError(f"data['records'][{index}] must be a dict, got {record!r:.100}")
            records.append({check_key(key): read_number(key, value)
                            for key, value in record.items()})
        flags = {name: data.get(name, False) for name in ("stopped_early", "interrupted")}
        for name, flag in flags.items():
            if not isinstance(flag, bool):
                raise ValueError(f"data[{name!r}] must be true or false, got {flag!r}")
        return cls(records, **flags)

    def to_json(self, path) -> None:
        """Write ``to_dict()`` as strict JSON (non-finite numbers as "nan", "inf", "-inf")."""
        with open(path, "w", encoding="utf-8") as file:
            json.dump(self.to_dict(), file, indent=1, allow_nan=False)

    @classmethod
    def from_json(cls, path) -> History:
        """Read a file written by ``to_json``."""
        with open(path, encoding="utf-8") as file:
            return cls.from_dict(json.load(file))

    def to_csv(self, path) -> None:
        """One row per epoch, one column per key (``keys()``); an absent value is empty."""
        columns = self.keys()
        with open(path, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(columns)
            for record in self.records:
                writer.writerow([repr(record[key]) if key in record else "" for key in columns])

    def _repr_html_(self) -> str:
        """A table of the records, with the loss curve when matplotlib is there."""
        from glassnet.summary import history_html
        return history_html(self)

    def __repr__(self) -> str:
        last = self.records[-1] if self.records else {}
        return f"History(epochs={len(self)}, last={last})"


def plain_number(key: str, value) -> float | int:
    """A recorded value as a Python int or float (numpy scalars included)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"history value {key!r} must be a number, got {value!r}")
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def read_number(key: str, value) -> float | int:
    if value is None:
        return math.nan
    if isinstance(value, str) and value in NON_FINITE:
        return NON_FINITE[value]
    return plain_number(key, value)


def check_key(key) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError(f"history keys must be non-empty strings, got {key!r}")
    return key


def json_number(value: float | int) -> float | int | str:
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value
