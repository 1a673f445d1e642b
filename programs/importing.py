"""Importing cadres from the CSV and XLSX files coordinators already keep.

Three steps: read the file into rows, map columns to fields (guessed from the header,
corrected by the coordinator), check every row. Saving happens only when no row has an
error, all in one transaction: a file with one bad row imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumber_field.phonenumber import to_python as to_phone

from partners.models import Province, Region
from programs.models import Cadre

MAX_ROWS = 2000

# (field, label, required)
TARGETS = [
    ("full_name", gettext_lazy("Full name"), True),
    ("email", gettext_lazy("E-mail"), False),
    ("phone", gettext_lazy("Phone"), False),
    ("province", gettext_lazy("Province"), False),
    ("city", gettext_lazy("Regency / city"), False),
    ("education", gettext_lazy("Education"), False),
    ("occupation", gettext_lazy("Occupation"), False),
    ("home_organisation", gettext_lazy("Home organisation"), False),
    ("stage", gettext_lazy("Pipeline stage"), False),
    ("development_focus", gettext_lazy("Development focus"), False),
]

# Header words seen in coordinators' sheets, Indonesian and English.
SYNONYMS = {
    "full_name": ["nama lengkap", "nama", "full name", "name"],
    "email": ["email", "e-mail", "surel", "alamat email"],
    "phone": ["telepon", "no hp", "nomor hp", "hp", "whatsapp", "wa", "phone", "telp"],
    "province": ["provinsi", "province"],
    "city": ["kabupaten/kota", "kota/kabupaten", "kota", "kabupaten", "city", "regency"],
    "education": ["pendidikan", "pendidikan terakhir", "education"],
    "occupation": ["pekerjaan", "jabatan", "occupation", "job"],
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


class ImportFileError(Exception):
    """The file cannot be read at all (wrong format, empty, too long)."""


@dataclass
class RowResult:
    number: int  # as the coordinator sees it in the sheet: the header is row 1
    values: dict[str, str]
    cadre: Cadre | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(upload) -> tuple[list[str], list[list[str]]]:
    """Header and data rows as strings; raises ImportFileError with a clear message."""
    rows = _read_xlsx(upload) if upload.name.lower().endswith(".xlsx") else _read_csv(upload)
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise ImportFileError(_("The file has no rows below the header."))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    header, data = rows[0], rows[1:]
    width = len(header)
    return [h.strip() for h in header], [(r + [""] * width)[:width] for r in data]


def _read_csv(upload) -> list[list[str]]:
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = text.replace("\x00", "")  # PostgreSQL cannot store NUL; no real sheet has one
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise ImportFileError(_("This is not a readable CSV file.")) from exc


def _read_xlsx(upload) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    sheet = book.worksheets[0]
    rows = [
        ["" if cell is None else str(cell).strip() for cell in row]
        for _i, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)
    ]
    book.close()
    return rows


def guess_mapping(headers: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    normalised = [h.strip().lower() for h in headers]
    for key, words in SYNONYMS.items():
        for word in words:
            if word in normalised and normalised.index(word) not in mapping.values():
                mapping[key] = normalised.index(word)
                break
    return mapping


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


def check_rows(rows: list[list[str]], mapping: dict[str, int]) -> list[RowResult]:
    lookup = _Lookup()
    existing = {e.lower() for e in Cadre.objects.exclude(email="").values_list("email", flat=True)}
    seen: dict[str, int] = {}
    results = []
    for offset, row in enumerate(rows):
        values = {key: row[col].strip() for key, col in mapping.items()}
        result = RowResult(number=offset + 2, values=values)
        result.cadre = _build(values, lookup, result.errors)
        _check_duplicate(values.get("email", "").lower(), result, existing, seen)
        results.append(result)
    return results


def _check_duplicate(email: str, result: RowResult, existing: set, seen: dict) -> None:
    if not email:
        return
    if email in existing:
        result.errors.append(
            _("A cadre with the e-mail %(email)s already exists.") % {"email": email}
        )
    elif email in seen:
        result.errors.append(_("Same e-mail as row %(row)s.") % {"row": seen[email]})
    else:
        seen[email] = result.number


def _build(values: dict[str, str], lookup: _Lookup, errors: list[str]) -> Cadre:
    cadre = Cadre(
        full_name=values.get("full_name", "")[:200],
        occupation=values.get("occupation", "")[:200],
        home_organisation=values.get("home_organisation", "")[:200],
        development_focus=values.get("development_focus", ""),
    )
    if not cadre.full_name:
        errors.append(_("The name is missing."))
    _set_email(cadre, values.get("email", ""), errors)
    _set_phone(cadre, values.get("phone", ""), errors)
    _set_region(cadre, values.get("province", ""), values.get("city", ""), lookup, errors)
    cadre.education = _choice(values, "education", EDUCATION_WORDS, Cadre.Education, errors)
    cadre.stage = _choice(values, "stage", STAGE_WORDS, Cadre.Stage, errors) or cadre.stage
    return cadre


def _choice(values: dict, key: str, words: dict, choices, errors: list[str]) -> str:
    text = values.get(key, "")
    value = _word(text, words, choices)
    if text and not value:
        errors.append(
            _("Unknown value “%(value)s” for %(field)s.")
            % {"value": text, "field": {k: lbl for k, lbl, _r in TARGETS}[key]}
        )
    return value


def _set_email(cadre: Cadre, email: str, errors: list[str]) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": email})
        return
    cadre.email = email.lower()


def _set_phone(cadre: Cadre, phone: str, errors: list[str]) -> None:
    if not phone:
        return
    number = to_phone(phone, region="ID")
    if number is None or not number.is_valid():
        errors.append(_("“%(phone)s” is not a valid phone number.") % {"phone": phone})
        return
    cadre.phone = number


def _set_region(cadre: Cadre, province: str, city: str, lookup: _Lookup, errors) -> None:
    if not province:
        if city:
            errors.append(_("A city needs its province."))
        return
    found = lookup.provinces.get(lookup.key(province))
    if found is None:
        errors.append(_("Unknown province “%(name)s”.") % {"name": province})
        return
    cadre.province = found
    if city:
        region = lookup.cities.get((found.pk, lookup.key(city))) or lookup.cities.get(
            (found.pk, lookup.key(_bare(city)))
        )
        if region is None:
            errors.append(
                _("Unknown regency or city “%(city)s” in %(province)s.")
                % {"city": city, "province": found.name}
            )
        cadre.city = region


def _word(text: str, words: dict[str, str], choices) -> str:
    text = text.strip().lower()
    if not text:
        return ""
    for value, label in choices.choices:
        if text in (value, str(label).lower()):
            return value
    return words.get(text, "")


def save_all(results: list[RowResult]) -> int:
    """Save every row or none; refuses if any row has an error."""
    if any(not r.ok for r in results):
        raise ValidationError(_("Some rows have errors: nothing was imported."))
    with transaction.atomic():
        for result in results:
            result.cadre.save()
    return len(results)
