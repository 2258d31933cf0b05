import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"


@pytest.mark.django_db
def test_home_says_what_the_application_is_and_links_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"seven baseline requirements" in response.content
    assert b'href="/login/"' in response.content


@pytest.mark.django_db
def test_login_form_uses_the_contract_names(client):
    html = client.get("/login/").content.decode()
    assert ">Username<" in html and ">Password<" in html and ">Log in</button>" in html


@pytest.mark.django_db
def test_demo_user_logs_in_with_the_demo_password(client):
    response = client.post("/login/", {"username": "planner-est", "password": "demo"})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
