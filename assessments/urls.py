from django.urls import path

from .views import core

urlpatterns = [
    path("dashboard/", core.dashboard, name="dashboard"),
    path("nations/<str:code>/cycles/<int:cycle_id>/start/", core.assessment_start, name="assessment_start"),
]
