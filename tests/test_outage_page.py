"""The 503 page itself (the real outage is in test_database_outage.py): rendered without a query."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from accounts.outage import database_unavailable

from .conftest import client_for


def test_the_outage_page_needs_no_database(django_assert_num_queries, db):
    request = RequestFactory().get("/dashboard/")
    with translation.override("en"), django_assert_num_queries(0):
        response = database_unavailable(request)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_a_database_error_in_a_view_answers_503_not_500(monkeypatch):
    from assessments import selectors

    def unreachable(user):
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "dashboard", unreachable)
    response = client_for("planner-est").get("/dashboard/")
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()
