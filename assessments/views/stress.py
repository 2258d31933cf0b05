"""Stress tests ("what if"): degrade some requirements and see the cascade through the
dependencies, before and after, against a chosen level. Nothing here changes an answer: running a
test is a GET; saving, opening and deleting named scenarios act on `Scenario` rows only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import interdependence, permissions, services
from ..stress_forms import ScenarioSaveForm, StressForm

TEMPLATE = "assessments/stress.html"


def _page(request, access, base, *, form, save_form=None, scenario=None):
    """Render the stress page: the current cascade, the stress result when `form` is valid, the
    save form for those who may save, and the saved scenarios this user may see."""
    assessment = access.assessment
    result = None
    if form.is_bound and form.is_valid():
        result = interdependence.stress_of(
            base, form.cleaned_data["overrides"], form.cleaned_data["check_level"]
        )
    may_save = permissions.can_save_scenario(access)
    if may_save and save_form is None and result is not None and scenario is None:
        save_form = ScenarioSaveForm(requirements=form.requirements, may_include=not access.is_reviewer)
    scenarios = interdependence.visible_scenarios(access)
    context = {
        "assessment": assessment,
        "access": access,
        "base": base,
        "graph": result.graph() if result is not None else base.graph(),
        "form": form,
        "form_rows": [
            (line, form[f"score_{line.requirement.number}"], form[f"level_{line.requirement.number}"])
            for line in base.requirements
        ],
        "result": result,
        "may_save": may_save,
        "save_form": save_form,
        # The scenario's own fields travel with the save form as hidden inputs.
        "carried": [(name, form.data.get(name, "")) for name in form.scenario_field_names()]
        if form.is_bound
        else [],
        "scenario": scenario,
        "scenarios": [(s, permissions.can_delete_scenario(access, s)) for s in scenarios],
        "crumbs": _crumbs(assessment, scenario),
    }
    return render(request, TEMPLATE, context)


def _crumbs(assessment, scenario):
    crumbs = [
        (_("Dashboard"), reverse("dashboard")),
        (
            f"{assessment.nation.t_name} {assessment.cycle.name}",
            reverse("assessment_overview", args=[assessment.pk]),
        ),
        (_("Stress test"), reverse("stress_test", args=[assessment.pk])),
    ]
    if scenario is not None:
        crumbs.append((scenario.name, ""))
    return crumbs


@login_required
def stress_test(request, pk):
    """GET: the page, and the result of the scenario in the query string. POST: save it by name."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    access = permissions.assessment_for_user(request, pk)
    base = interdependence.cascade_for(access.assessment)
    requirements = [line.requirement for line in base.requirements]
    if request.method == "POST":
        permissions.require_save_scenario(access)
        save_form = ScenarioSaveForm(
            request.POST, requirements=requirements, may_include=not access.is_reviewer
        )
        if save_form.is_valid():
            data = save_form.cleaned_data
            try:
                scenario = services.scenario_save(
                    assessment=access.assessment,
                    by=request.user,
                    name=data["name"],
                    description=data["description"],
                    overrides=data["overrides"],
                    level=data["check_level"],
                    include_in_report=data.get("include_in_report", False),
                    visibility=permissions.scenario_visibility(access),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    save_form.add_error(field if field in save_form.fields else None, errors)
            else:
                messages.success(request, _("Scenario “%(name)s” saved.") % {"name": scenario.name})
                return redirect("stress_scenario", pk=access.assessment.pk, scenario_pk=scenario.pk)
        # Show the scenario as posted, with the save form's errors next to its fields.
        form = StressForm(request.POST, requirements=requirements)
        return _page(request, access, base, form=form, save_form=save_form)
    form = StressForm(request.GET or None, requirements=requirements)
    return _page(request, access, base, form=form)


@login_required
@require_GET
def stress_scenario(request, pk, scenario_pk):
    """A saved scenario, run against the assessment's current answers."""
    scenario, access = permissions.scenario_for_user(request, pk, scenario_pk)
    base = interdependence.cascade_for(access.assessment)
    requirements = [line.requirement for line in base.requirements]
    form = StressForm(StressForm.data_for(scenario), requirements=requirements)
    return _page(request, access, base, form=form, scenario=scenario)


@login_required
@require_POST
def stress_scenario_delete(request, pk, scenario_pk):
    scenario, access = permissions.scenario_for_user(request, pk, scenario_pk)
    if not permissions.can_delete_scenario(access, scenario):
        raise PermissionDenied
    name = scenario.name
    services.scenario_delete(scenario=scenario, by=request.user)
    messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": name})
    return redirect("stress_test", pk=access.assessment.pk)
