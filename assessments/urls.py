from django.urls import path

from .views import comments, core, planner, reports, reviewer, stress

urlpatterns = [
    path("assessments/<int:pk>/report.pdf", reports.assessment_report_pdf, name="assessment_report_pdf"),
    path("submissions/<int:pk>/report.pdf", reports.submission_pdf, name="submission_pdf"),
    path("dashboard/", core.dashboard, name="dashboard"),
    path("nations/<str:code>/cycles/<int:cycle_id>/start/", core.assessment_start, name="assessment_start"),
    # National planner
    path("assessments/<int:pk>/", planner.assessment_overview, name="assessment_overview"),
    path(
        "assessments/<int:pk>/requirements/<int:number>/", planner.requirement_page, name="requirement_page"
    ),
    path("assessments/<int:pk>/copy-previous/", planner.answers_copy_previous, name="answers_copy_previous"),
    path("assessments/<int:pk>/submit/", planner.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/goals/", planner.goal_list, name="goal_list"),
    path("assessments/<int:pk>/goals/new/", planner.goal_create, name="goal_create"),
    path("assessments/<int:pk>/goals/<int:goal_pk>/edit/", planner.goal_update, name="goal_update"),
    path("assessments/<int:pk>/goals/<int:goal_pk>/delete/", planner.goal_delete, name="goal_delete"),
    path("assessments/<int:pk>/plan/", planner.plan_detail, name="plan_detail"),
    path("assessments/<int:pk>/plan/edit/", planner.plan_edit, name="plan_edit"),
    path("assessments/<int:pk>/plan/actions/new/", planner.action_create, name="action_create"),
    path(
        "assessments/<int:pk>/plan/actions/<int:action_pk>/edit/", planner.action_update, name="action_update"
    ),
    path(
        "assessments/<int:pk>/plan/actions/<int:action_pk>/delete/",
        planner.action_delete,
        name="action_delete",
    ),
    path("answers/<int:pk>/history/", planner.answer_history, name="answer_history"),
    path("answers/<int:pk>/evidence/", planner.answer_evidence, name="answer_evidence"),
    path("answers/<int:pk>/evidence/upload/", planner.evidence_upload, name="evidence_upload"),
    path("answers/<int:pk>/evidence/cite/", planner.evidence_cite, name="evidence_cite"),
    path("evidence/<int:pk>/download/", planner.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", planner.evidence_delete, name="evidence_delete"),
    # Stress tests (views/stress.py)
    path("assessments/<int:pk>/stress/", stress.stress_test, name="stress_test"),
    path("assessments/<int:pk>/stress/<int:scenario_pk>/", stress.stress_scenario, name="stress_scenario"),
    path(
        "assessments/<int:pk>/stress/<int:scenario_pk>/delete/",
        stress.stress_scenario_delete,
        name="stress_scenario_delete",
    ),
    # Reviewer workspace (views/reviewer.py) and comment threads (views/comments.py)
    path("review/", reviewer.inbox, name="review_inbox"),
    path("review/<int:pk>/", reviewer.review, name="review_assessment"),
    path("review/<int:pk>/accept/", reviewer.accept, name="review_accept"),
    path("review/<int:pk>/return/", reviewer.return_to_nation, name="review_return"),
    path("review/<int:pk>/comments/", reviewer.comment_add, name="review_comment_add"),
    path("comments/<int:pk>/reply/", comments.reply, name="comment_reply"),
    path("comments/<int:pk>/resolve/", comments.resolve, name="comment_resolve"),
    path("assessments/<int:pk>/queries/", comments.queries, name="assessment_queries"),
    path("compare/", reviewer.compare, name="compare"),
    path("compare/collective/", reviewer.compare_collective, name="compare_collective"),
    path("compare/side-by-side/", reviewer.compare_side_by_side, name="compare_side_by_side"),
    path("compare/trend/", reviewer.compare_trend, name="compare_trend"),
    path("compare/diff/", reviewer.compare_diff, name="compare_diff"),
    path("compare/export.xlsx", reviewer.export_xlsx, name="compare_export_xlsx"),
    path("compare/export.csv", reviewer.export_csv, name="compare_export_csv"),
    path("compare/alliance-report/", reviewer.alliance_report_request, name="alliance_report_request"),
    path(
        "compare/alliance-report/<str:result_id>/",
        reviewer.alliance_report_status,
        name="alliance_report_status",
    ),
    path(
        "compare/alliance-report/<str:result_id>/download/",
        reviewer.alliance_report_download,
        name="alliance_report_download",
    ),
]
