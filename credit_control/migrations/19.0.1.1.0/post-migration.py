"""Manual holds were a company-dependent flag and reason on the customer; they become
manual blocks, one per customer and company.  Reasons recorded before carry no figures:
they show their label."""


def migrate(cr, version):
    cr.execute(
        "UPDATE credit_hold_reason SET blocking = (code <> 'near_limit') "
        "WHERE blocking IS NULL"
    )
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = 'credit_hold_legacy'"
    )
    if not cr.rowcount:
        return
    cr.execute(
        """INSERT INTO credit_block (partner_id, company_id, origin, note, active,
                                     create_uid, create_date, write_uid, write_date)
           SELECT partner.id, hold.key::int, 'manual',
                  COALESCE(NULLIF(partner.credit_hold_reason_legacy ->> hold.key, ''),
                           'Manual hold'),
                  TRUE, 1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
             FROM res_partner partner
            CROSS JOIN LATERAL jsonb_each(partner.credit_hold_legacy) AS hold
            WHERE hold.value = 'true'::jsonb
              AND EXISTS (SELECT 1 FROM res_company c WHERE c.id = hold.key::int)
           ON CONFLICT DO NOTHING"""
    )
    cr.execute("ALTER TABLE res_partner DROP COLUMN credit_hold_legacy")
    cr.execute(
        "ALTER TABLE res_partner DROP COLUMN IF EXISTS credit_hold_reason_legacy"
    )
