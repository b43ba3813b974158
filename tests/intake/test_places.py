"""A list that writes a town or committee otherwise than the district's roster (campaign/intake/places.py).

Found trying a district no test knew (浦东新区): a list saying 川沙新镇人民政府 and 城南居委 where the roster says
川沙新镇 and 城南居民委员会 was refused row by row, "not in the roster", its nearest name the very same name; and
its 居民委员会 column was not recognised at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.answers import queries
from campaign.intake.ingest import ingest
from campaign.intake.places import committee_key, group_key, name_key, town_key
from campaign.intake.problems import IngestRefused
from campaign.intake.vocabulary import header_column

TODAY = dt.date(2026, 12, 3)
ROSTER = (
    "区,街镇,居委,小区名称,类型,户数\n"
    "浦东新区,川沙新镇,城南居民委员会,城南小区,小区,100\n"
    "浦东新区,川沙新镇,城北居民委员会,城北一村,小区,200\n"
    "浦东新区,川沙新镇,城北居民委员会,城北二村,小区,300\n"
    "浦东新区,高桥镇,星火村,星火一组,村民小组,30\n"
    "浦东新区,高桥镇,星火居委,星火苑,小区,300\n"
)
STEMS = st.text(alphabet="东西南北安宁和平康泰嘉兴瑞丰青云金银玉华光明川沙城高桥", min_size=1, max_size=5)


@given(STEMS, st.sampled_from(["镇", "街道", "乡"]), st.sampled_from(["", "人民政府", "政府", "办事处"]))
def test_a_town_with_or_without_its_administrative_ending_has_one_key(stem, kind, ending) -> None:
    assert town_key(stem + kind + ending) == town_key(stem + kind) == town_key(stem)


@given(
    STEMS, st.sampled_from(["居委", "居委会", "居民委员会", "居民区", "社区居委会"]), st.sampled_from(["村", "村委会"])
)
def test_a_committee_is_one_key_however_written_and_never_a_village(stem, committee, village) -> None:
    assert committee_key(stem + committee) == committee_key(stem + "居民委员会")
    assert committee_key(stem + village) == committee_key(stem + "村民委员会") == committee_key(stem + "村村委会")
    assert committee_key(stem + committee) != committee_key(stem + village)


@pytest.mark.parametrize("header", ["居民委员会", "村民委员会", "社区居委会", "所属居民委员会", "村居委会", "居村委会"])
def test_committee_headers_written_in_full_are_the_committee_column(header) -> None:
    assert header_column(header) == "committee"


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_places_written_otherwise_are_read_as_the_rosters_with_a_warning(tmp_path) -> None:
    db = tmp_path / "campaign.duckdb"
    roster = write(tmp_path / "名册.csv", ROSTER)
    listed = write(
        tmp_path / "浦东新区第一批.csv",
        "浦东新区第一批无疫小区名单（2022年5月6日）\n街道/镇,居民委员会,小区名称\n"
        "川沙新镇人民政府,城南居委,城南小区\n川沙新镇人民政府,城北居委会,城北一村\n高桥,星火村委会,星火一组\n",
    )
    report = ingest([roster, listed], db, who="test", today=TODAY)
    said = [(w.row, w.column, w.value, w.message) for w in report.warnings]
    assert (
        3,
        "街镇",
        "川沙新镇人民政府",
        "街镇「川沙新镇人民政府」按名册读作「川沙新镇」 (town read as the roster's 川沙新镇)",
    ) in said
    assert any(row == 3 and value == "城南居委" and "城南居民委员会" in message for row, _, value, message in said)
    assert any(row == 4 and value == "城北居委会" and "城北居民委员会" in message for row, _, value, message in said)
    assert any(row == 5 and value == "高桥" and "高桥镇" in message for row, _, value, message in said)
    assert any(row == 5 and value == "星火村委会" and "「星火村」" in message for row, _, value, message in said)
    assert len([w for w in report.warnings if w.value == "川沙新镇人民政府"]) == 1  # once a place, not once a row
    created = queries.run("units", db=db, district="浦东新区", status="created")
    assert sorted(created.select("town", "committee", "name").rows()) == [
        ("川沙新镇", "城北居民委员会", "城北一村"),
        ("川沙新镇", "城南居民委员会", "城南小区"),
        ("高桥镇", "星火村", "星火一组"),
    ]


def _refused_as_ambiguous(folder: Path, roster_row: str, list_row: str) -> str:
    """A roster with one more row, then a list whose one row two roster units could be: refused at the list's
    row 3 (title, header, the row) as not in the roster; the message."""
    db = folder / "campaign.duckdb"
    ingest([write(folder / "名册.csv", ROSTER + roster_row)], db, who="test", today=TODAY)
    listed = write(
        folder / "浦东新区第二批.csv", f"浦东新区第二批无疫小区名单（2022年5月9日）\n街镇,居委,小区名称\n{list_row}\n"
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([listed], db, who="test", today=TODAY, dry_run=True)
    (problem,) = refused.value.problems
    assert problem.row == 3 and "不在浦东新区的名册中" in problem.message
    return problem.message


def test_a_place_two_roster_places_could_be_stays_as_written_and_is_refused(tmp_path) -> None:
    # 高桥 could be 高桥镇 or 高桥街道: not guessed
    message = _refused_as_ambiguous(tmp_path, "浦东新区,高桥街道,东湖居委,东湖苑,小区,80\n", "高桥,东湖居委,东湖苑")
    assert "名册中的「东湖苑」在 高桥街道 / 东湖居委" in message  # where the roster has the name


def test_a_town_that_is_another_town_is_not_read_as_it(tmp_path) -> None:
    """川沙镇 is not 川沙新镇 (their stems differ): refused, saying where the roster has the name."""
    db = tmp_path / "campaign.duckdb"
    ingest([write(tmp_path / "名册.csv", ROSTER)], db, who="test", today=TODAY)
    listed = write(
        tmp_path / "浦东新区第二批.csv",
        "浦东新区第二批无疫小区名单（2022年5月9日）\n街镇,居委,小区名称\n川沙镇,城北居委,城北二村\n",
    )
    with pytest.raises(IngestRefused) as refused:
        ingest([listed], db, who="test", today=TODAY, dry_run=True)
    assert "名册中的「城北二村」在 川沙新镇 / 城北居民委员会" in refused.value.problems[0].message


CN = "零一二三四五六七八九"


def chinese(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN[tens]) + "十" if tens else "") + (CN[ones] if ones or not tens else "")


@given(
    st.integers(1, 99),
    st.sampled_from(["{n}组", "第{n}组", "0{n}组", "第{n}村民小组", "{v}{n}组", "{c}第{n}组", "{n}小组"]),
)
def test_a_village_group_is_its_number_however_written(n, style) -> None:
    for number in (str(n), chinese(n)):
        if style.startswith("0") and not number.isdigit():
            continue
        written = style.format(n=number, v="和欣村", c="和欣")
        assert group_key(written, "和欣村") == f"{n}组", written
    assert group_key("和欣苑", "和欣村") is None and group_key("一组团", "和欣村") is None


def test_village_groups_written_otherwise_are_read_as_the_rosters_with_one_warning_a_table(tmp_path) -> None:
    db = tmp_path / "campaign.duckdb"
    roster = write(
        tmp_path / "名册.csv",
        "区,街镇,村,村民小组,类型\n"
        + "".join(f"金山区,枫泾镇,和欣村,{k}组,村民小组\n" for k in range(1, 13))
        + "金山区,枫泾镇,新义村,1组,村民小组\n",
    )
    listed = write(
        tmp_path / "金山区第二批.csv",
        "金山区第二批无疫小区名单（2022年5月9日）\n街镇,村,村民小组\n"
        "枫泾镇,和欣村,第一组\n枫泾镇,和欣村,和欣村2组\n枫泾镇,和欣村,第3村民小组\n枫泾镇,和欣村,012组\n"
        "枫泾镇,新义村,一组\n",
    )
    report = ingest([roster, listed], db, who="test", today=TODAY)
    (warning,) = report.warnings
    assert (warning.row, warning.value) == (3, "第一组") and "本表共 5 行如此" in warning.message
    created = queries.run("units", db=db, district="金山区", status="created")
    assert sorted(created.select("committee", "name").rows()) == [
        ("和欣村", "12组"),
        ("和欣村", "1组"),
        ("和欣村", "2组"),
        ("和欣村", "3组"),
        ("新义村", "1组"),
    ]


def test_a_district_with_no_roster_reads_places_and_groups_as_its_earlier_lists_wrote_them(tmp_path) -> None:
    """Without a roster a unit is known by the places its lists give: a later list writing them otherwise would make
    a second unit of each, and count it twice."""
    db = tmp_path / "campaign.duckdb"
    first = write(
        tmp_path / "奉贤区第一批.csv",
        "奉贤区第一批无疫村组名单（2022年4月22日）\n街镇,村,村民小组\n南桥镇,杨王村,1组\n南桥镇,杨王村,2组\n",
    )
    ingest([first], db, who="test", today=TODAY)
    revoked = write(
        tmp_path / "奉贤区取消.csv",
        "奉贤区取消名单（2022年5月2日）\n街镇,村,村民小组,状态\n南桥镇人民政府,杨王村村委会,第二组,取消\n",
    )
    report = ingest([revoked], db, who="test", today=TODAY)
    assert report.units_added == 0
    said = [w.message for w in report.warnings]
    assert any("「南桥镇人民政府」按此前的名单读作「南桥镇」" in m for m in said), said
    assert any("「第二组」按此前的名单读作「2组」" in m for m in said), said
    units = queries.run("units", db=db, district="奉贤区")
    assert sorted(units.select("name", "status").rows()) == [("1组", "created"), ("2组", "revoked")]


@pytest.mark.parametrize(
    ("written", "roster"),
    [
        ("华夏一村小区", "华夏一村"),
        ("城南", "城南小区"),
        ("汤臣豪园1期", "汤臣豪园一期"),
        ("汤臣豪园(二期)", "汤臣豪园二期"),
    ],
)
def test_a_name_with_or_without_its_小区_or_phase_written_otherwise_has_one_key(written, roster) -> None:
    assert name_key(written) == name_key(roster)
    assert name_key("汤臣豪园一期") != name_key("汤臣豪园二期")


def test_a_name_two_roster_units_could_be_stays_as_written_and_is_refused(tmp_path) -> None:
    # 城南小区 and 城南 are both in the roster: 城南（小区） could be either, so it is not guessed
    _refused_as_ambiguous(
        tmp_path, "浦东新区,川沙新镇,城南居民委员会,城南,小区,80\n", "川沙新镇,城南居民委员会,城南（小区）"
    )
