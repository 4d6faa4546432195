from lumen import safety


def test_pharma_users_get_guidance_answers_citing_the_section(client, acme_qa, login, small_corpus):
    login(acme_qa)
    response = client.post(
        "/pharma/assistant/",
        {"question": "How should cleaning validation limits be set?", "authority": "EC"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "EU GMP Annex 15" in page and "§10 Cleaning validation" in page
    assert "21 CFR Part 211" not in page  # filtered out by authority
    assert safety.DISCLAIMER not in page


def test_the_assistant_answers_htmx_with_the_result_only(client, acme_qa, login, small_corpus):
    login(acme_qa)
    response = client.post(
        "/pharma/assistant/", {"question": "equipment cleaning intervals"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in response.content.decode()
    assert 'id="result"' in response.content.decode()


def test_the_assistant_is_for_pharma_users_only(client, alice_patient, login, db):
    assert client.get("/pharma/assistant/").url.startswith("/accounts/login/")
    login(alice_patient)
    assert client.get("/pharma/assistant/").status_code == 403


def test_an_unknown_authority_is_a_form_error(client, acme_qa, login, small_corpus):
    login(acme_qa)
    response = client.post("/pharma/assistant/", {"question": "cleaning", "authority": "NASA"})
    assert "Select a valid choice" in response.content.decode()
