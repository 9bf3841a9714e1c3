"""The data of the scoring bench databases, written by SQL into a fresh database with
``credit_control`` (its default scorecard and policy).

Per customer (``customers`` of them), 4 posted invoices over the last 12 months, a
quarter apart (2 for the newest customers), each due 30 days after its date, paid or
not as the customer's profile says: one payment per paid invoice, posted and
reconciled with it
(``account_partial_reconcile`` with its ``max_date``, and ``account_full_reconcile``
when it pays the invoice in full), so that the payment behaviour sees how late each
was paid.  Profiles, by customer number ``n % 20``:

* 0-7 pay on time (up to 9 days before the due date);
* 8-12 pay 5 to 64 days late;
* 13-15 pay the older half of their invoices in full and half of the 2 latest ones,
  0 to 29 days late;
* 16-17 leave their 2 latest invoices unpaid, paid the older ones 30 to 89 days late;
* 18 leave their 3 latest unpaid, paid the oldest 60 to 149 days late;
* 19 are new: 2 invoices, paid on time.

An invoice whose payment would fall after today is still open.  30 % of the
customers have a financial statement of last year, 20 % an external rating valid
today; every customer was scored the day before the database was built: grade ``C``
(the lowest, nothing can fall from it), or for 0.2 % of them the best grade, so that
their grade falls and the scoring follows them up (a review activity for the credit
managers, the default policy's action): a customer's grade changes a few times a year.

A posted invoice and a payment of it made with the ORM are the templates that the
documents are cloned from (``generate._clone``), then deleted; the foreign keys and
indexes of the tables filled are dropped meanwhile, then made again (checked and built
once).  Amounts in the company currency; the sequences advance with the ids taken.
"""

import contextlib
from datetime import timedelta

import generate

DATA_VERSION = "1"  # of what build() makes: a new value rebuilds the databases
INVOICES = 4  # a quarter apart
TEMPLATE_AMOUNT = 100.0
# Tables filled in bulk, their indexes made and foreign keys checked once the rows
# are in.
BULK_TABLES = (
    "res_partner",
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
)

