"""An offer's form: every problem at its field, at once; a valid work-study offer in Lyon; the JSON-LD."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from charte.domain.law import Resolved
from charte.jobs.communes import communes
from charte.jobs.offers import parse_offer
from charte.jobs.posting import job_posting
from charte.jobs.problems import by_field
from charte.jobs.reference_jobs import reference_jobs
from charte.jobs.wording import flags

TODAY = date(2026, 3, 2)


def smic(day: date) -> Resolved:
    return Resolved("smic.hourly_gross", Decimal("12.02"), "EUR gross per hour", "Décret n° 2025-1228", False)


WORK_STUDY_IN_LYON = {
    "function": "service", "job_id": "conseiller-clientele-distance", "title_detail": "énergie",
    "classification": "niveau 2, coefficient 160", "city": "Lyon", "work_mode": "on_site",
    "contract": "apprenticeship", "duration_months": "24", "diploma": "BTS NDRC", "school": "IGS Lyon",
    "weekly_hours": "35", "shifts": ["weekdays", "saturdays"], "schedule": "9h–17h, un samedi sur trois",
    "languages": ["fr", "en"], "pay_min": "1 100", "pay_max": "1400,50", "pay_period": "month",
    "start_on": "2026-04-01", "expires_on": "2026-04-15", "places": "4",
    "description": "Accueillir les clients d'un fournisseur d'énergie par téléphone et par chat.",
}


def parse(form: dict[str, object]):  # type: ignore[no-untyped-def]
    return parse_offer(form, TODAY, communes(), reference_jobs(), smic)  # type: ignore[arg-type]


def test_a_work_study_offer_in_lyon() -> None:
    offer, problems = parse(WORK_STUDY_IN_LYON)
    assert problems == []
    assert offer is not None
    assert offer.commune.insee == "69123" and offer.commune.region == "Auvergne-Rhône-Alpes"
    assert offer.title == "Conseiller / Conseillère clientèle à distance — énergie"
    assert offer.pay_min == Decimal("1100") and offer.pay_max == Decimal("1400.50")
    assert offer.is_work_study and offer.diploma == "BTS NDRC" and offer.shifts == ("weekdays", "saturdays")


def test_every_problem_is_found_at_once_at_its_field() -> None:
    form = dict(WORK_STUDY_IN_LYON, function="sales", job_id="astronaut", city="Saint-Denis", contract="cdd",
                duration_months="30", weekly_hours="60", shifts=["midnight"], languages=[], pay_min="1850",
                pay_max="1 700", pay_period="week", start_on="2026-02-30", expires_on="2026-12-31",
                places="0", description="", diploma="")
    offer, problems = parse(form)
    assert offer is None
    fields = by_field(problems)
    assert {f: [p.code for p in ps] for f, ps in fields.items()} == {
        "function": ["unknown_choice"], "job_id": ["unknown_choice"], "city": ["ambiguous_city"],
        "duration_months": ["out_of_range"], "weekly_hours": ["out_of_range"], "shifts": ["unknown_choice"],
        "languages": ["required"], "pay_period": ["unknown_choice"], "start_on": ["not_a_date"],
        "places": ["out_of_range"], "description": ["required"], "pay_max": ["pay_range_reversed"],
        "expires_on": ["expiry_out_of_range"]}
    assert "Saint-Denis (93)" in fields["city"][0].message


def test_work_study_needs_its_diploma_and_school_and_a_job_must_be_of_its_function() -> None:
    form = dict(WORK_STUDY_IN_LYON, diploma="", school="", function="support")
    _, problems = parse(form)
    assert {(p.field, p.code) for p in problems} == {("diploma", "required"), ("school", "required"),
                                                     ("job_id", "job_not_of_function")}


def test_pay_below_the_smic_is_refused_with_the_minimum() -> None:
    form = dict(WORK_STUDY_IN_LYON, contract="cdi", pay_min="1800", pay_max="1900")
    _, problems = parse(form)
    [problem] = problems
    assert problem.field == "pay_min" and problem.params["least"] == Decimal("1823.03")
    assert "1823.03" in problem.message


def test_the_job_posting_json_ld() -> None:
    offer, _ = parse(WORK_STUDY_IN_LYON)
    assert offer is not None
    text = job_posting(offer, url="https://emplois.example/emplois/abc", posted_on=TODAY, company="Relais <Contact>",
                       siren="987654324", register_url="https://emplois.example/registre/987654324", rome="D1408")
    assert "<" not in text and ">" not in text
    doc = json.loads(text)
    assert doc["@type"] == "JobPosting" and doc["hiringOrganization"]["name"] == "Relais <Contact>"
    assert doc["baseSalary"]["value"] == {"@type": "QuantitativeValue", "minValue": 1100.0, "maxValue": 1400.5,
                                          "unitText": "MONTH"}
    assert doc["jobLocation"]["address"]["addressLocality"] == "Lyon"
    assert doc["validThrough"] == "2026-04-15T23:59:59+02:00"   # summer time from 29 March 2026
    assert doc["educationRequirements"]["name"] == "BTS NDRC"


def test_discriminatory_wording_is_flagged_not_welcome_wording() -> None:
    found = flags("Recherche jeune téléconseiller (H/F) sans accent, 20-25 ans",
                  "Poste ouvert aux personnes en situation de handicap.")
    assert [(f.phrase, f.criterion) for f in found] == [("jeune", "age"), ("20 25 ans", "age"),
                                                         ("sans accent", "origin")]
    assert flags("Conseiller clientèle H/F, débutant accepté, horaires 9h-18h") == []
