"""The framework's admin page shows its dependencies as a read-only grid."""

import re

import pytest

from baselines.models import Dependency, Framework
from baselines.services import framework_copy


@pytest.fixture
def published(db):
    return Framework.objects.get(status=Framework.Status.PUBLISHED)


def matrix_of(html):
    """The grid as {(row code, column code): text} from the rendered table."""
    table = re.search(r'<table class="dependency-matrix">.*?</table>', html, re.S).group(0)
    columns = re.findall(r'<th scope="col"[^>]*><abbr[^>]*>(BLR-\d)</abbr></th>', table)
    cells = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(BLR-\d) [^<]*</th>(.*?)</tr>", table, re.S):
        code, body = row
        values = [re.sub(r"<[^>]+>", "", v).strip() for v in re.findall(r"<td[^>]*>.*?</td>", body, re.S)]
        cells.update({(code, column): value for column, value in zip(columns, values, strict=True)})
    return columns, cells


def test_published_framework_page_shows_the_dependency_matrix(admin_client_demo, published):
    page = admin_client_demo.get(f"/admin/baselines/framework/{published.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dependency matrix" in html
    columns, cells = matrix_of(html)
    assert columns == [f"BLR-{n}" for n in range(1, 8)]
    # From fixtures/framework.json: communications on energy 0.90, health on water 0.60.
    assert cells[("BLR-6", "BLR-2")] == "0.90"
    assert cells[("BLR-5", "BLR-4")] == "0.60"
    assert cells[("BLR-2", "BLR-6")] == "0.30"
    assert cells[("BLR-2", "BLR-5")] == ""
    assert cells[("BLR-3", "BLR-3")] == "—"
    assert (
        len([v for v in cells.values() if v not in ("", "—")])
        == Dependency.objects.filter(framework=published).count()
    )
    assert 'class="dependency-strong"' in html and 'class="dependency-weak"' in html
    assert "css/admin_dependency_matrix.css" in html


def test_matrix_follows_a_draft_edit(admin_client_demo, published):
    draft = framework_copy(framework=published)
    dependency = draft.dependencies.get(requirement__code="BLR-6", depends_on__code="BLR-2")
    dependency.strength = "0.35"
    dependency.save()
    html = admin_client_demo.get(f"/admin/baselines/framework/{draft.pk}/change/").content.decode()
    assert matrix_of(html)[1][("BLR-6", "BLR-2")] == "0.35"


def test_matrix_is_display_only(admin_client_demo, published):
    draft = framework_copy(framework=published)
    html = admin_client_demo.get(f"/admin/baselines/framework/{draft.pk}/change/").content.decode()
    assert 'name="dependency_matrix"' not in html
    assert 'class="dependency-matrix"' in html


def test_add_page_has_no_matrix_yet(admin_client_demo):
    page = admin_client_demo.get("/admin/baselines/framework/add/")
    assert page.status_code == 200
    assert 'class="dependency-matrix"' not in page.content.decode()


def test_matrix_takes_two_queries(admin_client_demo, published, django_assert_num_queries):
    from baselines.admin import dependency_grid

    with django_assert_num_queries(2):  # requirements, dependencies
        grid = dependency_grid(published)
    assert grid["count"] == 18
