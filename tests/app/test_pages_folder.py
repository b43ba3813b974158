"""Streamlit's old pages-folder mode is handled in one place (campaign/app/pages_folder.py), and still needed."""

from streamlit.runtime.pages_manager import PagesManager

from campaign.app import pages_folder
from tests.support import ROOT


def test_streamlit_still_takes_a_pages_folder_beside_the_entry_point_for_its_old_mode(monkeypatch) -> None:
    """When this fails, Streamlit has dropped the old mode: campaign/app/pages_folder.py can go."""
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(ROOT / "dashboard.py"))
    assert PagesManager.uses_pages_directory is True and pages_folder.on()


def test_staying_off_keeps_the_mode_off_as_a_server_does_after_dashboard_py(monkeypatch) -> None:
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    monkeypatch.setattr(PagesManager, "__init__", pages_folder.staying_off(PagesManager.__init__))
    PagesManager(str(ROOT / "dashboard.py"))
    assert PagesManager.uses_pages_directory is False and not pages_folder.on()


def test_no_other_file_touches_the_mode() -> None:
    words = ("uses_pages_directory", "showSidebarNavigation")
    sources = [
        *ROOT.glob("*.py"),
        *ROOT.glob("pages/*.py"),
        *ROOT.glob("campaign/**/*.py"),
        *ROOT.glob("tests/**/*.py"),
    ]
    touching = {
        str(path.relative_to(ROOT))
        for path in sources
        if path.name not in ("pages_folder.py", "test_pages_folder.py") and any(w in path.read_text() for w in words)
    }
    assert not touching, touching
