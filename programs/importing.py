"""Importing cadres from the CSV and XLSX files coordinators already keep.

Three steps: read the file into rows, map columns to fields (guessed from the header,
corrected by the coordinator), check every row. Saving happens only when no row has an
error, all in one transaction: a file with one bad row imports nothing.

Reading is bounded in every dimension (bytes, columns, rows, cell length, cells), checked
while the file is read, so a small hostile file stops early with a clear message.

`CadreRowChecker` is the one validation of a cadre row: the app's import here and the
admin's import (programs/resources.py) both use it, so they accept and store alike.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumber_field.phonenumber import to_python as to_phone

from core import formatting
from core.resources import unescaped_text
from partners.models import Partner, Province, Region
from programs.models import Cadre

# (field, label, required)
TARGETS = [
    ("full_name", gettext_lazy("Full name"), True),
    ("email", gettext_lazy("E-mail"), False),
    ("phone", gettext_lazy("Phone"), False),
    ("province", gettext_lazy("Province"), False),
    ("city", gettext_lazy("Regency / city"), False),
    ("education", gettext_lazy("Education"), False),
    ("education_detail", gettext_lazy("Field of study and institution"), False),
    ("occupation", gettext_lazy("Occupation"), False),
    ("home_partner", gettext_lazy("Home organisation (partner)"), False),
    ("home_organisation", gettext_lazy("Home organisation"), False),
    ("stage", gettext_lazy("Pipeline stage"), False),
    ("development_focus", gettext_lazy("Development focus"), False),
]
FIELDS = [key for key, _label, _required in TARGETS]
TEXT_FIELDS = ["education_detail", "occupation", "home_organisation", "development_focus"]

# Header words seen in coordinators' sheets, Indonesian and English; each field's own name
# too, so a file exported from the admin imports here unchanged.
SYNONYMS = {
    "full_name": ["nama lengkap", "nama", "full name", "name"],
    "email": ["email", "e-mail", "surel", "alamat email"],
    "phone": ["telepon", "no hp", "nomor hp", "hp", "whatsapp", "wa", "phone", "telp"],
    "province": ["provinsi", "province"],
    "city": ["kabupaten/kota", "kota/kabupaten", "kota", "kabupaten", "city", "regency"],
    "education": ["pendidikan", "pendidikan terakhir", "education"],
    "education_detail": ["jurusan", "program studi", "field of study"],
    "occupation": ["pekerjaan", "jabatan", "occupation", "job"],
    "home_partner": ["mitra", "mitra asal", "partner"],
    "home_organisation": ["organisasi", "instansi", "asal organisasi", "organisation"],
    "stage": ["tahap", "status kader", "stage"],
    "development_focus": ["minat", "fokus pengembangan", "tujuan", "development focus"],
}

STAGE_WORDS = {
    "kandidat": Cadre.Stage.CANDIDATE,
    "calon": Cadre.Stage.CANDIDATE,
    "peserta": Cadre.Stage.PARTICIPANT,
    "alumni": Cadre.Stage.ALUMNI,
    "pemimpin": Cadre.Stage.LEADER,
    "mentor": Cadre.Stage.LEADER,
}
EDUCATION_WORDS = {
    "sma": Cadre.Education.SECONDARY,
    "smk": Cadre.Education.SECONDARY,
    "d3": Cadre.Education.DIPLOMA,
    "d4": Cadre.Education.DIPLOMA,
    "s1": Cadre.Education.BACHELOR,
    "s2": Cadre.Education.MASTER,
    "s3": Cadre.Education.DOCTORATE,
}


# Short names people write for provinces, mapped to the official name's key.
PROVINCE_ALIASES = {
    "dki jakarta": "daerah khusus ibukota jakarta",
    "jakarta": "daerah khusus ibukota jakarta",
    "dki": "daerah khusus ibukota jakarta",
    "di yogyakarta": "daerah istimewa yogyakarta",
    "diy": "daerah istimewa yogyakarta",
    "yogyakarta": "daerah istimewa yogyakarta",
    "jabar": "jawa barat",
    "jateng": "jawa tengah",
    "jatim": "jawa timur",
    "sumut": "sumatera utara",
    "sumbar": "sumatera barat",
    "sumsel": "sumatera selatan",
    "sulsel": "sulawesi selatan",
    "sulut": "sulawesi utara",
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
    "babel": "kepulauan bangka belitung",
    "kepri": "kepulauan riau",
    "kaltim": "kalimantan timur",
    "kalbar": "kalimantan barat",
    "kalsel": "kalimantan selatan",
}

# An XLSX file is a zip: what it unpacks to is bounded too (a zip bomb is a few KB), and
# openpyxl holds all its shared strings in memory while reading.
XLSX_UNPACKED_FACTOR = 4


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, empty, too big in some dimension)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_cells: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.KADER_IMPORT_MAX_BYTES,
            max_rows=settings.KADER_IMPORT_MAX_ROWS,
            max_columns=settings.KADER_IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.KADER_IMPORT_MAX_CELL_CHARS,
            max_cells=settings.KADER_IMPORT_MAX_CELLS,
        )


@dataclass
class RowResult:
    number: int  # as the coordinator sees it in the sheet: the header is row 1
    values: dict[str, str]
    cadre: Cadre | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading, within bounds ------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as the text the coordinator sees: 812.0 is "812", a date is 2024-01-31."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


class _Bounds:
    """Counts what has been read and stops at the first dimension over its limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.rows, self.cells = limits, 0, 0

    def take(self, cells: list[str]) -> bool:
        """Checks one row as read; says whether it holds anything."""
        limits = self.limits
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > limits.max_columns:
            raise ImportFileError(too_many_columns(limits))
        if any(len(cell) > limits.max_cell_chars for cell in cells):
            raise ImportFileError(too_long_cell(limits))
        # A blank row counts as one cell: a million of them is no cheaper to read.
        self.cells += max(len(cells), 1)
        if self.cells > limits.max_cells:
            raise ImportFileError(
                _("The file has more than %(max)s cells (blank rows included).")
                % {"max": formatting.number(limits.max_cells)}
            )
        if not cells:
            return False
        self.rows += 1
        if self.rows > limits.max_rows + 1:  # the header is not a cadre
            raise ImportFileError(too_many_rows(limits))
        return True


