"""Which campaign a browser session shows: ``?campaign=KEY`` in every page's URL (the screen's too), and a chooser
at the top of the sidebar when more than one campaign is installed (``campaign.config.installed``). The default
campaign leaves the URL without it, as every setting at its default does.

The choice is the session's (``st.session_state``) and the URL's; ``install`` makes it what ``campaign.definition``
calls the active campaign in this process, so the snapshot every page reads (``store.default_db``), the words it
shows (``i18n.t``), the sample loaded on first start and the data page's uploads all follow it. A resolver, not a
context set once a run: Streamlit runs a page's fragments (the publication poll) without dashboard.py.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from campaign import config, i18n, text
from campaign import definition as definitions

PARAM = "campaign"  # the URL's parameter
CHOSEN = "campaign_key"  # session key: the campaign this session shows
SHOWN = "campaign_shown"  # session key: the campaign its last run showed (another: the filters start afresh)
PICK = "campaign_pick"  # the chooser's widget
UNKNOWN = "campaign_unknown_key"  # session key: a ?campaign= no installed campaign has, said once
# kept when the campaign changes: the language, the choice itself, the data page's login; every other filter and
# day belonged to the campaign left
KEEP = ("lang", CHOSEN, PICK, "data_login", "data_who", "data_password")


# key -> its definition, as the last run that chose it read it: the resolver is asked on every word a page shows, so
# it looks up, and ``choose`` (once a run) reads the files
_chosen: dict[str, definitions.Definition] = {}


def _session_campaign() -> definitions.Definition | None:
    """The campaign of the session whose script (or fragment) runs in this thread; None elsewhere (the default)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    key = st.session_state.get(CHOSEN)
    return None if key is None or key == definitions.DEFAULT_KEY else _chosen.get(key)


def install() -> None:
    definitions.set_resolver(_session_campaign)


def choose() -> str:
    """At the top of every run, before anything reads the snapshot: the URL's campaign when it names an installed
    one (a link, an edited URL), else the session's, else the default; written back into the URL."""
    installed = config.installed()
    asked = st.query_params.get(PARAM)
    key = st.session_state.get(CHOSEN, definitions.DEFAULT_KEY)
    if asked and asked in installed:
        key = asked
    elif asked:
        st.session_state[UNKNOWN] = asked
    if key not in installed:
        key = definitions.DEFAULT_KEY
    if st.session_state.get(SHOWN, key) != key:
        for name in [k for k in st.session_state if k not in KEEP]:
            del st.session_state[name]
    _chosen[key] = config.campaign(key).definition
    st.session_state[CHOSEN] = st.session_state[SHOWN] = key
    if key == definitions.DEFAULT_KEY:
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = key
    return key


def _picked() -> None:
    key = st.session_state[PICK]
    st.session_state[CHOSEN] = key
    if key == definitions.DEFAULT_KEY:
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = key


def _lang() -> str:
    """The session's language, as the sidebar's switch below will say it (campaign.app.ui)."""
    for lang in (st.session_state.get("lang"), st.query_params.get("lang")):
        if lang in i18n.LANGS:
            return lang
    return config.settings().language


def unknown_said(as_markdown: bool = True) -> str | None:
    """A ?campaign= this run found no campaign for, said once, Chinese then English (a link from elsewhere may reach
    a reader of either), naming the campaign shown and the installed ones; None when the URL named none wrong.
    ``as_markdown``: for a Markdown alert (the key as code, a name escaped), else plain text (the screen's HTML)."""
    asked = st.session_state.pop(UNKNOWN, None)
    if asked is None:
        return None
    installed = config.installed()
    shown = definitions.definition(installed[st.session_state[CHOSEN]]).name
    cut = asked[:40]
    lines = []
    for lang, sep in (("zh", "、"), ("en", ", ")):
        name, known = shown(lang), sep.join(installed)
        if as_markdown:  # the key as typed is shown as code: a URL's text never renders as Markdown
            cut_shown, name, known = f"`{cut.replace('`', '')}`", text.markdown(name), text.markdown(known)
        else:
            cut_shown = f"“{cut}”"
        lines.append(i18n.t("campaign_unknown", lang, asked=cut_shown, name=name, known=known))
    return "  \n".join(lines) if as_markdown else " / ".join(lines)


def chooser() -> None:
    """The sidebar's choice of campaign, by name; nothing when only one is installed. A ?campaign= that named none
    is said once, with the installed ones."""
    lang = _lang()
    installed = config.installed()
    names = {key: definitions.definition(path).name(lang) for key, path in installed.items()}
    said = unknown_said()
    if said is not None:
        st.warning(said, icon="⚠️")
    if len(installed) < 2:
        return
    st.session_state[PICK] = st.session_state[CHOSEN]
    st.sidebar.selectbox(
        i18n.t("campaign_choose", lang), list(installed), format_func=names.get, key=PICK, on_change=_picked
    )


install()
