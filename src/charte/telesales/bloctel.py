"""Phone numbers, only ever as salted hashes; the Bloctel opposition list and its date.

Code de la consommation L223-1: a professional may not call a consumer whose number is on
the opposition list (Bloctel), except for offers within a contract in progress, and checks
its prospecting files against the list before a campaign and at least every 30 days while it
runs. charte never keeps a number in clear: each number is normalised to E.164 and hashed
with HMAC-SHA256 keyed by a secret salt the provider chooses (``--salt`` or the
``CHARTE_NUMBER_SALT`` variable). Phone numbers are few enough (~10⁹ French numbers) for an
unkeyed hash to be reversed by brute force: the salt is a secret, shared only by whoever
hashes the attempt records and the list. Records carry ``number_hash = hash_number(number, salt)``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from charte.domain.cells import inert_row
from charte.telesales.consumer_zones import OVERSEAS_PREFIXES

HASH_HEX_CHARS: Final = 32  # 128 bits
_SEPARATORS: Final = re.compile(r"[\s.\-()/]")
_DATE_IN_NAME: Final = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_HASH: Final = re.compile(r"^[0-9a-f]{32}$")
_SALT_PROBE: Final = b"charte salt fingerprint"


class NumberError(ValueError):
    """A phone number that cannot be normalised. The message never repeats the number."""

    code = "bad_phone_number"


class BloctelListError(ValueError):
    """A Bloctel list that cannot be used (no date, wrong salt, unreadable)."""

    def __init__(self, code: str, source: str, message: str) -> None:
        self.code = code
        super().__init__(f"{source}: [{code}] {message}")


def normalize_number(raw: str) -> str:
    """E.164 form of a French number: ``06 12 34 56 78`` → ``+33612345678``, ``0692…`` → ``+262692…``.

    Accepts national (10 digits from 0), international (``+``/``00``) and Excel-damaged
    (9 digits, leading 0 lost) forms. Overseas numbers take their own country code (ARCEP
    plan), also when written ``+33 692…``, so every writing of a number hashes the same.
    """
    text = _SEPARATORS.sub("", str(raw))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = text[1:]
        if not digits.isdigit() or not 8 <= len(digits) <= 15:
            raise NumberError(f"[bad_phone_number] an international number has 8 to 15 digits after +; "
                              f"found {len(digits)} characters")
        if digits.startswith("33") and len(digits) == 11:
            return _national(digits[2:])
        return "+" + digits
    if not text.isdigit():
        raise NumberError("[bad_phone_number] a phone number has digits only (spaces, dots, dashes allowed)")
    if len(text) == 10 and text.startswith("0"):
        return _national(text[1:])
    if len(text) == 9 and not text.startswith("0"):
        return _national(text)
    raise NumberError(f"[bad_phone_number] expected 10 digits starting with 0 or an international number; "
                      f"found {len(text)} digits")


def _national(nine: str) -> str:
    overseas = OVERSEAS_PREFIXES.get(nine[:3])
    if overseas is not None:
        return "+" + overseas[0] + nine
    return "+33" + nine


def hash_number(raw: str, salt: str) -> str:
    """``number_hash`` of a number: HMAC-SHA256(salt, E.164), first 32 hex characters."""
    if not salt:
        raise ValueError("[missing_salt] hashing a number needs a secret salt (--salt or CHARTE_NUMBER_SALT)")
    digest = hmac.new(salt.encode(), normalize_number(raw).encode(), hashlib.sha256).hexdigest()
    return digest[:HASH_HEX_CHARS]


def salt_fingerprint(salt: str) -> str:
    """A short tag of the salt, stored beside hashed lists so a wrong salt is caught (it reveals no number)."""
    return hmac.new(salt.encode(), _SALT_PROBE, hashlib.sha256).hexdigest()[:12]


@dataclass(frozen=True)
class BloctelList:
    """The numbers of a Bloctel opposition list, hashed, and the date the list was consulted."""

    list_date: date
    hashes: frozenset[str]
    source: str
    salt_tag: str
    rejected_lines: tuple[int, ...] = field(default=())


def list_date_from_name(path: Path) -> date | None:
    """``bloctel-2026-10-01.csv`` or ``bloctel_20261001.txt`` → 2026-10-01."""
    match = _DATE_IN_NAME.search(path.name)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def load_bloctel_list(path: str | Path, salt: str, list_date: date | None = None) -> BloctelList:
    """Read a Bloctel list: numbers in clear (one a line, first ``;``/``,``/tab field; hashed at once and
    forgotten) or a hashed list saved by :func:`save_hashed_list` (``.parquet``).

    The list's date is ``list_date``, else the date saved with a hashed list, else a date in the
    file name. Lines that are not numbers are skipped and their line numbers kept (never their text).
    """
    path = Path(path)
    if not path.exists():
        raise BloctelListError("file_not_found", str(path), "no such file")
    if path.suffix.lower() == ".parquet":
        return _load_hashed(path, salt, list_date)
    day = list_date or list_date_from_name(path)
    if day is None:
        raise BloctelListError("bloctel_list_date_missing", str(path),
                               "the list's date is unknown; give --bloctel-date YYYY-MM-DD or put it in the file "
                               "name (bloctel-2026-10-01.csv)")
    hashes: set[str] = set()
    rejected: list[int] = []
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for line_no, line in enumerate(handle, start=1):
            value = re.split(r"[;,\t]", line.strip(), maxsplit=1)[0].strip().strip('"')
            if not value or value.startswith("#"):
                continue
            try:
                hashes.add(hash_number(value, salt))
            except NumberError:
                if line_no > 1:  # a header line is not a problem
                    rejected.append(line_no)
    return BloctelList(day, frozenset(hashes), str(path), salt_fingerprint(salt), tuple(rejected))


def _load_hashed(path: Path, salt: str, list_date: date | None) -> BloctelList:
    table = pq.read_table(path)
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    if "number_hash" not in table.column_names:
        raise BloctelListError("bad_bloctel_list", str(path), f"expected a `number_hash` column; "
                               f"found {table.column_names}")
    tag = meta.get("charte.salt_tag", "")
    if salt and tag and tag != salt_fingerprint(salt):
        raise BloctelListError("salt_mismatch", str(path), "the list was hashed with another salt; its hashes "
                               "would match no record")
    stored = meta.get("charte.bloctel_list_date")
    day = list_date or (date.fromisoformat(stored) if stored else list_date_from_name(path))
    if day is None:
        raise BloctelListError("bloctel_list_date_missing", str(path), "the list's date is unknown; give "
                               "--bloctel-date YYYY-MM-DD")
    hashes = frozenset(h for h in table.column("number_hash").to_pylist() if isinstance(h, str) and _HASH.match(h))
    return BloctelList(day, hashes, str(path), tag)


def save_hashed_list(bloctel: BloctelList, path: str | Path) -> Path:
    """Store a list as hashes only, with its date and the salt's fingerprint."""
    path = Path(path)
    table = pa.table({"number_hash": pa.array(sorted(bloctel.hashes), pa.string())})
    table = table.replace_schema_metadata({"charte.bloctel_list_date": bloctel.list_date.isoformat(),
                                           "charte.salt_tag": bloctel.salt_tag})
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


