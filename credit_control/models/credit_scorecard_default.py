from odoo import Command, api, models

# The default scorecard given to every company: (feature, weight, bands), each band
# (low, high, points) with None for an unbounded side.  Weights sum to 100.
DEFAULT_FACTORS = [
    ("on_time_share", 20, [(None, 50, 0), (50, 80, 8), (80, 95, 15), (95, None, 20)]),
    ("avg_days_late", 15, [(30, None, 0), (15, 30, 5), (5, 15, 10), (None, 5, 15)]),
    (
        "max_days_late",
        10,
        [(90, None, 0), (60, 90, 2), (30, 60, 5), (10, 30, 8), (None, 10, 10)],
    ),
    ("overdue_share", 10, [(50, None, 0), (25, 50, 3), (10, 25, 6), (None, 10, 10)]),
    ("months_trading", 10, [(None, 6, 0), (6, 24, 5), (24, None, 10)]),
    ("sales_trend", 5, [(None, -25, 0), (-25, -10, 2), (-10, 0, 4), (0, None, 5)]),
    (
        "debt_ratio",
        10,
        [(None, 0.4, 10), (0.4, 0.6, 7), (0.6, 0.8, 4), (0.8, 1.0, 1), (1.0, None, 0)],
    ),
    (
        "current_ratio",
        10,
        [(None, 0.8, 0), (0.8, 1.0, 3), (1.0, 1.5, 6), (1.5, 2.0, 8), (2.0, None, 10)],
    ),
    (
        "rating_points",
        10,
        [(None, 20, 0), (20, 40, 2.5), (40, 60, 5), (60, 80, 7.5), (80, None, 10)],
    ),
]
# (code, min_score, max_limit, equity_pct, revenue_pct, sales_months, review_months)
DEFAULT_GRADES = [
    ("AAA", 90, 1_000_000, 10, 5, 3, 12),
    ("AA", 80, 500_000, 10, 5, 3, 12),
    ("A", 70, 250_000, 10, 5, 3, 12),
    ("BBB", 60, 100_000, 10, 5, 3, 6),
    ("BB", 50, 50_000, 10, 5, 3, 6),
    ("B", 40, 20_000, 10, 5, 3, 6),
    # no term: no credit
    ("C", 0, 0, 0, 0, 0, 3),
]


class CreditScorecard(models.Model):
    """The default scorecard every company gets, active, named in every language."""

    _inherit = "credit.scorecard"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _credit_default_names(self):
        """The default scorecard's name and its grades' names, in the context's
        language."""
        return {
            "name": self.env._("Standard Scorecard"),
            "AAA": self.env._("Prime"),
            "AA": self.env._("Very strong"),
            "A": self.env._("Strong"),
            "BBB": self.env._("Adequate"),
            "BB": self.env._("Moderate risk"),
            "B": self.env._("High risk"),
            "C": self.env._("Very high risk"),
        }

    @api.model
    def _credit_create_default(self, company):
        """The default scorecard of ``company``, active, named in every language."""
        Scorecard = self.sudo().with_context(lang="en_US")
        names = Scorecard._credit_default_names()
        scorecard = Scorecard.create(
            {
                "name": names["name"],
                "company_id": company.id,
                "factor_ids": [
                    Command.create(
                        {
                            "sequence": sequence,
                            "feature": feature,
                            "weight": weight,
                            "band_ids": [
                                Command.create(
                                    {
                                        "no_low": low is None,
                                        "low": low or 0.0,
                                        "no_high": high is None,
                                        "high": high or 0.0,
                                        "points": points,
                                    }
                                )
                                for low, high, points in bands
                            ],
                        }
                    )
                    for sequence, (feature, weight, bands) in enumerate(
                        DEFAULT_FACTORS, start=1
                    )
                ],
                "grade_ids": [
                    Command.create(
                        {
                            "sequence": sequence,
                            "code": code,
                            "name": names[code],
                            "min_score": min_score,
                            "max_limit": max_limit,
                            "equity_pct": equity_pct,
                            "revenue_pct": revenue_pct,
                            "sales_months": sales_months,
                            "review_months": review_months,
                        }
                    )
                    for sequence, (
                        code,
                        min_score,
                        max_limit,
                        equity_pct,
                        revenue_pct,
                        sales_months,
                        review_months,
                    ) in enumerate(DEFAULT_GRADES, start=1)
                ],
            }
        )
        translated = {
            lang: Scorecard.with_context(lang=lang)._credit_default_names()
            for lang, _name in self.env["res.lang"].get_installed()
            if lang != "en_US"
        }
        if translated:
            scorecard.update_field_translations(
                "name", {lang: tr["name"] for lang, tr in translated.items()}
            )
            for grade in scorecard.grade_ids:
                grade.update_field_translations(
                    "name", {lang: tr[grade.code] for lang, tr in translated.items()}
                )
        scorecard.action_activate()
        return scorecard

    @api.model
    def _credit_ensure_default_scorecards(self, companies=None):
        """Give every company in ``companies`` (every company when not given)
        without any scorecard the default one, active.  Idempotent; run on
        install, on each upgrade and for each new company."""
        with_scorecard = [
            company.id for (company,) in self.sudo()._read_group([], ["company_id"])
        ]
        domain = [("id", "not in", with_scorecard)]
        if companies:
            domain.append(("id", "in", companies.ids))
        Company = self.env["res.company"].sudo().with_context(active_test=False)
        for company in Company.search(domain):
            self._credit_create_default(company)
        return True
