"""The UI's words in Chinese (first) and English, and numbers and dates as an official reads them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from campaign.definition import DEFAULT_KEY, Definition, Label, definition
from campaign.text import markdown

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "page_overview": ("总览", "Overview"),
    "page_towns": ("街镇", "Towns"),
    "page_explorer": ("明细", "Explorer"),
    "language": ("语言 / Language", "语言 / Language"),
    "all_districts": ("全部区", "All districts"),
    "all_towns": ("全部街镇", "All towns"),
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
    "coverage": ("覆盖率", "Coverage"),
    "batches_run": ("已公布批次", "Batches published"),
    "rounds_run": ("已开展轮次", "Rounds run"),
    "full_date": ("达到 100% 日期", "Date 100% reached"),
    "target": ("官方总数", "Official total"),
    "published": ("公布日期", "Publication date"),
    "status_date": ("状态日期", "Status date"),
    "households": ("户数", "Households"),
    "population": ("人口", "Population"),
    "units": ("单位数", "Units"),
    "committees": ("居委 / 村数", "Committees / villages"),
    "rank": ("排名", "Rank"),
    "in_roster": ("在名册中", "In roster"),
    "share": ("占街镇单位比例", "Share of the town's units"),
    "net": ("净增", "Net change"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "no_roster": ("无名册（仅计数）", "no roster (counts only)"),
    "kind_unknown": ("未分类", "Unclassified"),
    "target_line": (
        "{district}{kind}：名册 {roster:,} 个，官方公布总数 {target:,} 个",
        "{district} {kind}: {roster:,} in the roster, official total {target:,}",
    ),
    "target_mismatch": ("，相差 {diff:+,} 个", ", a difference of {diff:+,}"),
    "choose": ("请选择", "Choose"),
    "page_quality": ("数据质量", "Data quality"),
    "quality_title": ("数据是否可信", "Can we trust the data"),
    "quality_caption": (
        "每项检查在干净的数据上应为零；有问题时展开即可看到具体的行，并可下载。",
        "Each check should find nothing in clean data; when it finds something, open it for the rows, "
        "or download them.",
    ),
    "check_ok": ("{name}：未发现问题", "{name}: nothing found"),
    "check_bad": ("{name}：发现 {n:,} 处", "{name}: {n:,} found"),
    "check_targets": ("名册总数与官方公布总数", "Roster totals against official totals"),
    "check_batch_counts": ("名单条数与批次通知公布数", "Units in the lists against each batch notice"),
    "check_never_listed": ("名册中从未出现在任何名单的单位", "Roster units no list has mentioned"),
    "check_grid_households": (
        "网格户数多于名册户数的居委、村",
        "Committees and villages whose grids hold more households than their roster units",
    ),
    "check_none_loaded": ("（尚未导入此类数据）", "(no such data loaded yet)"),
    "page_forecast": ("预计完成", "Forecast"),
    "forecast_title": ("何时达到 100%", "When will we reach 100%"),
    "forecast_all_done": ("截至所选日期，各区各类型均已达到 100%。", "Every district and kind is at 100% on this day."),
    "projected": ("预计日期", "Projected"),
    "earliest": ("最早", "Earliest"),
    "latest": ("最晚", "Latest"),
    "pace14": ("近14天速度（个/天）", "14-day pace (units/day)"),
    "backtest_title": ("回测：过去的预测与实际", "Backtest: past projections against what happened"),
    "backtest_summary": (
        "共 {n} 次预测，平均误差 {mae:.1f} 天，实际日期落在范围内的占 {share:.0%}。",
        "{n} projections; mean error {mae:.1f} days; the actual date fell inside the range {share:.0%} of the time.",
    ),
    "actual": ("实际达到 100%", "Actually reached 100%"),
    "error_days": ("误差（天）", "Error (days)"),
    "within_range": ("在范围内", "Within range"),
    "as_of_short": ("预测日", "Projected on"),
    "page_find": ("查找", "Find"),
    "find_title": ("查找创建单位", "Find a unit"),
    "find_search": ("名称、拼音或首字母（如 hhxy）", "Name, pinyin or initials (e.g. hhxy)"),
    "find_matches": ("找到 {n:,} 个单位", "{n:,} units found"),
    "find_more": ("只列出前 {n} 个，请输入更多字词", "Only the first {n} are listed: type more"),
    "find_pick": ("选择单位", "Choose a unit"),
    "history": ("状态记录", "History"),
    "event": ("事件", "Event"),
    "source_file": ("来源文件", "Source file"),
    "source_row": ("行", "Row"),
    # the data-quality findings' columns (pages/quality.py): col_ + the query's column name
    "col_target_date": ("公布日期", "Published"),
    "col_source": ("来源", "Source"),
    "col_roster": ("名册单位数", "Roster units"),
    "col_published_count": ("通知公布数", "Count in notice"),
    "col_listed_count": ("名单所列数", "Units listed"),
    "col_first_batch": ("首次批次", "First batch"),
    "col_first_published": ("首次公布日期", "First published"),
    "col_first_file": ("首次来源文件", "First file"),
    "col_again_batch": ("再次批次", "Again in batch"),
    "col_again_published": ("再次公布日期", "Again published"),
    "col_again_file": ("再次来源文件", "Again in file"),
    "col_again_row": ("再次所在行", "Again at row"),
    "col_list_file": ("累计名单文件", "Cumulative list"),
    "col_list_published": ("累计名单日期", "List published"),
    "col_last_seen": ("最近一次列入", "Last listed"),
    "col_last_seen_file": ("最近列入文件", "Last listed in"),
    "col_last_seen_row": ("最近列入行", "Last listed at row"),
    "col_claimed": ("标为整建制日期", "Marked whole on"),
    "col_claim_file": ("标注文件", "Mark file"),
    "col_claim_row": ("标注行", "Mark row"),
    "col_status_then": ("当日状态", "Status that day"),
    "col_roster_file": ("名册文件", "Roster file"),
    "col_roster_row": ("名册行", "Roster row"),
    "col_marked": ("标为非整建制日期", "Marked not whole on"),
    "col_mark_file": ("标注文件", "Mark file"),
    "col_mark_row": ("标注行", "Mark row"),
    "col_grid_households": ("网格户数", "Households in grids"),
    "col_roster_households": ("名册户数", "Households in roster"),
    "col_top_grids": ("顶层网格数", "Top-level grids"),
    "col_grid_file": ("网格文件", "Grid file"),
    "download_xlsx": ("下载 Excel（含筛选条件说明）", "Download Excel (with a sheet stating the filters)"),
    "filters_label": ("筛选条件", "Filters"),
    "no_filters": ("无（全部）", "none (all)"),
    "snapshot_label": ("数据快照（导入时间 · 文件数 · 单位数）", "Data snapshot (loaded · files · units)"),
    "rows_label": ("行数", "Rows"),
    "sheet_rows": ("明细", "Rows"),
    "sheet_about": ("说明", "About"),
    "page_changes": ("变化", "Changes"),
    "changes_title": ("每个公布日的变化", "What changed on each publication date"),
    "net_change": ("净变化", "Net change"),
    "days_open": ("已等待天数", "Days waiting"),
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
    "upload_short": (
        "上传与回滚已关闭：设置的管理员密码少于 8 个字符。管理员请设置至少 8 个字符的 CAMPAIGN_ADMIN_PASSWORD 或 "
        "admin_password。查看数据不需要密码。",
        "Uploading and rollback are off: the administrator password set is shorter than 8 characters. An "
        "administrator sets CAMPAIGN_ADMIN_PASSWORD or admin_password of 8 characters or more. Viewing needs no "
        "password.",
    ),
    "password_wait": (
        "密码错误次数过多，请 {s} 秒后再试。",
        "Too many wrong passwords: try again in {s} s.",
    ),
    "damaged_fallback": (
        "已发布的数据快照无法读取（文件已损坏），现显示保留的快照 {id}（发布至 {at}）。管理员可在「数据」页回滚，"
        "或运行 campaign history 与 campaign rollback 快照编号。",
        "The published data snapshot cannot be read (the file is damaged); showing the kept snapshot {id} "
        "(published until {at}). An administrator can roll back on the Data page, or run campaign history, then "
        "campaign rollback SNAPSHOT_ID.",
    ),
    "damaged_none": (
        "已发布的数据快照无法读取（文件已损坏），也没有可读的保留快照。请管理员从备份恢复数据文件夹，或重新导入数据。",
        "The published data snapshot cannot be read (the file is damaged), and no kept snapshot can be read "
        "either. An administrator restores the data folder from a backup, or loads the files again.",
    ),
    "damaged_query": (
        "读取数据时出错：已发布的数据快照可能已损坏。管理员可在「数据」页回滚，或运行 campaign history 与 "
        "campaign rollback 快照编号。",
        "The data could not be read: the published data snapshot may be damaged. An administrator can roll back "
        "on the Data page, or run campaign history, then campaign rollback SNAPSHOT_ID.",
    ),
    "upload_files": ("状态文件（CSV、TSV、TXT、XLSX，可多选）", "Status files (CSV, TSV, TXT, XLSX; several at once)"),
    "upload_options": ("文件中和标题行中都没有的，可在此指定", "Only for what neither the files nor their titles say"),
    "opt_district": ("区", "District"),
    "opt_batch": ("批次 / 轮次", "Batch / round"),
    "opt_rounds": ("按“轮”计", "Counted in rounds (轮)"),
    "opt_date": ("公布日期", "Publication date"),
    "opt_kind": ("类型", "Kind of unit"),
    "opt_kind_none": ("按文件判断", "As the files say"),
    "opt_cumulative": ("累计名单", "Cumulative lists"),
    "preview": ("预览变化", "Preview the changes"),
    "confirm": ("确认导入", "Load these files"),
    "preview_title": ("将要发生的变化", "What will change"),
    "step_start": ("开始处理……", "Starting…"),
    "step_read": ("读取文件 {done}/{total}，{rows} 行", "Reading files {done}/{total}, {rows} rows"),
    "step_check": ("检查 {total} 个文件，{rows} 行", "Checking {total} files, {rows} rows"),
    "step_match": ("与名册匹配", "Matching to the rosters"),
    "step_publish": ("发布新的数据快照", "Publishing the new snapshot"),
    "step_checked": ("检查完毕", "Checked"),
    "step_done": ("已发布", "Published"),
    "preview_warnings": (
        "请在确认前查看以下 {n} 处：载入后数据质量页会将它们列为问题（不影响载入）。",
        "Look at these {n} rows before confirming: once loaded, the data-quality page will flag them (they do not "
        "stop the load).",
    ),
    "preview_nothing": (
        "这些文件都已导入过，不会改变任何数据。",
        "All these files are loaded already: nothing would change.",
    ),
    "refused": (
        "文件未通过校验，未载入任何数据。共 {n:,} 个问题：",
        "The files were refused; nothing was loaded. {n:,} problems:",
    ),
    "download_report": ("下载校验报告（CSV）", "Download the validation report (CSV)"),
    "preview_grids_services": (
        "网格名册 {grids:,} 个网格（替换所涉居委、村的网格），服务记录 {services:,} 行",
        "{grids:,} grids from grid rosters (replacing their committees' grids), {services:,} service log rows",
    ),
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
        "请各街镇按模板填报；列的顺序不限，标题行可保留。详见 docs/files.md 中的文件格式说明。",
        "Towns fill these in; column order is free and a title line is fine. docs/files.md describes every variant.",
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
    "overview_table": ("各区、各类型明细", "By district and kind"),
    "coverage_chart": ("各区覆盖率", "Coverage by district"),
    "progress_title": ("累计覆盖率", "Cumulative coverage"),
    "heatmap_district": ("热力图所示区", "District shown in the heatmap"),
    "towns_title": ("街镇覆盖率排名", "Towns ranked by coverage"),
    "drill_town": ("选择街镇查看居委 / 村", "Choose a town to see its committees and villages"),
    "drill_committee": ("选择居委 / 村查看创建单位", "Choose a committee or village to see its units"),
    "committees_of": ("{town} 的居委 / 村", "Committees and villages of {town}"),
    "units_of": ("{committee} 的创建单位", "Units of {committee}"),
    "explorer_title": ("创建单位明细", "Creation units"),
    "search": ("名称搜索", "Search by name"),
    "search_help": ("单位、居委 / 村或街镇名称的一部分", "Part of a unit's, committee's or town's name"),
    "date_input_help": (
        "按 年-月-日 输入（yyyy-mm-dd 即 年-月-日），如 2022-05-20；或点开日历选择",
        "Type year-month-day, e.g. 2022-05-20, or pick a day in the calendar",
    ),
    "date_range": ("状态日期范围", "Status date range"),
    "many_districts": (
        "共 {n:,} 个区：下表列出全部；在侧栏选择一个区，可看它的指标卡和街镇地图。",
        "{n:,} districts: the table lists them all; choose a district in the sidebar for its cards and town map.",
    ),
    "many_districts_lowest": (
        "共 {n:,} 个区：图中只画覆盖率最低的 {shown} 个；在侧栏选择一个区可看任何一个。",
        "{n:,} districts: the charts show the {shown} lowest by coverage; choose a district in the sidebar for others.",
    ),
    "backtest_choose_district": (
        "区数较多：在侧栏选择一个区，查看它的回测。",
        "Many districts: choose a district in the sidebar for its backtest.",
    ),
    "targets_agree": ("{n:,} / {of:,} 项官方总数与名册一致", "{n:,} of {of:,} official totals agree with the roster"),
    "lowest_bars": ("覆盖率最低的 {n} 项", "the {n} lowest by coverage"),
    "map_choose_district": (
        "在侧栏选择一个区，查看其街镇地图。",
        "Choose a district in the sidebar to see its towns on the map.",
    ),
    "drill_choose_district": (
        "区较多：下面只列出图中的街镇；在侧栏选择一个区可查看其全部街镇。",
        "Many districts: only the towns drawn above are listed below; choose a district in the sidebar for all of "
        "its towns.",
    ),
    "changes_together": (
        "{n} 个区合计；在侧栏选择一个区可查看该区的变化。下表按区列出。",
        "{n} districts together; choose a district in the sidebar for its own. The table lists them by district.",
    ),
    "progress_kinds_together": (
        "{n} 个区：每区一条曲线、一组柱，各类型合计；在侧栏选择一个区可分类型查看。下表按类型列出。",
        "{n} districts: one curve and one bar series each, all kinds together; choose a district in the sidebar "
        "for each kind. The table lists them by kind.",
    ),
    "view": ("显示", "Show"),
    "view_curve": ("累计覆盖率曲线", "Coverage over time"),
    "view_changes": ("每个公布日的变化", "Changes per publication date"),
    "forecast_towns_choose_district": (
        "区较多：在侧栏选择一个区后显示其街镇的预计。",
        "Many districts: choose one in the sidebar to see its towns' projections.",
    ),
    "explorer_narrow": (
        "共 {n:,} 个单位：请先在侧栏选择区，或选择街镇、输入名称搜索，再查看明细和下载。",
        "{n:,} units: choose a district in the sidebar, or a town, or search by name, to see and download them.",
    ),
    "rows_shown": ("共 {n:,} 条", "{n:,} rows"),
    "rows_first_shown": ("，表中显示前 {n:,} 条，下载包含全部", "; the first {n:,} shown, downloads hold them all"),
    "xlsx_too_many": (
        "超过 {n:,} 行，Excel 无法容纳：请下载 CSV 或缩小筛选",
        "Over {n:,} rows do not fit Excel: download CSV or filter more",
    ),
    "download_csv": ("下载 CSV（所筛选的全部行）", "Download CSV (all filtered rows)"),
    "percent_axis": ("覆盖率（%）", "Coverage (%)"),
    "units_axis": ("单位数（个）", "Units"),
    "date_axis": ("公布日期", "Publication date"),
    "as_of_file": ("截至", "as-of-"),
    # the command-centre screen (pages/screen.py)
    "page_screen": ("指挥中心大屏", "Command-centre screen"),
    "screen_as_of": ("数据截至 {day}", "Data as of {day}"),
    "screen_snapshot": ("快照发布于 {time}", "snapshot published {time}"),
    "screen_stale": ("⚠️ 数据已 {age} 未更新", "⚠️ No new data for {age}"),
    "screen_fetch_failed": (
        "⚠️ 暂时读不到数据（{error}），显示的是 {time} 读到的数据",
        "⚠️ Cannot read the data just now ({error}); showing what was read at {time}",
    ),
    "screen_note_invalid": (
        "网址参数 {param}={value} 无效，已改用 {instead}",
        "URL {param}={value} is not valid: using {instead}",
    ),
    "screen_note_unknown": (
        "网址参数 {param} 中的「{value}」不存在，已改用 {instead}",
        "URL {param}: no {value!r}, using {instead}",
    ),
    "screen_note_param": ("未知网址参数 {param}={value}，已忽略", "Unknown URL parameter {param}={value}, ignored"),
    "screen_panel_overview": ("各区各类型覆盖率", "Coverage by district and kind"),
    "screen_panel_progress": ("累计覆盖率（按公布日期）", "Cumulative coverage by publication date"),
    "screen_panel_towns": ("街镇覆盖率排名", "Towns ranked by coverage"),
    "screen_panel_batch": ("最新一批 / 一轮", "Latest batch or round"),
    "screen_panel_town": ("街镇", "Town"),
    "screen_latest": ("最新 {label}", "Latest {label}"),
    "screen_new": ("新增", "New"),
    "screen_rank": ("第 {rank} 名 / 共 {n} 个街镇", "Rank {rank} of {n} towns"),
    "screen_no_roster": ("无名册，仅计数", "no roster, counts only"),
    "screen_kpi_page": ("各区 第 {page} / {pages} 页", "Districts, page {page} of {pages}"),
    "screen_board_page": ("第 {page} / {pages} 页", "page {page} of {pages}"),
    "screen_lowest": ("覆盖率最低的 {n} 个区", "the {n} lowest by coverage"),
    # grids, services and the map (pages/grids.py, pages/services.py, the overview's map)
    "page_grids": ("网格", "Grids"),
    "page_services": ("为民服务", "Services"),
    "grids_title": ("网格化管理", "Grid management"),
    "grids_none": ("还没有导入网格名册。", "No grid roster has been loaded yet."),
    "grids_place": ("居委 / 村", "Committee / village"),
    "grids_count": ("网格数", "Grids"),
    "grids_workers": ("工作人员和志愿者", "Workers and volunteers"),
    "grids_hh_per_worker": ("每人对应户数", "Households per worker"),
    "grids_linked": ("每人联系户数", "Households each is linked to"),
    "grids_tree": (
        "网格树（面积 = 户数，颜色 = 每名工作人员对应户数）",
        "Grid tree (area = households, colour = households per worker)",
    ),
    "grids_levels": ("各层级网格", "Grids per level"),
    "grids_band": ("每百户工作人员目标区间", "Target band: workers per 100 households"),
    "grids_band_level": ("比较的层级", "Level compared"),
    "grids_band_chart": ("每百户工作人员（含下级网格）", "Workers per 100 households (grid and below)"),
    "grids_band_counts": (
        "低于区间 {below} 个 · 区间内 {inside} 个 · 高于区间 {above} 个",
        "{below} below the band · {inside} inside · {above} above",
    ),
    "grids_places": ("已导入网格的居委和村", "Committees and villages with grids"),
    "grid": ("网格", "Grid"),
    "grid_level": ("层级", "Level"),
    "grid_min_households": ("最少户数", "Fewest households"),
    "grid_max_households": ("最多户数", "Most households"),
    "workers_per_100": ("每百户工作人员", "Workers per 100 households"),
    "level_total": ("总网格", "Total grid"),
    "level_sub": ("子网格", "Sub-grids"),
    "level_micro": ("微网格", "Micro-grids"),
    "level_house": ("宅基网格", "House-base grids"),
    "level_big": ("大网格", "Big grids"),
    "level_small": ("小网格", "Small grids"),
    "services_title": ("为民服务", "Services to residents"),
    "services_none": ("还没有导入服务记录。", "No services log has been loaded yet."),
    "services_trend": ("每周服务次数", "Services per week"),
    "services_by_town": ("按街镇", "By town"),
    "services_by_place": ("按居委 / 村", "By committee / village"),
    "all_places": ("全部居委 / 村", "All committees and villages"),
    "week": ("周（周一起）", "Week (from Monday)"),
    "service_medicine": ("送药", "Medicine deliveries"),
    "service_certificate": ("开具证明", "Medical certificates"),
    "service_transfer": ("跨区转运就医", "Cross-district hospital transfers"),
    "service_parcel": ("物资配送", "Supply parcels"),
    "service_special": ("特殊人员 / 家庭专人服务", "Special persons / households served"),
    "service_road_guard": ("道口值守", "Road entrances guarded"),
    "service_other": ("其他", "Other"),
    "map_title": ("各街镇覆盖率地图", "Towns on a map, by coverage"),
    "map_schematic": (
        "示意图：每个街镇一块，大致按地理位置摆放，不代表实际边界和面积。"
        "在数据页上传街镇边界（GeoJSON）后显示真实地图。",
        "Schematic: one tile per town, placed to echo geography; not real boundaries or areas. "
        "Upload town boundaries (GeoJSON) on the data page for a true map.",
    ),
    "map_ordered": ("（无布局，按名称排列）", "(no layout: tiles in name order)"),
    "map_boundaries": ("街镇边界（上传的 GeoJSON）", "Town boundaries (uploaded GeoJSON)"),
    "map_unmatched": ("边界中没有的街镇：{towns}", "Towns missing from the boundaries: {towns}"),
    "boundaries_title": ("街镇边界（地图）", "Town boundaries (map)"),
    "boundaries_caption": (
        "上传各街镇边界的 GeoJSON（要素属性 name、town 或 街镇 写街镇名），总览页即按真实边界着色；不联网。",
        "Upload a GeoJSON of town boundaries (feature property name, town or 街镇 = the town); "
        "the overview then colours real shapes, offline.",
    ),
    "boundaries_saved": ("已保存 {n} 个街镇边界。", "Saved {n} town boundaries."),
    "boundaries_bad": ("无法使用此 GeoJSON：{why}", "Cannot use this GeoJSON: {why}"),
    "boundaries_remove": ("删除已上传的边界", "Remove the uploaded boundaries"),
    # the forecast's calibrated range (pages/forecast.py)
    "backtest_unscored": (
        "共 {n} 次预测，均因近 14 天没有进展而给不出预计日期，暂无误差可计。",
        "{n} projections, none with a projected date (no progress in the 14 days before): no error to score yet.",
    ),
    "backtest_summary_range": (
        "共 {n} 次预测，平均误差 {mae:.1f} 天（平均偏差 {bias:+.1f} 天，负数为偏早）；"
        "实际日期落在范围内 {within} 次，占 {share:.0%}（声明不低于 {claim:.0%}）；范围平均宽 {width:.0f} 天。",
        "{n} projections; mean error {mae:.1f} days (bias {bias:+.1f} days; negative: early); the actual date fell "
        "inside the range {within} times, {share:.0%} (claimed: at least {claim:.0%}); the range is {width:.0f} days "
        "wide on average.",
    ),
    "latest_linear": ("最晚（仅按最慢速度）", "Latest at the slowest pace alone"),
    # the one-page daily brief (campaign/outputs/brief.py, the overview's download)
    "brief_as_of": ("数据截至 {day} 当天结束", "Data as of the end of {day}"),
    "brief_snapshot": ("数据快照发布于 {time}", "data snapshot published {time}"),
    "brief_scope": ("范围：{scope}", "Scope: {scope}"),
    "brief_by_district": ("各区概况（各类型合计）", "By district (all kinds together)"),
    "brief_by_kind": ("各区、各类型", "By district and kind"),
    "brief_latest": ("最新批次 / 轮次", "Latest batch / round"),
    "brief_new": ("新增", "New"),
    "brief_finish": ("达到100% / 预计（范围）", "100% on / projected (range)"),
    "brief_reached": ("{day} 已达到", "reached {day}"),
    "brief_projected": ("{day}（{earliest} – {latest}）", "{day} ({earliest} – {latest})"),
    "brief_no_projection": ("近期无进展，无法预计", "no recent progress: no projection"),
    "brief_more": ("另有 {n} 行未列出：请在侧栏选择一个区", "{n} more rows not shown: choose a district"),
    "brief_generated": ("生成于 {time}", "generated {time}"),
    "brief_download": ("下载日报（PDF，A4）", "Download the daily brief (PDF, A4)"),
    "brief_no_font": (
        "没有找到中文字体，无法生成 PDF 日报：请安装 fonts-noto-cjk（apt-get install -y fonts-noto-cjk），"
        "或将环境变量 CAMPAIGN_CJK_FONT 设为一个中文字体文件（.ttf、.otf 或 .ttc）。",
        "No Chinese (CJK) font found, so no PDF brief: install fonts-noto-cjk (apt-get install -y fonts-noto-cjk), "
        "or set CAMPAIGN_CJK_FONT to a CJK font file (.ttf, .otf or .ttc).",
    ),
    # issue 17: the as-of day follows new data; every filter in the URL
    "as_of_field_help": (
        "按所选日期当天结束时的状态重新计算所有数字。输入日期后按回车或 Tab 键生效（2022-05-21、2022/5/21、"
        "2022年5月21日均可）；清空则显示最新数据，并在有新数据发布时自动更新。",
        "Every figure is recomputed as it stood at the end of this day. Type a day and press Enter or Tab "
        "(2022-05-21 or 2022/5/21); clear the field to show the newest data, updated as it is published.",
    ),
    "as_of_unreadable": (
        "「{text}」不是日期，未采用：请写成 2022-05-21、2022/5/21 或 2022年5月21日。",
        "“{text}” is not a day, so it was not taken: write it as 2022-05-21 or 2022/5/21.",
    ),
    "as_of_out_of_range": (
        "{day}不在数据的日期范围内（{low}至{high}），未采用。",
        "{day} is outside the data's range ({low} to {high}), so it was not taken.",
    ),
    "new_data_published": ("新数据已发布：数据截至 {day}", "New data published: as of {day}"),
    "newer_data": (
        "已有更新的数据（截至 {day}）；本页显示的是您选择的 {chosen}。",
        "Newer data exists (as of {day}); this page shows the day you chose, {chosen}.",
    ),
    "show_newest": ("查看最新数据", "Show the newest data"),
    "as_of_placeholder": ("最新数据（或输入日期，如 2022-05-21）", "the newest data (or a day, e.g. 2022-05-21)"),
    # one unit's kind (a table's cell, a unit's heading): singular in English
    "kind_one_unknown": ("未分类", "Unclassified"),
    # an ingest's outcome in the history table, as campaign/intake/ingest.py and store.rollback record it
    "outcome_loaded": ("已导入", "Loaded"),
    "outcome_unchanged": ("无变化", "Unchanged"),
    "outcome_rollback": ("回滚到快照 {id}", "Rolled back to snapshot {id}"),
    # a file's role in the upload preview
    "role_roster": ("名册", "Roster"),
    "role_status": ("状态名单", "Status list"),
    "role_targets": ("官方总数", "Official totals"),
    "role_grids": ("网格名册", "Grid roster"),
    "role_services": ("服务记录", "Services log"),
    "role_skipped": ("已跳过", "Skipped"),
    "col_events": ("状态记录数", "Status records"),
    "backtest_empty": (
        "暂无可回测的预测：回测只看已达到 100% 的区和类型，比较它们达到之前每个公布日的预测与实际日期；"
        "截至所选日期还没有区和类型达到 100%。",
        "Nothing to backtest yet: a backtest replays the projections made on each publication day before a "
        "district's kind reached 100%, and as of this day none has.",
    ),
    "upload_limit": ("每个文件不超过 {mb} MB", "{mb} MB per file"),
    "upload_button": ("选择文件", "Choose files"),
    "who_sample": ("样例数据", "the sample"),
    "who_dashboard": ("看板", "the dashboard"),
    # several campaigns side by side (campaign/app/campaigns.py)
    "campaign_choose": ("创建活动", "Campaign"),
    "campaign_unknown": (
        "没有名为{asked}的创建活动，显示的是{name}；已安装的有 {known}",
        "There is no campaign {asked}; showing {name}. Installed: {known}",
    ),
    "synthetic_other": (
        "样例中的全部名称和数字均为合成数据，仅作演示，不代表任何真实的创建情况。",
        "Every name and number in this sample is synthetic, for demonstration only; none describes a real campaign.",
    ),
}
# the data-quality check of revocations of units not created (h2, session 10)
TEXT.update(
    {
        "check_revoked_not_created": ("取消时并未创建的单位", "Revoked while not created"),
        "check_revoked_not_created_note": (
            "这些取消不计入已取消，也不改变任何数字：取消时该单位没有创建记录（或已取消）。"
            "如创建它的名单尚未导入，请导入；「之后创建于」为该单位此后的创建日。",
            "These revocations change no figure: the unit had no creation on record (or was revoked already) on the "
            "day. Load the list that created it, if it is missing; “Created later on” is its next creation.",
        ),
        "col_revoked_published": ("取消日期", "Revoked on"),
        "col_revoked_file": ("取消来源文件", "Revocation file"),
        "col_revoked_row": ("取消所在行", "Revocation row"),
        "col_revoked_already": ("此前已取消", "Revoked already"),
        "col_created_later": ("之后创建于", "Created later on"),
    }
)


# The UI's words that name the campaign's own statuses (创建, 取消, 示范…), as templates: «done» is the done status's
# event (创建 / created), «done_noun» its noun (创建 / creation), «done_state» its label (已创建 / created), «undo…» the
# same of the status that undoes it (取消 / revoked), «model» the model status's label, «not_done» the not-done label,
# «undo_note» why a unit is undone; a capital («Done») starts a sentence in English. ``campaign_text`` fills them from
# the definition: 垃圾分类达标小区 says 首次达标 / First passed where 无疫小区 says 首次创建 / First created.
CAMPAIGN_WORDS: dict[str, tuple[str, str]] = {
    "page_progress": ("«done_noun»进度", "Progress"),
    "overview_title": ("各区«done_noun»总览", "«Done_noun» by district"),
    "remaining": ("待«done»", "Remaining"),
    "first_created": ("首次«done»", "First «done»"),
    "times_created": ("«done»次数", "Times «done»"),
    "whole": ("整体«done»", "«Done» as a whole"),
    "whole_detail": (
        "{whole:,} 个{unit}整体«done»（{touched:,} 个有单位«done»，共 {total:,} 个）",
        "{whole:,} {unit} «done» as a whole ({touched:,} with any unit «done», of {total:,})",
    ),
    "check_created_twice": ("未经«undo»而重复«done»", "«Done» again with no «undo_noun» between"),
    "check_model_no_creation": ("«model»单位无«done_noun»记录", "«Model» units with no «done_noun» on record"),
    "check_model_no_creation_note": (
        "«model»须先«done»：这些单位按«model»日计为«done_state»。请导入«done»它们的批次名单。",
        "A «model» unit was «done» first: these count as «done» on their «model» day. Load the list that «done» them.",
    ),
    "check_whole_claim_missing": (
        "标为整建制«done»、但当日仍有单位«not_done»的居委、村",
        "Committees and villages marked whole while one of their units was not «done» that day",
    ),
    "check_whole_claim_denied": (
        "标为非整建制、但当日所有单位均«done_state»的居委、村",
        "Committees and villages marked not whole though all their units were «done» that day",
    ),
    "check_cumulative_fell": (
        "累计名单漏列«done_state»单位（累计覆盖未经«undo»而下降）",
        "Cumulative lists leaving out «done» units (cumulative coverage falling without a «undo_noun»)",
    ),
    "check_cumulative_note": (
        "漏列的单位状态不变（不推定为«undo»）；如确«undo_state»，请导入«undo»名单。",
        "The units left out keep their status (no «undo_noun» is inferred); if they were «undo», load the «undo_noun» "
        "list.",
    ),
    "col_model_published": ("«model»公布日期", "«Model» published"),
    "col_model_file": ("«model»来源文件", "«Model» list file"),
    "col_model_row": ("«model»所在行", "«Model» list row"),
    "changes_caption": (
        "新«done»、«undo»后重新«done»、«undo»«undo_note»，以及净变化。",
        "Newly «done», «done» again after a «undo_noun», «undo»«undo_note», and the net change.",
    ),
    "created_new": ("新«done»", "Newly «done»"),
    "created_again": ("重新«done»", "«Done» again"),
    "revoked_open_title": ("«undo_state»、尚未重新«done»的单位", "«Undo_state» and not yet «done» again"),
    "revoked_none": (
        "截至所选日期，没有«undo_state»而未重新«done»的单位。",
        "No unit is «undo» and waiting as of this day.",
    ),
    "revoked_on": ("«undo»日期", "«Undo» on"),
    "opt_cumulative_help": (
        "名单列出截至公布日期的全部«done_state»单位（标题或文件名未写“累计”时勾选）：«done_state»的单位不重复记录，漏列的单位在数据质量页提示。",
        "The lists hold every unit «done» up to their date (tick when neither title nor file name says 累计): units "
        "already «done» get no new event; units left out are flagged on the data-quality page.",
    ),
    "preview_implied": (
        "{n} 个«model»单位此前没有«done_noun»记录：按«model»日计为«done_state»，并列在数据质量页；"
        "请补充导入«done»它们的名单。",
        "{n} «model» units have no «done_noun» on record: they count as «done» on their «model» day and are listed on "
        "the data-quality page; load the lists that «done» them.",
    ),
    "progress_caption": (
        "每个公布日期当天结束时的累计覆盖率；«undo»会使曲线下降。",
        "Cumulative coverage at the end of each publication date; a «undo_noun» steps it down.",
    ),
    "per_batch_title": ("各批次 / 轮次新«done»单位", "Units «done» per batch / round"),
    "heatmap_title": ("街镇 × 批次：新«done»单位数", "Town × batch: units «done»"),
    "forecast_missing_units": (
        "尚未«done»的单位：[«not_done»]({not_created}) · [«undo_state»、尚未重新«done»]({revoked})（在明细页打开）",
        "The units still missing: [«not_done»]({not_created}) · [«undo», not «done» again]({revoked}) "
        "(opens the explorer)",
    ),
    "forecast_method": (
        "方法：以截至所选日期前 7、14、28 天的净«done_noun»速度推算剩余单位所需天数；预计日期用 14 天速度，"
        "范围取三种速度中最快与最慢者。若某个时段没有进展，则无法给出最晚日期。下方回测列出按此方法在过去各公布日所作预测与实际的差距。",
        "Method: the remaining units divided by the net pace of «done_noun» over the 7, 14 and 28 days before the "
        "chosen day; the projection uses the 14-day pace, the range the fastest and slowest of the three. When a "
        "window saw no progress there is no latest date. The backtest below shows how far such projections, made "
        "on each past publication date, were from what happened.",
    ),
    "forecast_method_range": (
        "方法：以截至所选日期前 7、14、28 天的净«done_noun»速度推算。预计日期 = 剩余单位 ÷ 近 14 天速度；"
        "最早日期用三种速度中最快者。最晚日期考虑“最后几个百分点最慢”：取按最慢速度推算的日期与"
        "“慢尾”模型日期中较晚者。慢尾模型假设每天«done»剩余单位中的固定比例（按近 7 天剩余单位的减少估计），"
        "推算到剩余不足半个单位的那一天。按过去各公布日回测样例历史，此范围包含实际完成日期的比例"
        "不低于 {claim:.0%}（只用三种速度的旧范围仅 43%）；在未用于调整方法的生成历史（16 个区）上约为 "
        "{generated:.0%}。范围因此较宽，仍可能落空：这是如实的不确定性。"
        "预计日期本身往往偏早。若某个时段没有进展，则无法给出最晚日期。",
        "Method: the net pace of «done_noun» over the 7, 14 and 28 days before the chosen day. Projected = the "
        "remaining units over the 14-day pace; earliest uses the fastest of the three paces. Latest allows for the "
        "slow tail (the last few per cent take longest): the later of the date at the slowest pace and the date of a "
        "model in which each day the same share of the units still remaining is «done» (the share the last 7 days "
        "show), until fewer than half a unit remains. Backtested on the sample history from each past publication "
        "date, this range held the actual date of 100% at least {claim:.0%} of the time (the old range of the three "
        "paces alone: 43%); on a generated 16-district history the method was not fitted to, about {generated:.0%}. "
        "So it is wide and can still miss: that is the honest uncertainty. The projection itself tends to be early. "
        "When a window saw no progress there is no latest date.",
    ),
    "daily_share": ("慢尾模型每日完成剩余比例", "Slow-tail model: share of the rest «done» a day"),
    "screen_revoked_since": ("«undo»", "«Undo»"),
    "screen_revoked_help": ("自上一批以来«undo»", "«undo» since the previous one"),
    "screen_top_towns": ("本批«done»单位最多的街镇", "Towns with most units in it"),
    "screen_per_batch": ("各批次 / 轮次«done»单位", "Units «done» per batch / round"),
    "brief_revoked": ("«undo»", "«Undo»"),
    "brief_created_total": ("«done_state» / 总数", "«Done_state» / total"),
    "brief_method": (
        "覆盖率 = «done_state» ÷ 名册总数（«undo»的不计）；最新批次的“«undo»”为上一批公布后«undo»的单位；"
        "预计方法见“预计完成”页。",
        'Coverage = «done» ÷ roster total («undo» units do not count); a latest batch\'s "«undo»" counts units '
        "«undo» since the previous batch; the projection's method is on the forecast page.",
    ),
    "brief_download_help": (
        "一页 A4：所选日期的各区覆盖率、«done_state» / 总数、待«done»、最新批次及图表",
        "One A4 page: the chosen day's coverage, «done» / total, remaining, latest batch and charts per district",
    ),
}
# a campaign without a status the words name (no model, nothing undoing) says them generically: its pages show zero
_GENERIC = {
    "undo": (Label("取消", "revoked"), Label("已取消", "Revoked")),
    "model": (Label("示范", "model"), Label("示范", "Model")),
}
# a label with a character Markdown or HTML reads: shown escaped wherever the UI's words go (Streamlit reads
# Markdown in titles, captions, labels and alerts)
_MARKUP = re.compile(r"[\\`*_\[\]<>$~#|!^&]|:[a-z]|\n|^\s*[-+=>]|\d\.\s")


def _safe(text: str) -> str:
    return markdown(text) if _MARKUP.search(text) else text


def _lower(text: str) -> str:
    """An English word mid-sentence (Created -> created): only the first letter, so a name keeps its capitals."""
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _status_words(campaign: Definition) -> dict[str, Label]:
    """What fills the templates' «…»: the done status's, the undoing one's and the model's words."""
    done = next(s for s in campaign.statuses if s.done)
    undo = next((s for s in campaign.statuses if s.undoes == done.key), None)
    model = campaign.status("model")
    undo_event, undo_label = (undo.event, undo.label) if undo else _GENERIC["undo"]
    note = undo.note if undo else None
    return {
        "done": done.event,
        "done_noun": done.noun or done.event,
        "done_state": done.label,
        "undo": undo_event,
        "undo_noun": (undo.noun or undo.event) if undo else undo_event,
        "undo_state": undo_label,
        "model": model.label if model else _GENERIC["model"][1],
        "not_done": campaign.not_done,
        "undo_note": Label(f"（{note.zh}）", f" ({note.en})") if note else Label("", ""),
    }


def _fill(template: str, lang: str, filled: dict[str, Label]) -> str:
    runtime = "{" in template  # a template t() formats again: braces in a campaign's words stay braces

    def word(m: re.Match) -> str:
        name = m.group(1)
        text = getattr(filled[name.lower()], lang)
        text = _upper(text) if name[0].isupper() else (_lower(text) if lang == "en" else text)
        text = _safe(text)
        return text.replace("{", "{{").replace("}", "}}") if runtime else text

    return re.sub(r"«(\w+)»", word, template)


def _whole_words(campaign: Definition, noun: Label, done: Label) -> dict[str, tuple[str, str]]:
    """The whole-committee figures' words (整居创建, 整居 / 整村创建进展) from the kinds counted whole."""
    whole = campaign.whole_kinds()
    if not whole:  # no figure of them is shown; the words stay the campaign's
        return {
            "whole_title": (f"整体{_safe(done.zh)}进展", f"{_upper(_safe(noun.en))} as a whole over time"),
            "whole_axis": (
                f"整体{_safe(done.zh)}的居委 / 村（个）",
                f"Committees / villages {_safe(_lower(done.en))} as a whole",
            ),
            "whole_together": ("{n} 个区合计。", "{n} districts together."),
        }
    noun, done = Label(_safe(noun.zh), _safe(_lower(noun.en))), Label(_safe(done.zh), _safe(_lower(done.en)))
    en_noun, en_done = noun.en, done.en
    whole = [replace(k, whole=Label(_safe(k.whole.zh), _safe(k.whole.en))) for k in whole]
    within = [Label(_safe(k.within.zh), _safe(k.within.en)) for k in whole]
    first, *rest = [k.whole.en for k in whole]
    return {
        **{f"whole_{k.key}": (f"{k.whole.zh}{noun.zh}", f"{k.whole.en} {en_noun}") for k in whole},
        **{f"whole_within_{k.key}": (w.zh, w.en) for k, w in zip(whole, within, strict=True)},
        "whole_title": (
            " / ".join(k.whole.zh for k in whole) + f"{noun.zh}进展",
            " and ".join([first, *map(_lower, rest)]) + f" {en_noun} over time",
        ),
        "whole_axis": (
            f"整体{done.zh}的" + " / ".join(w.zh for w in within) + "（个）",
            _upper(" / ".join(w.en for w in within)) + f" {en_done} as a whole",
        ),
        "whole_together": (
            "{n} 个区合计；在侧栏选择一个区可查看该区的" + "、".join(k.whole.zh for k in whole) + f"{noun.zh}。",
            "{n} districts together; choose a district in the sidebar for its own.",
        ),
    }


