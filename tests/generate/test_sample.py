"""The bundled sample: byte-for-byte reproducible and faithful to the published figures."""

import csv
import io
import os
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import date

import pytest

from campaign.generate import sample
from campaign.generate.sample import build_model, write_sample

FILES = [
    "README.md",
    "官方总数.csv",
    "崇明区_取消名单.csv",
    "崇明区_服务记录.csv",
    "崇明区_村居名册.csv",
    "崇明区_第1轮.xlsx",
    "崇明区_第2轮.csv",
    "崇明区_第3轮.csv",
    "崇明区_第4轮.csv",
    "崇明区_网格名册.csv",
    "金山区_创建单位名册.xlsx",
    "金山区_取消名单.csv",
    "金山区_服务记录.csv",
    "金山区_示范无疫小区.csv",
    "金山区_第1批.csv",
    "金山区_第2批.xlsx",
    "金山区_第3批.csv",
    "金山区_第4批.csv",
    "金山区_网格名册.csv",
]
BATCH_HEADER = ["区", "街镇", "居委/村", "名称", "类型", "批次", "公布日期"]
ROUND_HEADER = ["区", "街镇", "村居名称", "轮次", "公布日期"]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample")
    write_sample(path)
    return path


@pytest.fixture(scope="module")
def model():
    return build_model()


def read_csv(path, encoding, skip=0):
    text = path.read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text, newline="")))[skip:]


def clean(text):
    """What an ingest must do to the round-2 blemishes."""
    return unicodedata.normalize("NFKC", text).strip()


# ------------------------------------------------------------ reproducible ---
def test_two_runs_write_identical_bytes(tmp_path):
    first = write_sample(tmp_path / "a")
    # A second interpreter with another hash seed: no set/dict-order or clock dependence.
    script = f"from campaign.generate.sample import write_sample; write_sample({str(tmp_path / 'b')!r})"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)
    assert [p.name for p in first] == FILES
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == FILES
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_returns_sorted_paths_of_exactly_the_files(tmp_path):
    paths = write_sample(tmp_path)
    assert paths == sorted(paths) and all(p.parent == tmp_path for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in paths] == FILES


# ------------------------------------------------------------ file shapes ---
def test_encodings_line_endings_and_headers(out):
    def raw(name):
        return (out / name).read_bytes()

    assert not raw("官方总数.csv").startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw("官方总数.csv")
    assert raw("金山区_第1批.csv").startswith(b"\xef\xbb\xbf") and b"\r\n" in raw("金山区_第1批.csv")
    assert raw("金山区_第4批.csv").count(b"\r") == 0
    for name in ("金山区_取消名单.csv", "金山区_示范无疫小区.csv", "崇明区_取消名单.csv"):
        assert raw(name).startswith(b"\xef\xbb\xbf")
    for name in ("金山区_第3批.csv", "崇明区_村居名册.csv", "崇明区_第2轮.csv"):
        with pytest.raises(UnicodeDecodeError):
            raw(name).decode("utf-8")
        assert b"\r\n" in raw(name)

    assert read_csv(out / "官方总数.csv", "utf-8")[0] == ["区", "类型", "官方总数", "截至日期", "来源", "批次"]
    batch1 = read_csv(out / "金山区_第1批.csv", "utf-8-sig")
    assert batch1[0] == ["金山区第一批“无疫小区”名单（2022年5月5日公布）"]
    assert batch1[1] == [*BATCH_HEADER, "是否整建制"]
    assert read_csv(out / "金山区_第3批.csv", "gb18030")[0] == BATCH_HEADER
    assert read_csv(out / "金山区_第4批.csv", "utf-8")[0] == BATCH_HEADER
    assert read_csv(out / "崇明区_第2轮.csv", "gb18030")[0] == ROUND_HEADER
    assert read_csv(out / "崇明区_第3轮.csv", "utf-8")[0] == ROUND_HEADER
    roster_header = ["区", "街镇", "村居名称", "类型", "户数", "人口"]
    assert read_csv(out / "崇明区_村居名册.csv", "gb18030")[0] == roster_header


