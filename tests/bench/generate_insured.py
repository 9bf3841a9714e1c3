"""The data of the credit_insurance bench database, added by SQL to a copy of the
credit_control one (``generate.py``): a policy (both scopes, insured 90 %, no maximum
credit terms); an approved cover (a requested then an approved decision) of 50 000 for
each of the 10 000 regular customers and of 10 000 000 for the two heavy ones; the
regular customers' open invoices cloned (``generate._clone``) up to 100 000 and all
dated in the previous month, the one the monthly declaration covers.
"""

from datetime import timedelta

import generate

DATA_VERSION = "1"  # of what build() makes: a new value rebuilds the database

OPEN_INVOICES = 100_000  # of the regular customers
# The heavy customer's oldest open invoice is due for a year: with the usual 60 days,
# the stop-delivery rule would hold its bench quotation instead of confirming it.
MEP_DAYS = 3650
OPEN = (  # open customer invoices
    "move_type = 'out_invoice' AND state = 'posted' "
    "AND payment_state NOT IN ('paid', 'in_payment', 'reversed')"
)
COVERS_SQL = """
WITH buyer AS (
     SELECT id, CASE WHEN id = ANY(%(heavy)s) THEN 10000000 ELSE 50000 END AS amount
       FROM res_partner WHERE id = ANY(%(heavy)s || %(regular)s)),
cover AS (
     INSERT INTO credit_insurance_cover
            (policy_id, company_id, partner_id, insurer_reference, state,
             date_effective, amount_requested, amount_approved, insured_pct,
             create_uid, write_uid, create_date, write_date)
     SELECT %(policy)s, %(company)s, id, 'BENCH-' || id, 'approved', %(start)s,
            amount, amount, 90.0, 1, 1, %(now)s, %(now)s
       FROM buyer ORDER BY id
  RETURNING id, insurer_reference, amount_approved)
INSERT INTO credit_insurance_cover_line
       (cover_id, company_id, user_id, state, insurer_reference, date, date_effective,
        amount, create_uid, write_uid, create_date, write_date)
SELECT cover.id, %(company)s, 1, decision.state, cover.insurer_reference, %(start)s,
       %(start)s, cover.amount_approved, 1, 1, %(now)s, %(now)s
  FROM cover CROSS JOIN (VALUES (1, 'requested'), (2, 'approved')) decision(n, state)
 ORDER BY cover.id, decision.n
"""
# What to clone: the regular customers' open invoices in turn, one per missing one,
# dated over the days of the month.
SPEC_SQL = f"""
CREATE TEMP TABLE bench_spec AS
WITH template AS (
     SELECT id, row_number() OVER (ORDER BY partner_id, id) - 1 AS n
       FROM account_move WHERE {OPEN} AND partner_id = ANY(%(regular)s))
SELECT g + 1 AS seq, template.id AS template_id,
       nextval('account_move_id_seq')::int AS move_id,
       %(first)s::date + g %% %(days)s AS invoice_date,
       %(first)s::date + g %% %(days)s + 30 AS due
  FROM generate_series(0, %(missing)s - 1) g
  JOIN template ON template.n = g %% %(existing)s
 ORDER BY g
"""
# The regular customers' open invoices not in the month yet: moved into it.
REDATE_SQL = f"""
WITH dated AS (
     SELECT id, %(first)s::date + (row_number() OVER (ORDER BY id))::int %% %(days)s
                AS day
       FROM account_move
      WHERE {OPEN} AND partner_id = ANY(%(regular)s)
        AND invoice_date NOT BETWEEN %(first)s AND %(last)s),
moved AS (
     UPDATE account_move move
        SET date = dated.day, invoice_date = dated.day,
            invoice_date_due = dated.day + 30
       FROM dated WHERE move.id = dated.id
  RETURNING move.id, move.date, move.invoice_date_due)
UPDATE account_move_line line
   SET date = moved.date, invoice_date = moved.date,
       date_maturity = CASE WHEN line.display_type = 'payment_term'
                            THEN moved.invoice_date_due END
  FROM moved WHERE line.move_id = moved.id
"""


def previous_month(env):
    from odoo import fields

    last = fields.Date.context_today(env.user).replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def regular_customers(env):
    value = env["ir.config_parameter"].get_param("credit_bench.customers")
    return [int(i) for i in value.split(",")]


def build(env, log):
    """The policy, the covers and the invoices of the insured database."""
    from odoo import fields

    cr, (first, last) = env.cr, previous_month(env)
    regular = regular_customers(env)
    heavies = env["res.partner"].search([("name", "=like", "Bench Heavy H=%")])
    insurer = env["res.partner"].create({"name": "Bench Insurer", "is_company": True})
    policy = env["credit.insurance.policy"].create(
        {
            "name": "Bench Policy",
            "number": "BENCH-1",
            "insurer_id": insurer.id,
            "date_start": first.replace(year=first.year - 2),
            "max_credit_days": 0,  # both scopes, insured 90 %: the defaults
            "mep_days": MEP_DAYS,
            "premium_rate": 0.25,
        }
    )
    env.flush_all()
    log(f"inserting the covers of {len(regular) + len(heavies)} buyers")
    cr.execute(
        COVERS_SQL,
        {
            "heavy": heavies.ids,
            "regular": regular,
            "policy": policy.id,
            "company": env.company.id,
            "start": policy.date_start,
            "now": fields.Datetime.now(),
        },
    )
    cr.execute(
        f"SELECT count(*) FROM account_move WHERE {OPEN} AND partner_id = ANY(%s)",
        [regular],
    )
    existing = cr.fetchone()[0]
    missing = max(OPEN_INVOICES - existing, 0)
    dates = {"first": first, "last": last, "days": (last - first).days + 1}
    log(f"cloning {missing} of the {existing} regular customers' open invoices")
    counts = {"missing": missing, "existing": existing}
    cr.execute(SPEC_SQL, {**dates, **counts, "regular": regular})
    name, dated = "'BINS/' || s.seq", {"date": "s.invoice_date"}
    dated["invoice_date"] = "s.invoice_date"
    moves = {"id": "s.move_id", "name": name, "payment_reference": name, **dated}
    moves.update(sequence_prefix="'BINS/'", sequence_number="s.seq")
    moves.update(invoice_date_due="s.due", access_token="NULL")
    moves.update(inalterable_hash="NULL", secure_sequence_number="NULL")
    lines = {"move_id": "s.move_id", "move_name": name, **dated}
    lines["date_maturity"] = "CASE WHEN t.display_type = 'payment_term' THEN s.due END"
    lines.update(matching_number="NULL", full_reconcile_id="NULL")
    generate._clone(cr, "account_move", moves, "t.id = s.template_id")
    where = "t.move_id = s.template_id"
    generate._clone(cr, "account_move_line", lines, where, skip_id=True)
    cr.execute("DROP TABLE bench_spec")
    cr.execute(REDATE_SQL, {**dates, "regular": regular})
    env.invalidate_all()
    built = {"insured_version": DATA_VERSION, "insured_policy": policy.id}
    built.update(insured_buyers=len(regular) + len(heavies))
    built.update(insured_open_invoices=OPEN_INVOICES, insured_month=str(first)[:7])
    for key, value in built.items():
        env["ir.config_parameter"].set_param(f"credit_bench.{key}", str(value))
    return built
