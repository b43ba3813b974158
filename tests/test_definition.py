"""A campaign is a definition file (campaign/campaigns/wuyi.toml, read by campaign.definition): the bundled one gives
exactly the words the code held before, a wrong file is refused naming the file, the key and why, and a campaign no
code mentions is read from a file alone."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import i18n
from campaign.definition import BUNDLED, DefinitionError, definition, fold
from campaign.intake import infer, title, vocabulary
from campaign.intake.vocabulary import header_kind, title_kind, words
from tests.support.campaigns import PINGAN

EXAMPLES = int(os.environ.get("CAMPAIGN_HYPOTHESIS_EXAMPLES", "200"))

# ---------------------------------------------------------------------------------------------------------------
# what the code said before the campaign became a file: the bundled definition must give exactly these

OLD_KINDS = ("compound", "village_group", "village", "community")
OLD_KIND_WORDS = {
    "小区": "compound",
    "住宅小区": "compound",
    "居民小区": "compound",
    "compound": "compound",
    "村民小组": "village_group",
    "村组": "village_group",
    "组": "village_group",
    "villagegroup": "village_group",
    "village_group": "village_group",
    "村": "village",
    "行政村": "village",
    "village": "village",
    "社区": "community",
    "居委": "community",
    "居委会": "community",
    "居民区": "community",
    "community": "community",
}
OLD_TARGET_KIND_WORDS = {**OLD_KIND_WORDS, "村居": None, "全部": None, "合计": None, "all": None, "": None}
# the words as the code held them, and (in the same order, after each status's) the words towns were found to write
OLD_STATUS_WORDS = {
    "已创建": "created",
    "创建": "created",
    "已通过": "created",
    "通过": "created",
    "无疫": "created",
    "created": "created",
    "创建成功": "created",
    "验收通过": "created",
    "已验收": "created",
    "无疫小区": "created",
    "取消": "revoked",
    "已取消": "revoked",
    "撤销": "revoked",
    "已撤销": "revoked",
    "revoked": "revoked",
    "摘牌": "revoked",
    "已摘牌": "revoked",
    "取消资格": "revoked",
    "示范": "model",
    "示范无疫小区": "model",
    "示范小区": "model",
    "model": "model",
    "申报": "applied",
    "已申报": "applied",
    "applied": "applied",
    "申请": "applied",
    "已申请": "applied",
    "待验收": "applied",
}
OLD_TEXT = {
    "app_title": ("无疫小区创建进度", "Epidemic-free compound campaign"),
    "district": ("区", "District"),
    "town": ("街镇", "Town"),
    "committee": ("居委 / 村", "Committee / village"),
    "created": ("已创建", "Created"),
    "model": ("示范", "Model"),
    "revoked": ("已取消", "Revoked"),
    "not_created": ("未创建", "Not created"),
    "kind_compound": ("小区", "Compounds"),
    "kind_village_group": ("村民小组", "Village groups"),
    "kind_village": ("村", "Villages"),
    "kind_community": ("社区", "Communities"),
    "status_created": ("已创建", "Created"),
    "status_model": ("示范", "Model"),
    "status_revoked": ("已取消", "Revoked"),
    "status_not_created": ("未创建", "Not created"),
    "batch_n": ("第{n}批", "batch {n}"),
    "round_n": ("第{n}轮", "round {n}"),
    "event_created": ("创建", "created"),
    "event_revoked": ("取消", "revoked"),
    "event_model": ("示范", "model"),
    "event_applied": ("申报", "applied"),
    "export_prefix": ("无疫小区明细", "epidemic-free-units"),
    "screen_title": ("无疫小区创建进度 · 指挥中心", "Epidemic-free compounds · Command centre"),
    "brief_title": ("无疫小区创建进度日报", "Epidemic-free compound campaign: daily brief"),
    "brief_prefix": ("无疫小区日报", "daily-brief"),
    "kind_one_compound": ("小区", "Compound"),
    "kind_one_village_group": ("村民小组", "Village group"),
    "kind_one_village": ("村", "Village"),
    "kind_one_community": ("社区", "Community"),
}
_OLD_NAME_HEADER_KINDS = (
    ("村民小组", "village_group"),
    ("村组", "village_group"),
    ("villagegroup", "village_group"),
    ("小区", "compound"),
    ("compound", "compound"),
    ("社区", "community"),
    ("居委", "community"),
    ("居民区", "community"),
    ("community", "community"),
    ("行政村", "village"),
    ("村名", "village"),
    ("village", "village"),
)
_OLD_CAMPAIGN_WORDS = re.compile(r"(?:示范)?无疫(?:小区|村组|村居|单元)")


def old_header_kind(written: str) -> str | None:
    for form in vocabulary._forms(fold(written or "")):
        if "村居" in form or "/" in form or "、" in form:
            return None
        if form in ("村", "village"):
            return "village"
        for word, kind in _OLD_NAME_HEADER_KINDS:
            if word in form:
                return kind
    return None


def old_title_kind(text: str) -> str | None:
    text = _OLD_CAMPAIGN_WORDS.sub("", fold(text or ""))
    found = {kind for word, kind in _OLD_NAME_HEADER_KINDS if word in text and word.isascii() is False}
    if "村民小组" in text or "村组" in text:
        return "village_group" if not ({"compound", "community"} & found) else None
    found.discard("village")
    return found.pop() if len(found) == 1 else None


def test_the_bundled_definition_gives_the_words_the_code_held() -> None:
    assert vocabulary.KINDS == OLD_KINDS
    # the same words in the same order: refusals list the allowed words in it
    assert list(vocabulary.KIND_WORDS.items()) == list(OLD_KIND_WORDS.items())
    assert list(vocabulary.TARGET_KIND_WORDS.items()) == list(OLD_TARGET_KIND_WORDS.items())
    assert list(vocabulary.STATUS_WORDS.items()) == list(OLD_STATUS_WORDS.items())
    assert vocabulary.IMPLIES == {"model": "created"}
    assert vocabulary.CAMPAIGN_YEAR == 2022
    assert infer.KIND_LABELS == {
        "compound": "小区 compound",
        "village_group": "村民小组 village group",
        "village": "村 village",
        "community": "社区 community",
    }


def test_the_ui_shows_the_words_it_showed() -> None:
    for key, (zh, en) in OLD_TEXT.items():
        assert i18n.TEXT[key] == (zh, en), key
    assert i18n.batch_label(3, False, "zh") == "第3批" and i18n.batch_label(2, True, "en") == "round 2"
    assert i18n.kind_label("village_group", "en") == "Village groups"
    assert i18n.kind_label("village_group", "en", one=True) == "Village group"
    assert i18n.status_label("revoked") == "已取消"


def test_names_ending_as_before_give_their_kind() -> None:
    endings = {kind: re.compile(pattern) for pattern, kind in infer._NAME_ENDINGS}
    said = {
        "红浦村": "village",
        "城桥社区": "community",
        "一居委": "community",
        "海欣居委会": "community",
        "三组": "village_group",
        "第三村民小组": "village_group",
        "12组": "village_group",
        "海皓馨苑": None,
    }
    for name, kind in said.items():
        hits = [k for k, p in endings.items() if p.search(name)]
        assert hits == ([kind] if kind else []), name


# fragments headers and titles are made of: kind words, the campaign's own name, places, other words
_FRAGMENTS = [
    *(w for w, _ in _OLD_NAME_HEADER_KINDS),
    "村",
    "村居",
    "无疫",
    "示范",
    "单元",
    "名称",
    "全称",
    "所属",
    "金山区",
    "桃源村",
    "名册",
    "名单",
    "(",
    ")",
    "/",
    " ",
]
_ONE_KIND = {
    "village_group": ("村民小组", "村组", "villagegroup"),
    "compound": ("小区", "compound"),
    "community": ("社区", "居委", "居民区", "community"),
    "village": ("行政村", "村名", "village"),
}
_NEUTRAL = ["名称", "全称", "所属", "(", ")", "金山区", "名单", " "]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=6))
def test_a_title_says_the_kind_it_said(parts: list[str]) -> None:
    text = "".join(parts)
    assert title_kind(text) == old_title_kind(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(_ONE_KIND)).flatmap(
        lambda kind: st.lists(st.sampled_from([*_ONE_KIND[kind], *_NEUTRAL]), max_size=5)
    )
)
def test_a_header_naming_one_kind_says_the_kind_it_said(parts: list[str]) -> None:
    """Headers holding the words of one kind (and of none): as before. (Where a header holds the words of two kinds,
    the longest word now decides rather than the order of a list in the code: 社区行政村 is a village.)"""
    text = "".join(parts)
    assert header_kind(text) == old_header_kind(text)


def test_headers_as_written_say_the_kind_they_said() -> None:
    for written in ("村", "village", "小区名称（全称）", "村居名称", "居委/村", "名称", "村(组)名", "所属村民小组"):
        assert header_kind(written) == old_header_kind(written), written


def test_a_title_still_reads_as_it_did() -> None:
    facts = title.parse_title("闵行区首批“无疫小区”名单（5月9日公布）")
    assert facts.published is not None and facts.published.year == 2022
    for cumulative in ("金山区累计无疫小区名单", "全部已创建名单", "全部已通过", "全部无疫村居名单", "全部的名单"):
        assert title.says_cumulative(cumulative), cumulative
    for not_cumulative in ("全部整村创建", "全部", "第二批名单"):
        assert not title.says_cumulative(not_cumulative), not_cumulative


# ---------------------------------------------------------------------------------------------------------------
# a definition written here: TOML out of a dict, as a person would write the file


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def dump(data: dict) -> str:
    """Top-level values, then tables, then arrays of tables; anything deeper inline."""
    lines = [f"{k} = {_value(v)}" for k, v in data.items() if not isinstance(v, (dict, list)) or _plain_list(v)]
    for k, v in data.items():
        if isinstance(v, dict):
            lines += [f"[{k}]", *(f"{kk} = {_value(vv)}" for kk, vv in v.items())]
    for k, v in data.items():
        if isinstance(v, list) and not _plain_list(v):
            for entry in v:
                lines += [f"[[{k}]]", *(f"{kk} = {_value(vv)}" for kk, vv in entry.items())]
    return "\n".join(lines) + "\n"


def _plain_list(v: object) -> bool:
    return isinstance(v, list) and not (v and all(isinstance(x, dict) for x in v))


def bundled() -> dict:
    return tomllib.loads(BUNDLED.read_text(encoding="utf-8"))


def written(tmp_path: Path, data: dict, name: str = "campaign.toml") -> Path:
    path = tmp_path / name
    path.write_text(dump(data), encoding="utf-8")
    return path


def test_the_bundled_file_written_again_reads_the_same(tmp_path) -> None:
    again = definition(written(tmp_path, bundled()))
    assert again.path != definition().path
    assert again.kinds == definition().kinds and again.statuses == definition().statuses
    assert definition() is definition(BUNDLED)  # read once


def _status(data: dict, key: str) -> dict:
    return next(s for s in data["statuses"] if s["key"] == key)


def _kind(data: dict, key: str) -> dict:
    return next(k for k in data["kinds"] if k["key"] == key)


_DELETE = object()


def _in(kind_or_status: str, key: str, field: str, value: object):
    def change(data: dict) -> None:
        entry = (_status if kind_or_status == "s" else _kind)(data, key)
        if value is _DELETE:
            del entry[field]
        else:
            entry[field] = value

    return change


def _top(section: str, field: str, value: object):
    def change(data: dict) -> None:
        if value is _DELETE:
            del data[section][field]
        else:
            data[section][field] = value

    return change


# (what is wrong, the change, the key the message names, what it says)
WRONG = [
    ("unknown status implied", _in("s", "model", "implies", "creatd"), "statuses.model.implies", "unknown status"),
    ("a status implying itself", _in("s", "model", "implies", "model"), "statuses.model.implies", "itself"),
    (
        "one word for two statuses",
        _in("s", "revoked", "words", ["取消", "通过"]),
        "statuses.revoked.words",
        "“通过” is in statuses.created.words too",
    ),
    (
        "one word for two kinds",
        _in("k", "community", "words", ["社区", "小区"]),
        "kinds.community.words",
        "“小区” is in kinds.compound.words too",
    ),
    ("a word twice in one list", _in("s", "applied", "words", ["申报", "申 报"]), "statuses.applied.words", "twice"),
    ("no English title", _top("campaign", "title", {"zh": "无疫小区创建进度"}), "campaign.title.en", "missing"),
    ("no Chinese kind label", _in("k", "village", "label", {"en": "Villages"}), "kinds.village.label.zh", "missing"),
    (
        "an empty label",
        _in("s", "created", "label", {"zh": " ", "en": "Created"}),
        "statuses.created.label.zh",
        "non-empty",
    ),
    (
        "a label in a third language",
        _top("levels", "town", {"zh": "街镇", "en": "Town", "fr": "Commune"}),
        "levels.town.fr",
        "unknown key",
    ),
    ("a misspelt key", _in("k", "compound", "wrods", ["小区"]), "kinds.compound.wrods", "unknown key"),
    ("a missing section", lambda d: d.pop("statuses"), "statuses", "missing"),
    ("a missing level", lambda d: d["levels"].pop("committee"), "levels.committee", "missing"),
    (
        "a status the snapshot does not keep",
        _in("s", "applied", "key", "passed"),
        "statuses.passed.key",
        "snapshot keeps",
    ),
    ("a kind's key with capitals", _in("k", "village", "key", "Village"), "kinds[2].key", "lower-case"),
    ("the reserved kind", _in("k", "village", "key", "unknown"), "kinds.unknown.key", "reserved"),
    ("a kind twice", _in("k", "village", "key", "compound"), "kinds.compound.key", "twice"),
    ("no status done", _in("s", "created", "done", False), "statuses", "must be done"),
    ("another status done", _in("s", "model", "done", True), "statuses", "must be done"),
    ("done not true or false", _in("s", "created", "done", "yes"), "statuses.created.done", "true or false"),
    ("an undo of the wrong status", _in("s", "revoked", "undoes", "model"), "statuses.revoked.undoes", "undoes"),
    ("an implied status other than done", _in("s", "model", "implies", "applied"), "statuses.model.implies", "imply"),
    (
        "a batch label without its number",
        _top("batches", "round", {"zh": "第轮", "en": "round {n}"}),
        "batches.round.zh",
        "{n}",
    ),
    ("a year that is no year", _top("campaign", "year", "2022"), "campaign.year", "year"),
    (
        "a name ending that is no pattern",
        _in("k", "village", "name_ending", "村($"),
        "kinds.village.name_ending",
        "regular expression",
    ),
    ("no words", _in("s", "applied", "words", []), "statuses.applied.words", "at least one"),
    ("no kinds", lambda d: d.__setitem__("kinds", []), "kinds", "[[kinds]]"),
]


@pytest.mark.parametrize(("what", "change", "key", "why"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_definition_is_refused_naming_the_file_the_key_and_why(tmp_path, what, change, key, why) -> None:
    data = bundled()
    change(data)
    path = written(tmp_path, data)
    with pytest.raises(DefinitionError) as refused:
        definition(path)
    message = str(refused.value)
    assert message.startswith(f"{path.resolve()}: {key}: "), message
    assert why in message, message
    assert re.search(r"[\u4e00-\u9fff]", message.split(": ", 2)[2]), "Chinese first"


def test_a_file_that_is_no_definition_is_refused(tmp_path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[campaign\nname = "x"\n', encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"broken\.toml: 不是有效的 TOML.*not valid TOML"):
        definition(broken)
    with pytest.raises(DefinitionError, match=r"none\.toml: 找不到"):
        definition(tmp_path / "none.toml")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('name = "无疫"\n'.encode("gbk"))
    with pytest.raises(DefinitionError, match=r"gbk\.toml: .*UTF-8"):
        definition(gbk)


_WORD_CHARS = st.text(alphabet="达标复查不合格通过ＡAa ", min_size=1, max_size=3).filter(lambda w: w.strip())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(created=st.lists(_WORD_CHARS, min_size=1, max_size=4), revoked=st.lists(_WORD_CHARS, min_size=1, max_size=4))
def test_status_words_load_when_each_means_one_thing(tmp_path_factory, created, revoked) -> None:
    """Any two lists of words: the file loads exactly when no word (as compared: full-width as half-width, spaces and
    case aside) is listed twice, and then each word maps to its status."""
    data = bundled()
    data["statuses"] = [s for s in data["statuses"] if s["key"] in ("created", "revoked")]
    _status(data, "created")["words"] = created
    _status(data, "revoked")["words"] = revoked
    path = written(tmp_path_factory.mktemp("words"), data)
    folded = [fold(w) for w in created + revoked]
    if len(set(folded)) < len(folded):
        with pytest.raises(DefinitionError, match=r"statuses\.(created|revoked)\.words: .*(twice|too)"):
            definition(path)
        return
    mapped = words(definition(path)).status_words
    assert mapped == {**{fold(w): "created" for w in created}, **{fold(w): "revoked" for w in revoked}}


# ---------------------------------------------------------------------------------------------------------------
# a campaign no code mentions, defined in a file alone


def wenming() -> str:
    """The third campaign's definition (平安小区, tests/support/campaigns.py) renamed 文明小区, with words of its
    own and only two statuses."""
    data = {"several_kinds": ["村居"], **tomllib.loads(PINGAN)}
    data["campaign"].update(
        name={"zh": "文明小区", "en": "Civilised compounds"},
        title={"zh": "文明小区创建进度", "en": "Civilised compound campaign"},
        screen_title={"zh": "文明小区创建进度 · 指挥中心", "en": "Civilised compounds · Command centre"},
        brief_title={"zh": "文明小区创建进度日报", "en": "Civilised compound campaign: daily brief"},
        export_name={"zh": "文明小区明细", "en": "civilised-units"},
        brief_name={"zh": "文明小区日报", "en": "daily-brief"},
        year=2019,
        stem="文明",
        title_words=["文明小区", "文明村"],
    )
    data["levels"]["committee"] = {"zh": "居委 / 村", "en": "Committee / village"}
    data["batches"]["round"] = {"zh": "第{n}轮复查", "en": "review {n}"}
    data["not_done"]["label"] = {"zh": "未达标", "en": "Not yet passed"}
    data["kinds"][0]["words"] = ["小区", "住宅小区"]
    data["kinds"][1]["words"] = ["园区", "estate"]
    created, revoked = data["statuses"][:2]
    created.update(
        label={"zh": "已达标", "en": "Passed"}, event={"zh": "达标", "en": "passed"}, words=["达标", "已达标", "passed"]
    )
    revoked.update(
        label={"zh": "复查不合格", "en": "Failed review"},
        event={"zh": "复查不合格", "en": "failed review"},
        words=["复查不合格", "不合格", "failed"],
    )
    data["statuses"] = [created, revoked]
    return dump(data)


def test_a_campaign_no_code_mentions_is_read_from_its_file(tmp_path) -> None:
    path = tmp_path / "wenming.toml"
    path.write_text(wenming(), encoding="utf-8")
    campaign = definition(path)
    assert campaign.name.zh == "文明小区" and campaign.name("en") == "Civilised compounds"
    assert definition(path) is campaign
    said = words(campaign)
    assert said.status_words == {
        "达标": "created",
        "已达标": "created",
        "passed": "created",
        "复查不合格": "revoked",
        "不合格": "revoked",
        "failed": "revoked",
    }
    assert said.kind_words["园区"] == "estate" and said.kinds == ("compound", "estate")
    assert said.implies == {}
    # the bundled campaign knows none of it, and this one none of the bundled one's
    assert "达标" not in vocabulary.STATUS_WORDS and "取消" not in said.status_words
    assert header_kind("园区名称", campaign) == "estate" and header_kind("园区名称") is None
    assert title_kind("某区文明小区名单", campaign) is None  # the campaign's own name says no kind
    assert title_kind("某区园区名册", campaign) == "estate"
    assert title.parse_title("浦东新区第二批文明小区名单（6月3日公布）", campaign).published.year == 2019
    assert title.says_cumulative("全部已达标名单", campaign) and not title.says_cumulative("全部已达标名单")
    assert title.says_cumulative("全部文明小区名单", campaign)
    text = i18n.campaign_text(campaign)
    assert text["app_title"] == ("文明小区创建进度", "Civilised compound campaign")
    assert text["status_created"] == ("已达标", "Passed") and text["event_revoked"][0] == "复查不合格"
    assert text["kind_estate"] == ("园区", "Estates") and text["round_n"] == ("第{n}轮复查", "review {n}")
    assert text["not_created"] == ("未达标", "Not yet passed")
    # the active campaign's words are untouched by reading another
    assert i18n.t("app_title") == "无疫小区创建进度"


def test_the_definition_reads_with_the_standard_library_alone() -> None:
    """Every layer reads the definition (the shared base's i18n included), so it imports nothing of the package's
    and no third-party module: a breach would tie the base to a layer above it."""
    import subprocess
    import sys

    probe = (
        "import sys, campaign.definition as d; d.definition(); "
        "print(sorted(m.split('.')[0] for m in sys.modules if m.startswith('campaign.') or "
        "m.split('.')[0] in ('polars', 'duckdb', 'streamlit', 'numpy', 'plotly')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "['campaign']", done.stdout
