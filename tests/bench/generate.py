"""Synthetic credit data for the benchmark, written straight into a bench database.

A few documents are made with the ORM (one posted invoice, one draft invoice, one
confirmed order) and then cloned by SQL with ``INSERT ... SELECT`` over a spec table,
every column copied from the template except the ones that make a document its own (ids,
partner, names, dates, amounts).  The clones are consistent enough for credit_control's
exposure query and for Odoo's own figures: posted ``out_invoice`` moves with
``amount_total``/``amount_residual``/``payment_state``, and their receivable line with
``amount_residual(_currency)``, ``reconciled``, ``parent_state``, ``date_maturity``;
confirmed orders with ``untaxed_amount_to_invoice``.  The same data goes into the
database with ``credit_control`` and into the one with plain ``sale``.

Per regular customer (``customers`` of them): 3 open invoices (one not due, one
partially paid, one overdue), 2 paid ones (reconciled), one confirmed order not
invoiced, and a draft invoice for every fifth customer.  Plus one customer per entry of
``heavy`` with that many open invoices, each with a one-line quotation
(``client_order_ref`` ``bench-h<H>``) to confirm, whose salesperson is the first of
the bench salespeople.  The documents sell a service.

Users, each with its login as password: ``SALESPEOPLE`` salespeople (``Sales / User:
Own Documents Only``) and, where ``credit_control`` is installed, ``CREDIT_USERS``
credit users (``Credit User``).

:func:`throughput_orders` adds, at every run, the customers and quotations that the
salespeople confirm through RPC: each customer's limit lets only some of its quotations
fit.
"""

import random

from odoo import Command, fields

DATA_VERSION = "4"
LIMIT = 1e12  # so that no order is ever held: every confirmation is a real one
SALESPEOPLE = 8
CREDIT_USERS = 2


def sales_login(n):
    return f"bench_sales_{n}"


def credit_login(n):
    return f"bench_credit_{n}"


def has_credit_control(env):
    return "credit.policy" in env


def confirm_unchecked(orders):
    """Confirm without the credit check (credit_control's engine context) if any."""
    if has_credit_control(orders.env):
        from odoo.addons.credit_control.models.sale_order import credit_engine

        orders = credit_engine(orders)
    return orders.action_confirm()


def create_users(env):
    """The bench salespeople and credit users, each with its login as password."""
    salesman = env.ref("sales_team.group_sale_salesman")
    vals = [
        {
            "name": f"Bench Salesperson {n}",
            "login": sales_login(n),
            "password": sales_login(n),
            "group_ids": [Command.set(salesman.ids)],
        }
        for n in range(SALESPEOPLE)
    ]
    if has_credit_control(env):
        credit_user = env.ref("credit_control.group_credit_user")
        vals += [
            {
                "name": f"Bench Credit User {n}",
                "login": credit_login(n),
                "password": credit_login(n),
                "group_ids": [Command.set(credit_user.ids)],
            }
            for n in range(CREDIT_USERS)
        ]
    return env["res.users"].with_context(no_reset_password=True).create(vals)


