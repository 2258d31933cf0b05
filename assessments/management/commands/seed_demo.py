"""Demo data: the shipped framework, the Allies, a closed previous cycle with accepted assessments,
an open current cycle, and the demo users (password "demo"). Idempotent: what exists is left as it
is. `--nations N --cycles C` adds synthetic nations and earlier cycles up to those totals."""

import datetime
import json
import random
from itertools import product
from string import ascii_uppercase

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.otp import demo_devices_ensure
from assessments.models import (
    Answer,
    Assessment,
    Cycle,
    Evidence,
    ImplementationPlan,
    Membership,
    Nation,
    NationalGoal,
    PlanAction,
    Submission,
)
from assessments.selectors import snapshot_of
from assessments.services import assessment_create
from baselines.models import Framework, Objective
from baselines.services import framework_import, framework_publish

FIXTURES = settings.BASE_DIR / "fixtures"
DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo credential
# Current-cycle assessments already with the reviewers, so that the inbox has work in it.
SUBMITTED_NOW = ["LVA", "LTU", "FIN", "POL", "DNK", "NLD", "CAN", "DEU"]

JUSTIFICATIONS = [
    "Confirmed in the {year} national crisis-management exercise; the after-action report is on file.",
    "Assessed by the lead ministry with the sector regulator; figures are from the {year} annual return.",
    "Based on the inter-ministerial review of {year}; two gaps remain and are in the plan.",
    "Validated at the national resilience board in {year}; evidence cited from the sector plan.",
    "Self-assessed by the national coordinator with operators; a full audit is scheduled.",
    "Exercised with NATO and EU partners in {year}; lessons learned are being implemented.",
]


