"""What the data-quality page would flag once a run is published, found before it is: the preview warns, naming
file and row, and the official confirms knowingly or cancels. Nothing here refuses a run.

- a unit listed as created while it already stands created (no revocation between): a second creation;
- a revocation of a unit not created by then (never created, or revoked already): it changes no figure;
- a batch number lower than one the district published on an earlier day (the batches go backwards);
- a unit listed as created on a day before its creation on record (a late list): its creation day moves earlier, and
  the creation on record becomes a repeat;
- a publication date before the district's last publication already loaded (its other rows);
- a whole-committee mark (整建制) that does not hold at the end of its day: marked 是 with a unit of the committee
  not created, or 否 with every unit created.
"""

from __future__ import annotations

import polars as pl

from campaign.intake.problems import Problem

PER_KIND = 20  # rows named per kind of finding and file; the rest are counted


def findings(units: pl.DataFrame, before: pl.DataFrame, new: pl.DataFrame, list_rows: pl.DataFrame) -> list[Problem]:
    """``before``: the published events of the run's districts (unit_id, event, batch, published, event_id);
    ``new``: the run's events (with source_file, source_row, district); ``list_rows``: the run's list rows."""
    if not new.height:
        return []
    history = pl.concat(
        [
            before.select("unit_id", "event", "batch", "published", "event_id").with_columns(
                pl.lit(False).alias("_new")
            ),
            new.select("unit_id", "event", "batch", "published", "event_id").with_columns(pl.lit(True).alias("_new")),
        ],
        how="vertical_relaxed",
    ).sort("published", "event_id")
    out: list[Problem] = []
    out += _created_again(history, new)
    out += _revoked_not_created(history, new)
    out += _batches_backwards(units, before, new)
    earlier = _created_earlier(before, new)
    out += _named(earlier.drop("event_id"), _EARLIER) if earlier.height else []
    out += _before_last_publication(units, before, new.join(earlier.select("event_id"), on="event_id", how="anti"))
    out += _whole_marks(units, history, list_rows)
    return out


def _named(rows: pl.DataFrame, message: str, column: str | None = None) -> list[Problem]:
    """``rows`` (source_file, source_row, value) as findings, PER_KIND a file and a count of the rest."""
    out: list[Problem] = []
    for (file,), part in rows.sort("source_file", "source_row").group_by("source_file", maintain_order=True):
        for _, row, value in part.head(PER_KIND).iter_rows():
            out.append(Problem(file, message, row=row, column=column, value=value))
        if part.height > PER_KIND:
            more = part.height - PER_KIND
            out.append(Problem(file, f"同类提示另有 {more} 处 ({more} more like this)"))
    return out


def _created_again(history: pl.DataFrame, new: pl.DataFrame) -> list[Problem]:
    changes = history.filter(pl.col("event").is_in(["created", "revoked"]))
    previous = changes.with_columns(pl.col("event").shift(1).over("unit_id").alias("_before"))
    again = previous.filter(pl.col("_new") & (pl.col("event") == "created") & (pl.col("_before") == "created"))
    if not again.height:
        return []
    rows = new.join(again.select("event_id"), on="event_id", how="inner")
    # a creation that a model listing implied comes from the model's row: it is that row's news, not a repeat
    models = new.filter(pl.col("event") == "model").select("unit_id", "source_file", "source_row")
    rows = rows.join(models, on=["unit_id", "source_file", "source_row"], how="anti", nulls_equal=True)
    return _named(
        rows.select("source_file", "source_row", pl.col("unit_id").str.split("/").list.last().alias("value")),
        "该单位已是已创建状态，本名单再次列为创建，其间没有取消记录；数据质量页将列为「未经取消而重复创建」 "
        "(already created, listed as created again with no revocation between)",
    )


def _revoked_not_created(history: pl.DataFrame, new: pl.DataFrame) -> list[Problem]:
    changes = history.filter(pl.col("event").is_in(["created", "revoked"]))
    previous = changes.with_columns(pl.col("event").shift(1).over("unit_id").alias("_before"))
    odd = previous.filter(
        pl.col("_new") & (pl.col("event") == "revoked") & (pl.col("_before") != "created").fill_null(True)
    )
    if not odd.height:
        return []
    rows = new.join(odd.select("event_id"), on="event_id", how="inner")
    return _named(
        rows.select("source_file", "source_row", pl.col("unit_id").str.split("/").list.last().alias("value")),
        "取消时该单位并未处于已创建状态（此前没有创建记录，或已取消）：不计入已取消；如创建它的名单尚未导入，请先导入 "
        "(revoked while not created: no creation on record, or revoked already; not counted revoked — load the list "
        "that created it, if it is missing)",
    )


_EARLIER = (
    "本名单的创建日早于该单位已有的创建：该单位自本名单之日起计为已创建（其间各日的覆盖率随之增加），"
    "原有的那次创建成为重复创建，数据质量页「未经取消而重复创建」将列出 "
    "(listed as created before its creation on record, a late list: the unit counts created from this list's day on, "
    "raising coverage on the days between, and its creation on record becomes a repeat, listed on the data-quality "
    "page)"
)


