from django.urls import path

from .views import core

urlpatterns = [
    path("dashboard/", core.dashboard, name="dashboard"),
]