class Command(BaseCommand):
    help = "Load demo data (idempotent). --nations/--cycles add synthetic scale for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--nations",
            type=int,
            default=0,
            help="Make sure at least this many nations exist (synthetic extras).",
        )
        parser.add_argument(
            "--cycles",
            type=int,
            default=0,
            help="Make sure at least this many cycles exist (extra closed ones).",
        )

    def handle(self, nations=0, cycles=0, **options):
        if nations < 0 or cycles < 0:
            raise CommandError("--nations and --cycles must not be negative.")
        with transaction.atomic():
            framework = self.framework()
            self.nations(nations)
            current, closed = self.cycles(framework, cycles)
            self.users()
            # Fixed demo TOTP secrets for the reviewer and admin (README, "Demo users"): demo only.
            demo_totp = demo_devices_ensure(
                get_user_model().objects.filter(username__in=["reviewer", "admin"])
            )
            for cycle in closed:
                self.closed_cycle(cycle)
            self.current_cycle(current)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Nation.objects.count()} nations, {Cycle.objects.count()} cycles, "
                f"{Assessment.objects.count()} assessments. Users: admin, reviewer, planner-est, "
                f"contrib-est, planner-nor (password '{DEMO_PASSWORD}')."
            )
        )
        for username, secret in demo_totp:
            self.stdout.write(f"Demo TOTP secret of {username} (demo only, never in production): {secret}")

    def framework(self):
        data = json.loads((FIXTURES / "framework.json").read_text(encoding="utf-8"))
        head = data["framework"]
        framework = Framework.objects.filter(name=head["name"], version=head["version"]).first()
        if framework is None:
            framework = framework_import(data=data)
        if framework.is_draft:
            framework = framework_publish(framework=framework)
        return framework

    def nations(self, wanted):
        rows = json.loads((FIXTURES / "nations.json").read_text(encoding="utf-8"))
        existing = set(Nation.objects.values_list("code", flat=True))
        Nation.objects.bulk_create(Nation(**row) for row in rows if row["code"] not in existing)
        missing = wanted - Nation.objects.count()
        if missing > 0:
            # ISO 3166 leaves QAA–QZZ and XAA–XZZ for user assignment: no real country clashes.
            codes = (p + a + b for p, a, b in product("QX", ascii_uppercase, ascii_uppercase))
            fresh = []
            for code in codes:
                if len(fresh) == missing:
                    break
                if code not in existing:
                    fresh.append(
                        Nation(
                            code=code,
                            name=f"Synthetic nation {code}",
                            name_fr=f"Nation fictive {code}",
                            kind=Nation.Kind.ALLY,
                        )
                    )
            Nation.objects.bulk_create(fresh)

    def cycles(self, framework, wanted):
        today = timezone.localdate()
        current = Cycle.objects.open_on(today).first()
        if current is None:
            current, _ = Cycle.objects.get_or_create(
                name=str(today.year),
                defaults={
                    "framework": framework,
                    "opens_on": today - datetime.timedelta(days=120),
                    "due_on": today + datetime.timedelta(days=40),
                    "closes_on": today + datetime.timedelta(days=70),
                },
            )
        wanted = max(wanted, 2)
        while Cycle.objects.count() < wanted:
            earliest = Cycle.objects.order_by("opens_on").first()
            year = earliest.opens_on.year - 1
            name = str(year)
            while Cycle.objects.filter(name=name).exists():
                name += "b"
            Cycle.objects.create(
                name=name,
                framework=framework,
                opens_on=earliest.opens_on.replace(year=year),
                # One year earlier, like the opening date: a due date in the next calendar year (a
                # cycle opened in late summer) must stay after the opening.
                due_on=earliest.due_on.replace(year=earliest.due_on.year - 1),
                closes_on=earliest.opens_on.replace(year=year) + datetime.timedelta(days=200),
            )
        closed = list(Cycle.objects.filter(closes_on__lt=today).order_by("opens_on"))
        return current, closed

    def users(self):
        User = get_user_model()
        est = Nation.objects.get(code="EST")
        nor = Nation.objects.get(code="NOR")
        specs = [
            ("admin", {"is_staff": True, "is_superuser": True}, None),
            (
                "reviewer",
                {"first_name": "Rita", "last_name": "Reviewer"},
                {"role": Membership.Role.REVIEWER, "nation": None},
            ),
            (
                "planner-est",
                {"first_name": "Piret", "last_name": "Tamm"},
                {"role": Membership.Role.COORDINATOR, "nation": est},
            ),
            (
                "contrib-est",
                {"first_name": "Kalle", "last_name": "Kask"},
                {"role": Membership.Role.CONTRIBUTOR, "nation": est, "requirement_numbers": [2, 6]},
            ),
            (
                "planner-nor",
                {"first_name": "Nora", "last_name": "Berg"},
                {"role": Membership.Role.COORDINATOR, "nation": nor},
            ),
        ]
        for username, fields, membership in specs:
            user, created = User.objects.get_or_create(username=username, defaults=fields)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if membership and not Membership.objects.filter(user=user).exists():
                Membership.objects.create(user=user, **membership)

    # Answers -------------------------------------------------------------------------------

    def fill(self, assessment, year, rng, capability, share=1.0):
        """Give an assessment plausible answers: each nation has a capability, each requirement an
        offset, each indicator some noise. `share` leaves the rest unanswered."""
        answers = list(assessment.answers.select_related("indicator__requirement"))
        offsets = {n: rng.uniform(-1.0, 1.0) for n in range(1, 8)}
        changed, evidence = [], []
        for answer in answers:
            if answer.level is not None or answer.value is not None or rng.random() > share:
                continue
            indicator = answer.indicator
            strength = capability + offsets[indicator.requirement.number] + rng.uniform(-0.8, 0.8)
            strength = max(0.0, min(5.0, strength))
            if indicator.is_maturity:
                answer.level = round(strength)
            else:
                fraction = strength / 5
                span = indicator.target - indicator.threshold
                answer.value = round(indicator.threshold + span * (fraction * 1.2 - 0.1), 1)
            answer.justification = rng.choice(JUSTIFICATIONS).format(year=year)
            answer.confidence = rng.choice(list(Answer.Confidence.values))
            answer.updated_at = timezone.now()
            answer.version += 1
            changed.append(answer)
            needs = indicator.evidence_from_level
            if indicator.is_maturity and needs is not None and answer.level >= needs:
                evidence.append(
                    Evidence(
                        answer=answer,
                        citation=f"{assessment.nation.name}: {indicator.requirement.code} "
                        f"sector plan {year}, section {rng.randint(2, 9)}",
                    )
                )
        bulk_update_with_history(
            changed,
            Answer,
            ["level", "value", "justification", "confidence", "updated_at", "version"],
            batch_size=500,
        )
        bulk_create_with_history(evidence, Evidence, batch_size=500)

    def goals_and_plan(self, assessment, rng, start):
        if assessment.goals.exists():
            return
        objectives = list(
            Objective.objects.filter(requirement__framework_id=assessment.cycle.framework_id).select_related(
                "requirement"
            )
        )
        chosen = rng.sample(objectives, k=min(4, len(objectives)))
        goals = bulk_create_with_history(
            [
                NationalGoal(
                    assessment=assessment,
                    objective=objective,
                    title=f"{objective.title} — national milestone",
                    description=f"National contribution to {objective.code}.",
                    baseline=round(rng.uniform(20, 60)),
                    target=100,
                    unit="%",
                    target_date=start + datetime.timedelta(days=rng.randint(300, 900)),
                    status=rng.choice(list(NationalGoal.Status.values)),
                )
                for objective in chosen
            ],
            NationalGoal,
        )
        plan, _ = ImplementationPlan.objects.get_or_create(
            assessment=assessment,
            defaults={
                "title": f"{assessment.nation.name} resilience implementation plan {assessment.cycle.name}",
                "summary": "Whole-of-society actions agreed by the national resilience board.",
            },
        )
        leads = [
            ("Ministry of the Interior", "government"),
            ("Transmission system operator", "private"),
            ("National Red Cross society", "civil_society"),
            ("Joint Logistics Command", "military"),
            ("Telecom regulator", "government"),
        ]
        for index, (lead, sector) in enumerate(leads[: rng.randint(3, 5)]):
            status = rng.choice(["not_started", "in_progress", "in_progress", "delayed", "done"])
            action = PlanAction.objects.create(
                plan=plan,
                title=f"Action {index + 1}: {chosen[index % len(chosen)].title[:80]}",
                lead_organisation=lead,
                sector=sector,
                start_date=start + datetime.timedelta(days=30 * index),
                due_date=start + datetime.timedelta(days=120 + 60 * index),
                status=status,
                progress=100 if status == "done" else rng.randint(0, 90),
            )
            action.goals.set([goals[index % len(goals)]])

    def nation_rng(self, nation, cycle):
        return random.Random(f"{nation.code}-{cycle.name}")  # noqa: S311 - demo data

    def capability(self, nation, cycle_index):
        base = random.Random(nation.code).uniform(1.6, 4.2)  # noqa: S311
        return base + 0.15 * cycle_index

    def closed_cycle(self, cycle):
        existing = set(Assessment.objects.filter(cycle=cycle).values_list("nation_id", flat=True))
        index = list(Cycle.objects.order_by("opens_on")).index(cycle)
        for nation in Nation.objects.filter(kind=Nation.Kind.ALLY).exclude(pk__in=existing):
            assessment = assessment_create(nation=nation, cycle=cycle)
            rng = self.nation_rng(nation, cycle)
            self.fill(assessment, cycle.opens_on.year, rng, self.capability(nation, index))
            self.goals_and_plan(assessment, rng, cycle.opens_on)
            self.archive(
                assessment,
                status=Assessment.Status.ACCEPTED,
                when=datetime.datetime.combine(cycle.due_on, datetime.time(12), tzinfo=datetime.UTC),
            )

    def current_cycle(self, cycle):
        index = Cycle.objects.filter(opens_on__lt=cycle.opens_on).count()
        for code in ["EST", "NOR", *SUBMITTED_NOW]:
            nation = Nation.objects.get(code=code)
            if Assessment.objects.filter(nation=nation, cycle=cycle).exists():
                continue
            assessment = assessment_create(nation=nation, cycle=cycle)
            rng = self.nation_rng(nation, cycle)
            share = {"EST": 0.6, "NOR": 0.3}.get(code, 1.0)
            self.fill(assessment, cycle.opens_on.year, rng, self.capability(nation, index), share)
            self.goals_and_plan(assessment, rng, cycle.opens_on)
            if code in SUBMITTED_NOW:
                self.archive(assessment, status=Assessment.Status.SUBMITTED, when=timezone.now())

    def archive(self, assessment, status, when):
        """Record a seeded submission. The seed stores the snapshot only: rendering dozens of PDF
        reports would make `make run` slow, and the report of a seeded submission is rendered
        on demand from that snapshot's assessment instead."""
        Submission.objects.create(
            assessment=assessment, number=1, submitted_at=when, snapshot=snapshot_of(assessment)
        )
        assessment.status = status
        assessment.submitted_at = when
        if status == Assessment.Status.ACCEPTED:
            assessment.decided_at = when
        assessment.save()