def test_batch_labels_and_date_spellings(out):
    def labels(name, encoding, skip):
        return {tuple(r[5:7]) for r in read_csv(out / name, encoding, skip)}

    assert labels("金山区_第1批.csv", "utf-8-sig", 2) == {("第一批", "2022/5/5")}
    assert labels("金山区_第3批.csv", "gb18030", 1) == {("第3批", "2022年5月14日")}
    assert labels("金山区_第4批.csv", "utf-8", 1) == {("4", "2022-05-20")}
    round2 = read_csv(out / "崇明区_第2轮.csv", "gb18030", 1)
    assert {r[4] for r in round2} == {"2022/4/25", "２０２２/4/25"}
    assert any(r[2] != r[2].strip() for r in round2)
    assert {(r[3], clean(r[4])) for r in round2} == {("第二轮", "2022/4/25")}


def test_rows_ordered_by_town_parent_name(model):
    for district in (model.jinshan, model.chongming):
        assert list(district.units) == sorted(district.units, key=sample.order_key)
        assert len({u.key for u in district.units}) == len(district.units)


def test_synthetic_values_are_plausible(model):
    for u in model.jinshan.units + model.chongming.units:
        assert u.households > 0 and u.population > 0
        assert isinstance(u.households, int) and isinstance(u.population, int)
        assert 1.85 <= u.population / u.households <= 2.65, u
    for u in model.jinshan.units:
        lo, hi = (80, 2000) if u.kind == "小区" else (15, 90)
        assert lo <= u.households <= hi, u
    compounds = [u.name for u in model.jinshan.units if u.kind == "小区"]
    assert len(set(compounds)) == len(compounds)


# -------------------------------------------------------- published: 金山 ---
def test_official_totals(out):
    rows = read_csv(out / "官方总数.csv", "utf-8", 1)
    assert [r[:4] + r[5:] for r in rows] == [
        ["金山区", "小区", "393", "2022-05-23", ""],
        ["金山区", "村民小组", "2293", "2022-05-23", ""],
        ["崇明区", "村居", "357", "2022-05-23", ""],
        ["金山区", "小区", "150", "2022-05-05", "第1批"],
        ["金山区", "村民小组", "1487", "2022-05-05", "第1批"],
    ]
    assert all(r[4] == "人民网上海频道 2022-05-23" for r in rows[:3])
    assert all(r[4] == "金山区第一批无疫小区公示 2022-05-05" for r in rows[3:])


def test_jinshan_roster(model):
    kinds = Counter(u.kind for u in model.jinshan.units)
    assert kinds == {"小区": 393, "村民小组": 2293}
    assert {u.town for u in model.jinshan.units} == set(sample.JINSHAN_TOWNS)
    assert len(sample.JINSHAN_TOWNS) == 11
    committees = {(u.town, u.parent) for u in model.jinshan.units if u.kind == "小区"}
    villages = {(u.town, u.parent) for u in model.jinshan.units if u.kind == "村民小组"}
    assert 100 <= len(committees) <= 120 and 115 <= len(villages) <= 130
    assert all(p.endswith(("居民区", "社区")) for _, p in committees)
    assert all(p.endswith("村") for _, p in villages)
    for _, village in villages:
        groups = sorted(int(u.name[:-1]) for u in model.jinshan.units if u.parent == village)
        assert groups == list(range(1, len(groups) + 1))


