"""The data of the dunning bench database, added by SQL to a copy of the credit_control
one (``generate.py``): 100 000 open invoices of the 10 000 regular customers, 10 each
(their open invoices cloned in turn with ``generate._clone``, each clone due a week
earlier than the previous one), an email on every customer, and the two heavy
customers under a policy without dunning levels, so that the run duns exactly the
regular customers.
"""

import generate

DATA_VERSION = "1"  # of what build() makes: a new value rebuilds the database

PER_CUSTOMER = 10  # open invoices of each regular customer
OPEN = (  # open customer invoices
    "move_type = 'out_invoice' AND state = 'posted' "
    "AND payment_state NOT IN ('paid', 'in_payment', 'reversed')"
)
# What to clone: clone k of a customer copies its open invoice k modulo their
# number, k + 1 weeks earlier.
SPEC_SQL = f"""
CREATE TEMP TABLE bench_spec AS
WITH template AS (
     SELECT id, partner_id, invoice_date, invoice_date_due,
            row_number() OVER (PARTITION BY partner_id ORDER BY id) - 1 AS n,
            count(*) OVER (PARTITION BY partner_id) AS total
       FROM account_move WHERE {OPEN} AND partner_id = ANY(%(regular)s)),
spec AS (
     SELECT t.id AS template_id, t.partner_id, k,
            t.invoice_date - 7 * (k + 1) AS invoice_date,
            t.invoice_date_due - 7 * (k + 1) AS due
       FROM template t CROSS JOIN generate_series(0, %(per_customer)s - 1) k
      WHERE t.n = k %% t.total AND k < %(per_customer)s - t.total)
SELECT row_number() OVER (ORDER BY partner_id, k) AS seq, template_id,
       nextval('account_move_id_seq')::int AS move_id, invoice_date, due
  FROM spec ORDER BY partner_id, k
"""


def regular_customers(env):
    value = env["ir.config_parameter"].get_param("credit_bench.customers")
    return [int(i) for i in value.split(",")]


def build(env, log):
    """The invoices, emails and policies of the dunning database."""
    cr = env.cr
    regular = regular_customers(env)
    heavies = env["res.partner"].search([("name", "=like", "Bench Heavy H=%")])
    no_dunning = env["credit.policy"].create({"name": "Bench Without Dunning"})
    no_dunning.dunning_level_ids.unlink()
    heavies.with_company(env.company).credit_policy_id = no_dunning
    env.flush_all()
    log(f"cloning open invoices: {PER_CUSTOMER} for each of {len(regular)} customers")
    cr.execute(SPEC_SQL, {"regular": regular, "per_customer": PER_CUSTOMER})
    name, dated = "'BDUN/' || s.seq", {"date": "s.invoice_date"}
    dated["invoice_date"] = "s.invoice_date"
    moves = {"id": "s.move_id", "name": name, "payment_reference": name, **dated}
    moves.update(sequence_prefix="'BDUN/'", sequence_number="s.seq")
    moves.update(invoice_date_due="s.due", access_token="NULL")
    moves.update(inalterable_hash="NULL", secure_sequence_number="NULL")
    lines = {"move_id": "s.move_id", "move_name": name, **dated}
    lines["date_maturity"] = "CASE WHEN t.display_type = 'payment_term' THEN s.due END"
    lines.update(matching_number="NULL", full_reconcile_id="NULL")
    generate._clone(cr, "account_move", moves, "t.id = s.template_id")
    where = "t.move_id = s.template_id"
    generate._clone(cr, "account_move_line", lines, where, skip_id=True)
    cr.execute("DROP TABLE bench_spec")
    cr.execute(
        "UPDATE res_partner SET email = 'bench.customer.' || id || '@example.com' "
        "WHERE id = ANY(%s)",
        [regular + heavies.ids],
    )
    env.invalidate_all()
    cr.execute(
        f"SELECT count(*), count(DISTINCT partner_id) FROM account_move "
        f"WHERE {OPEN} AND partner_id = ANY(%s)",
        [regular],
    )
    invoices, customers = cr.fetchone()
    built = {"dunning_version": DATA_VERSION, "dunning_open_invoices": invoices}
    built["dunning_customers"] = customers
    for key, value in built.items():
        env["ir.config_parameter"].set_param(f"credit_bench.{key}", str(value))
    return built