CUSTOMERS_SQL = """
CREATE TEMP TABLE bench_spec AS
SELECT n AS seq, n, nextval('res_partner_id_seq')::int AS id,
       'Bench Scored ' || lpad(n::text, 6, '0') AS name
  FROM generate_series(0, %(customers)s - 1) n
"""
# One row per invoice: its dates, what was paid of it and when; then the ids of the
# documents that it makes.
INVOICES_SQL = """
CREATE TEMP TABLE bench_spec AS
WITH invoice AS (
     SELECT c.id AS partner_id, c.n, c.n %% 20 AS profile, i,
            (200 + (c.n * 7919 + i * 104729) %% 9800)::numeric AS amount,
            %(today)s::date - (15 + 90 * i + c.n %% 30) AS invoice_date
       FROM bench_customer c CROSS JOIN generate_series(0, %(invoices)s - 1) i
      WHERE c.n %% 20 <> 19 OR i < 2),
terms AS (
     SELECT invoice.*, invoice_date + 30 AS due,
            CASE WHEN profile < 8 THEN -(n %% 10)
                 WHEN profile < 13 THEN 5 + (n * 7 + i * 11) %% 60
                 WHEN profile < 16 THEN (n + i * 3) %% 30
                 WHEN profile < 18 THEN CASE WHEN i >= 2 THEN 30 + (n + i) %% 60 END
                 WHEN profile = 18 THEN CASE WHEN i >= 3 THEN 60 + (n * 3 + i) %% 90 END
                 ELSE -(n %% 5) END AS delay,
            CASE WHEN profile BETWEEN 13 AND 15 AND i < 2 THEN 0.5 ELSE 1 END AS share
       FROM invoice),
paid AS (
     SELECT terms.*,
            GREATEST(due + delay, invoice_date + 1) AS pay_date,
            CASE WHEN delay IS NULL OR due + delay > %(today)s THEN 0
                 ELSE round(amount * share, 2) END AS paid
       FROM terms)
SELECT row_number() OVER (ORDER BY n, i DESC) AS seq, partner_id, amount,
       invoice_date, due, paid, CASE WHEN paid > 0 THEN pay_date END AS pay_date,
       nextval('account_move_id_seq')::int AS move_id,
       CASE WHEN paid > 0 THEN nextval('account_move_id_seq')::int END AS pay_move_id,
       CASE WHEN paid > 0 THEN nextval('account_payment_id_seq')::int END
           AS payment_id,
       CASE WHEN paid > 0 THEN nextval('account_partial_reconcile_id_seq')::int END
           AS partial_id,
       CASE WHEN paid = amount THEN nextval('account_full_reconcile_id_seq')::int END
           AS full_id
  FROM paid ORDER BY n, i DESC
"""
FULL_RECONCILE_SQL = """
INSERT INTO account_full_reconcile (id, create_uid, write_uid, create_date, write_date)
SELECT full_id, 1, 1, %(now)s, %(now)s FROM bench_spec WHERE full_id IS NOT NULL
"""
RECONCILE_SQL = """
INSERT INTO account_partial_reconcile
       (id, debit_move_id, credit_move_id, full_reconcile_id, debit_currency_id,
        credit_currency_id, company_id, max_date, amount, debit_amount_currency,
        credit_amount_currency, create_uid, write_uid, create_date, write_date)
SELECT s.partial_id, debit.id, credit.id, s.full_id, %(currency)s, %(currency)s,
       %(company)s, s.pay_date, s.paid, s.paid, s.paid, 1, 1, %(now)s, %(now)s
  FROM bench_spec s
  JOIN account_move_line debit
    ON debit.move_id = s.move_id AND debit.display_type = 'payment_term'
  JOIN account_move_line credit
    ON credit.move_id = s.pay_move_id AND credit.account_id = %(receivable)s
 WHERE s.partial_id IS NOT NULL
 ORDER BY s.seq;
INSERT INTO account_move__account_payment (invoice_id, payment_id)
SELECT move_id, payment_id FROM bench_spec WHERE payment_id IS NOT NULL;
UPDATE account_payment payment SET move_id = s.pay_move_id
  FROM bench_spec s WHERE payment.id = s.payment_id;
"""
# Last year's statement of 30 % of the customers, balanced, with debt ratios from 0.2
# to 1.0 and margins from -5 to 15 %; a rating of 20 %, 10 to 99 points.
FINANCIAL_SQL = """
WITH figures AS (
     SELECT id, n, (1000000 + (n * 1013) %% 9000000)::numeric AS assets,
            0.2 + (n %% 9) / 10.0 AS debt, ((n %% 21) - 5) / 100.0 AS margin
       FROM bench_customer WHERE n %% 10 < 3)
INSERT INTO credit_financial_statement
       (partner_id, company_id, currency_id, source, date_start, date_end, revenue,
        net_profit, total_assets, total_liabilities, current_assets,
        current_liabilities, equity, operating_cash_flow, create_uid, write_uid,
        create_date, write_date)
SELECT id, %(company)s, %(currency)s, 'audited', %(year_start)s, %(year_end)s,
       round(assets * 1.5, 2), round(assets * 1.5 * margin, 2), assets,
       round(assets * debt, 2), round(assets * 0.4, 2),
       round(assets * debt * (0.3 + (n %% 7) / 10.0), 2),
       assets - round(assets * debt, 2), round(assets * 1.5 * margin * 1.2, 2),
       1, 1, %(now)s, %(now)s
  FROM figures ORDER BY n;
INSERT INTO credit_external_rating
       (partner_id, company_id, agency_id, score, points, date, date_valid,
        create_uid, write_uid, create_date, write_date)
SELECT id, %(company)s, %(agency)s, 10 + (n * 37) %% 90, 10 + (n * 37) %% 90,
       %(today)s::date - n %% 200, %(today)s::date + 365 - n %% 200,
       1, 1, %(now)s, %(now)s
  FROM bench_customer WHERE n %% 10 IN (3, 4) ORDER BY n;
"""
PREVIOUS_SCORES_SQL = """
INSERT INTO credit_score_history
       (partner_id, company_id, scorecard_id, scorecard_version, date, grade_id, score,
        proposed_limit, insufficient, reasons, create_uid, write_uid, create_date,
        write_date)
SELECT c.id, %(company)s, %(scorecard)s, %(version)s, %(yesterday)s,
       CASE WHEN c.n %% 500 = 7 THEN %(best)s ELSE %(lowest)s END,
       CASE WHEN c.n %% 500 = 7 THEN 95 ELSE 10 END, 0, false, '[]', 1, 1,
       %(now)s, %(now)s
  FROM bench_customer c ORDER BY c.n
"""


