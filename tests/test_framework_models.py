"""The framework's data rules: constraints in the database, a published framework frozen."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from baselines.models import Dependency, Framework, Indicator, LevelDescriptor, Objective, Requirement
from baselines.services import framework_copy


@pytest.fixture
def published(db):
    return Framework.objects.get(status=Framework.Status.PUBLISHED)


@pytest.fixture
def draft(published):
    return framework_copy(framework=published)


def test_the_shipped_framework_is_published_with_seven_requirements(published):
    assert list(published.requirements.values_list("code", flat=True)) == [f"BLR-{n}" for n in range(1, 8)]
    assert published.indicators.count() >= 35
    assert "public reconstruction" in published.description.lower()


@pytest.mark.parametrize(
    "edit",
    [
        lambda f: Requirement.objects.filter(framework=f).first(),
        lambda f: Indicator.objects.filter(framework=f).first(),
        lambda f: LevelDescriptor.objects.filter(indicator__framework=f).first(),
        lambda f: Objective.objects.filter(requirement__framework=f).first(),
        lambda f: Dependency.objects.filter(framework=f).first(),
    ],
    ids=["requirement", "indicator", "descriptor", "objective", "dependency"],
)
def test_no_part_of_a_published_framework_can_be_saved_or_deleted(published, edit):
    part = edit(published)
    with pytest.raises(ValidationError, match="cannot be changed"):
        part.save()
    with pytest.raises(ValidationError, match="cannot be changed"):
        part.delete()
    assert type(part).objects.filter(pk=part.pk).exists()


def test_a_published_framework_keeps_its_content_but_may_be_retired(published):
    published.name = "Renamed"
    with pytest.raises(ValidationError):
        published.save()
    published.refresh_from_db()
    published.status = Framework.Status.RETIRED
    published.save()
    assert Framework.objects.get(pk=published.pk).status == "retired"


def test_a_part_cannot_be_moved_out_of_a_published_framework(published, draft):
    indicator = Indicator.objects.filter(framework=published).first()
    indicator.requirement = draft.requirements.first()
    with pytest.raises(ValidationError):
        indicator.save()


def test_a_draft_framework_can_be_edited(draft):
    indicator = draft.indicators.first()
    indicator.question = "Revised question"
    indicator.save()
    assert Indicator.objects.get(pk=indicator.pk).question == "Revised question"


def test_indicator_codes_are_unique_within_a_framework(draft):
    first, second = draft.indicators.all()[:2]
    second.code = first.code
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_descriptor_level_is_unique_per_indicator_and_within_0_to_5(draft):
    indicator = draft.indicators.filter(kind="maturity").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelDescriptor.objects.create(indicator=indicator, level=3, text="Again")
    LevelDescriptor.objects.filter(indicator=indicator, level=5).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelDescriptor.objects.create(indicator=indicator, level=6, text="Too high")


@pytest.mark.parametrize("strength", ["-0.10", "1.50"])
def test_dependency_strength_is_between_0_and_1(draft, strength):
    a, b = draft.requirements.all()[:2]
    Dependency.objects.filter(framework=draft, requirement=a, depends_on=b).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Dependency.objects.create(framework=draft, requirement=a, depends_on=b, strength=strength)


def test_a_requirement_cannot_depend_on_itself(draft):
    a = draft.requirements.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Dependency.objects.create(framework=draft, requirement=a, depends_on=a, strength="0.5")


def test_requirement_numbers_are_1_to_7(draft):
    requirement = draft.requirements.first()
    requirement.number = 8
    with pytest.raises(IntegrityError), transaction.atomic():
        requirement.save()


def test_changes_to_a_draft_are_in_its_history(draft):
    indicator = draft.indicators.first()
    indicator.weight = 2
    indicator.save()
    latest, previous = indicator.history.all()[:2]
    assert [c.field for c in latest.diff_against(previous).changes] == ["weight"]
