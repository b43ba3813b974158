"""The one place a running dashboard is configured: a TOML file and environment variables (these win).

The file is ``$CAMPAIGN_CONFIG``, else ``campaign.toml`` in the project folder when there is one (an
example with every key is ``deploy/campaign.example.toml``). Relative paths in the file are taken
from the file's folder.

======================  ==========================  ================================================
file key                environment variable        meaning (default)
======================  ==========================  ================================================
``port``                ``CAMPAIGN_PORT``           the dashboard's port (8501)
``address``             ``CAMPAIGN_ADDRESS``        the address it listens on (127.0.0.1)
``health_port``         ``CAMPAIGN_HEALTH_PORT``    the health endpoint's port (port + 1000; 0: off)
``data_dir``            ``CAMPAIGN_DATA_DIR``       the data folder (``data/`` in the project folder)
``db``                  ``CAMPAIGN_DB``             the database (``campaign.duckdb`` in the data folder)
``admin_password``      ``CAMPAIGN_ADMIN_PASSWORD`` uploads and rollback on the data page (none: off)
``refresh``             ``CAMPAIGN_REFRESH``        how often screens look for new data (60s)
``stale``               ``CAMPAIGN_STALE``          no new data for this long is stale (24h; off)
``language``            ``CAMPAIGN_LANG``           the default language, zh or en (zh)
``keep_snapshots``      ``CAMPAIGN_KEEP_SNAPSHOTS`` previous snapshots kept (10; 0 keeps none)
``max_upload_mb``       ``CAMPAIGN_MAX_UPLOAD_MB``  the upload limit a file, in MB (50)
``max_file_mb``         ``CAMPAIGN_MAX_FILE_MB``    a file ingest reads, in MB (256)
``max_rows``            ``CAMPAIGN_MAX_ROWS``       rows of a file or sheet (1,000,000)
``max_columns``         ``CAMPAIGN_MAX_COLUMNS``    columns of a file or sheet (200)
``max_cells``           ``CAMPAIGN_MAX_CELLS``      rows x columns of a file (10,000,000)
``max_field_chars``     ``CAMPAIGN_MAX_FIELD_CHARS`` characters of one field or cell (32,767)
``max_line_kb``         ``CAMPAIGN_MAX_LINE_KB``    one line of a text file, in KB (1024)
``max_unzipped_mb``     ``CAMPAIGN_MAX_UNZIPPED_MB`` a workbook unzipped, in MB (1024)
``max_zip_ratio``       ``CAMPAIGN_MAX_ZIP_RATIO``  a workbook part's compression ratio (200)
``cjk_font``            ``CAMPAIGN_CJK_FONT``       the PDF brief's Chinese font file (found installed)
``user``                ``CAMPAIGN_USER``           who the ingest log names for CLI runs (login name)
``campaigns_dir``       ``CAMPAIGN_CAMPAIGNS_DIR``  a folder of campaign definitions installed beside
                                                    the bundled ones (none)
======================  ==========================  ================================================

Which campaigns are installed, and where each keeps its snapshot: ``campaign(key)`` (``installed()`` lists them).

The ``max_*`` limits other than ``max_upload_mb`` are checked before a file is parsed (``campaign.intake.limits``);
their defaults are in ``FileLimits``.

Two ways in, one reading of the values. ``load()`` reads and checks everything and raises ``ConfigError``
listing every wrong value: that is what ``campaign serve`` does before it starts. ``settings()`` is what
every module asks while running: it never raises (a value it cannot use is logged once and its default
used, so a typo never stops a page), and it is cached by the file and the variables it was read from, so
a changed variable or file is seen on the next call. Durations are seconds or a number with s, m, h or d
(``90``, ``10m``, ``24h``, ``2d``): ``duration`` is the one parser of them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math
import os
import re
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from campaign import definition as definitions
from campaign import i18n

ROOT = Path(__file__).resolve().parent.parent
CONFIG_ENV = "CAMPAIGN_CONFIG"
DEFAULT_FILE = ROOT / "campaign.toml"
DB_NAME = "campaign.duckdb"

# file key -> environment variable
ENV = {
    "port": "CAMPAIGN_PORT",
    "address": "CAMPAIGN_ADDRESS",
    "health_port": "CAMPAIGN_HEALTH_PORT",
    "data_dir": "CAMPAIGN_DATA_DIR",
    "db": "CAMPAIGN_DB",
    "admin_password": "CAMPAIGN_ADMIN_PASSWORD",
    "refresh": "CAMPAIGN_REFRESH",
    "stale": "CAMPAIGN_STALE",
    "language": "CAMPAIGN_LANG",
    "keep_snapshots": "CAMPAIGN_KEEP_SNAPSHOTS",
    "max_upload_mb": "CAMPAIGN_MAX_UPLOAD_MB",
    # what a file may hold before anything parses it (campaign.intake.limits)
    "max_file_mb": "CAMPAIGN_MAX_FILE_MB",
    "max_rows": "CAMPAIGN_MAX_ROWS",
    "max_columns": "CAMPAIGN_MAX_COLUMNS",
    "max_cells": "CAMPAIGN_MAX_CELLS",
    "max_field_chars": "CAMPAIGN_MAX_FIELD_CHARS",
    "max_line_kb": "CAMPAIGN_MAX_LINE_KB",
    "max_unzipped_mb": "CAMPAIGN_MAX_UNZIPPED_MB",
    "max_zip_ratio": "CAMPAIGN_MAX_ZIP_RATIO",
    "cjk_font": "CAMPAIGN_CJK_FONT",
    "user": "CAMPAIGN_USER",
    "campaigns_dir": "CAMPAIGN_CAMPAIGNS_DIR",
}
FILE_LIMITS = tuple(k for k in ENV if k.startswith("max_") and k != "max_upload_mb")
VARIABLES = (CONFIG_ENV, *ENV.values())
LANGUAGES = i18n.LANGS
REFRESH_MIN, REFRESH_MAX = 2.0, 86400.0
MIN_PASSWORD = 8
HEALTH_OFFSET = 1000

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """Every wrong value at once, each naming where it came from and what is accepted."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"配置有误，未启动 (configuration refused, not started):\n{lines}")