def campaign_text(campaign: Definition) -> dict[str, tuple[str, str]]:
    """The words of the UI that are the campaign's own (its titles, levels, kinds, statuses, batches), from its
    definition file rather than from this module."""
    d = campaign
    out = {
        "app_title": d.title,
        "screen_title": d.screen_title,
        "brief_title": d.brief_title,
        "export_prefix": d.export_name,
        "brief_prefix": d.brief_name,
        "batch_n": d.batch,
        "round_n": d.round,
        "not_created": d.not_done,
        "status_not_created": d.not_done,
        **dict(d.levels),
    }
    for k in d.kinds:
        out[f"kind_{k.key}"], out[f"kind_one_{k.key}"] = k.label, k.one
    for s in d.statuses:
        # a card's heading (已创建 12,345) and a unit's status say the same word
        out[s.key] = out[f"status_{s.key}"] = s.label
        out[f"event_{s.key}"] = s.event
    words = {key: (_safe(label.zh), _safe(label.en)) for key, label in out.items()}
    filled = _status_words(campaign)
    words |= {key: (_fill(zh, "zh", filled), _fill(en, "en", filled)) for key, (zh, en) in CAMPAIGN_WORDS.items()}
    return words | _whole_words(campaign, filled["done_noun"], filled["done"])


