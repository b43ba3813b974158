"""The UI's words that name a campaign's statuses (首次创建, 创建次数, 取消…), its whole-committee figures and its
kinds' colours come from its definition: the 无疫小区 campaign's exactly as before, the 垃圾分类 one's its own, and a
label with Markdown in it shown as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from campaign import i18n
from campaign.definition import BUNDLED, BUNDLED_DIR, PALETTE, DefinitionError, definition

LAJI = BUNDLED_DIR / "laji.toml"


def _with(tmp_path: Path, old: str, new: str, name: str = "other.toml") -> Path:
    path = tmp_path / name
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_default_campaign_says_what_it_always_said() -> None:
    words = i18n.campaign_text(definition(BUNDLED))
    assert words["first_created"] == ("首次创建", "First created")
    assert words["times_created"] == ("创建次数", "Times created")
    assert words["remaining"] == ("待创建", "Remaining")
    assert words["whole_compound"] == ("整居创建", "Whole-committee creation")
    assert words["whole_village_group"] == ("整村创建", "Whole-village creation")
    assert words["whole_title"] == ("整居 / 整村创建进展", "Whole-committee and whole-village creation over time")
    assert words["changes_caption"] == (
        "新创建、取消后重新创建、取消（出现新增阳性后），以及净变化。",
        "Newly created, created again after a revocation, revoked (after a new positive case), and the net change.",
    )
    assert words["revoked_open_title"] == ("已取消、尚未重新创建的单位", "Revoked and not yet created again")
    assert i18n.t("whole_detail", whole=43, touched=70, total=76, unit="居委") == (
        "43 个居委整体创建（70 个有单位创建，共 76 个）"
    )


def test_another_campaign_says_its_own_status_words_in_both_languages() -> None:
    words = i18n.campaign_text(definition(LAJI))
    assert words["first_created"] == ("首次达标", "First passed")
    assert words["times_created"] == ("达标次数", "Times passed")
    assert words["remaining"] == ("待达标", "Remaining")
    assert words["whole_compound"] == ("整居达标", "Whole-committee compliance")
    assert "whole_village_group" not in words  # it counts only its compounds whole
    assert words["revoked_on"] == ("复查不合格日期", "Failed review on")
    assert words["brief_created_total"] == ("已达标 / 总数", "Compliant / total")
    mentions = " ".join(zh + " " + en for key, (zh, en) in words.items() if key in i18n.CAMPAIGN_WORDS)
    mentions = re.sub(r"\{\w+[^}]*\}", "", mentions)  # the values t() fills in ({not_created}: a URL)
    for wuyi in ("创建", "取消", "阳性", "created", "revoked", "revocation", "creation"):
        assert wuyi not in mentions, wuyi


def test_a_campaign_without_an_undoing_or_model_status_still_says_whole_sentences(tmp_path) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    start = text.index('[[statuses]]\nkey = "revoked"')
    path = tmp_path / "bare.toml"
    path.write_text(text[:start], encoding="utf-8")  # only created
    words = i18n.campaign_text(definition(path))
    assert words["revoked_on"] == ("取消日期", "Revoked on")
    assert words["col_model_published"] == ("示范公布日期", "Model published")
    assert "«" not in " ".join(zh + en for zh, en in words.values())


def test_the_kinds_colours_are_the_files_else_the_palettes_by_their_order(tmp_path) -> None:
    assert definition(BUNDLED).colours()["village_group"] == "#2e86c1"
    laji = definition(LAJI).colours()
    assert (laji["compound"], laji["village"]) == PALETTE[:2]  # laji.toml gives none
    assert laji["unknown"]
    assert definition(LAJI).colours(("#000001", "#000002"), own=False)["village"] == "#000002"
    wrong = _with(tmp_path, 'colour = "#c0392b"', 'colour = "red"')
    with pytest.raises(DefinitionError, match=r"kinds\.compound\.colour: .*#rrggbb"):
        definition(wrong)


def test_whole_and_within_go_together(tmp_path) -> None:
    wrong = _with(tmp_path, 'within = { zh = "居委", en = "residents\' committees" }\n', "")
    with pytest.raises(DefinitionError, match=r"kinds\.compound\.within: whole 与 within 须同时给出"):
        definition(wrong)
    assert [k.key for k in definition(LAJI).whole_kinds()] == ["compound"]


HOSTILE = "**粗**[点我](javascript:alert(1))<b>x</b>"


def test_a_label_with_markdown_in_it_is_shown_as_text(tmp_path) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    for old in ('label = { zh = "已创建", en = "Created" }', 'event = { zh = "创建", en = "created" }'):
        key = old.split(" =")[0]
        text = text.replace(old, f'{key} = {{ zh = "{HOSTILE}", en = "{HOSTILE}" }}', 1)
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    words = i18n.campaign_text(definition(path))
    for key in ("created", "first_created", "brief_created_total", "check_whole_claim_denied", "whole_detail"):
        for shown in words[key]:
            assert "**粗**" not in shown and "](" not in shown and "<b>" not in shown, shown
            assert r"\*\*粗\*\*" in shown, shown
    # a template t() formats again keeps working with the escaped words in it
    filled = words["whole_detail"][0].format(whole=1, touched=2, total=3, unit="居委")
    assert filled.startswith("1 个居委整体")
    # a label without such characters is left alone (no backslashes in a chart or a file name)
    assert words["kind_compound"] == ("小区", "Compounds")


def test_the_readmes_example_is_the_default_campaigns_file() -> None:
    """README.md shows how to define a campaign with lines of wuyi.toml: each is in that file, word for word."""
    readme = (BUNDLED.parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("## A campaign is a definition", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #")[0].rstrip() for line in example.splitlines()]
    file_lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    missing = [line for line in lines if line and not any(f.startswith(line.rstrip("]")) for f in file_lines)]
    assert missing == [] and len(lines) >= 10