@dataclass(frozen=True)
class FileLimits:
    """What a file may hold before anything parses it (``campaign.intake.limits`` checks them). The defaults let
    the largest legitimate files through with room to spare: a district's roster of ~100,000 rows, a country's
    files of one district each (``campaign.generate.scale``)."""

    max_file_mb: float = 256.0  # a file's size on disk
    max_rows: int = 1_000_000  # lines of a text file; rows a sheet spans
    max_columns: int = 200  # fields of a line; columns a sheet spans
    max_cells: int = 10_000_000  # rows x columns of a text file; of a workbook, its sheets together
    max_field_chars: int = 32_767  # one field or cell (Excel's own limit for a cell)
    max_line_kb: float = 1024.0  # one line of a text file
    max_unzipped_mb: float = 1024.0  # a workbook's parts unzipped, together
    max_zip_ratio: float = 200.0  # a workbook part's unzipped size over its compressed size

    def describe(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


WHOLE_LIMITS = frozenset(f.name for f in fields(FileLimits) if f.type == "int")


def limit_value(key: str, raw: object) -> float | int | None:
    """``raw`` as the file limit ``key`` takes (a positive number; whole for counts), or None."""
    if isinstance(raw, bool):
        return None
    whole = key in WHOLE_LIMITS
    try:
        value = float(str(raw).replace("_", "").strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None
    if not value > 0 or value == float("inf") or (whole and value != int(value)):
        return None
    return int(value) if whole else value


@dataclass(frozen=True)
class Settings:
    port: int = 8501
    address: str = "127.0.0.1"
    health_port: int = 9501  # 0: no health endpoint
    data_dir: Path = ROOT / "data"
    db: Path = ROOT / "data" / DB_NAME
    admin_password: str | None = field(default=None, repr=False)
    refresh: float = 60.0  # seconds
    stale: dt.timedelta | None = dt.timedelta(hours=24)  # None: never stale
    language: str = "zh"
    keep_snapshots: int = 10
    max_upload_mb: float = 50.0
    file_limits: Mapping[str, float] = field(default_factory=dict)  # the FileLimits set (others: defaults)
    file: Path | None = None  # the config file read, if any
    # a password was set but is shorter than MIN_PASSWORD (so admin_password is None): the data page says so
    password_too_short: bool = field(default=False, repr=False)
    cjk_font: Path | None = None  # None: the first Chinese font installed (campaign.outputs.brief)
    user: str | None = None  # None: the login name (campaign.intake.audit)
    campaigns_dir: Path | None = None  # definitions installed beside the bundled ones (``installed``)

    @property
    def limits(self) -> FileLimits:
        return FileLimits(**self.file_limits)

    def public(self) -> dict:
        """What ``campaign serve --check`` prints: every value, the password only as set or not."""
        return {
            "config_file": str(self.file) if self.file else None,
            "port": self.port,
            "address": self.address,
            "health_port": self.health_port,
            "data_dir": str(self.data_dir),
            "db": str(self.db),
            "admin_password": "(set)" if self.admin_password else "(not set: uploads and rollback are off)",
            "refresh_seconds": self.refresh,
            "stale_seconds": self.stale.total_seconds() if self.stale else None,
            "language": self.language,
            "keep_snapshots": self.keep_snapshots,
            "max_upload_mb": self.max_upload_mb,
            "cjk_font": str(self.cjk_font) if self.cjk_font else None,
            "user": self.user,
            "campaigns_dir": str(self.campaigns_dir) if self.campaigns_dir else None,
            # every limit in force, the defaults included: what an operator would raise
            **self.limits.describe(),
        }

    def environment(self) -> dict[str, str]:
        """The settings as environment variables, for the dashboard process ``campaign serve`` starts."""
        env = {
            "CAMPAIGN_DB": str(self.db),
            "CAMPAIGN_DATA_DIR": str(self.data_dir),
            "CAMPAIGN_PORT": str(self.port),
            "CAMPAIGN_ADDRESS": self.address,
            "CAMPAIGN_HEALTH_PORT": str(self.health_port),
            "CAMPAIGN_REFRESH": f"{self.refresh:g}",
            "CAMPAIGN_STALE": f"{self.stale.total_seconds():g}s" if self.stale else "off",
            "CAMPAIGN_LANG": self.language,
            "CAMPAIGN_KEEP_SNAPSHOTS": str(self.keep_snapshots),
            "CAMPAIGN_MAX_UPLOAD_MB": f"{self.max_upload_mb:g}",
        }
        env |= {ENV[key]: f"{value:g}" for key, value in self.file_limits.items()}
        env |= {"CAMPAIGN_CJK_FONT": str(self.cjk_font)} if self.cjk_font else {}
        env |= {"CAMPAIGN_USER": self.user} if self.user else {}
        env |= {"CAMPAIGN_CAMPAIGNS_DIR": str(self.campaigns_dir)} if self.campaigns_dir else {}
        if self.admin_password:
            env["CAMPAIGN_ADMIN_PASSWORD"] = self.admin_password
        return env


# ---------------------------------------------------------------------------------------------------
# the file


def config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """``$CAMPAIGN_CONFIG`` (which must exist), else ``campaign.toml`` in the project folder if present."""
    env = os.environ if env is None else env
    given = env.get(CONFIG_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    return DEFAULT_FILE if DEFAULT_FILE.is_file() else None


def read_file(path: Path) -> dict:
    """The file's keys; raises ConfigError when it is missing, not TOML, or has keys we do not know."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"配置文件不存在 (config file not found): {path} (${CONFIG_ENV})"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"读不出配置文件 (cannot read the config file) {path}: {error}"]) from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"配置文件不是有效的 TOML (not valid TOML) {path}: {error}"]) from None
    unknown = sorted(set(values) - set(ENV))
    if unknown:
        raise ConfigError(
            [f"{path}: 未知的设置 (unknown keys) {', '.join(unknown)}; 可用 (known keys): {', '.join(ENV)}"]
        )
    return values


_cache: dict[tuple[Path, int], dict] = {}


def _file_values_lenient(env: Mapping[str, str]) -> tuple[Path | None, dict]:
    """The file's keys for the library's look-ups; an unreadable file counts as empty (and is logged)."""
    path = config_file(env)
    if path is None:
        return None, {}
    try:
        key = (path.resolve(), path.stat().st_mtime_ns)
    except OSError:
        log.warning("配置文件不存在 (config file not found): %s", path)
        return path, {}
    if key not in _cache:
        try:
            _cache[key] = read_file(path)
        except ConfigError as error:
            log.warning("%s", error)
            _cache[key] = {}
    return path, _cache[key]


# (the variables, the config file's identity) -> the settings read from them
_settings: dict[tuple, Settings] = {}
_settings_lock = threading.Lock()


def settings(env: Mapping[str, str] | None = None) -> Settings:
    """The settings in force, for every module that runs: never raises. A value it cannot use is logged once (the
    operator's log; ``campaign serve`` refuses it at start: ``load``) and its default used. Read again when a
    variable or the file changes, else remembered: pages ask on every run."""
    env = os.environ if env is None else env
    path = config_file(env)
    try:
        stat = path.stat() if path is not None else None
        identity = (str(path), stat.st_mtime_ns, stat.st_size) if stat else None
    except OSError:
        identity = (str(path), None, None)
    key = (tuple(env.get(name) for name in VARIABLES), identity)
    with _settings_lock:
        found = _settings.get(key)
    if found is not None:
        return found
    found, problems = _read(env, path, _file_values_lenient(env)[1], strict=False)
    for name, value, text in problems:
        shown = "(not shown)" if name == "admin_password" else repr(value)
        log.warning(
            "设置有误，使用默认值 (a setting that cannot be used; its default is used): %s = %s: %s", name, shown, text
        )
    with _settings_lock:
        if len(_settings) > 64:
            _settings.clear()
        _settings[key] = found
    return found


def clear_cache() -> None:
    """Forget the files and settings read (tests that rewrite a config file within one clock tick)."""
    _cache.clear()
    with _settings_lock:
        _settings.clear()


def default_db(env: Mapping[str, str] | None = None) -> Path:
    """``$CAMPAIGN_DB``, else ``$CAMPAIGN_DATA_DIR``/campaign.duckdb, else the file's db or data_dir, else data/."""
    return settings(env).db


def _relative_to(config: Path | None, value: str) -> Path:
    given = Path(value).expanduser()
    if given.is_absolute() or config is None:
        return given
    return config.resolve().parent / given


# ---------------------------------------------------------------------------------------------------
# checking every value


_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def duration(value: object, bare: str = "s") -> float | None:
    """Seconds from 90, "90", "90s", "1.5m", "10min", "24h", "2d"; a number without a unit is in ``bare`` (seconds
    for how often, hours for how old: ``stale`` reads the same in the settings and in the screen's URL).
    None when it is not a finite duration. The one duration parser of the settings, the screen and its URL."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value) * _UNIT_SECONDS[bare]
    else:
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*", str(value).lower())
        if not found:
            return None
        seconds = float(found.group(1)) * _UNIT_SECONDS[found.group(2) or bare]
    return seconds if math.isfinite(seconds) else None


OFF = ("off", "never", "0")


def stale_limit(value: object) -> dt.timedelta | None | bool:
    """A stale limit as the settings and ``campaign health --stale`` take it: a duration (a bare number is hours)
    -> a timedelta; off, never or 0 -> None (never stale); False when it is neither."""
    if str(value).strip().lower() in OFF:
        return None
    seconds = duration(value, bare="h")
    if seconds is None or seconds <= 0:
        return False
    return dt.timedelta(seconds=seconds)


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Read the file and the environment, check every value; raise ConfigError listing what is wrong."""
    env = os.environ if env is None else env
    path = config_file(env)
    settings, problems = _read(env, path, read_file(path) if path is not None else {}, strict=True)
    if problems:
        raise ConfigError([text for _, _, text in problems])
    return settings


def _read(
    env: Mapping[str, str], path: Path | None, values: Mapping[str, object], strict: bool
) -> tuple[Settings, list[tuple[str, object, str]]]:
    """The settings from the variables and the file's ``values``, every wrong value replaced by its default and
    listed as (key, value, what is wrong). ``strict`` (a start) also checks the data folder on the disk."""
    problems: list[tuple[str, object, str]] = []
    built_in = Settings()

    def raw(key: str) -> tuple[object | None, str]:
        text = env.get(ENV[key], "")
        if str(text).strip():
            return str(text).strip(), f"${ENV[key]}"
        if key in values:
            return values[key], f"{path}: {key}"
        return None, ""

    def refuse(key: str, text: str) -> None:
        problems.append((key, raw(key)[0], text))

    def number(key: str, default: float, low: float, high: float, whole: bool, what: str) -> float:
        value, source = raw(key)
        if value is None:
            return default
        try:
            if isinstance(value, bool):
                raise ValueError
            result = float(value) if not whole else int(str(value).strip()) if isinstance(value, str) else value
            if whole and (not isinstance(result, int) or isinstance(result, bool)):
                raise ValueError
            if not math.isfinite(result) or not low <= result <= high:
                raise ValueError
        except (TypeError, ValueError):
            refuse(key, f"{source} = {value!r}: {what}")
            return default
        return result

    port = int(
        number("port", built_in.port, 1, 65535, True, "端口应为 1–65535 的整数 (a port is a whole number 1–65535)")
    )
    health_default = port + HEALTH_OFFSET if port + HEALTH_OFFSET <= 65535 else 0
    health_port = int(
        number(
            "health_port",
            health_default,
            0,
            65535,
            True,
            "健康检查端口应为 0–65535 的整数，0 表示关闭 (a port 0–65535; 0 turns the health endpoint off)",
        )
    )
    if health_port and health_port == port:
        source = raw("health_port")[1]
        refuse(
            "health_port",
            f"{source} = {health_port}: 不能与 port 相同 (the health endpoint needs a port of its own, not {port})",
        )

    address, source = raw("address")
    if address is None:
        address = built_in.address
    else:
        address = str(address).strip()
        try:
            ipaddress.ip_address(address)
        except ValueError:
            if address != "localhost":
                refuse(
                    "address",
                    f"{source} = {address!r}: 应为 IP 地址，如 127.0.0.1 或 0.0.0.0 "
                    "(an IP address such as 127.0.0.1, or 0.0.0.0 for every interface)",
                )
                address = built_in.address

    # the first source (environment, then file) that names db or data_dir decides; db beats data_dir
    candidates: list[tuple[int, int, Path]] = []  # (from the file?, data_dir?, database path)
    for rank, key in enumerate(("db", "data_dir")):
        value, source = raw(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            refuse(key, f"{source} = {value!r}: 应为路径 (a path)")
            continue
        from_env = source.startswith("$")
        given = Path(value.strip()).expanduser() if from_env else _relative_to(path, value.strip())
        candidates.append((0 if from_env else 1, rank, given if key == "db" else given / DB_NAME))
    db = min(candidates)[2] if candidates else built_in.db
    data_dir = db.parent
    db, data_dir = db.absolute(), data_dir.absolute()
    if strict:
        for text in _data_folder_problems(db):
            refuse("db", text)

    password, source = raw("admin_password")
    too_short = False
    if password is not None:
        if not isinstance(password, str):
            refuse("admin_password", f"{source}: 管理员密码应为文本 (the admin password must be a string)")
            password = None
        elif len(password) < MIN_PASSWORD:
            too_short = bool(password)  # an empty one in the file is not set, for the page
            refuse(
                "admin_password",
                f"{source}: 管理员密码至少 {MIN_PASSWORD} 个字符 (the admin password needs {MIN_PASSWORD} "
                "characters or more; leave it out to turn uploads off)",
            )
            password = None

    refresh = built_in.refresh
    value, source = raw("refresh")
    if value is not None:
        seconds = duration(value)
        if seconds is None or not REFRESH_MIN <= seconds <= REFRESH_MAX:
            refuse(
                "refresh",
                f"{source} = {value!r}: 刷新间隔应在 2 秒到 1 天之间，如 60、60s、5m "
                "(a refresh interval between 2 seconds and a day, e.g. 60, 60s, 5m)",
            )
        else:
            refresh = seconds

    stale = built_in.stale
    value, source = raw("stale")
    if value is not None:
        given = stale_limit(value)
        if given is False:
            refuse(
                "stale", f"{source} = {value!r}: 应为时长，如 24h、2d，或 off (a duration such as 24h or 2d, or off)"
            )
        else:
            stale = given

    language, source = raw("language")
    if language is None:
        language = built_in.language
    elif str(language).strip().lower() not in LANGUAGES:
        refuse("language", f"{source} = {language!r}: 语言应为 zh 或 en (the language is zh or en)")
        language = built_in.language
    else:
        language = str(language).strip().lower()

    keep = int(
        number(
            "keep_snapshots",
            built_in.keep_snapshots,
            0,
            10_000,
            True,
            "应为 0 或更大的整数 (a whole number, 0 or more)",
        )
    )
    upload = number(
        "max_upload_mb",
        built_in.max_upload_mb,
        0.001,
        10_000,
        False,
        "上传上限应为大于 0 的 MB 数 (a number of MB above 0)",
    )

    file_limits: dict[str, float] = {}
    for key in FILE_LIMITS:
        value, source = raw(key)
        if value is None:
            continue
        checked = limit_value(key, value)
        if checked is None:
            whole = "整数" if key in WHOLE_LIMITS else "数"
            refuse(key, f"{source} = {value!r}: 应为大于 0 的{whole} (a number above 0; whole for counts)")
        else:
            file_limits[key] = checked

    texts: dict[str, str | None] = {}
    for key in ("cjk_font", "user", "campaigns_dir"):
        value, source = raw(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            refuse(key, f"{source} = {value!r}: 应为文本 (a string)")
            value = None
        texts[key] = value.strip() if value is not None else None
    font = texts["cjk_font"]
    if font is not None:
        font_path = Path(font).expanduser() if raw("cjk_font")[1].startswith("$") else _relative_to(path, font)
    folder = texts["campaigns_dir"]
    if folder is not None:
        from_env = raw("campaigns_dir")[1].startswith("$")
        campaigns_dir = (Path(folder).expanduser() if from_env else _relative_to(path, folder)).absolute()
        if strict:
            problems += [("campaigns_dir", folder, text) for text in installed_problems(campaigns_dir)]
    settings = Settings(
        port=port,
        address=address,
        health_port=health_port,
        data_dir=data_dir,
        db=db,
        admin_password=password,
        refresh=refresh,
        stale=stale,
        language=language,
        keep_snapshots=keep,
        max_upload_mb=float(upload),
        file_limits=file_limits,
        file=path,
        password_too_short=too_short,
        cjk_font=font_path if font is not None else None,
        user=texts["user"],
        campaigns_dir=campaigns_dir if folder is not None else None,
    )
    return settings, problems


def _data_folder_problems(db: Path) -> list[str]:
    """At start: the database's folder is a folder, and one that can hold a first database."""
    problems = []
    folder = db.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if folder.exists() and not folder.is_dir():
        problems.append(f"数据文件夹不是文件夹 (the data folder is not a folder): {folder}")
    elif not db.exists() and existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        # a published database in a read-only folder is fine (a reader of shared storage); none is not
        problems.append(
            f"没有数据库，且数据文件夹不可写 (no database {db}, and this user cannot create it in {existing})"
        )
    if db.exists() and db.is_dir():
        problems.append(f"数据库路径是文件夹 (the database path is a folder): {db}")
    return problems


# ---------------------------------------------------------------------------------------------------
# the campaigns installed: which campaign, which snapshot


class UnknownCampaign(ValueError):
    """A campaign key no installed definition file has: the message lists the installed ones."""

    def __init__(self, key: str, known: list[str]):
        self.key, self.known = key, known
        zh, en = "、".join(known), ", ".join(known)
        super().__init__(f"没有名为「{key}」的活动，已安装的有 {zh} (no campaign “{key}”; installed: {en})")


@dataclass(frozen=True)
class Campaign:
    """One installed campaign: its key, its definition, and its own snapshot (its history and kept snapshots are
    beside it). The default one's snapshot is the configured ``db``; every other's is ``<key>/campaign.duckdb`` in
    the data folder."""

    key: str
    definition: definitions.Definition = field(repr=False)
    db: Path


def _definition_files(folder: Path | None) -> tuple[dict[str, Path], list[str]]:
    """The definition files installed (the bundled ones, then ``folder``'s), by key, and what is wrong with any
    other file there (a bad name, a key the bundled ones have already, a file that does not read)."""
    found: dict[str, Path] = {}
    problems: list[str] = []
    for where in (definitions.BUNDLED_DIR, folder):
        if where is None:
            continue
        if not where.is_dir():
            problems.append(f"活动定义文件夹不存在 (no such folder of campaign definitions): {where}")
            continue
        for file in sorted(where.glob("*.toml")):
            key = file.stem
            if not definitions.valid_key(key):
                problems.append(
                    f"{file}: 文件名应为活动的键：小写英文字母、数字和 _ (the file's name is the campaign's key: "
                    "lower-case a-z, 0-9 and _)"
                )
            elif key in found:
                problems.append(f"{file}: 已有活动「{key}」({found[key]}) (a campaign “{key}” is installed already)")
            else:
                found[key] = file
    return found, problems


def installed_problems(folder: Path) -> list[str]:
    """What keeps a definition in ``folder`` from being installed, each file read and checked (at start)."""
    found, problems = _definition_files(folder)
    for file in found.values():
        try:
            definitions.definition(file)
        except definitions.DefinitionError as error:
            problems.append(str(error))
    return problems


_installed: dict[tuple, dict[str, Path]] = {}


def installed(env: Mapping[str, str] | None = None) -> dict[str, Path]:
    """The installed campaigns' definition files by key, the default first. A file that is wrong is left out and
    logged (``campaign serve`` refuses it at start: ``load``), so one bad file never hides the others."""
    folder = settings(env).campaigns_dir
    try:
        stamp = tuple(f.stat().st_mtime_ns for f in (definitions.BUNDLED_DIR, folder) if f is not None)
    except OSError:
        stamp = None
    key = (str(folder), stamp)
    with _settings_lock:
        found = _installed.get(key)
    if found is not None:
        return found
    files, problems = _definition_files(folder)
    found = {}
    for name, file in files.items():
        try:
            definitions.definition(file)
        except definitions.DefinitionError as error:
            problems.append(str(error))
            continue
        found[name] = file
    for problem in problems:
        log.warning("活动未安装 (a campaign not installed): %s", problem)
    found = {k: found[k] for k in sorted(found, key=lambda k: (k != definitions.DEFAULT_KEY, k))}
    with _settings_lock:
        _installed[key] = found
    return found


def campaign(key: str | None = None, env: Mapping[str, str] | None = None) -> Campaign:
    """Which campaign, which snapshot: the installed campaign ``key`` (UnknownCampaign when there is none), or
    without a key the active one (``campaign.definition.active``: the default unless something chose another)."""
    if key is None:
        chosen = definitions.active()
    else:
        files = installed(env)
        if key not in files:
            raise UnknownCampaign(key, list(files))
        chosen = definitions.definition(files[key])
    return Campaign(chosen.key, chosen, snapshot_path(chosen.key, env))


def snapshot_path(key: str, env: Mapping[str, str] | None = None) -> Path:
    """Where campaign ``key`` keeps its snapshot: the default campaign the configured ``db`` (where it always
    was), every other ``<key>/campaign.duckdb`` in the data folder, its history and kept snapshots beside it."""
    found = settings(env)
    return found.db if key == definitions.DEFAULT_KEY else found.data_dir / key / DB_NAME
