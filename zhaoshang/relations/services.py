"""Finding investors: one firm, one record, whichever unit met it first."""

from django.db import transaction

from zhaoshang.core.models import record_created
from zhaoshang.core.parsing import normalise_text
from zhaoshang.relations.models import Company
from zhaoshang.relations.normalise import normalise_company_name


def company_key(name: str, uscc: str) -> str:
    return (uscc or "").strip().upper() or normalise_company_name(name)


@transaction.atomic
def companies_for(pairs: list[tuple[str, str]], unit) -> dict[str, Company]:
    """{company_key: Company} for (name, credit code) pairs: found by credit code, then by
    normalised name, and created in bulk (with their audit rows) when neither matches.
    A found company without a code gets the code it was given."""
    wanted = {}
    for name, uscc in pairs:
        if name or uscc:
            wanted.setdefault(company_key(name, uscc), (normalise_text(name), (uscc or "").strip().upper()))
    codes = [uscc for _, uscc in wanted.values() if uscc]
    names = {normalise_company_name(name) for name, _ in wanted.values() if name}
    by_code = {company.uscc: company for company in Company.objects.filter(uscc__in=codes)} if codes else {}
    by_name = {}
    for company in Company.objects.filter(normalised_name__in=names).order_by("pk"):
        by_name.setdefault(company.normalised_name, company)
    found, missing = {}, []
    for key, (name, uscc) in wanted.items():
        company = by_code.get(uscc) if uscc else None
        if company is None and name:
            company = by_name.get(normalise_company_name(name))
            if company is not None and uscc and not company.uscc and uscc not in by_code:
                company.uscc = uscc
                company.save()
                by_code[uscc] = company
        if company is None:
            company = Company(name=name or uscc, uscc=uscc or None, created_by_unit=unit)
            company.derive_fields()
            missing.append(company)
            if company.uscc:
                by_code[company.uscc] = company
            by_name.setdefault(company.normalised_name, company)
        found[key] = company
    Company.objects.bulk_create(missing, batch_size=2000)
    record_created(missing)
    return found
