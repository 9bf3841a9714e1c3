from odoo import api, models


class CreditScorecardPart(models.AbstractModel):
    """A piece of a scorecard (a factor, a band, a grade): it changes only while its
    scorecard is a draft, so that a score always says what scored it."""

    _name = "credit.scorecard.part"
    _description = "Part of a Credit Scorecard"

    def _credit_scorecards(self):
        """The scorecards these pieces belong to."""
        return self.scorecard_id

    @api.model_create_multi
    def create(self, vals_list):
        parts = super().create(vals_list)
        parts._credit_scorecards()._credit_check_editable()
        return parts

    def write(self, vals):
        self._credit_scorecards()._credit_check_editable()
        result = super().write(vals)
        # Moved to another scorecard: that one must be a draft too.
        self._credit_scorecards()._credit_check_editable()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        self._credit_scorecards()._credit_check_editable()