TEXT.update(campaign_text(definition()))

_WORDS: dict[str, dict[str, tuple[str, str]]] = {}  # a definition's path -> TEXT with its campaign's words


def words() -> dict[str, tuple[str, str]]:
    """The UI's words with the active campaign's own (``campaign.definition.active``: the one a session chose)."""
    campaign = definition()
    found = _WORDS.get(campaign.path)
    if found is None:
        found = _WORDS[campaign.path] = {**TEXT, **campaign_text(campaign)}
    return found


def t(key: str, lang: str = "zh", **values: object) -> str:
    zh, en = words()[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def kind_label(kind: str, lang: str = "zh", one: bool = False) -> str:
    """A kind's name: plural in English for a group of units (a legend, a card), singular for ``one`` unit."""
    key = f"kind_one_{kind}" if one else f"kind_{kind}"
    return t(key, lang) if key in words() else kind


def outcome_label(outcome: str, lang: str = "zh") -> str:
    """An ingest's recorded outcome ('loaded', 'unchanged', 'rollback to snapshot ID') in words; else as kept."""
    import re

    rollback = re.fullmatch(r"rollback to snapshot (.+)", outcome or "")
    if rollback:
        return t("outcome_rollback", lang, id=rollback.group(1))
    return t(f"outcome_{outcome}", lang) if f"outcome_{outcome}" in TEXT else outcome


def role_label(role: str, lang: str = "zh") -> str:
    return t(f"role_{role}", lang) if f"role_{role}" in TEXT else role


def status_label(status: str, lang: str = "zh") -> str:
    return t(f"status_{status}", lang) if f"status_{status}" in words() else status


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


# What of the bundled sample is published and what is synthetic: shown by the app and the brief, written into
# the sample's own files by campaign.generate.sample (the app never imports the generator)
SYNTHETIC_NOTE_ZH = (
    "金山区393个小区和2293个村民小组、崇明区357个村居的总数，金山区第一批名单规模，"
    "两区首批公布日期，以及海欣居民区、星火村、桃源村、米洪村、汲浜村的相关数字来自公开报道；"
    "其余名称、户数、人口、街镇分布、后续批次日期、取消名单和示范名单均为合成数据。"
)
SYNTHETIC_NOTE_EN = (
    "The district totals (Jinshan 393 compounds and 2,293 village groups, Chongming 357 villages and "
    "communities), the size of Jinshan's first batch, the first published dates and the figures for "
    "海欣居民区, 星火村, 桃源村, 米洪村 and 汲浜村 are published; all other names, households, "
    "populations, per-town splits, later batch dates, revocations and the model list are synthetic."
)


def synthetic_note(lang: str = "zh") -> str:
    """What of the active campaign's bundled sample is published and what synthetic: another campaign's is all
    synthetic (campaign/generate/campaign_sample.py)."""
    if definition().key != DEFAULT_KEY:
        return t("synthetic_other", lang)
    return SYNTHETIC_NOTE_EN if lang == "en" else SYNTHETIC_NOTE_ZH


GRIDS_NOTE_ZH = (
    "网格与服务：星火村 1 个总网格、4 个子网格、20 个微网格、宅基网格每格 5-15 户、287 名工作人员和志愿者"
    "（每人联系 3-5 户），送药 1500 余次、开具证明 320 余份、跨区转运就医 32 次、配送物资 15000 余份、"
    "62 名特殊人员或家庭专人服务；海欣家园 7 个大网格、26 个小网格；汲浜村 28 个道口值守：来自公开报道。"
    "其余网格、户数和人员的分配、日期、其他村居的服务记录均为合成数据。"
)
GRIDS_NOTE_EN = (
    "Grids and services: 星火村's 1 total grid, 4 sub-grids, 20 micro-grids, house-base grids of 5-15 "
    "households, 287 workers and volunteers (each linked to 3-5 households), 1,500+ medicine deliveries, "
    "320+ certificates, 32 cross-district hospital transfers, 15,000+ supply parcels and 62 special persons "
    "or households; 海欣家园's 7 big and 26 small grids; 汲浜村's 28 guarded road entrances are published. "
    "All other grids, the split of households and workers, the days and other places' services are synthetic."
)
