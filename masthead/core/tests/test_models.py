"""Site settings: menu links lead where the editor means, and only there."""

import pytest
from django.core.exceptions import ValidationError

from masthead.core.models import MenuItem, validate_menu_link

OFF_SITE_PATHS = [
    "//evil.example/",
    "/\\evil.example/",  # browsers read a backslash as a slash
    "/\t/evil.example/",  # and drop tabs and line breaks
    "/\n/evil.example/",
    "/\r/evil.example/",
    "\\\\evil.example/",
    "/ /evil.example/",
    "/news\\..\\\\evil.example",
]


@pytest.mark.parametrize("link", OFF_SITE_PATHS)
def test_menu_links_that_browsers_send_off_site_are_refused(link):
    with pytest.raises(ValidationError, match="one /, without backslashes, spaces or tabs"):
        validate_menu_link(link)


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "ftp://files.example/"])
def test_menu_links_are_paths_or_web_addresses(link):
    with pytest.raises(ValidationError):
        validate_menu_link(link)


@pytest.mark.parametrize(
    "link", ["/", "/latest/", "/news/harbour-talks/", "/tag/ports/?older=1", "https://x.example/a"]
)
def test_site_paths_and_web_addresses_are_accepted(link):
    validate_menu_link(link)


def test_the_menu_item_form_shows_the_error_on_the_link_field():
    item = MenuItem(label="Evil", link_url="/\\evil.example/")

    with pytest.raises(ValidationError) as error:
        item.clean_fields(exclude=["settings"])

    assert "link_url" in error.value.message_dict
