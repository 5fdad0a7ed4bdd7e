"""Sidecars: ``NAME.meta.json`` next to a report -> the metadata fields it sets.

Input: a report's path (``sidecar_path``) or a sidecar's (``read_sidecar``). Output: the
sidecar's fields, checked one by one (``SidecarError`` naming the file and the field on the
first fault), and ``apply_overrides``: a report's ``ReportMetadata`` with them, its places
as they are today. A sidecar is a regular file of at most ``MAX_SIDECAR_BYTES``: a FIFO or a
device in its place is refused, never waited on.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import replace
from pathlib import Path

from .errors import SidecarError
from .formats import short_error
from .gazetteer import default_gazetteer
from .metadata import FIELD_NAMES, KINDS, LEVELS, SCRIPTS, ReportMetadata


def sidecar_path(report_path: Path) -> Path:
    """``reports/x.txt`` -> ``reports/x.meta.json``."""
    return report_path.with_name(report_path.stem + ".meta.json")


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(".meta.json")


# A sidecar holds a dozen short fields, under 2 KB; a larger one is a mistake or an attack
# (a link to /dev/zero), and is not read.
MAX_SIDECAR_BYTES = 64 * 1024


def read_sidecar(path: Path) -> dict:
    """A sidecar's field overrides, checked; {} when there is no sidecar. Only a regular
    file of at most MAX_SIDECAR_BYTES is read (a FIFO or device in its place is never
    waited on), and JSON nested too deep for the parser is refused: SidecarError, one line."""
    text = _sidecar_text(path)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SidecarError(str(path), f"unreadable sidecar: {error}") from None
    except RecursionError:
        raise SidecarError(str(path), "unreadable sidecar: nested too deep; a sidecar is "
                                      "a flat JSON object of fields") from None  # fmt: skip
    try:
        return _checked_sidecar(path, data)
    except SidecarError:
        raise
    except Exception as error:  # noqa: BLE001 - a check's bug is this sidecar's error
        raise SidecarError(str(path), f"unreadable sidecar: {short_error(error)}") from None


def _checked_sidecar(path: Path, data) -> dict:
    """The sidecar's parsed JSON, checked field by field; SidecarError on the first fault."""
    if not isinstance(data, dict):
        raise SidecarError(str(path), "sidecar must be a JSON object of metadata fields")
    unknown = sorted(set(data) - set(FIELD_NAMES))
    if unknown:
        raise SidecarError(
            str(path), f"unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELD_NAMES)}"
        )
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1949 <= year <= 2100):
        raise SidecarError(str(path), f"year must be a whole number or null, not {year!r}")
    for name, allowed in (("level", LEVELS), ("kind", KINDS), ("script", SCRIPTS)):
        if name in data and data[name] not in (*allowed, ""):
            raise SidecarError(str(path), f"{name} must be one of {', '.join(allowed)}")
    for name, value in data.items():
        if name != "year" and not isinstance(value, str):
            raise SidecarError(str(path), f"{name} must be a string")
    published = data.get("published")
    if published and not _valid_date(published):
        raise SidecarError(str(path), f"published must be a date YYYY-MM-DD, not {published!r}")
    _check_places(path, data)
    return data


def _sidecar_text(path: Path) -> str | None:
    """The text of the sidecar ``path``, None if there is none (or a dangling link)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SidecarError(str(path), f"unreadable sidecar: {error.strerror}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise SidecarError(str(path), "not a regular file (a device, FIFO or socket); "
                                          "a sidecar is a small JSON file")  # fmt: skip
        limit = f"over the {MAX_SIDECAR_BYTES // 1024} KB limit for sidecars"
        if info.st_size > MAX_SIDECAR_BYTES:
            raise SidecarError(str(path), f"{info.st_size / 1024:,.0f} KB, {limit}")
        data = os.read(handle, MAX_SIDECAR_BYTES + 1)
        if len(data) > MAX_SIDECAR_BYTES:  # it grew while we read
            raise SidecarError(str(path), limit)
        return data.decode("utf-8-sig")
    except OSError as error:
        raise SidecarError(str(path), f"unreadable sidecar: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise SidecarError(str(path), f"unreadable sidecar: not UTF-8 ({error.reason} at "
                                      f"byte {error.start})") from None  # fmt: skip
    finally:
        os.close(handle)


def _valid_date(text: str) -> bool:
    import datetime

    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(
            datetime.date.fromisoformat(text)
        )
    except ValueError:
        return False


def _check_places(path: Path, data: dict) -> None:
    """A sidecar's province, city and district must be gazetteer names that fit together."""
    gazetteer = default_gazetteer()
    chosen = {}
    for field_name in ("province", "city", "district"):
        name = data.get(field_name)
        if not name:
            continue
        divisions = [d for d in gazetteer.by_name.get(name, [])
                     if field_name != "province" or d.level == "province"]  # fmt: skip
        if not divisions:
            known = sorted({d.name for d in gazetteer.by_name.get(name + "市", [])}
                           | {n for n in gazetteer.by_name if n.startswith(name)})[:3]  # fmt: skip
            hint = f"; did you mean {' or '.join(known)}?" if known else ""
            raise SidecarError(str(path), f"{field_name} {name!r} is not in the gazetteer{hint}")
        chosen[field_name] = divisions
    province, city = data.get("province"), data.get("city")
    # Names may be former ones (那曲地区): they fit by what they are part of today.
    provinces = {d.name for d in chosen.get("province", [])}
    cities = {d.city or d.name for d in chosen.get("city", [])}
    if province and "city" in chosen and not any(d.province in provinces for d in chosen["city"]):
        raise SidecarError(str(path), f"city {city!r} is not in province {province!r}")
    if "district" in chosen:
        district = data["district"]
        fits = [d for d in chosen["district"] if (not city or d.city in cities)
                and (not province or d.province in provinces)]  # fmt: skip
        if not fits:
            where = city or province
            raise SidecarError(str(path), f"district {district!r} is not in {where!r}")


def apply_overrides(metadata: ReportMetadata, overrides: dict) -> ReportMetadata:
    """``metadata`` with a sidecar's fields; place names as they are today (a sidecar may
    give 那曲地区: facets and the map count it as 那曲市)."""
    if not overrides:
        return metadata
    overrides = dict(overrides)
    if any(overrides.get(name) for name in ("province", "city", "district")):
        division = default_gazetteer().locate(
            overrides.get("province") or metadata.province,
            overrides.get("city") or ("" if overrides.get("province") else metadata.city),
            overrides.get("district") or "",
            year=overrides.get("year") or metadata.year,
        )
        if division is not None:
            overrides["province"] = division.province
            overrides["city"] = division.city or ""
            overrides["district"] = division.name if division.level == "district" else ""
    return replace(metadata, **overrides)
