from django.urls import path

from .views import comments, core, reviewer

urlpatterns = [
    path("dashboard/", core.dashboard, name="dashboard"),
    path("nations/<str:code>/cycles/<int:cycle_id>/start/", core.assessment_start, name="assessment_start"),
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
        "compare/alliance-report/<uuid:result_id>/",
        reviewer.alliance_report_status,
        name="alliance_report_status",
    ),
    path(
        "compare/alliance-report/<uuid:result_id>/download/",
        reviewer.alliance_report_download,
        name="alliance_report_download",
    ),
]