def templates(env, today):
    """A customer, a posted invoice of 100 and its payment in full, by the ORM."""
    from odoo import Command

    product = env["product.product"].create(
        {"name": "Bench Scored Service", "type": "service", "taxes_id": []}
    )
    partner = env["res.partner"].create(
        {"name": "Bench Template", "is_company": True, "customer_rank": 1}
    )
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": today - timedelta(days=60),
            "invoice_date_due": today - timedelta(days=30),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "price_unit": TEMPLATE_AMOUNT,
                        "tax_ids": [],
                    }
                )
            ],
        }
    )
    invoice.action_post()
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=invoice.ids
    ).create({"payment_date": today - timedelta(days=40)})._create_payments()
    env.flush_all()
    payment = invoice.matched_payment_ids
    assert invoice.payment_state == "paid" and payment.move_id, "no template payment"
    return partner, invoice, payment


def scaled(columns, amount):
    """Template amounts (of ``TEMPLATE_AMOUNT``) scaled to ``amount``."""
    return {c: f"t.{c} * {amount} / {TEMPLATE_AMOUNT}" for c in columns}


def invoice_overrides():
    receivable = "t.display_type = 'payment_term'"
    name = "'BINV/' || s.seq"
    move = {
        "id": "s.move_id",
        **dict.fromkeys(
            ("partner_id", "commercial_partner_id", "partner_shipping_id"),
            "s.partner_id",
        ),
        **dict.fromkeys(("date", "invoice_date"), "s.invoice_date"),
        "invoice_date_due": "s.due",
        **dict.fromkeys(("name", "payment_reference"), name),
        "sequence_prefix": "'BINV/'",
        "sequence_number": "s.seq",
        **dict.fromkeys(
            (
                "amount_untaxed",
                "amount_total",
                "amount_untaxed_signed",
                "amount_untaxed_in_currency_signed",
                "amount_total_signed",
                "amount_total_in_currency_signed",
            ),
            "s.amount",
        ),
        **dict.fromkeys(
            ("amount_residual", "amount_residual_signed"), "s.amount - s.paid"
        ),
        "payment_state": "CASE WHEN s.paid = s.amount THEN 'paid' "
        "WHEN s.paid > 0 THEN 'partial' ELSE 'not_paid' END",
        **dict.fromkeys(
            ("invoice_partner_display_name", "access_token", "inalterable_hash"),
            "NULL",
        ),
        "secure_sequence_number": "NULL",
    }
    lines = {
        "move_id": "s.move_id",
        "partner_id": "s.partner_id",
        **dict.fromkeys(("date", "invoice_date"), "s.invoice_date"),
        "move_name": name,
        "date_maturity": f"CASE WHEN {receivable} THEN s.due END",
        **scaled(
            (
                "debit",
                "credit",
                "balance",
                "amount_currency",
                "price_unit",
                "price_subtotal",
                "price_total",
            ),
            "s.amount",
        ),
        **dict.fromkeys(
            ("amount_residual", "amount_residual_currency"),
            f"CASE WHEN {receivable} THEN s.amount - s.paid ELSE 0 END",
        ),
        "reconciled": f"CASE WHEN {receivable} THEN s.paid = s.amount ELSE false END",
        "full_reconcile_id": f"CASE WHEN {receivable} THEN s.full_id END",
        "matching_number": f"CASE WHEN {receivable} THEN "
        "COALESCE(s.full_id::text, 'P' || s.partial_id) END",
    }
    return move, lines


