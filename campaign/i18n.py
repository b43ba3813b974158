"""The UI's words in Chinese (first) and English, and numbers and dates as an official reads them."""

from __future__ import annotations

import datetime as dt

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("无疫小区创建进度", "Epidemic-free compound campaign"),
    "page_overview": ("总览", "Overview"),
    "page_progress": ("创建进度", "Progress"),
    "page_towns": ("街镇", "Towns"),
    "page_explorer": ("明细", "Explorer"),
    "language": ("语言 / Language", "语言 / Language"),
    "district": ("区", "District"),
    "all_districts": ("全部区", "All districts"),
    "town": ("街镇", "Town"),
    "all_towns": ("全部街镇", "All towns"),
    "committee": ("居委 / 村", "Committee / village"),
    "all_committees": ("全部居委 / 村", "All committees / villages"),
    "name": ("名称", "Name"),
    "kind": ("类型", "Kind"),
    "all_kinds": ("全部类型", "All kinds"),
    "all_kinds_together": ("村居合计", "all kinds together"),
    "status": ("状态", "Status"),
    "all_statuses": ("全部状态", "All statuses"),
    "batch": ("批次 / 轮次", "Batch / round"),
    "all_batches": ("全部批次", "All batches"),
    "as_of": ("数据截至", "Data as of"),
    "as_of_help": (
        "按所选日期当天结束时的状态重新计算所有数字",
        "Every figure is recomputed as it stood at the end of this day",
    ),
    "total": ("总数", "Total"),
    "created": ("已创建", "Created"),
    "model": ("示范", "Model"),
    "revoked": ("已取消", "Revoked"),
    "not_created": ("未创建", "Not created"),
    "coverage": ("覆盖率", "Coverage"),
    "remaining": ("待创建", "Remaining"),
    "batches_run": ("已公布批次", "Batches published"),
    "rounds_run": ("已开展轮次", "Rounds run"),
    "full_date": ("达到 100% 日期", "Date 100% reached"),
    "target": ("官方总数", "Official total"),
    "published": ("公布日期", "Publication date"),
    "status_date": ("状态日期", "Status date"),
    "first_created": ("首次创建", "First created"),
    "times_created": ("创建次数", "Times created"),
    "households": ("户数", "Households"),
    "population": ("人口", "Population"),
    "units": ("单位数", "Units"),
    "committees": ("居委 / 村数", "Committees / villages"),
    "rank": ("排名", "Rank"),
    "whole": ("整体创建", "Created as a whole"),
    "in_roster": ("在名册中", "In roster"),
    "share": ("占街镇单位比例", "Share of the town's units"),
    "net": ("净增", "Net change"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "no_roster": ("无名册（仅计数）", "no roster (counts only)"),
    "kind_compound": ("小区", "Compounds"),
    "kind_village_group": ("村民小组", "Village groups"),
    "kind_village": ("村", "Villages"),
    "kind_community": ("社区", "Communities"),
    "kind_unknown": ("未分类", "Unclassified"),
    "status_created": ("已创建", "Created"),
    "status_model": ("示范", "Model"),
    "status_revoked": ("已取消", "Revoked"),
    "status_not_created": ("未创建", "Not created"),
    "batch_n": ("第{n}批", "batch {n}"),
    "round_n": ("第{n}轮", "round {n}"),
    "whole_compound": ("整居创建", "Whole-committee creation"),
    "whole_village_group": ("整村创建", "Whole-village creation"),
    "whole_detail": (
        "{whole:,} 个{unit}整体创建（{touched:,} 个有单位创建，共 {total:,} 个）",
        "{whole:,} {unit} created as a whole ({touched:,} with any unit created, of {total:,})",
    ),
    "unit_committee": ("居委", "residents' committees"),
    "unit_village": ("村", "villages"),
    "target_line": (
        "{district}{kind}：名册 {roster:,} 个，官方公布总数 {target:,} 个",
        "{district} {kind}: {roster:,} in the roster, official total {target:,}",
    ),
    "target_mismatch": ("，相差 {diff:+,} 个", ", a difference of {diff:+,}"),
    "choose": ("请选择", "Choose"),
    "page_data": ("数据", "Data"),
    "data_title": ("数据导入与历史", "Data intake and history"),
    "data_now": (
        "当前数据：{units:,} 个单位，{events:,} 条状态记录，{files:,} 个文件；最近导入 {last}",
        "Now: {units:,} units, {events:,} status records, {files:,} files; last ingest {last}",
    ),
    "upload_title": ("上传文件", "Upload files"),
    "upload_off": (
        "上传与回滚已关闭：管理员请设置环境变量 CAMPAIGN_ADMIN_PASSWORD，或在 .streamlit/secrets.toml 中设置 "
        "admin_password。查看数据不需要密码。",
        "Uploading and rollback are off: an administrator sets CAMPAIGN_ADMIN_PASSWORD or admin_password in "
        ".streamlit/secrets.toml. Viewing needs no password.",
    ),
    "password": ("管理员密码", "Administrator password"),
    "password_wrong": ("密码不正确。", "Wrong password."),
    "upload_files": ("状态文件（CSV、TSV、TXT、XLSX，可多选）", "Status files (CSV, TSV, TXT, XLSX; several at once)"),
    "upload_options": ("文件中和标题行中都没有的，可在此指定", "Only for what neither the files nor their titles say"),
    "opt_district": ("区", "District"),
    "opt_batch": ("批次 / 轮次", "Batch / round"),
    "opt_rounds": ("按“轮”计", "Counted in rounds (轮)"),
    "opt_date": ("公布日期", "Publication date"),
    "preview": ("预览变化", "Preview the changes"),
    "confirm": ("确认导入", "Load these files"),
    "preview_title": ("将要发生的变化", "What will change"),
    "preview_nothing": (
        "这些文件都已导入过，不会改变任何数据。",
        "All these files are loaded already: nothing would change.",
    ),
    "refused": (
        "文件未通过校验，未载入任何数据。共 {n:,} 个问题：",
        "The files were refused; nothing was loaded. {n:,} problems:",
    ),
    "download_report": ("下载校验报告（CSV）", "Download the validation report (CSV)"),
    "loaded": (
        "已导入并发布：新增单位 {units:,}，新增状态记录 {events:,}。",
        "Loaded and published: {units:,} units and {events:,} status records added.",
    ),
    "history_title": ("导入历史", "Ingest history"),
    "snapshots_title": ("保留的历史快照", "Kept snapshots"),
    "rollback": ("回滚到此快照", "Roll back to this snapshot"),
    "rollback_choose": ("选择快照", "Snapshot"),
    "rolled_back": ("已回滚到快照 {id}。", "Rolled back to snapshot {id}."),
    "templates_title": ("模板下载", "Templates"),
    "templates_caption": (
        "请各街镇按模板填报；列的顺序不限，标题行可保留。详见 README 中的文件格式说明。",
        "Towns fill these in; column order is free and a title line is fine. README describes every variant.",
    ),
    "col_file": ("文件", "File"),
    "col_role": ("类型", "Role"),
    "col_rows": ("行数", "Rows"),
    "col_note": ("说明", "Note"),
    "col_units_added": ("新增单位", "Units added"),
    "col_loaded_at": ("导入时间", "Loaded at"),
    "col_who": ("操作人", "By"),
    "col_outcome": ("结果", "Outcome"),
    "col_files": ("文件数", "Files"),
    "col_ingest": ("编号", "No."),
    "colon": ("：", ": "),
    "no_data": ("所选条件下没有数据。", "No data for this selection."),
    "no_db": (
        "尚未导入数据。请运行 `campaign ingest 文件...`。",
        "No data loaded yet. Run `campaign ingest FILE...`.",
    ),
    "building_db": ("首次启动：正在从样例数据建立数据库…", "First start: building the database from the sample data…"),
    "synthetic": ("样例数据", "Sample data"),
    "overview_title": ("各区创建总览", "Creation by district"),
    "overview_table": ("各区、各类型明细", "By district and kind"),
    "coverage_chart": ("各区覆盖率", "Coverage by district"),
    "progress_title": ("累计覆盖率", "Cumulative coverage"),
    "progress_caption": (
        "每个公布日期当天结束时的累计覆盖率；取消会使曲线下降。",
        "Cumulative coverage at the end of each publication date; a revocation steps it down.",
    ),
    "per_batch_title": ("各批次 / 轮次新创建单位", "Units created per batch / round"),
    "heatmap_title": ("街镇 × 批次：新创建单位数", "Town × batch: units created"),
    "heatmap_district": ("热力图所示区", "District shown in the heatmap"),
    "towns_title": ("街镇覆盖率排名", "Towns ranked by coverage"),
    "drill_town": ("选择街镇查看居委 / 村", "Choose a town to see its committees and villages"),
    "drill_committee": ("选择居委 / 村查看创建单位", "Choose a committee or village to see its units"),
    "committees_of": ("{town} 的居委 / 村", "Committees and villages of {town}"),
    "units_of": ("{committee} 的创建单位", "Units of {committee}"),
    "explorer_title": ("创建单位明细", "Creation units"),
    "search": ("名称搜索", "Search by name"),
    "search_help": ("单位、居委 / 村或街镇名称的一部分", "Part of a unit's, committee's or town's name"),
    "date_range": ("状态日期范围", "Status date range"),
    "rows_shown": ("共 {n:,} 条", "{n:,} rows"),
    "download_csv": ("下载 CSV（所筛选的全部行）", "Download CSV (all filtered rows)"),
    "percent_axis": ("覆盖率（%）", "Coverage (%)"),
    "units_axis": ("单位数（个）", "Units"),
    "date_axis": ("公布日期", "Publication date"),
    "export_prefix": ("无疫小区明细", "epidemic-free-units"),
    "as_of_file": ("截至", "as-of-"),
}


def t(key: str, lang: str = "zh", **values: object) -> str:
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def kind_label(kind: str, lang: str = "zh") -> str:
    return t(f"kind_{kind}", lang) if f"kind_{kind}" in TEXT else kind


def status_label(status: str, lang: str = "zh") -> str:
    return t(f"status_{status}", lang) if f"status_{status}" in TEXT else status


def batch_label(batch: int | None, counts_rounds: bool, lang: str = "zh") -> str:
    if batch is None:
        return "—"
    return t("round_n" if counts_rounds else "batch_n", lang, n=batch)


def fmt_int(value: int | None) -> str:
    return "—" if value is None else f"{int(value):,}"


def fmt_pct(value: float | None) -> str:
    """One decimal, but never rounds a figure short of 100% up to it, nor a non-zero one to 0."""
    if value is None:
        return "—"
    shown = f"{value:.1f}"
    if shown == "100.0" and value < 100:
        shown = "99.9"
    elif shown == "0.0" and value > 0:
        shown = "0.1"
    return f"{shown}%"


def fmt_date(value: dt.date | None, lang: str = "zh") -> str:
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日" if lang != "en" else value.isoformat()
