"""The SQL parts of credit_control's single exposure query (``credit.exposure``)."""

# Every part of the exposure query selects rows of the same columns: commercial
# partner, document currency, component code, amount rounded in that currency, a date
# (the oldest overdue due date) and a note (a block's).  ``family`` is the partners
# asked about with their commercial partner; ``%(in_family)s`` after a commercial
# partner's id tests that it is one of theirs.

# The open receivable items (``aml``) of the company and its branches: posted, not
# reconciled, something left; the predicates of the partial index that covers them.
OPEN_RECEIVABLE_SQL = """
aml.account_id = ANY(ARRAY(SELECT id FROM account_account
                            WHERE account_type = 'asset_receivable'))
AND aml.reconciled IS NOT TRUE
AND aml.parent_state = 'posted'
AND aml.amount_residual_currency <> 0
AND aml.company_id = ANY(%(company_ids)s)
"""

# Posted receivables not yet reconciled (open invoices, unapplied payments and credit
# notes).  Unapplied credits pay the oldest overdue items first: what they leave of
# the overdue items is the overdue amount, and the oldest item they leave unpaid its
# age, looked for item by item only when there are such credits.  Add-ons read their
# own figures of the items in the same scan (``open_item_*``, see
# :meth:`CreditExposure._credit_open_item_figures`); a figure without items is NULL
# and gives no row.
RECEIVABLE_SQL = """
SELECT open_items.partner_id, open_items.currency_id, part.component, part.amount,
       part.date, NULL::text
  FROM (
    SELECT f.commercial_partner_id AS partner_id,
           aml.currency_id,
           SUM(aml.amount_residual_currency) AS receivable,
           GREATEST(
               COALESCE(SUM(aml.amount_residual_currency) FILTER (
                   WHERE aml.date_maturity < %(today)s
                     AND aml.amount_residual_currency > 0), 0)
               + COALESCE(SUM(aml.amount_residual_currency) FILTER (
                   WHERE aml.amount_residual_currency < 0), 0),
               0) AS overdue,
           MIN(aml.date_maturity) FILTER (
               WHERE aml.date_maturity < %(today)s
                 AND aml.amount_residual_currency > 0) AS oldest,
           -COALESCE(SUM(aml.amount_residual_currency) FILTER (
               WHERE aml.amount_residual_currency < 0), 0) AS credits
           %(open_item_columns)s
      FROM account_move_line aml
      JOIN family f ON f.id = aml.partner_id
      %(open_item_joins)s
     WHERE %(open_receivable)s
  GROUP BY 1, 2
  ) open_items
  CROSS JOIN LATERAL (VALUES
      ('receivable', open_items.receivable, NULL::date),
      ('overdue', open_items.overdue, CASE
          WHEN open_items.overdue = 0 THEN NULL
          WHEN open_items.credits = 0 THEN open_items.oldest
          ELSE (SELECT item.date_maturity
                  FROM (SELECT aml.date_maturity,
                               SUM(aml.amount_residual_currency) OVER (
                                   ORDER BY aml.date_maturity, aml.id) AS running
                          FROM account_move_line aml
                          JOIN family f ON f.id = aml.partner_id
                         WHERE f.commercial_partner_id = open_items.partner_id
                           AND aml.currency_id = open_items.currency_id
                           AND %(open_receivable)s
                           AND aml.amount_residual_currency > 0
                           AND aml.date_maturity < %(today)s) item
                 WHERE item.running > open_items.credits
                 ORDER BY item.date_maturity
                 LIMIT 1)
      END)
      %(open_item_rows)s) AS part(component, amount, date)
 WHERE part.amount IS NOT NULL
"""

# Draft customer invoices and credit notes not coming from an order (those are
# counted with their order).
DRAFT_SQL = """
SELECT partner_id, currency_id, 'draft_invoices', SUM(amount), NULL::date, NULL::text
  FROM (SELECT f.commercial_partner_id AS partner_id,
               aml.currency_id,
               CASE WHEN am.move_type = 'out_refund' THEN -aml.price_total
                    ELSE aml.price_total END AS amount
          FROM account_move_line aml
          JOIN family f ON f.id = aml.partner_id
          JOIN account_move am ON am.id = aml.move_id
         WHERE aml.parent_state = 'draft'
           AND aml.display_type = 'product'
           AND aml.company_id = ANY(%(company_ids)s)
           AND am.move_type IN ('out_invoice', 'out_refund')
           AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel rel
                            WHERE rel.invoice_line_id = aml.id)) draft_line
 GROUP BY 1, 2
"""

