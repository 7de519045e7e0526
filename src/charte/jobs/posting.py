"""An offer as a schema.org ``JobPosting`` (JSON-LD), so that a shared offer page is read by search engines
and job aggregators: title, description, dates, employment type, hiring organisation (with its SIREN and its
register page), place or remote work, base salary as a range per hour, month or year, hours, start date,
number of places, and for work-study the diploma prepared.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from charte.jobs.offers import Offer

EMPLOYMENT_TYPE: Final = {"cdi": "FULL_TIME", "cdd": "TEMPORARY", "interim": "TEMPORARY",
                          "apprenticeship": "OTHER", "professionalisation": "OTHER", "internship": "INTERN"}
UNIT: Final = {"hour": "HOUR", "month": "MONTH", "year": "YEAR"}
FULL_TIME_HOURS: Final = 35
PARIS: Final = ZoneInfo("Europe/Paris")


def job_posting(offer: Offer, *, url: str, posted_on: date, company: str, siren: str | None,
                register_url: str | None, rome: str) -> str:
    """The JSON-LD text, safe to embed in ``<script type="application/ld+json">`` (``<``, ``>``, ``&`` escaped)."""
    kinds = [EMPLOYMENT_TYPE[offer.contract]]
    if offer.weekly_hours < FULL_TIME_HOURS and kinds[0] == "FULL_TIME":
        kinds = ["PART_TIME"]
    organisation: dict[str, Any] = {"@type": "Organization", "name": company}
    if siren:
        organisation["identifier"] = {"@type": "PropertyValue", "propertyID": "SIREN", "value": siren}
    if register_url:
        organisation["sameAs"] = register_url
    doc: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "JobPosting", "@id": url, "url": url,
        "title": offer.title, "description": offer.description, "datePosted": posted_on.isoformat(),
        "validThrough": datetime.combine(offer.expires_on, time(23, 59, 59), PARIS).isoformat(),
        "employmentType": kinds, "hiringOrganization": organisation,
        "jobStartDate": offer.start_on.isoformat(), "totalJobOpenings": offer.places,
        "workHours": f"{offer.weekly_hours} h/semaine", "occupationalCategory": rome,
        "industry": "Centres de contact", "directApply": False,
        "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": {
            # JSON numbers, as schema.org expects; written from the exact amounts, no arithmetic on them
            "@type": "QuantitativeValue", "minValue": float(offer.pay_min), "maxValue": float(offer.pay_max),
            "unitText": UNIT[offer.pay_period]}},
        "jobLocation": {"@type": "Place", "address": {
            "@type": "PostalAddress", "addressLocality": offer.commune.name,
            "postalCode": offer.commune.postcodes[0] if offer.commune.postcodes else "",
            "addressRegion": offer.commune.region, "addressCountry": "FR"}},
    }
    if offer.work_mode == "remote":
        doc["jobLocationType"] = "TELECOMMUTE"
        doc["applicantLocationRequirements"] = {"@type": "Country", "name": "FR"}
    if offer.is_work_study:
        doc["educationRequirements"] = {"@type": "EducationalOccupationalCredential", "name": offer.diploma,
                                        "credentialCategory": "diploma"}
    if offer.languages:
        doc["inLanguage"] = list(offer.languages)
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