def generate(env, customers=10_000, heavy=(10, 10_000), log=print):
    cr = env.cr
    company = env.company
    log("creating the users")
    users = create_users(env)
    if not env["account.account"].search_count(
        [("account_type", "=", "asset_receivable")]
    ):
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
    product = env["product.product"].create(
        {
            "name": "Bench Service",
            "type": "service",
            "list_price": 100.0,
            "taxes_id": [],
            "invoice_policy": "order",
        }
    )
    partner_vals = {"is_company": True, "customer_rank": 1, "credit_limit": LIMIT}
    if has_credit_control(env):
        policy = env["credit.policy"].create({"name": "Bench", "warning_pct": 0.0})
        company.credit_policy_id = policy
    log(f"creating {customers + len(heavy)} customers")
    partners = (
        env["res.partner"]
        .with_context(tracking_disable=True)
        .create(
            [
                dict(partner_vals, name=f"Bench Customer {i:05d}")
                for i in range(customers)
            ]
            + [dict(partner_vals, name=f"Bench Heavy H={h}") for h in heavy]
        )
    )
    regular, heavies = partners[:customers], partners[customers:]

    def invoice(partner, post=True):
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.id, "price_unit": 100.0, "tax_ids": []}
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def order(partner, confirm=True, ref=False, user=False):
        so = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "client_order_ref": ref,
                "user_id": user and user.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": 100.0,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        if confirm:
            confirm_unchecked(so)
        return so

    posted, draft, sale = (
        invoice(regular[0]),
        invoice(regular[0], post=False),
        order(regular[0]),
    )
    for partner, h in zip(heavies, heavy, strict=False):
        order(partner, confirm=False, ref=f"bench-h{h}", user=users[0])
    env.flush_all()

    today = fields.Date.context_today(env.user)
    cr.execute("""
        CREATE TEMP TABLE bench_spec (
            seq serial, kind text, partner_id int, amount numeric, residual numeric,
            invoice_date date, due date, move_id int, order_id int)""")
    # kind: open / paid / draft / order.  Amounts vary so that sums are not trivial.
    cr.execute(
        """
        INSERT INTO bench_spec
               (kind, partner_id, amount, residual, invoice_date, due)
        SELECT k.kind, p.id, a.amount,
               CASE k.kind WHEN 'paid' THEN 0
                           WHEN 'partial' THEN round(a.amount * 0.4, 2)
                           ELSE a.amount END,
               %(today)s::date - k.age, %(today)s::date - k.age + 30
          FROM unnest(%(regular)s::int[]) WITH ORDINALITY AS p(id, n)
          CROSS JOIN (VALUES ('open', 5), ('partial', 20), ('open', 75), ('paid', 120),
                             ('paid', 200), ('draft', 0), ('order', 0)) AS k(kind, age)
          CROSS JOIN LATERAL (
               SELECT (100 + (p.n * 37 + k.age) %% 900)::numeric AS amount) a
         WHERE k.kind <> 'draft' OR p.n %% 5 = 0""",
        {"today": today, "regular": regular.ids},
    )
    for partner, h in zip(heavies, heavy, strict=False):
        cr.execute(
            """
            INSERT INTO bench_spec
               (kind, partner_id, amount, residual, invoice_date, due)
            SELECT CASE WHEN g %% 4 = 0 THEN 'partial' ELSE 'open' END, %(pid)s,
                   100 + g %% 900,
                   CASE WHEN g %% 4 = 0 THEN round((100 + g %% 900) * 0.4, 2)
                        ELSE 100 + g %% 900 END,
                   %(today)s::date - g %% 400, %(today)s::date - g %% 400 + 30
              FROM generate_series(1, %(h)s) g""",
            {"pid": partner.id, "h": h, "today": today},
        )
    cr.execute(
        "UPDATE bench_spec SET move_id = nextval('account_move_id_seq') "
        "WHERE kind <> 'order'"
    )
    cr.execute(
        "UPDATE bench_spec SET order_id = nextval('sale_order_id_seq') "
        "WHERE kind = 'order'"
    )
    cr.execute("SELECT kind, count(*) FROM bench_spec GROUP BY 1 ORDER BY 1")
    log("cloning documents: " + ", ".join(f"{k} {n}" for k, n in cr.fetchall()))

    signed = "s.amount"
    move_over = {
        "id": "s.move_id",
        "partner_id": "s.partner_id",
        "commercial_partner_id": "s.partner_id",
        "partner_shipping_id": "s.partner_id",
        "date": "s.invoice_date",
        "invoice_date": "s.invoice_date",
        "invoice_date_due": "s.due",
        "name": "'BINV/' || s.seq",
        "payment_reference": "'BINV/' || s.seq",
        "sequence_prefix": "'BINV/'",
        "sequence_number": "s.seq",
        "amount_untaxed": signed,
        "amount_total": signed,
        "amount_untaxed_signed": signed,
        "amount_total_signed": signed,
        "amount_total_in_currency_signed": signed,
        "amount_untaxed_in_currency_signed": signed,
        "amount_residual": "s.residual",
        "amount_residual_signed": "s.residual",
        "payment_state": "CASE WHEN s.residual = 0 THEN 'paid' "
        "WHEN s.residual < s.amount THEN 'partial' ELSE 'not_paid' END",
        "invoice_partner_display_name": "NULL",
        "access_token": "NULL",
        "inalterable_hash": "NULL",
        "secure_sequence_number": "NULL",
    }
    product = "t.display_type = 'product'"
    receivable = "t.display_type = 'payment_term'"  # the receivable line
    line_over = {
        "move_id": "s.move_id",
        "partner_id": "s.partner_id",
        "date": "s.invoice_date",
        "invoice_date": "s.invoice_date",
        "move_name": "'BINV/' || s.seq",
        "date_maturity": f"CASE WHEN {receivable} THEN s.due END",
        # the product line is a credit, the receivable line a debit
        "debit": "CASE WHEN t.debit > 0 THEN s.amount ELSE 0 END",
        "credit": "CASE WHEN t.credit > 0 THEN s.amount ELSE 0 END",
        "balance": "sign(t.balance) * s.amount",
        "amount_currency": "sign(t.amount_currency) * s.amount",
        **{
            name: f"CASE WHEN {product} THEN s.amount ELSE t.{name} END"
            for name in ("price_unit", "price_subtotal", "price_total")
        },
        **{
            name: f"CASE WHEN {receivable} THEN s.residual ELSE 0 END"
            for name in ("amount_residual", "amount_residual_currency")
        },
        "reconciled": f"CASE WHEN {receivable} THEN s.residual = 0 "
        "ELSE t.reconciled END",
        "matching_number": "NULL",
        "full_reconcile_id": "NULL",
    }
    for template, where in (
        (posted, "s.kind IN ('open', 'partial', 'paid')"),
        (draft, "s.kind = 'draft'"),
    ):
        over = dict(move_over)
        if template is draft:
            del over["name"], over["sequence_prefix"], over["sequence_number"]
            over["amount_residual"] = over["amount_residual_signed"] = "s.amount"
            over["payment_state"] = "'not_paid'"
        _clone(cr, "account_move", over, f"t.id = {template.id} AND " + where)
        _clone(
            cr,
            "account_move_line",
            line_over,
            f"t.move_id = {template.id} AND " + where,
            skip_id=True,
        )

    order_over = {
        "id": "s.order_id",
        "partner_id": "s.partner_id",
        "partner_invoice_id": "s.partner_id",
        "partner_shipping_id": "s.partner_id",
        "name": "'BSO/' || s.seq",
        "amount_untaxed": "s.amount",
        "amount_total": "s.amount",
        "access_token": "NULL",
    }
    order_line_over = {
        "order_id": "s.order_id",
        "order_partner_id": "s.partner_id",
        "price_unit": "s.amount",
        "price_subtotal": "s.amount",
        "price_total": "s.amount",
        "price_reduce_taxexcl": "s.amount",
        "price_reduce_taxinc": "s.amount",
        "untaxed_amount_to_invoice": "s.amount",
        "amount_to_invoice": "s.amount",
    }
    _clone(cr, "sale_order", order_over, f"t.id = {sale.id} AND s.kind = 'order'")
    _clone(
        cr,
        "sale_order_line",
        order_line_over,
        f"t.order_id = {sale.id} AND s.kind = 'order'",
        skip_id=True,
    )
    for table in ("account_move", "sale_order"):
        cr.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    cr.execute("DROP TABLE bench_spec")
    env.invalidate_all()
    env["ir.config_parameter"].set_param("credit_bench.data_version", DATA_VERSION)
    env["ir.config_parameter"].set_param(
        "credit_bench.customers", ",".join(map(str, regular.ids))
    )