# Confirmed orders not yet invoiced: the stored untaxed amount to invoice, plus what
# is still to deliver of lines invoiced on delivery (%(to_deliver)s), grossed up by
# the line's own tax ratio; a down payment line carries a negative amount to invoice
# once its invoice is posted, so it is never counted twice.  The untaxed amount comes
# with it, for the features that judge amounts without tax.
ORDERS_SQL = """
SELECT ordered.partner_id, ordered.currency_id, part.component,
       ROUND(part.amount / ordered.rounding) * ordered.rounding, NULL::date, NULL::text
  FROM (
    SELECT f.commercial_partner_id AS partner_id,
           so.currency_id,
           currency.rounding,
           SUM(line.untaxed * line.tax_ratio) AS taxed,
           SUM(line.untaxed) AS untaxed
      FROM sale_order so
      JOIN family f ON f.id = so.%(order_partner)s
      JOIN res_currency currency ON currency.id = so.currency_id
      JOIN sale_order_line sol ON sol.order_id = so.id
      LEFT JOIN product_product product ON product.id = sol.product_id
      LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
     CROSS JOIN LATERAL (SELECT
           sol.untaxed_amount_to_invoice + CASE
               WHEN tmpl.invoice_policy = 'delivery'
                AND sol.product_uom_qty > sol.qty_delivered
               THEN %(to_deliver)s * sol.price_subtotal / sol.product_uom_qty
               ELSE 0 END AS untaxed,
           CASE
               WHEN sol.price_subtotal <> 0
                   THEN sol.price_total / sol.price_subtotal
               ELSE 1 + COALESCE((
                   SELECT SUM(tax.amount) / 100
                     FROM account_tax_sale_order_line_rel tax_rel
                     JOIN account_tax tax ON tax.id = tax_rel.account_tax_id
                    WHERE tax_rel.sale_order_line_id = sol.id
                      AND tax.amount_type = 'percent'), 0)
           END AS tax_ratio) line
     WHERE so.state = 'sale'
       AND so.company_id = ANY(%(company_ids)s)
       AND (sol.untaxed_amount_to_invoice <> 0
            OR sol.qty_delivered < sol.product_uom_qty)
  GROUP BY 1, 2, 3
  ) ordered
  CROSS JOIN LATERAL (VALUES
      ('orders_to_invoice', ordered.taxed),
      ('orders_untaxed', ordered.untaxed)) AS part(component, amount)
"""

# The customers' own credit settings in the company, where they have one (the others
# take the field's default): read here, the check needs no other query.
PROFILE_SQL = """
SELECT partner.id, NULL::int, 'profile:' || setting.name, setting.amount,
       setting.date, NULL::text
  FROM res_partner partner
 CROSS JOIN LATERAL (VALUES
       ('credit_limit', (partner.credit_limit ->> %(company_key)s)::numeric,
        NULL::date),
       ('credit_limit_temp', (partner.credit_limit_temp ->> %(company_key)s)::numeric,
        (partner.credit_limit_temp_end ->> %(company_key)s)::date),
       ('credit_policy_id', (partner.credit_policy_id ->> %(company_key)s)::numeric,
        NULL::date)) AS setting(name, amount, date)
 WHERE partner.id %(in_family)s
   AND setting.amount IS NOT NULL
"""

# The customers' blocks in the company, one row per origin.
BLOCKS_SQL = """
SELECT block.partner_id, NULL::int, 'block:' || block.origin, NULL::numeric,
       NULL::date, block.note
  FROM credit_block block
 WHERE block.active
   AND block.company_id = %(company_id)s
   AND block.partner_id %(in_family)s
"""

# The group of companies each customer belongs to in the company, and its limit.
GROUP_SQL = """
SELECT member.partner_id, NULL::int, 'profile:' || setting.name, setting.amount,
       NULL::date, NULL::text
  FROM credit_group_member_rel member
  JOIN credit_group grp ON grp.id = member.group_id
 CROSS JOIN LATERAL (VALUES
       ('credit_group_id', grp.id::numeric),
       ('credit_group_limit', grp.credit_limit)) AS setting(name, amount)
 WHERE grp.active
   AND grp.company_id = %(company_id)s
   AND member.partner_id %(in_family)s
"""
