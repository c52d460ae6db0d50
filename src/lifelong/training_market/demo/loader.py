"""`load_demo`: the registry, then contracts and the ledger, then supervision and staff."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.training_market.common import add_months
from lifelong.training_market.demo.contracts import (
    ordinary_contract,
    sunshine_contracts,
    trouble_contracts,
)
from lifelong.training_market.demo.ledger import Batch
from lifelong.training_market.demo.staff import load_staff
from lifelong.training_market.demo.supervision import load_supervision
from lifelong.training_market.demo.world import (
    BRANDS,
    CONTRACTS_PER_INSTITUTION,
    ESCROW_BANK,
    KINDS,
    OTHERS,
    SUNSHINE,
    TROUBLE,
    Ctx,
    day_at,
    new_institution,
)
from lifelong.training_market.models import (
    ACCOUNT_SIGN,
    INSTITUTION_ACCOUNT_KINDS,
    Account,
    Contract,
    ContractState,
    EscrowAgreement,
    Institution,
    InstitutionCategory,
    Premises,
)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo registry, contracts and ledger, supervision records and staff."""
    sunshine_org = identity.find_organisation(SUNSHINE)
    if sunshine_org is None:
        return {"institutions": 0}
    if Institution.objects.filter(pk=sunshine_org.id).exists():
        return {"institutions": Institution.objects.count()}
    today = clock.today()
    rng = random.Random(2020)
    users = {
        u.username: u.pk
        for u in get_user_model().objects.filter(
            username__in=[
                "institution_staff",
                "regulator",
                "district_officer",
                "district_officer_huangpu",
                "citizen",
                "parent",
                "senior_citizen",
            ]
        )
    }
    bank = identity.find_organisation(ESCROW_BANK)
    bank_id = bank.id if bank else identity.ensure_organisation(ESCROW_BANK, "bank", None, "310115")
    ctx = Ctx(today, rng, Batch(), bank_id, users)
    districts = {d.code: d.name for d in identity.districts()}
    bureaus = {
        code: (identity.find_organisation(f"{name}教育局") or sunshine_org).id
        for code, name in districts.items()
    }

    # ---- the registry ----
    institutions = [
        new_institution(
            ctx,
            sunshine_org.id,
            SUNSHINE,
            identity.organisation_uscc(sunshine_org.id) or "",
            "310104",
            for_profit=False,
            categories=["arts"],
            lease_end=add_months(today, 24),
            licence_until=add_months(today, 30),
        )
    ]
    codes = sorted(districts)
    specs = []
    for n in range(OTHERS):
        district = codes[n % len(codes)]
        short = districts[district].removesuffix("新区").removesuffix("区")
        category = rng.choice(list(KINDS))
        troubled = n < len(codes) and district in TROUBLE
        brand = BRANDS[(n // len(codes)) % len(BRANDS)]
        name = TROUBLE[district] if troubled else f"上海{short}{brand}{KINDS[category][0]}"
        if troubled:
            category = "subject"
        elif n >= len(BRANDS) * len(codes):
            name = f"{name}（{n // (len(BRANDS) * len(codes)) + 1}分部）"
        for_profit = category in ("subject", "vocational") or rng.random() < 0.5
        uscc = identity.demo_uscc("91" if for_profit else "52", district, f"MD{n:06d}")
        specs.append((name, "training_institution", uscc, district, bureaus[district]))
        extra = [c for c in rng.sample(list(KINDS), 2) if c != category and c != "subject"][:1]
        institutions.append(
            new_institution(
                ctx,
                0,
                name,
                uscc,
                district,
                for_profit=for_profit,
                categories=[category, *extra],
                lease_end=today + dt.timedelta(days=80 if troubled else rng.randint(200, 1100)),
                licence_until=today + dt.timedelta(days=rng.randint(60, 1500)),
                escrow=troubled or rng.random() < 0.92,
                monthly=rng.random() < 0.15,
            )
        )
    org_ids = identity.ensure_organisations(specs)
    for institution in institutions[1:]:
        institution.organisation_id = org_ids[institution.uscc]
    Institution.objects.bulk_create(institutions, batch_size=1000)
    InstitutionCategory.objects.bulk_create(
        [
            InstitutionCategory(institution=i, category=c)
            for i in institutions
            for c in ctx.extras[i.uscc].categories
        ]
    )
    Premises.objects.bulk_create(
        [
            Premises(
                institution=i,
                address=i.address,
                lease_start=ctx.extras[i.uscc].lease_end - dt.timedelta(days=3 * 365),
                lease_end=ctx.extras[i.uscc].lease_end,
            )
            for i in institutions
        ]
    )
    EscrowAgreement.objects.bulk_create(
        [
            EscrowAgreement(
                institution=i,
                bank_id=bank_id,
                account_number_masked=f"************{rng.randint(1000, 9999)}",
                opened_on=today - dt.timedelta(days=rng.randint(200, 900)),
            )
            for i in institutions
            if ctx.extras[i.uscc].escrow
        ]
    )
    Account.objects.bulk_create(
        [
            Account(institution=i, kind=k, sign=ACCOUNT_SIGN[k])
            for i in institutions
            for k in INSTITUTION_ACCOUNT_KINDS
        ],
        batch_size=2000,
    )
    for kind, institution_id, account_id in Account.objects.filter(
        institution__in=institutions
    ).values_list("kind", "institution_id", "id"):
        ctx.batch.accounts.setdefault(institution_id, {})[kind] = account_id

    # ---- contracts and their money ----
    sunshine = institutions[0]
    sunshine_contracts(ctx, sunshine)
    trouble = [i for i in institutions if i.name in TROUBLE.values()]
    for institution in institutions[1:]:
        if institution in trouble:
            trouble_contracts(ctx, institution)
            continue
        category = ctx.extras[institution.uscc].categories[0]
        for _ in range(rng.randint(*CONTRACTS_PER_INSTITUTION)):
            ordinary_contract(ctx, institution, category)
    Contract.objects.bulk_create(ctx.contracts, batch_size=1000)
    ContractState.objects.bulk_create(ctx.states, batch_size=1000)
    Account.objects.bulk_create(
        [
            Account(
                institution_id=c.institution_id,
                kind="learner_prepaid",
                contract=c,
                sign=ACCOUNT_SIGN["learner_prepaid"],
            )
            for c in ctx.contracts
        ],
        batch_size=2000,
    )
    ctx.batch.prepaid = dict(
        Account.objects.filter(contract__in=ctx.contracts).values_list("contract_id", "id")
    )
    # The stories are told after the accounts exist (their ids go into the postings).
    for story in ctx.stories:
        story()
    for institution in institutions[::7]:
        if ctx.extras[institution.uscc].escrow:
            ctx.batch.post(
                "reserve",
                None,
                institution.pk,
                "reserve_top_up",
                rng.choice((50_000, 100_000, 200_000)) * 100,
                day_at(today - dt.timedelta(days=rng.randint(100, 400))),
            )
    transactions = ctx.batch.flush()

    complaints = load_supervision(ctx, sunshine, trouble, institutions)
    staff = load_staff(ctx, sunshine)
    return {
        "institutions": len(institutions),
        "contracts": len(ctx.contracts),
        "transactions": transactions,
        "complaints": complaints,
        "staff": staff,
    }
