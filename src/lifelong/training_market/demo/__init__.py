"""Shanghai demo data of the training market: 阳光艺术培训中心 (徐汇区, staffed by the demo
account `institution_staff`, premises leased for two more years) and 300 other institutions
across the 16 districts, each an `identity` organisation, with contracts, payments, lessons,
releases and refunds in the ledger; two institutions heading for trouble (one in 徐汇区, one in
黄浦区) so that both district regulators' risk lists have something on them; complaints,
inspections, a penalty case, the public lists, staff with vetting checks, and a pending
application. The demo `parent`'s child 陈小雨 has a piano contract at 阳光艺术培训中心.

Idempotent (nothing is added once 阳光艺术培训中心 is registered) and quick: the rows are
bulk-inserted, ledger postings before their transaction rows as the invariants require."""

from lifelong.training_market.demo.loader import load_demo

__all__ = ["load_demo"]