def payment_overrides():
    name, memo = "'BPAY/' || s.seq", "'BINV/' || s.seq"
    payment = {
        "id": "s.payment_id",
        "move_id": "NULL",  # set once its move exists
        "partner_id": "s.partner_id",
        "name": name,
        "memo": memo,
        "date": "s.pay_date",
        **dict.fromkeys(("amount", "amount_company_currency_signed"), "s.paid"),
        "state": "CASE WHEN s.paid = s.amount THEN 'paid' ELSE 'in_process' END",
    }
    move = {
        "id": "s.pay_move_id",
        "origin_payment_id": "s.payment_id",
        **dict.fromkeys(("partner_id", "commercial_partner_id"), "s.partner_id"),
        "name": name,
        "ref": memo,
        "sequence_prefix": "'BPAY/'",
        "sequence_number": "s.seq",
        **dict.fromkeys(("date", "invoice_date_due"), "s.pay_date"),
        **dict.fromkeys(
            (
                "amount_total",
                "amount_total_signed",
                "amount_total_in_currency_signed",
            ),
            "s.paid",
        ),
        **dict.fromkeys(
            ("invoice_partner_display_name", "access_token", "inalterable_hash"),
            "NULL",
        ),
        "secure_sequence_number": "NULL",
    }
    matched = "t.matching_number IS NOT NULL"
    lines = {
        "move_id": "s.pay_move_id",
        "partner_id": "s.partner_id",
        "payment_id": "s.payment_id",
        "move_name": name,
        "ref": memo,
        "name": "'Manual Payment: ' || " + memo,
        **dict.fromkeys(("date", "date_maturity"), "s.pay_date"),
        **scaled(
            (
                "debit",
                "credit",
                "balance",
                "amount_currency",
                "price_subtotal",
                "price_total",
                "amount_residual",
                "amount_residual_currency",
            ),
            "s.paid",
        ),
        "full_reconcile_id": f"CASE WHEN {matched} THEN s.full_id END",
        "matching_number": f"CASE WHEN {matched} THEN "
        "COALESCE(s.full_id::text, 'P' || s.partial_id) END",
    }
    return payment, move, lines


def clone(cr, table, overrides, where, skip_id=False):
    """``generate._clone``, then the table analyzed: the joins of the next steps are
    planned on its real size."""
    generate._clone(cr, table, overrides, where, skip_id=skip_id)
    cr.execute(f"ANALYZE {table}")


