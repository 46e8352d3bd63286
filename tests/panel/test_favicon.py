from django.test import Client

from panel.settings import BASE_DIR


def test_favicon_ico_answers_with_the_panel_icon(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("panel/favicon.ico")
    assert (BASE_DIR / "static/panel/favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_every_page_links_its_icon(db):
    html = Client().get("/login/").content.decode()
    assert 'rel="icon"' in html and "panel/favicon.svg" in html
