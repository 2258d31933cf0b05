"""Writes on frameworks: copy as a new draft, publish, and JSON import and export.
Called by the admin, the management commands and seed_demo alike."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .models import (
    MAX_LEVEL,
    Dependency,
    Framework,
    Indicator,
    LevelDescriptor,
    Objective,
    Requirement,
)

FORMAT = "resilience-baselines/framework@1"

REQUIREMENT_FIELDS = (
    "number",
    "code",
    "title",
    "title_fr",
    "summary",
    "summary_fr",
    "core_function",
)
INDICATOR_FIELDS = (
    "code",
    "kind",
    "question",
    "question_fr",
    "guidance",
    "guidance_fr",
    "weight",
    "evidence_from_level",
    "unit",
    "unit_fr",
    "direction",
    "threshold",
    "target",
)
OBJECTIVE_FIELDS = ("code", "title", "title_fr", "description", "description_fr")


@transaction.atomic
def framework_copy(*, framework: Framework, by=None) -> Framework:
    """A deep copy of `framework` as the next draft version of the same name."""
    next_version = (Framework.objects.filter(name=framework.name).aggregate(v=Max("version"))["v"] or 0) + 1
    data = framework_export(framework=framework)
    data["framework"]["version"] = next_version
    copy = framework_import(data=data, by=by)
    copy.based_on = framework
    copy.save(update_fields=["based_on"])
    return copy


@transaction.atomic
def framework_publish(*, framework: Framework, by=None) -> Framework:
    """Publish a complete draft; raises ValidationError listing every problem otherwise."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if not framework.is_draft:
        raise ValidationError(_("Only a draft framework can be published."))
    problems = framework.publish_problems()
    if problems:
        raise ValidationError(problems)
    framework.status = Framework.Status.PUBLISHED
    framework.published_at = timezone.now()
    framework._history_user = by
    framework.save()
    return framework


def framework_retire(*, framework: Framework, by=None) -> Framework:
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError(_("Only a published framework can be retired."))
    framework.status = Framework.Status.RETIRED
    framework._history_user = by
    framework.save()
    return framework


def framework_export(*, framework: Framework) -> dict:
    """The framework as plain data in the documented JSON format."""
    requirements = framework.requirements.prefetch_related("indicators__levels", "objectives")
    out = {
        "format": FORMAT,
        "framework": {
            "name": framework.name,
            "version": framework.version,
            "description": framework.description,
            "description_fr": framework.description_fr,
        },
        "requirements": [],
        "dependencies": [
            {
                "from": d.requirement.code,
                "to": d.depends_on.code,
                "strength": float(d.strength),
                "reason": d.reason,
                "reason_fr": d.reason_fr,
            }
            for d in framework.dependencies.select_related("requirement", "depends_on")
        ],
    }
    for requirement in requirements:
        item = {f: getattr(requirement, f) for f in REQUIREMENT_FIELDS}
        item["indicators"] = []
        for indicator in requirement.indicators.all():
            entry = {f: getattr(indicator, f) for f in INDICATOR_FIELDS}
            entry["weight"] = float(indicator.weight)
            if indicator.is_maturity:
                entry["levels"] = [
                    {"level": d.level, "text": d.text, "text_fr": d.text_fr} for d in indicator.levels.all()
                ]
            item["indicators"].append(entry)
        item["objectives"] = [
            {f: getattr(o, f) for f in OBJECTIVE_FIELDS} for o in requirement.objectives.all()
        ]
        out["requirements"].append(item)
    return out


def framework_export_json(*, framework: Framework) -> str:
    return json.dumps(framework_export(framework=framework), ensure_ascii=False, indent=2)


class ImportRefused(ValidationError):
    """The file was refused whole; nothing was written."""


def _text(obj, key, where, errors, required=False, max_length=None):
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(_("%(where)s: “%(key)s” must be text.") % {"where": where, "key": key})
        return ""
    if "\x00" in value:
        errors.append(_("%(where)s: “%(key)s” contains a NUL character.") % {"where": where, "key": key})
        return ""
    if required and not value.strip():
        errors.append(_("%(where)s: “%(key)s” is required.") % {"where": where, "key": key})
    if max_length and len(value) > max_length:
        errors.append(
            _("%(where)s: “%(key)s” is longer than %(n)s characters.")
            % {"where": where, "key": key, "n": max_length}
        )
    return value


def _number(obj, key, where, errors, required=False):
    value = obj.get(key)
    if value is None:
        if required:
            errors.append(_("%(where)s: “%(key)s” is required.") % {"where": where, "key": key})
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(_("%(where)s: “%(key)s” must be a number.") % {"where": where, "key": key})
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors.append(_("%(where)s: “%(key)s” must be a finite number.") % {"where": where, "key": key})
        return None
    return value


def _list(obj, key, where, errors):
    value = obj.get(key, [])
    if not isinstance(value, list):
        errors.append(_("%(where)s: “%(key)s” must be a list.") % {"where": where, "key": key})
        return []
    return value


