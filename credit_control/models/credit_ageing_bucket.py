from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import ageing


class CreditAgeingBucket(models.Model):
    """A bucket of a company's ageing report: not due, 1-30 days past due...

    Kept in step with the company's setting by :meth:`_credit_sync` at each
    refresh of the report, so that the rows of the last refresh and their buckets
    agree.  Reports group by it: their columns come in the buckets' order, named
    in the reader's language.
    """

    _name = "credit.ageing.bucket"
    _description = "Ageing Bucket"
    _order = "sequence, id"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    sequence = fields.Integer(
        string="Bucket", required=True, help="0 for not due, then 1, 2..."
    )
    days_from = fields.Integer(
        string="From (Days Past Due)", help="Empty for the amounts not due."
    )
    days_to = fields.Integer(
        string="To (Days Past Due)", help="Empty for the last bucket."
    )

    _company_sequence_uniq = models.Constraint(
        "unique(company_id, sequence)",
        "A company has one ageing bucket of each rank.",
    )

    @api.depends("sequence", "days_from", "days_to")
    @api.depends_context("lang")
    def _compute_display_name(self):
        not_due = self.env._("Not Due")
        over = self.env._("Over %s")
        for buckets in self.grouped("company_id").values():
            siblings = self.sudo().search([("company_id", "=", buckets.company_id.id)])
            limits = tuple(b.days_to for b in siblings if b.sequence and b.days_to)
            labels = ageing.bucket_labels(limits, not_due, over)
            for bucket in buckets:
                bucket.display_name = labels[bucket.sequence]

    @api.model
    def _credit_sync(self, company, boundaries):
        """Make the company's buckets those of ``boundaries``; return them."""
        wanted = [
            (low or 0, high or 0) for low, high in ageing.bucket_ranges(boundaries)
        ]
        buckets = self.sudo().search([("company_id", "=", company.id)])
        if [(b.days_from, b.days_to) for b in buckets] != wanted:
            # the rows of the company's last ageing go with their buckets
            self.env.cr.execute(
                SQL("DELETE FROM credit_ageing WHERE company_id = %s", company.id)
            )
            buckets.unlink()
            buckets = buckets.create(
                [
                    {
                        "company_id": company.id,
                        "sequence": index,
                        "days_from": low or None,
                        "days_to": None if index == len(wanted) - 1 else high,
                    }
                    for index, (low, high) in enumerate(wanted)
                ]
            )
        return buckets