def test_jinshan_batch1(out, model):
    rows = read_csv(out / "金山区_第1批.csv", "utf-8-sig", 2)
    compounds = [r for r in rows if r[4] == "小区"]
    groups = [r for r in rows if r[4] == "村民小组"]
    assert len(compounds) == 150 and len(groups) == 1487 and len(rows) == 150 + 1487

    roster = defaultdict(set)
    for u in model.jinshan.units:
        roster[(u.town, u.parent)].add(u.name)
    listed = defaultdict(set)
    for r in rows:
        listed[(r[1], r[2])].add(r[3])

    committees = {k for k in listed if k[1].endswith(("居民区", "社区"))}
    assert len(committees) == 76
    assert sum(listed[k] == roster[k] for k in committees) == 43
    villages = {k for k in listed if k[1].endswith("村")}
    assert len(villages) == 80
    assert all(listed[k] == roster[k] for k in villages)

    # the notice's 整建制 marks: on every row, 是 exactly where the list holds the whole committee or village
    marks = defaultdict(set)
    for r in rows:
        marks[(r[1], r[2])].add(r[7])
    assert all(len(m) == 1 for m in marks.values())
    whole = {k for k, m in marks.items() if m == {"是"}}
    assert whole == {k for k in listed if listed[k] == roster[k]}
    assert len(whole & committees) == 43 and len(committees - whole) == 33 and villages <= whole


def test_haixin_and_xinghuo(model):
    haixin = [u for u in model.jinshan.units if u.parent == "海欣居民区"]
    assert {u.name for u in haixin} == {"海欣家园", "海皓馨苑"} and len(haixin) == 2
    assert {u.town for u in haixin} == {"山阳镇"}
    assert sum(u.households for u in haixin) == 2800
    assert sum(u.population for u in haixin) == 5400
    batches = {x.unit.name: x.batch for x in model.jinshan.listings if x.unit in haixin}
    assert batches == {"海欣家园": 2, "海皓馨苑": 2}

    xinghuo = [u for u in model.jinshan.units if u.parent == "星火村"]
    assert {u.town for u in xinghuo} == {"金山卫镇"}
    assert sum(u.population for u in xinghuo) == 4100


def test_jinshan_batch_files_match_model(out, model):
    def listed(batch):
        rows = [x.unit for x in model.jinshan.listings if x.batch == batch]
        return sorted((u.town, u.parent, u.name) for u in rows)

    assert sorted(tuple(r[1:4]) for r in read_csv(out / "金山区_第1批.csv", "utf-8-sig", 2)) == listed(1)
    assert sorted(tuple(r[1:4]) for r in read_csv(out / "金山区_第3批.csv", "gb18030", 1)) == listed(3)
    assert sorted(tuple(r[1:4]) for r in read_csv(out / "金山区_第4批.csv", "utf-8", 1)) == listed(4)
    dates = {x.batch: x.date for x in model.jinshan.listings}
    assert dates == {1: date(2022, 5, 5), 2: date(2022, 5, 9), 3: date(2022, 5, 14), 4: date(2022, 5, 20)}


def test_jinshan_revocation_and_models(out, model):
    revoked = read_csv(out / "金山区_取消名单.csv", "utf-8-sig", 1)
    assert len(revoked) == 1 and revoked[0][4:] == ["取消", "2022-05-11"]
    unit = next(u for u in model.jinshan.units if [u.town, u.parent, u.name] == revoked[0][1:4])
    assert unit.kind == "小区" and unit.parent != "海欣居民区"
    assert sorted(x.batch for x in model.jinshan.listings if x.unit == unit) == [2, 4]

    models = read_csv(out / "金山区_示范无疫小区.csv", "utf-8-sig", 1)
    assert 10 <= len(models) <= 14
    assert {tuple(r[4:]) for r in models} == {("示范", "2022-05-20")}
    first_created = {}
    for x in model.jinshan.listings:
        first_created.setdefault(x.unit.key, x.date)
    for r in models:
        assert first_created[("金山区", *r[1:4])] < date(2022, 5, 20)