def too_many_rows(limits: Limits) -> str:
    return _("The file has more than %(max)s rows.") % {"max": formatting.number(limits.max_rows)}


def too_many_columns(limits: Limits) -> str:
    return _("The file has more than %(max)s columns.") % {"max": limits.max_columns}


def too_long_cell(limits: Limits) -> str:
    return _("A cell is longer than %(max)s characters.") % {
        "max": formatting.number(limits.max_cell_chars)
    }


def read_rows(upload, limits: Limits | None = None) -> tuple[list[str], list[list]]:
    """The header, and the data rows as [row number in the sheet, cells], every row as wide
    as the header; raises ImportFileError with a clear message."""
    limits = limits or Limits.from_settings()
    if upload.size > limits.max_bytes:
        raise ImportFileError(
            _("The file is larger than %(max)s MB.") % {"max": limits.max_bytes // 2**20 or 1}
        )
    xlsx = upload.name.lower().endswith(".xlsx")
    lines = _xlsx_lines(upload, limits) if xlsx else _csv_lines(upload, limits)
    bounds = _Bounds(limits)
    rows = [(n, cells) for n, cells in lines if bounds.take(cells)]
    if len(rows) < 2:
        raise ImportFileError(_("The file has no rows below the header."))
    (_n, header), data = rows[0], rows[1:]
    width = len(header)
    return header, [[n, (cells + [""] * width)[:width]] for n, cells in data]


def _csv_lines(upload, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    text = _decode(upload.read(limits.max_bytes + 1))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = _bounded_lines(text, dialect.delimiter, limits)
    try:
        for number, cells in enumerate(csv.reader(lines, dialect), start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(too_long_cell(limits)) from exc
        raise ImportFileError(_("This is not a readable CSV file.")) from exc


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.replace("\x00", "")  # PostgreSQL cannot store NUL; no real sheet has one


def _bounded_lines(text: str, delimiter: str, limits: Limits) -> Iterator[str]:
    """The text's lines, refusing one too long before the csv module splits it into cells
    (a line of a million commas would otherwise be a list of a million empty strings)."""
    longest = limits.max_columns * (limits.max_cell_chars + 3)
    for line in io.StringIO(text, newline=""):
        if len(line) > longest:
            too_wide = line.count(delimiter) >= limits.max_columns
            raise ImportFileError(too_many_columns(limits) if too_wide else too_long_cell(limits))
        yield line


def _xlsx_lines(upload, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_unpacked_size(upload, limits)
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    try:
        # One column past the limit is read, to tell a too-wide sheet from a wide one.
        rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
        for number, row in enumerate(rows, start=1):
            yield number, [cell_text(cell) for cell in row]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    finally:
        book.close()


def _check_unpacked_size(upload, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    upload.seek(0)
    if unpacked > limits.max_bytes * XLSX_UNPACKED_FACTOR:
        raise ImportFileError(_("The spreadsheet unpacks to too much data to be read."))


def guess_mapping(headers: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    normalised = [h.strip().lower() for h in headers]
    for key, words in SYNONYMS.items():
        for word in [key, *words]:
            if word in normalised and normalised.index(word) not in mapping.values():
                mapping[key] = normalised.index(word)
                break
    return mapping


# --- Checking: one validation for the app's and the admin's import ----------------------


class _Lookup:
    """Provinces and cities by name, loaded once for the whole file."""

    def __init__(self) -> None:
        self.provinces = {self.key(p.name): p for p in Province.objects.all()}
        self.provinces.update({p.code: p for p in self.provinces.values()})
        self.cities: dict[tuple[int, str], Region] = {}
        for region in Region.objects.all():
            self.cities[(region.province_id, self.key(region.name))] = region
            self.cities.setdefault((region.province_id, self.key(_bare(region.name))), region)

    @staticmethod
    def key(name: str) -> str:
        name = re.sub(r"^(provinsi|prov\.?)\s+", "", name.strip().lower())
        name = re.sub(r"\s+", " ", name)
        return PROVINCE_ALIASES.get(name, name)


def _bare(name: str) -> str:
    return re.sub(r"^(kabupaten|kab\.?|kota)\s+", "", name.strip(), flags=re.IGNORECASE)


class CadreRowChecker:
    """Every rule for one imported cadre row, with what it needs loaded once per file:
    regions, the file's e-mails already taken, the partners its rows name."""

    def __init__(self, rows: list[dict[str, str]], partners: QuerySet[Partner]) -> None:
        self.lookup = _Lookup()
        emails = {r.get("email", "").strip().lower() for r in rows} - {""}
        # unscoped: an e-mail is unique among all cadres, whoever's they are.
        taken = Cadre.objects.unscoped().annotate(key=Lower("email")).filter(key__in=emails)
        self.taken = set(taken.values_list("key", flat=True))
        names = {r.get("home_partner", "").strip().lower() for r in rows} - {""}
        self.partners: dict[str, list[Partner]] = {}
        for partner in partners.annotate(key=Lower("name")).filter(key__in=names):
            self.partners.setdefault(partner.key, []).append(partner)
        self.seen: dict[str, int] = {}

    def check(self, values: dict[str, str], number: int) -> tuple[Cadre, dict[str, list[str]]]:
        """The cadre the row describes (unsaved), and its errors by field."""
        values = {key: unescaped_text(cell_text(values.get(key))) for key in FIELDS}
        errors: dict[str, list[str]] = {}
        cadre = Cadre(full_name=values["full_name"])
        for key in TEXT_FIELDS:
            setattr(cadre, key, values[key])
        if not cadre.full_name:
            errors.setdefault("full_name", []).append(_("The name is missing."))
        self._email(cadre, values["email"], number, errors)
        _set_phone(cadre, values["phone"], errors)
        _set_region(cadre, values["province"], values["city"], self.lookup, errors)
        self._home_partner(cadre, values["home_partner"], errors)
        cadre.education = _choice(values, "education", EDUCATION_WORDS, Cadre.Education, errors)
        cadre.stage = _choice(values, "stage", STAGE_WORDS, Cadre.Stage, errors) or cadre.stage
        _model_rules(cadre, errors)
        return cadre, errors

    def _email(self, cadre: Cadre, email: str, number: int, errors: dict) -> None:
        if not email:
            return
        try:
            validate_email(email)
        except ValidationError:
            message = _("“%(email)s” is not a valid e-mail address.") % {"email": email}
            errors.setdefault("email", []).append(message)
            return
        cadre.email = email = email.lower()
        if email in self.taken:
            message = _("A cadre with the e-mail %(email)s already exists.") % {"email": email}
        elif email in self.seen:
            message = _("Same e-mail as row %(row)s.") % {"row": self.seen[email]}
        else:
            self.seen[email] = number
            return
        errors.setdefault("email", []).append(message)

    def _home_partner(self, cadre: Cadre, name: str, errors: dict) -> None:
        if not name:
            return
        found = self.partners.get(name.lower(), [])
        if len(found) == 1:
            cadre.home_partner = found[0]
            return
        if found:
            message = _("Several partners are called “%(name)s”.") % {"name": name}
        else:
            message = _("Unknown partner “%(name)s”.") % {"name": name}
        errors.setdefault("home_partner", []).append(message)


def _model_rules(cadre: Cadre, errors: dict[str, list[str]]) -> None:
    """The model's own field rules (lengths, choices, validators). Its clean() is not run:
    its two rules (city in province, e-mail taken) are checked above for the whole file at
    once instead of one query per row."""
    try:
        cadre.clean_fields(exclude=[*errors, "province", "city", "home_partner"])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)


def check_rows(
    rows: list[list], mapping: dict[str, int], partners: QuerySet[Partner]
) -> list[RowResult]:
    values = [{key: cells[col] for key, col in mapping.items()} for _n, cells in rows]
    checker = CadreRowChecker(values, partners)
    results = []
    for (number, _cells), row_values in zip(rows, values, strict=True):
        cadre, errors = checker.check(row_values, number)
        messages = [message for key in errors for message in errors[key]]
        results.append(RowResult(number, row_values, cadre, messages))
    return results


def _choice(values: dict, key: str, words: dict, choices, errors: dict) -> str:
    text = values.get(key, "")
    value = _word(text, words, choices)
    if text and not value:
        message = _("Unknown value “%(value)s” for %(field)s.") % {
            "value": text,
            "field": {k: lbl for k, lbl, _r in TARGETS}[key],
        }
        errors.setdefault(key, []).append(message)
    return value


def _set_phone(cadre: Cadre, phone: str, errors: dict) -> None:
    if not phone:
        return
    number = to_phone(phone, region="ID")
    if number is None or not number.is_valid():
        message = _("“%(phone)s” is not a valid phone number.") % {"phone": phone}
        errors.setdefault("phone", []).append(message)
        return
    cadre.phone = number


def _set_region(cadre: Cadre, province: str, city: str, lookup: _Lookup, errors: dict) -> None:
    if not province:
        if city:
            errors.setdefault("city", []).append(_("A city needs its province."))
        return
    found = lookup.provinces.get(lookup.key(province))
    if found is None:
        message = _("Unknown province “%(name)s”.") % {"name": province}
        errors.setdefault("province", []).append(message)
        return
    cadre.province = found
    if city:
        region = lookup.cities.get((found.pk, lookup.key(city))) or lookup.cities.get(
            (found.pk, lookup.key(_bare(city)))
        )
        if region is None:
            message = _("Unknown regency or city “%(city)s” in %(province)s.") % {
                "city": city,
                "province": found.name,
            }
            errors.setdefault("city", []).append(message)
        cadre.city = region


def _word(text: str, words: dict[str, str], choices) -> str:
    text = text.strip().lower()
    if not text:
        return ""
    for value, label in choices.choices:
        if text in (value, str(label).lower()):
            return value
    return words.get(text, "")


def save_all(results: Iterable[RowResult], *, placement: tuple[int, int] | None = None) -> int:
    """Save every row or none; refuses if any row has an error. `placement`: the
    (organisation id, unit id) the cadres belong to, the importer's own office."""
    results = list(results)
    if any(not r.ok for r in results):
        raise ValidationError(_("Some rows have errors: nothing was imported."))
    with transaction.atomic():
        for result in results:
            if placement is not None:
                result.cadre.organisation_id, result.cadre.unit_id = placement
            result.cadre.save()
    return len(results)