def _clone(cr, table, overrides, where, skip_id=False):
    """Copy the template rows of ``table`` once per matching ``bench_spec`` row."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND table_schema = current_schema()",
        [table],
    )
    columns = [c for (c,) in cr.fetchall() if not (skip_id and c == "id")]
    values = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    cr.execute(
        f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} t, bench_spec s "
        f"WHERE {where} ORDER BY s.seq"
    )


def throughput_orders(env, tag, rounds, customers=20, per_customer=5, fit=3, warmup=2):
    """Customers and quotations for the salespeople to confirm through RPC.

    ``rounds`` sets of ``customers`` new customers (named with ``tag``), each with
    ``per_customer`` one-line quotations of 100 and a limit that lets ``fit`` of them
    fit; and ``warmup`` quotations per salesperson of a customer without worries, to
    warm the server up.  Quotation ``j`` of customer ``c`` belongs to salesperson
    ``(c * per_customer + j) % SALESPEOPLE``, who confirms its quotations in an order
    shuffled with a fixed seed.  The customers have no
    customer rank, so that they stay out of the customer list that the bench reads.

    Returns ``{"rounds": [{"customers": [id...], "orders": {login: [id...]}}],
    "warmup": {login: [id...]}, "limit": limit, "amount": amount}``.
    """
    amount = 100.0
    limit = amount * (fit + 0.5)
    users = env["res.users"].search(
        [("login", "in", [sales_login(n) for n in range(SALESPEOPLE)])]
    )
    users = users.sorted(lambda u: int(u.login.rsplit("_", 1)[1]))
    product = env["product.product"].search([("name", "=", "Bench Service")], limit=1)
    Partner = env["res.partner"].with_context(tracking_disable=True)

    def quotations(partner_owners):
        """One quotation per (partner, salesperson), created at once."""
        return env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for partner, user in partner_owners
            ]
        )

    result = {"rounds": [], "warmup": {}, "limit": limit, "amount": amount}
    for r in range(rounds):
        partners = Partner.create(
            [
                {
                    "name": f"Bench Throughput {tag} R{r} C{c:02d}",
                    "is_company": True,
                    "credit_limit": limit,
                }
                for c in range(customers)
            ]
        )
        orders = {user.login: [] for user in users}
        pairs = [
            (partner, users[(c * per_customer + j) % SALESPEOPLE])
            for c, partner in enumerate(partners)
            for j in range(per_customer)
        ]
        for (_partner, user), so in zip(pairs, quotations(pairs), strict=True):
            orders[user.login].append(so.id)
        for n, login in enumerate(orders):  # the same order on every database
            random.Random(r * SALESPEOPLE + n).shuffle(orders[login])
        result["rounds"].append({"customers": partners.ids, "orders": orders})
    relaxed = Partner.create(
        {
            "name": f"Bench Throughput {tag} warm-up",
            "is_company": True,
            "credit_limit": LIMIT,
        }
    )
    pairs = [(relaxed, user) for user in users for _ in range(warmup)]
    for (_partner, user), so in zip(pairs, quotations(pairs), strict=True):
        result["warmup"].setdefault(user.login, []).append(so.id)
    return result
