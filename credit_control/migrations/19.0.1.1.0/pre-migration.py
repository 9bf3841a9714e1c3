"""Before the models load: the reason code becomes a free code (add-ons add theirs), and
the manual hold columns are kept aside for the post-migration to turn into blocks."""


def migrate(cr, version):
    cr.execute(
        """DELETE FROM ir_model_fields_selection selection
                 USING ir_model_fields field
            WHERE selection.field_id = field.id
              AND field.model = 'credit.hold.reason'
              AND field.name = 'code'"""
    )
    cr.execute(
        """DELETE FROM ir_model_data
            WHERE module = 'credit_control'
              AND model = 'ir.model.fields.selection'
              AND name LIKE 'selection__credit_hold_reason__code__%'"""
    )
    cr.execute(
        "UPDATE credit_hold_reason SET code = 'blocked' WHERE code = 'manual_hold'"
    )
    for column in ("credit_hold", "credit_hold_reason"):
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'res_partner' AND column_name = %s",
            [column],
        )
        if cr.rowcount:
            cr.execute(
                f'ALTER TABLE res_partner RENAME COLUMN "{column}" TO "{column}_legacy"'
            )
