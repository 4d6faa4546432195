"""The pathway questionnaire page: one plain form without JavaScript, progressive questions
and in-place answers with htmx, form errors for missing or bad answers, the disclaimer up
front, and pharma users only."""

from __future__ import annotations

import pytest

from pharma.pathways import DISCLAIMER

URL = "/pharma/pathways/"
US_GENERIC = {"region": "US", "product_type": "generic", "reference_product": "Lipitor",
              "same_as_reference": "yes"}  # fmt: skip


@pytest.fixture
def quinn(client, acme_qa, login):
    return login(acme_qa)


def test_anonymous_visitors_log_in_and_patients_are_refused(client, alice_patient, login):
    assert client.get(URL).url.startswith("/accounts/login/")
    login(alice_patient)
    assert client.get(URL).status_code == 403
    assert client.post(URL, US_GENERIC).status_code == 403


def test_the_plain_page_shows_every_question_and_the_disclaimer(quinn):
    page = quinn.get(URL).content.decode()
    assert DISCLAIMER in page
    for name in ("region", "product_type", "reference_product", "data_rights", "eu_markets",
                 "reference_regulator", "otc_conforms"):  # fmt: skip
        assert f'name="{name}"' in page
    assert 'hx-trigger="load, change"' in page  # with JavaScript it narrows at once


def test_a_plain_post_names_the_pathway_with_reasons_and_citations(quinn):
    response = quinn.post(URL, US_GENERIC)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ANDA under section 505(j)" in page
    assert "Reference product named: Lipitor." in page
    assert (
        "21 CFR 314.94" in page and "https://www.ecfr.gov/current/title-21/section-314.94" in page
    )
    assert page.count(DISCLAIMER) >= 2  # at the top and with the answer


def test_htmx_questions_step_returns_only_the_questions_that_apply(quinn):
    response = quinn.post(
        URL, {"region": "EU", "product_type": "small_molecule", "step": "questions"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset class="question" id="question-region" hx-preserve')
    assert 'name="novelty"' in html and 'name="eu_markets"' in html
    assert 'name="reference_regulator"' not in html and 'name="otc_conforms"' not in html
    assert "errorlist" not in html  # a step is not a submission


def test_an_htmx_submission_swaps_in_the_answer(quinn):
    answers = {"region": "UK", "product_type": "biosimilar", "reference_product": "Humira",
               "reference_regulator": "yes"}  # fmt: skip
    response = quinn.post(URL, answers, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<section id="pathway"')
    assert "International Recognition Procedure" in html and "reg. 53A" in html
    assert 'name="otc_conforms"' not in html  # only the questions that apply stay


def test_missing_answers_are_form_errors(quinn):
    response = quinn.post(URL, {"region": "EU", "product_type": "generic"})
    page = response.content.decode()
    assert response.status_code == 422
    assert (
        page.count("Answer this question: it applies to your answers.") == 3
    )  # ref, same, markets
    assert "Likely pathway" not in page


@pytest.mark.parametrize(
    "data",
    [
        {"region": "Mars", "product_type": "generic"},
        {"region": "US", "product_type": "<script>alert(1)</script>"},
        {**US_GENERIC, "reference_product": "x" * 1000},
        {},
    ],
)
def test_bad_input_is_a_form_error_never_a_500(quinn, data):
    response = quinn.post(URL, data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422
    assert "errorlist" in html and "<script>alert" not in html


def test_a_reference_name_is_escaped_in_the_answer(quinn):
    page = quinn.post(URL, {**US_GENERIC, "reference_product": "<b>Zocor</b>"}).content.decode()
    assert "&lt;b&gt;Zocor&lt;/b&gt;" in page and "<b>Zocor</b>" not in page
