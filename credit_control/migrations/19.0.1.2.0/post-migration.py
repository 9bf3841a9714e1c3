"""Customers by Exposure keeps its rows up to date: its refresh runs every quarter of
an hour (it recomputes the customers whose figures changed) instead of once a day."""


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_cron SET interval_number = 15, interval_type = 'minutes'
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'credit_control'
                           AND name = 'ir_cron_credit_exposure_refresh')"""
    )