def parse_framework(data) -> dict:
    """Check a framework document completely before anything is written. Returns it cleaned;
    raises ImportRefused with every problem found."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ImportRefused(_("The file is not a framework document (expected a JSON object)."))
    if data.get("format") != FORMAT:
        raise ImportRefused(
            _("Unknown format %(got)r: expected %(want)r.") % {"got": data.get("format"), "want": FORMAT}
        )
    head = data.get("framework")
    if not isinstance(head, dict):
        raise ImportRefused(_("The “framework” section is missing."))
    framework = {
        "name": _text(head, "name", "framework", errors, required=True, max_length=200),
        "version": head.get("version", 1),
        "description": _text(head, "description", "framework", errors),
        "description_fr": _text(head, "description_fr", "framework", errors),
    }
    if (
        isinstance(framework["version"], bool)
        or not isinstance(framework["version"], int)
        or framework["version"] < 1
    ):
        errors.append(_("framework: “version” must be a whole number from 1."))

    requirements, req_codes, ind_codes = [], set(), set()
    for r_index, raw in enumerate(_list(data, "requirements", "file", errors), start=1):
        where = _("requirement %(n)s") % {"n": r_index}
        if not isinstance(raw, dict):
            errors.append(_("%(where)s is not an object.") % {"where": where})
            continue
        req = {"number": raw.get("number")}
        if (
            isinstance(req["number"], bool)
            or not isinstance(req["number"], int)
            or not 1 <= req["number"] <= 7
        ):
            errors.append(_("%(where)s: “number” must be 1 to 7.") % {"where": where})
        for key in REQUIREMENT_FIELDS[1:]:
            req[key] = _text(
                raw,
                key,
                where,
                errors,
                required=key in ("code", "title"),
                max_length=200 if key in ("code", "title", "title_fr") else None,
            )
        if req["core_function"] not in Requirement.CoreFunction.values:
            errors.append(
                _("%(where)s: unknown core function %(value)r.")
                % {"where": where, "value": req["core_function"]}
            )
        if req["code"] in req_codes:
            errors.append(_("Requirement code %(code)s appears twice.") % {"code": req["code"]})
        req_codes.add(req["code"])
        req["indicators"] = []
        for i_index, raw_ind in enumerate(_list(raw, "indicators", where, errors), start=1):
            iwhere = f"{req['code'] or where} indicator {i_index}"
            if not isinstance(raw_ind, dict):
                errors.append(_("%(where)s is not an object.") % {"where": iwhere})
                continue
            ind = {
                key: _text(
                    raw_ind,
                    key,
                    iwhere,
                    errors,
                    required=key in ("code", "question", "kind"),
                    max_length=60 if key in ("code", "unit", "unit_fr") else None,
                )
                for key in (
                    "code",
                    "kind",
                    "question",
                    "question_fr",
                    "guidance",
                    "guidance_fr",
                    "unit",
                    "unit_fr",
                    "direction",
                )
            }
            if ind["code"] in ind_codes:
                errors.append(_("Indicator code %(code)s appears twice.") % {"code": ind["code"]})
            ind_codes.add(ind["code"])
            if ind["kind"] not in Indicator.Kind.values:
                errors.append(
                    _("%(where)s: unknown kind %(value)r.") % {"where": iwhere, "value": ind["kind"]}
                )
            if ind["direction"] and ind["direction"] not in Indicator.Direction.values:
                errors.append(
                    _("%(where)s: unknown direction %(value)r.")
                    % {"where": iwhere, "value": ind["direction"]}
                )
            weight = _number(raw_ind, "weight", iwhere, errors) or 1
            try:
                ind["weight"] = Decimal(str(weight)).quantize(Decimal("0.01"))
            except InvalidOperation:
                ind["weight"] = Decimal(1)
            if not 0 < ind["weight"] < 100:
                errors.append(_("%(where)s: “weight” must be above 0 and below 100.") % {"where": iwhere})
            ind["threshold"] = _number(raw_ind, "threshold", iwhere, errors)
            ind["target"] = _number(raw_ind, "target", iwhere, errors)
            level = raw_ind.get("evidence_from_level")
            if level is not None and (
                isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL
            ):
                errors.append(_("%(where)s: “evidence_from_level” must be 0 to 5.") % {"where": iwhere})
                level = None
            ind["evidence_from_level"] = level
            ind["levels"] = []
            seen_levels = set()
            for raw_level in _list(raw_ind, "levels", iwhere, errors):
                if not isinstance(raw_level, dict):
                    errors.append(_("%(where)s: a level is not an object.") % {"where": iwhere})
                    continue
                lvl = raw_level.get("level")
                if isinstance(lvl, bool) or not isinstance(lvl, int) or not 0 <= lvl <= MAX_LEVEL:
                    errors.append(_("%(where)s: descriptor level must be 0 to 5.") % {"where": iwhere})
                    continue
                if lvl in seen_levels:
                    errors.append(
                        _("%(where)s: level %(level)s is described twice.") % {"where": iwhere, "level": lvl}
                    )
                seen_levels.add(lvl)
                ind["levels"].append(
                    {
                        "level": lvl,
                        "text": _text(raw_level, "text", iwhere, errors, required=True),
                        "text_fr": _text(raw_level, "text_fr", iwhere, errors),
                    }
                )
            req["indicators"].append(ind)
        req["objectives"] = []
        obj_codes = set()
        for o_index, raw_obj in enumerate(_list(raw, "objectives", where, errors), start=1):
            owhere = f"{req['code'] or where} objective {o_index}"
            if not isinstance(raw_obj, dict):
                errors.append(_("%(where)s is not an object.") % {"where": owhere})
                continue
            obj = {
                key: _text(
                    raw_obj,
                    key,
                    owhere,
                    errors,
                    required=key in ("code", "title"),
                    max_length=300 if key.startswith("title") else None,
                )
                for key in OBJECTIVE_FIELDS
            }
            if obj["code"] in obj_codes:
                errors.append(_("Objective code %(code)s appears twice.") % {"code": obj["code"]})
            obj_codes.add(obj["code"])
            req["objectives"].append(obj)
        requirements.append(req)

    numbers = [r["number"] for r in requirements]
    if len(set(numbers)) != len(numbers):
        errors.append(_("A requirement number appears twice."))

    dependencies, pairs = [], set()
    for d_index, raw in enumerate(_list(data, "dependencies", "file", errors), start=1):
        where = _("dependency %(n)s") % {"n": d_index}
        if not isinstance(raw, dict):
            errors.append(_("%(where)s is not an object.") % {"where": where})
            continue
        dep = {
            "from": raw.get("from"),
            "to": raw.get("to"),
            "reason": _text(raw, "reason", where, errors, max_length=300),
            "reason_fr": _text(raw, "reason_fr", where, errors, max_length=300),
        }
        for end in ("from", "to"):
            if dep[end] not in req_codes:
                errors.append(
                    _("%(where)s refers to unknown requirement %(code)r.")
                    % {"where": where, "code": dep[end]}
                )
        if dep["from"] == dep["to"]:
            errors.append(_("%(where)s: a requirement cannot depend on itself.") % {"where": where})
        if (dep["from"], dep["to"]) in pairs:
            errors.append(
                _("%(where)s repeats %(a)s → %(b)s.") % {"where": where, "a": dep["from"], "b": dep["to"]}
            )
        pairs.add((dep["from"], dep["to"]))
        strength = _number(raw, "strength", where, errors, required=True)
        if strength is not None and not 0 <= strength <= 1:
            errors.append(_("%(where)s: strength must be between 0 and 1.") % {"where": where})
        dep["strength"] = Decimal(str(strength or 0)).quantize(Decimal("0.01"))
        dependencies.append(dep)

    if errors:
        raise ImportRefused(errors)
    return {"framework": framework, "requirements": requirements, "dependencies": dependencies}


@transaction.atomic
def framework_import(*, data, by=None) -> Framework:
    """Create a draft framework from a document. Refused whole (nothing written) on any problem."""
    clean = parse_framework(data)
    head = clean["framework"]
    if Framework.objects.filter(name=head["name"], version=head["version"]).exists():
        raise ImportRefused(_("%(name)s version %(version)s already exists.") % head)
    try:
        with transaction.atomic():
            framework = Framework(**head)
            framework._history_user = by
            framework.save()
            by_code = {}
            for req in clean["requirements"]:
                requirement = Requirement.objects.create(
                    framework=framework, **{k: req[k] for k in REQUIREMENT_FIELDS}
                )
                by_code[requirement.code] = requirement
                for order, ind in enumerate(req["indicators"], start=1):
                    indicator = Indicator(
                        requirement=requirement,
                        order=order,
                        **{k: ind[k] for k in INDICATOR_FIELDS},
                    )
                    indicator.full_clean(exclude=["framework"])
                    indicator.save()
                    bulk_create_with_history(
                        [LevelDescriptor(indicator=indicator, **level) for level in ind["levels"]],
                        LevelDescriptor,
                        default_user=by,
                    )
                for obj in req["objectives"]:
                    Objective.objects.create(requirement=requirement, **obj)
            for dep in clean["dependencies"]:
                Dependency.objects.create(
                    framework=framework,
                    requirement=by_code[dep["from"]],
                    depends_on=by_code[dep["to"]],
                    strength=dep["strength"],
                    reason=dep["reason"],
                    reason_fr=dep["reason_fr"],
                )
    except ValidationError as error:
        raise ImportRefused(error.messages) from None
    except IntegrityError as error:
        raise ImportRefused(_("The file is inconsistent: %(error)s") % {"error": error}) from None
    return framework


def framework_import_json(*, text: str, by=None) -> Framework:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportRefused(_("The file is not valid JSON: %(error)s") % {"error": error}) from None
    return framework_import(data=data, by=by)
