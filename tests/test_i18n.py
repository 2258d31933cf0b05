"""French: the catalogue is complete and compiled, pages and PDFs speak French when French is chosen,
and framework content shows its French text, falling back to English where a French field is empty."""

import gettext
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.urls import reverse
from pypdf import PdfReader

from assessments import tasks
from assessments.models import Assessment, Cycle
from baselines.models import Indicator, Requirement

LOCALE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
# The same as `make messages`.
MAKEMESSAGES_IGNORE = [
    ".venv",
    "staticfiles",
    "tests",
    "bench",
    "private",
    "docs",
    "locale",
    "*.egg-info",
]


def po_entries(path=PO):
    """The entries of a .po file as dicts: msgid, msgid_plural, msgstr (list), flags. Enough of the
    format for what `makemessages` writes (no msgctxt is used in this project)."""
    entries, entry, field = [], None, None

    def unquote(text):
        escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
        return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text[1:-1])

    def finish():
        if entry and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            entry, field = {"flags": {f.strip() for f in line[2:].split(",")}, "msgstr": []}, None
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            if entry is None or "msgid" in entry:
                finish()
                entry = {"flags": set(), "msgstr": []}
            entry["msgid"], field = unquote(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            entry["msgid_plural"], field = unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgstr"):
            value = unquote(line.split(" ", 1)[1])
            entry["msgstr"].append(value)
            field = ("msgstr", len(entry["msgstr"]) - 1)
        elif line.startswith('"'):
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += unquote(line)
            else:
                entry[field] += unquote(line)
    finish()
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def test_the_french_catalogue_has_entries():
    assert len(po_entries()) > 500


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"


def test_placeholders_are_kept_in_every_translation():
    placeholder = re.compile(r"%\([a-z_]+\)[-.0-9]*[sdfr]|\{[a-z_]*\}")
    wrong = []
    for e in po_entries():
        source = placeholder.findall(e.get("msgid_plural", e["msgid"]))
        for msgstr in e["msgstr"][-1:]:
            if sorted(set(source)) != sorted(set(placeholder.findall(msgstr))):
                wrong.append((e["msgid"], msgstr))
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file():
    """`make messages` was run after the last translation: the committed .mo says what the .po says."""
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for e in po_entries():
        if "msgid_plural" in e:
            got = [catalogue.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            if got != e["msgstr"][:2]:
                stale.append(e["msgid"])
        elif catalogue.gettext(e["msgid"]) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == [], f"run `make messages`: {len(stale)} entries differ, e.g. {stale[:5]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="gettext is not installed (apt-get install gettext)"
)
def test_the_catalogue_holds_every_translatable_string_of_the_source(tmp_path):
    """A string marked for translation since the last `make messages` would show in English: collect
    the strings from a copy of the source, as `make messages` does, and compare."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(
        ".venv",
        ".git",
        "staticfiles",
        "private",
        "node_modules",
        "*.sqlite3",
        "*.pyc",
        "__pycache__",
        "*.png",
    )
    shutil.copytree(root, copy, ignore=skip)
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    ignores = [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--verbosity=0", *ignores],
        cwd=copy,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "resilience.settings",
        },
        timeout=120,
    )
    fresh = {e["msgid"] for e in po_entries(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")}
    known = {e["msgid"] for e in po_entries()}
    assert sorted(fresh - known) == [], "new strings: run `make messages` and translate them"


def test_translation_functions_are_imported_under_names_makemessages_knows():
    """`gettext_lazy as _lazy` hides every string from xgettext: they stay English, and the check
    above cannot see them. Only the function's own name, or `_`, is collected."""
    import ast

    root = Path(settings.BASE_DIR)
    hidden = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in {".venv", "tests", "bench", "staticfiles", "private"} or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if "gettext" in alias.name and alias.asname not in (None, "_"):
                        hidden.append(f"{path.relative_to(root)}: {alias.name} as {alias.asname}")
    assert hidden == []


# Pages ----------------------------------------------------------------------------------------


def french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def test_a_page_in_french_shows_french_text(planner_est, est_current):
    response = french(planner_est).get(reverse("assessment_overview", args=[est_current.pk]))
    html = response.content.decode()
    assert '<html lang="fr">' in html
    for text in ("Soumettre l’évaluation", "Télécharger le rapport PDF", "Tableau de bord", "Se déconnecter"):
        assert text in html
    assert "Submit assessment" not in html


def test_english_stays_the_default(planner_est, est_current):
    html = planner_est.get(reverse("assessment_overview", args=[est_current.pk])).content.decode()
    assert '<html lang="en">' in html and "Submit assessment" in html


def test_the_language_switcher_turns_the_site_french(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Les sept exigences de base" in html
    assert 'name="language"' in html  # the switcher is on every page, in both languages
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert "The seven baseline requirements" in client.get("/").content.decode()


def test_the_login_form_is_labelled_in_french(client):
    html = french(client).get(reverse("login")).content.decode()
    assert "Nom d’utilisateur" in html and "Mot de passe" in html and "Se connecter" in html


def test_the_requirement_page_shows_the_framework_in_french_with_english_fallback(planner_est, est_current):
    framework_id = est_current.cycle.framework_id
    oil = Indicator.objects.get(framework_id=framework_id, code="BLR-2.1")
    blackout = Indicator.objects.get(framework_id=framework_id, code="BLR-2.2")
    assert oil.question_fr and blackout.question_fr  # the shipped framework has its French
    # A published framework refuses save(): clear one French field behind its back, as a
    # framework imported without French would be.
    Indicator.objects.filter(pk=blackout.pk).update(question_fr="")
    url = reverse("requirement_page", args=[est_current.pk, 2])

    html = french(planner_est).get(url).content.decode()
    requirement = Requirement.objects.get(framework_id=framework_id, number=2)
    assert requirement.title_fr in html
    assert _escaped(oil.question_fr) in html and _escaped(oil.question) not in html
    assert _escaped(blackout.question) in html  # falls back to English
    descriptor = Indicator.objects.get(framework_id=framework_id, code="BLR-2.4").levels.get(level=3)
    assert _escaped(descriptor.text_fr) in html


def test_the_overview_shows_requirement_titles_in_french(planner_est, est_current):
    html = french(planner_est).get(reverse("assessment_overview", args=[est_current.pk])).content.decode()
    assert "Résilience des approvisionnements énergétiques" in html
    assert "Resilient energy supplies" not in html


def _escaped(text):
    from django.utils.html import escape

    return escape(text)


# PDFs -----------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_national_report_is_french_when_french_is_chosen(planner_est, est_current):
    response = french(planner_est).get(reverse("assessment_report_pdf", args=[est_current.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Rapport d’avancement national sur la résilience" in text or "Rapport d'avancement" in text
    assert "Résilience des approvisionnements énergétiques" in text
    assert "PROJET" in text  # the draft watermark
    assert "Resilient energy supplies" not in text


def test_the_alliance_report_task_renders_in_the_language_it_was_asked_in(db):
    """The worker has no request: the language travels with the task."""
    reviewer = get_user_model().objects.get(username="reviewer")
    cycle = Cycle.objects.filter(assessments__status=Assessment.Status.SUBMITTED).distinct().get()
    result = tasks.render_alliance_report.enqueue(cycle.pk, reviewer.pk, "fr")
    with storages["private"].open(result.return_value, "rb") as stored:
        text = pdf_text(stored.read())
    assert "Rapport comparatif de l’Alliance" in text or "Rapport comparatif de l'Alliance" in text
    assert "Carte thermique" in text
