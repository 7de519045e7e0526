"""Candidates' profiles and how long their data is kept."""

from __future__ import annotations

from datetime import date

from charte.jobs.candidates import inactive_before, months_before, parse_profile
from charte.jobs.communes import communes
from charte.jobs.cv import MAX_CV_BYTES, check_cv, cv_path, store_cv


def test_24_months_before_a_day() -> None:
    assert months_before(date(2026, 12, 1), 24) == date(2024, 12, 1)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2028, 2, 29), 24) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert inactive_before(date(2026, 12, 1)) == date(2024, 12, 1)


def test_a_profile_with_every_problem_at_its_field() -> None:
    profile, problems = parse_profile({"first_name": "", "functions": ["sales"], "city_1": "Saint-Denis",
                                       "city_2": "Atlantis", "radius_km": "500", "available_from": "demain",
                                       "contracts": [], "languages": ["fr"], "shifts": ["weekdays"],
                                       "work_study": "on"}, communes())
    assert profile is None
    assert {(p.field, p.code) for p in problems} == {
        ("first_name", "required"), ("functions", "unknown_choice"), ("city_1", "ambiguous_city"),
        ("city_2", "unknown_city"), ("radius_km", "out_of_range"), ("available_from", "not_a_date"),
        ("contracts", "required"), ("contracts", "work_study_without_contract")}


def test_a_profile_in_lyon() -> None:
    profile, problems = parse_profile({"first_name": "Inès", "functions": ["service", "support"],
                                       "city_1": "Villeurbanne", "city_2": "Lyon", "radius_km": "15",
                                       "available_from": "2026-09-01", "contracts": ["apprenticeship"],
                                       "languages": ["fr", "en"], "shifts": ["weekdays", "evenings"],
                                       "work_study": "on", "searchable": "on"}, communes())
    assert problems == [] and profile is not None
    assert [c.insee for c in profile.cities] == ["69266", "69123"] and profile.searchable and profile.work_study


def test_cvs_are_pdf_only_size_limited_and_stored_by_hash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    assert check_cv(pdf) == []
    assert [p.code for p in check_cv(b"MZ\x90\x00 not a pdf %%EOF")] == ["cv_not_pdf"]
    assert [p.code for p in check_cv(b"%PDF-1.7 truncated")] == ["cv_truncated"]
    assert [p.code for p in check_cv(b"%PDF-" + b"0" * MAX_CV_BYTES + b"%%EOF")] == ["cv_too_large"]
    digest = store_cv(tmp_path, pdf)
    assert store_cv(tmp_path, pdf) == digest and len(list(tmp_path.iterdir())) == 1
    assert cv_path(tmp_path, digest) == tmp_path / f"{digest}.pdf"
    assert cv_path(tmp_path, "../" + digest[3:]) is None and cv_path(tmp_path, "0" * 64) is None
