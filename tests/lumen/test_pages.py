import re


def test_anonymous_visitors_get_the_landing_page_with_the_disclaimer(client, db):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Informational only, not medical advice" in page
    assert 'href="/accounts/signup/"' in page


def test_htmx_is_served_locally_and_every_request_carries_the_csrf_token(client, db):
    page = client.get("/").content.decode()
    script = re.search(r'<script src="([^"]+htmx[^"]*)"', page).group(1)
    assert script.startswith("/static/")  # no CDN
    asset = client.get(script)
    assert asset.status_code == 200
    asset.close()
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'>", page)


def test_the_page_is_built_for_phones_and_keyboards(client, db):
    page = client.get("/").content.decode()
    assert 'name="viewport"' in page
    assert 'class="skip-link" href="#main"' in page


def test_each_role_is_routed_to_its_area(client, alice_patient, acme_qa, staff_user, login):
    for user, area in (
        (alice_patient, "/patients/"),
        (acme_qa, "/pharma/"),
        (staff_user, "/admin/"),
    ):
        login(user)
        response = client.get("/")
        assert response.status_code == 302
        assert response.url == area
        client.logout()


def test_the_navigation_shows_only_the_areas_a_user_may_enter(client, alice_patient, login):
    login(alice_patient)
    page = client.get("/patients/").content.decode()
    assert 'href="/patients/"' in page
    assert 'href="/pharma/"' not in page
    assert 'href="/admin/"' not in page


def test_unknown_pages_get_the_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "not yours to see" in response.content.decode()
