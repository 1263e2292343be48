"""Who may see the audience reports: the newsroom's Editors and Wagtail's Moderators, by
the migration that grants `analytics.view_reports`; nobody else by default."""

import pytest
from django.contrib.auth.models import Group, Permission

pytestmark = pytest.mark.django_db


def test_editors_and_moderators_may_see_the_reports():
    view_reports = Permission.objects.get(content_type__app_label="analytics", codename="view_reports")

    granted = set(Group.objects.filter(permissions=view_reports).values_list("name", flat=True))

    assert granted == {"Editors", "Moderators"}