_COUNTRY_DEPARTMENT: Final[dict[str, str]] = {"+508": "975", "+681": "986", "+687": "988", "+689": "987"}


def department_of_number(e164: str) -> str | None:
    """Territory of a normalised number: ``""`` metropolitan, ``"974"``… overseas, None abroad.

    Saint-Barthélemy and Saint-Martin share Guadeloupe's numbering (+590) and are read as 971,
    whose zone and holidays they mostly share; give the department explicitly when it matters.
    """
    if e164.startswith("+33"):
        return ""
    for prefix, (country, department) in OVERSEAS_PREFIXES.items():
        if e164.startswith("+" + country + prefix):
            return department
    return next((d for code, d in _COUNTRY_DEPARTMENT.items() if e164.startswith(code)), None)


def _hash_or_blank(raw: str, salt: str) -> str:
    try:
        return hash_number(raw, salt) if raw.strip() else ""
    except NumberError:
        return ""


@dataclass(frozen=True)
class HashedFile:
    rows: int
    bad_numbers: tuple[int, ...]  # line numbers whose number could not be read (never the number)
    unplaced: tuple[int, ...] = ()  # lines with a blank department the number could not tell (abroad)
    departments_filled: int = 0


def hash_numbers_file(source: str | Path, output: str | Path, column: str, salt: str, *,
                      delimiter: str | None = None, encoding: str = "utf-8", also: Sequence[str] = ()) -> HashedFile:
    """Copy a dialer export, replacing the phone-number column by ``number_hash``, so the clear number
    never reaches charte's importers, stores or reports.

    ``consumer_department`` is added from the number when the export has none, and a blank one is
    filled from the number (an overseas number is otherwise audited on Paris time). Lines whose
    number cannot be read or placed are returned, never guessed. The delimiter is ``;``, ``,`` or a
    tab, whichever the header holds most of (or ``delimiter``). Text a spreadsheet would run as a formula
    (``=…``, ``@…``) is written after a ``'`` (:mod:`charte.domain.cells`).
    """
    source, output = Path(source), Path(output)
    with source.open(encoding=encoding, newline="") as handle:
        head = handle.readline()
        sep = delimiter or max((";", ",", "\t"), key=head.count)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=sep)
        header = next(reader)
        for name in (column, *also):
            if name not in header:
                raise BloctelListError("missing_column", str(source), f"no column `{name}`; found {header}")
        at = header.index(column)
        others = [header.index(name) for name in also if name != column]
        add_department = "consumer_department" not in header
        dept_at = len(header) if add_department else header.index("consumer_department")
        out_header = [("number_hash" if i == at else f"{h}_hash" if i in others else h) for i, h in enumerate(header)]
        bad: list[int] = []
        unplaced: list[int] = []
        filled = rows = 0
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target, delimiter=sep)
            # text a spreadsheet would run as a formula is made inert (charte.domain.cells), header included
            writer.writerow(inert_row([*out_header, "consumer_department"] if add_department else out_header))
            for line_no, row in enumerate(reader, start=2):
                rows += 1
                department: str | None = None
                try:
                    e164 = normalize_number(row[at]) if at < len(row) else ""
                    hashed = hash_number(e164, salt) if e164 else ""
                    department = department_of_number(e164) if e164 else None
                except NumberError:
                    hashed = ""
                    bad.append(line_no)
                if at < len(row):
                    row[at] = hashed
                for i in others:
                    if i < len(row):
                        row[i] = _hash_or_blank(row[i], salt)
                if add_department:
                    row.append(department or "")
                elif dept_at < len(row) and not row[dept_at].strip():
                    row[dept_at] = department or ""
                    filled += department is not None
                if department is None and hashed and not (dept_at < len(row) and row[dept_at].strip()):
                    unplaced.append(line_no)
                writer.writerow(inert_row(row))
    return HashedFile(rows, tuple(bad), tuple(unplaced), filled)