@contextlib.contextmanager
def bulk_load(cr, tables, log):
    """The foreign keys of ``tables`` and their indexes but their primary keys and
    unique constraints dropped, then made again: a check per foreign key of the
    whole table and an index built at once instead of row by row."""
    cr.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
             FROM pg_constraint
            WHERE conrelid = ANY(%(tables)s::regclass[]) AND contype = 'f'""",
        {"tables": list(tables)},
    )
    foreign_keys = cr.fetchall()
    cr.execute(
        """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
             FROM pg_index
            WHERE indrelid = ANY(%(tables)s::regclass[]) AND NOT indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint
                               WHERE conindid = indexrelid)""",
        {"tables": list(tables)},
    )
    indexes = cr.fetchall()
    for table, name, _definition in foreign_keys:
        cr.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    yield
    log(f"making the {len(indexes)} indexes again, checking {len(foreign_keys)} keys")
    cr.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        cr.execute(definition)
    for table, name, definition in foreign_keys:
        cr.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for table in tables:
        cr.execute(f"ANALYZE {table}")


def documents(cr, company, today, now, made_by_orm, customers, log):
    """The customers, their invoices and payments, reconciled; what was made."""
    partner, invoice, payment = made_by_orm
    log(f"cloning {customers} customers")
    cr.execute(CUSTOMERS_SQL, {"customers": customers})
    clone(
        cr,
        "res_partner",
        dict.fromkeys(("name", "complete_name", "commercial_company_name"), "s.name")
        | {"id": "s.id", "commercial_partner_id": "s.id"},
        f"t.id = {partner.id}",
    )
    cr.execute("ALTER TABLE bench_spec RENAME TO bench_customer")
    cr.execute("ANALYZE bench_customer")
    cr.execute(INVOICES_SQL, {"today": today, "invoices": INVOICES})
    cr.execute("ANALYZE bench_spec")
    cr.execute(
        "SELECT count(*), count(payment_id), count(full_id), "
        "count(*) FILTER (WHERE paid < amount AND due < %s) FROM bench_spec",
        [today],
    )
    keys = ("invoices", "payments", "paid_in_full", "overdue")
    made = dict(zip(keys, cr.fetchone(), strict=True))
    log(f"cloning the documents: {made}")
    cr.execute(FULL_RECONCILE_SQL, {"now": now})
    move, lines = invoice_overrides()
    clone(cr, "account_move", move, f"t.id = {invoice.id}")
    clone(cr, "account_move_line", lines, f"t.move_id = {invoice.id}", skip_id=True)
    payment_vals, move, lines = payment_overrides()
    paid = "s.payment_id IS NOT NULL"
    clone(cr, "account_payment", payment_vals, f"t.id = {payment.id} AND {paid}")
    clone(cr, "account_move", move, f"t.id = {payment.move_id.id} AND {paid}")
    where = f"t.move_id = {payment.move_id.id} AND {paid}"
    clone(cr, "account_move_line", lines, where, skip_id=True)
    log("reconciling them")
    receivable = invoice.line_ids.filtered(
        lambda line: line.display_type == "payment_term"
    )
    cr.execute(
        RECONCILE_SQL,
        {
            "now": now,
            "currency": company.currency_id.id,
            "company": company.id,
            "receivable": receivable.account_id.id,
        },
    )
    cr.execute("DROP TABLE bench_spec")
    return made


def build(env, customers, log):
    """The customers, their invoices and payments, statements, ratings and
    yesterday's scores; returns what was made, counted."""
    from odoo import fields

    cr, company = env.cr, env.company
    today = fields.Date.context_today(env.user)
    now = fields.Datetime.now()
    made_by_orm = templates(env, today)
    with bulk_load(cr, BULK_TABLES, log):
        made = documents(cr, company, today, now, made_by_orm, customers, log)
    delete_templates(cr, *made_by_orm[1:])
    log("financial statements, ratings and yesterday's scores")
    agency = env["credit.rating.agency"].create({"name": "Bench Agency"})
    year_end = today.replace(month=1, day=1) - timedelta(days=1)
    cr.execute(
        FINANCIAL_SQL,
        {
            "company": company.id,
            "currency": company.currency_id.id,
            "year_start": year_end.replace(month=1, day=1),
            "year_end": year_end,
            "agency": agency.id,
            "today": today,
            "now": now,
        },
    )
    scorecard = env["credit.scorecard"]._active_for(company)
    grades = scorecard.grade_ids.sorted("min_score")
    cr.execute(
        PREVIOUS_SCORES_SQL,
        {
            "company": company.id,
            "scorecard": scorecard.id,
            "version": scorecard.version,
            "yesterday": today - timedelta(days=1),
            "best": grades[-1].id,
            "lowest": grades[0].id,
            "now": now,
        },
    )
    cr.execute("DROP TABLE bench_customer")
    env.invalidate_all()
    made["customers"] = customers
    for key, value in {"data_version": DATA_VERSION, **made}.items():
        env["ir.config_parameter"].set_param(f"credit_bench.scoring_{key}", str(value))
    return made


def delete_templates(cr, invoice, payment):
    """The template documents, so that their customer has none."""
    moves = [invoice.id, payment.move_id.id]
    cr.execute(
        "SELECT array_agg(DISTINCT full_reconcile_id) FROM account_move_line "
        "WHERE move_id = ANY(%s)",
        [moves],
    )
    full = [i for i in cr.fetchone()[0] if i]
    cr.execute(
        "DELETE FROM account_partial_reconcile WHERE debit_move_id IN "
        "(SELECT id FROM account_move_line WHERE move_id = ANY(%s))",
        [moves],
    )
    cr.execute(
        "UPDATE account_move SET origin_payment_id = NULL WHERE id = ANY(%s)", [moves]
    )
    cr.execute("DELETE FROM account_payment WHERE id = %s", [payment.id])
    cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [moves])
    cr.execute("DELETE FROM account_full_reconcile WHERE id = ANY(%s)", [full])