# ------------------------------------------------------ published: 崇明 ---
def test_chongming_roster(out):
    rows = read_csv(out / "崇明区_村居名册.csv", "gb18030", 1)
    assert len(rows) == 357
    assert [t for t in sample.CHONGMING_TOWNS if t in {r[1] for r in rows}] == list(sample.CHONGMING_TOWNS)
    assert len(sample.CHONGMING_TOWNS) == 18
    kinds = Counter(r[3] for r in rows)
    assert set(kinds) == {"村", "社区"} and 250 <= kinds["村"] <= 280
    taoyuan = [r for r in rows if r[1:3] == ["堡镇", "桃源村"]]
    assert len(taoyuan) == 1 and taoyuan[0][5] == "2960"
    assert any(r[1:3] == ["庙镇", "米洪村"] for r in rows)
    assert any(r[1:3] == ["中兴镇", "汲浜村"] for r in rows)


def test_chongming_rounds(out, model):
    files = {
        2: read_csv(out / "崇明区_第2轮.csv", "gb18030", 1),
        3: read_csv(out / "崇明区_第3轮.csv", "utf-8", 1),
        4: read_csv(out / "崇明区_第4轮.csv", "utf-8", 1),
    }
    names = {rnd: [(r[1], clean(r[2])) for r in rows] for rnd, rows in files.items()}
    names[1] = [(x.unit.town, x.unit.name) for x in model.chongming.listings if x.batch == 1]
    assert ("堡镇", "桃源村") in names[1]
    assert ("庙镇", "米洪村") in names[2]
    assert ("中兴镇", "汲浜村") in names[1] + names[2] + names[3] + names[4]
    assert {r[4] for r in files[3]} == {"2022-05-06"} and {r[4] for r in files[4]} == {"2022-05-16"}
    dates = {x.batch: x.date for x in model.chongming.listings}
    assert dates[1] == date(2022, 4, 22) and dates[2] == date(2022, 4, 25)

    revoked = read_csv(out / "崇明区_取消名单.csv", "utf-8-sig", 1)
    assert len(revoked) == 1 and revoked[0][3:] == ["取消", "2022-04-28"]
    village = (revoked[0][1], revoked[0][2])
    assert village in names[2] and village in names[3]
    assert sum(len(v) for v in names.values()) == 357 + 1


def test_every_unit_created_by_as_of(model):
    for district in (model.jinshan, model.chongming):
        events = [(x.date, "创建", x.unit.key) for x in district.listings]
        events += [(c.date, c.status, c.unit.key) for c in district.changes if c.status == "取消"]
        state = {}
        for when, what, key in sorted(events):
            assert when <= date(2022, 5, 23)
            state[key] = what
        assert set(state) == {u.key for u in district.units}
        assert set(state.values()) == {"创建"}


# ------------------------------------------------- grids and services (issue 6) ---
def test_xinghuo_grids_are_the_published_ones(model):
    jinshan, _ = sample.build_grids(model)
    xinghuo = [g for g in jinshan if g.committee == "星火村"]
    assert Counter(g.level for g in xinghuo) == {"总网格": 1, "子网格": 4, "微网格": 20, "宅基网格": len(xinghuo) - 25}
    assert all(5 <= g.households <= 15 for g in xinghuo if g.level == "宅基网格")
    assert sum(g.workers for g in xinghuo) == 287
    assert {g.linked for g in xinghuo} == {"3-5"}
    roster_households = sum(u.households for u in model.jinshan.units if u.parent == "星火村")
    assert next(g for g in xinghuo if g.level == "总网格").households == roster_households
    haixin = [g for g in jinshan if g.committee == "海欣居民区"]
    assert Counter(g.level for g in haixin) == {"大网格": 7, "小网格": 26}
    assert sum(g.households for g in haixin if g.level == "大网格") == 1560  # 海欣家园's households


def test_services_carry_the_published_totals(model):
    totals = Counter()
    for s in sample.build_services(model):
        totals[(s.committee, s.kind)] += s.count
    assert 1500 < totals[("星火村", "送药")] < 1600
    assert 320 < totals[("星火村", "开具证明")] < 330
    assert totals[("星火村", "跨区转运就医")] == 32
    assert 15000 < totals[("星火村", "物资配送")] < 16000
    assert totals[("星火村", "特殊人群服务")] == 62
    assert totals[("汲浜村", "道口值守")] == 28
