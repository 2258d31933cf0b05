"""Copy, publish, and the JSON import/export round trip (services, commands and admin)."""

import json

import pytest
from django.core.management import CommandError, call_command

from baselines.models import Framework, Indicator, LevelDescriptor
from baselines.services import (
    ImportRefused,
    framework_copy,
    framework_export,
    framework_import,
    framework_publish,
)


@pytest.fixture
def published(db):
    return Framework.objects.get(status=Framework.Status.PUBLISHED)


def comparable(data):
    data = json.loads(json.dumps(data))
    data["framework"].pop("version")
    return data


def test_copy_as_new_draft_is_a_deep_copy_with_the_next_version(published):
    copy = framework_copy(framework=published)
    assert copy.status == "draft" and copy.version == published.version + 1
    assert copy.based_on == published
    assert comparable(framework_export(framework=copy)) == comparable(framework_export(framework=published))
    # The copy's parts are new rows: editing them leaves the published framework alone.
    assert not set(copy.indicators.values_list("pk", flat=True)) & set(
        published.indicators.values_list("pk", flat=True)
    )


def test_publish_refuses_an_incomplete_draft_and_lists_the_problems(published):
    copy = framework_copy(framework=published)
    maturity = copy.indicators.filter(kind="maturity").first()
    LevelDescriptor.objects.filter(indicator=maturity, level=4).delete()
    quantitative = copy.indicators.filter(kind="quantitative").first()
    Indicator.objects.filter(pk=quantitative.pk).update(target=None)
    with pytest.raises(Exception) as refused:
        framework_publish(framework=copy)
    text = " ".join(refused.value.messages)
    assert f"{maturity.code} lacks a descriptor for level(s) 4" in text
    assert f"{quantitative.code} has no target" in text
    assert Framework.objects.get(pk=copy.pk).status == "draft"


def test_publish_freezes_a_complete_draft(published):
    copy = framework_publish(framework=framework_copy(framework=published))
    assert copy.status == "published" and copy.published_at is not None


def test_json_round_trip_keeps_everything(published):
    data = framework_export(framework=published)
    data["framework"]["version"] = 99
    imported = framework_import(data=data)
    assert comparable(framework_export(framework=imported)) == comparable(data)


def bad_documents():
    base = json.loads((__import__("pathlib").Path("fixtures/framework.json")).read_text())

    def mutate(fn):
        doc = json.loads(json.dumps(base))
        doc["framework"]["version"] = 50
        fn(doc)
        return doc

    return {
        "not an object": [],
        "wrong format": mutate(lambda d: d.update(format="something-else")),
        "duplicate indicator code": mutate(
            lambda d: d["requirements"][1]["indicators"][0].update(
                code=d["requirements"][0]["indicators"][0]["code"]
            )
        ),
        "level out of range": mutate(
            lambda d: next(i for i in d["requirements"][0]["indicators"] if i["kind"] == "maturity")[
                "levels"
            ][0].update(level=9)
        ),
        "dependency to unknown requirement": mutate(lambda d: d["dependencies"][0].update(to="BLR-9")),
        "strength above one": mutate(lambda d: d["dependencies"][0].update(strength=1.5)),
        "weight is text": mutate(lambda d: d["requirements"][2]["indicators"][0].update(weight="heavy")),
        "NUL in a title": mutate(lambda d: d["requirements"][3].update(title="Bad\x00title")),
        "unknown kind": mutate(lambda d: d["requirements"][4]["indicators"][1].update(kind="vibes")),
    }


@pytest.mark.parametrize("name", list(bad_documents()))
def test_a_bad_import_is_refused_whole_with_a_message_and_changes_nothing(published, name):
    before = (Framework.objects.count(), Indicator.objects.count())
    with pytest.raises(ImportRefused) as refused:
        framework_import(data=bad_documents()[name])
    assert refused.value.messages and all(m.strip() for m in refused.value.messages)
    assert (Framework.objects.count(), Indicator.objects.count()) == before


def test_export_and_import_commands(published, tmp_path):
    path = tmp_path / "framework.json"
    call_command("export_framework", str(published.pk), "-o", str(path))
    data = json.loads(path.read_text())
    data["framework"]["version"] = 7
    path.write_text(json.dumps(data))
    call_command("import_framework", str(path))
    assert Framework.objects.filter(name=published.name, version=7, status="draft").exists()


def test_import_command_refuses_malformed_json(published, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": ')
    before = Framework.objects.count()
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_framework", str(path))
    assert Framework.objects.count() == before
