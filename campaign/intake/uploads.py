"""The data page's work that is not drawing: the administrator password, storing uploads safely,
the validation report, and the template files towns fill in."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from campaign import config
from campaign.intake.problems import Problem
from campaign.intake.reader import EXCEL_SUFFIXES, TEXT_SUFFIXES
from campaign.snapshot import store

PASSWORD_ENV = config.ENV["admin_password"]
MAX_UPLOAD_MB_ENV = config.ENV["max_upload_mb"]


MIN_PASSWORD = config.MIN_PASSWORD


def _secret(secrets: object | None) -> str | None:
    """Streamlit secrets' ``admin_password``, as set; None when there is none."""
    if secrets is None:
        return None
    try:
        value = secrets.get("admin_password")  # type: ignore[attr-defined]
    except Exception:  # no secrets.toml at all is the usual case, and raises
        value = None
    return str(value) if value else None


def admin_password(secrets: object | None = None) -> str | None:
    """The administrator password: Streamlit secrets first, else the settings (environment, config file). None:
    uploads and rollback are off (not set, or shorter than MIN_PASSWORD, which ``password_too_short`` tells
    apart: a guessable password must not open them, whoever started us)."""
    value = _secret(secrets)
    if value is None:
        return config.settings().admin_password
    return value if len(value) >= MIN_PASSWORD else None


def password_too_short(secrets: object | None = None) -> bool:
    value = _secret(secrets)
    return config.settings().password_too_short if value is None else len(value) < MIN_PASSWORD


def password_ok(given: str, expected: str | None) -> bool:
    """Constant time, so the comparison says nothing about how much of a guess was right."""
    if not expected or not given or len(expected) < MIN_PASSWORD:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def max_upload_bytes() -> int:
    return int(config.settings().max_upload_mb * 1024 * 1024)


@dataclass(frozen=True)
class SavedUpload:
    path: Path  # inside the data folder, named by content, never by the name the user gave
    name: str  # the user's file name, for messages and the ingest record only


def uploads_folder(db: Path | None = None) -> Path:
    return (Path(db) if db else store.default_db()).parent / "uploads"


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def save_upload(name: str, data: bytes, folder: Path) -> SavedUpload | Problem:
    """Keep an uploaded file as <sha256>.<suffix> in ``folder``; refuse types and sizes we do not take."""
    # control characters (a NUL, a terminal escape, a line break, a right-to-left override) would reach messages,
    # the ingest record and the log as they are: shown as � instead
    shown = _UNPRINTABLE.sub("\ufffd", Path(name).name) or "upload"
    suffix = Path(shown).suffix.lower()
    if suffix not in TEXT_SUFFIXES | EXCEL_SUFFIXES:
        return Problem(
            shown, f"不支持的文件类型「{suffix or '无'}」，请上传 CSV、TSV、TXT 或 XLSX (unsupported file type)"
        )
    limit = max_upload_bytes()
    if len(data) > limit:
        return Problem(shown, f"文件超过 {limit // (1024 * 1024)} MB 上限 (file larger than the upload limit)")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()}{suffix}"
    if not path.exists():
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)
    return SavedUpload(path, shown)


def problems_frame(problems: list[Problem]) -> pl.DataFrame:
    """The validation report: one row a problem, as the page shows it and the CSV download holds it."""
    return pl.DataFrame(
        [
            pl.Series("文件 file", [p.file for p in problems], pl.String),
            pl.Series("行 row", [p.row for p in problems], pl.Int64),
            pl.Series("列 column", [p.column for p in problems], pl.String),
            pl.Series("值 value", [p.value for p in problems], pl.String),
            pl.Series("问题 problem", [p.message for p in problems], pl.String),
        ]
    )


# one template a file type: the header towns should use and one example row, as Excel opens it
TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "名册模板_roster.csv": (
        ["区", "街镇", "居委/村", "名称", "类型", "户数", "人口"],
        ["金山区", "山阳镇", "海欣居民区", "海皓馨苑", "小区", "1240", "2390"],
    ),
    "创建名单模板_batch-list.csv": (
        ["区", "街镇", "居委/村", "名称", "批次", "公布日期", "是否整建制"],
        ["金山区", "山阳镇", "海欣居民区", "海皓馨苑", "第二批", "2022-05-09", "是"],
    ),
    # every unit created as of the day; 累计 in the title line (or the file's name) says so
    "累计名单模板_cumulative-list.csv": (
        ["区", "街镇", "居委/村", "名称", "公布日期", "是否整建制"],
        ["金山区", "山阳镇", "海欣居民区", "海皓馨苑", "2022-05-10", "是"],
    ),
    "状态变更模板_status-changes.csv": (
        ["区", "街镇", "居委/村", "名称", "状态", "公布日期"],
        ["金山区", "山阳镇", "海欣居民区", "海皓馨苑", "取消", "2022-05-11"],
    ),
    "网格名册模板_grid-roster.csv": (
        ["区", "街镇", "居委/村", "网格", "上级网格", "网格层级", "户数", "工作人员和志愿者", "每人联系户数"],
        ["金山区", "金山卫镇", "星火村", "星火村总网格", "", "总网格", "1754", "7", "3-5"],
    ),
    "服务记录模板_services-log.csv": (
        ["区", "街镇", "居委/村", "日期", "服务类型", "次数"],
        ["金山区", "金山卫镇", "星火村", "2022-03-28", "送药", "28"],
    ),
    "官方总数模板_targets.csv": (
        ["区", "类型", "官方总数", "截至日期", "来源"],
        ["金山区", "小区", "393", "2022-05-23", "区疫情防控办公布"],
    ),
}


# a title line above a template's header, as towns write one
TEMPLATE_TITLES = {"累计名单模板_cumulative-list.csv": "金山区累计无疫小区名单（截至2022年5月10日）"}
