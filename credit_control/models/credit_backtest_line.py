from odoo import fields, models


class CreditBacktestLine(models.Model):
    """What followed the scores of one grade in a back-test."""

    _name = "credit.backtest.line"
    _description = "Scorecard Back-test by Grade"
    _order = "backtest_id, min_score desc, id"
    _rec_name = "grade_id"

    backtest_id = fields.Many2one(
        "credit.backtest",
        string="Back-test",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="backtest_id.company_id", store=True, index=True
    )
    date = fields.Date(related="backtest_id.date", store=True, string="Run On")
    latest = fields.Boolean(related="backtest_id.latest", store=True)
    scorecard_id = fields.Many2one(related="backtest_id.scorecard_id", store=True)
    scorecard_version = fields.Integer(
        related="backtest_id.scorecard_version", store=True, string="Version"
    )
    grade_id = fields.Many2one("credit.grade", index=True)
    grade_code = fields.Char(
        related="grade_id.code",
        store=True,
        string="Grade Code",
        help="Compares the same grade across scorecard versions.",
    )
    min_score = fields.Float(related="grade_id.min_score", store=True)
    observations = fields.Integer()
    customers = fields.Integer()
    late_count = fields.Integer(string="Late")
    late_rate = fields.Float(string="Late Rate (%)", digits=(16, 2), aggregator="avg")
    default_count = fields.Integer(string="Defaults")
    default_rate = fields.Float(
        string="Default Rate (%)", digits=(16, 2), aggregator="avg"
    )