def _created_earlier(before: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """The run's creations dated before their unit's first creation on record, with no revocation of the unit
    between: source_file, source_row, value (the unit, the day and batch on record, the new ones), event_id."""
    created = pl.col("event") == "created"
    first = (
        before.filter(created)
        .sort("published", "event_id")
        .group_by("unit_id")
        .agg(pl.col("published").first().alias("_was"), pl.col("batch").first().alias("_was_batch"))
    )
    revoked = before.filter(pl.col("event") == "revoked").select("unit_id", pl.col("published").alias("_revoked"))
    rows = new.filter(created).join(first, on="unit_id", how="inner").filter(pl.col("published") < pl.col("_was"))
    if not rows.height:
        return rows.select("source_file", "source_row", pl.lit("").alias("value"), "event_id")
    between = rows.join(revoked, on="unit_id", how="inner").filter(
        pl.col("_revoked").is_between(pl.col("published"), pl.col("_was"))
    )
    rows = rows.join(between.select("event_id"), on="event_id", how="anti")
    word = pl.when(pl.col("counts_rounds")).then(pl.lit("轮")).otherwise(pl.lit("批"))
    batch = pl.format("（第{}{}）", pl.col("batch"), word)
    was_batch = pl.format("（第{}{}）", pl.col("_was_batch"), word)
    return rows.select(
        "source_file",
        "source_row",
        pl.concat_str(
            pl.col("unit_id").str.split("/").list.last(),
            pl.lit("：创建日 "),
            pl.col("_was").cast(pl.String),
            was_batch.fill_null(""),
            pl.lit(" 提前为 "),
            pl.col("published").cast(pl.String),
            batch.fill_null(""),
        ).alias("value"),
        "event_id",
    )


def _batches_backwards(units: pl.DataFrame, before: pl.DataFrame, new: pl.DataFrame) -> list[Problem]:
    district = units.select("unit_id", "district")
    created = pl.concat(
        [
            before.filter(pl.col("event") == "created").select("unit_id", "batch", "published"),
            new.filter(pl.col("event") == "created").select("unit_id", "batch", "published"),
        ],
        how="vertical_relaxed",
    ).join(district, on="unit_id", how="inner")
    highest = (
        created.filter(pl.col("batch").is_not_null())
        .group_by("district", "published")
        .agg(pl.col("batch").max().alias("_top"))
        .sort("published")
        .with_columns(pl.col("_top").cum_max().shift(1).over("district").alias("_earlier"))
    )
    rows = (
        new.filter((pl.col("event") == "created") & pl.col("batch").is_not_null())
        .join(highest.select("district", "published", "_earlier"), on=["district", "published"], how="left")
        .filter(pl.col("batch") < pl.col("_earlier"))
    )
    if not rows.height:
        return []
    return _named(
        rows.select(
            "source_file", "source_row", pl.format("第{}批（此前已有第{}批）", "batch", "_earlier").alias("value")
        ),
        "批次比该区更早公布的批次还小：批次倒退 (a batch number lower than one the district published earlier)",
    )


def _before_last_publication(units: pl.DataFrame, before: pl.DataFrame, new: pl.DataFrame) -> list[Problem]:
    last = (
        before.join(units.select("unit_id", "district"), on="unit_id", how="inner")
        .group_by("district")
        .agg(pl.col("published").max().alias("_last"))
    )
    rows = new.join(last, on="district", how="inner").filter(pl.col("published") < pl.col("_last"))
    if not rows.height:
        return []
    return _named(
        rows.select(
            "source_file",
            "source_row",
            pl.format(
                "{}（该区最近一次公布为 {}）", pl.col("published").cast(pl.String), pl.col("_last").cast(pl.String)
            ).alias("value"),
        ),
        "公布日期早于该区已导入的最近一次公布：是补录吗？ (a publication date before the district's last one loaded: "
        "a late list?)",
    )


def _whole_marks(units: pl.DataFrame, history: pl.DataFrame, list_rows: pl.DataFrame) -> list[Problem]:
    if list_rows is None or not list_rows.height or list_rows.get_column("whole").drop_nulls().is_empty():
        return []
    place = ["district", "town", "committee", "kind"]
    marks = (
        list_rows.filter(pl.col("whole").is_not_null())
        .join(units.select("unit_id", *[c for c in place if c != "district"]), on="unit_id", how="inner")
        .group_by(*place, "published", "whole")
        .agg(pl.col("source_file").first(), pl.col("source_row").min())
    )
    members = units.filter(pl.col("in_roster")).select("unit_id", *place)
    joined = (
        marks.join(members, on=place, how="inner")
        .join(history.filter(pl.col("event").is_in(["created", "revoked"])), on="unit_id", how="left", suffix="_e")
        # what each unit stood at the end of the mark's day: its last creation or revocation by then
        .with_columns(pl.when(pl.col("published_e") <= pl.col("published")).then(pl.col("event")).alias("_event"))
        .sort("published_e", "event_id", nulls_last=False)
    )
    state = (
        joined.group_by(*place, "published", "whole", "unit_id")
        .agg(pl.col("source_file").first(), pl.col("source_row").first(), pl.col("_event").drop_nulls().last())
        .group_by(*place, "published", "whole")
        .agg(
            pl.col("source_file").first(),
            pl.col("source_row").first(),
            (pl.col("_event") != "created").fill_null(True).sum().alias("_missing"),
        )
    )
    wrong = state.filter((pl.col("whole") & (pl.col("_missing") > 0)) | (~pl.col("whole") & (pl.col("_missing") == 0)))
    if not wrong.height:
        return []
    return _named(
        wrong.select("source_file", "source_row", "committee"),
        "整建制标记与当日状态不符：标为「是」但该居委/村仍有单位未创建，或标为「否」但已全部创建 "
        "(a whole-committee mark that does not hold at the end of its day)",
    )
