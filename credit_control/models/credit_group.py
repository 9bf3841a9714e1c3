from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..lib import credit_rules


class CreditGroup(models.Model):
    """Companies of one group that share a credit limit in a company.

    The check at confirmation also holds an order when what the members owe
    together, plus the order, exceeds the group's limit (reason
    ``group_over_limit``); each member keeps its own limit besides.
    """

    _name = "credit.group"
    _description = "Credit Group"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(
        string="Group Limit",
        tracking=True,
        help="What the members may owe together; 0 means no group limit.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "credit_group_member_rel",
        "group_id",
        "partner_id",
        string="Members",
        domain="[('parent_id', '=', False)]",
    )
    member_count = fields.Integer(compute="_compute_member_count")
    exposure = fields.Monetary(compute="_compute_exposure")
    available = fields.Monetary(compute="_compute_exposure")
    utilisation = fields.Float(string="Utilisation (%)", compute="_compute_exposure")
    note = fields.Text()

    @api.depends("partner_ids")
    def _compute_member_count(self):
        for group in self:
            group.member_count = len(group.partner_ids)

    @api.depends("partner_ids", "credit_limit", "company_id")
    def _compute_exposure(self):
        Exposure = self.env["credit.exposure"].sudo()
        today = fields.Date.context_today(self)
        for group in self:
            members = group.partner_ids._origin
            judged = {}
            if members and group._origin:
                exposures = Exposure._compute_exposures(group.company_id, members.ids)
                judged = Exposure._credit_judge(group.company_id, exposures, today)
            group.exposure = sum(
                exposure.total
                for partner_id, (_policy, exposure, _limit) in judged.items()
                if partner_id in members.ids
            )
            group.available = (
                credit_rules.available(group.credit_limit, group.exposure)
                if group.credit_limit > 0
                else 0.0
            )
            group.utilisation = credit_rules.utilisation_pct(
                group.credit_limit, group.exposure
            )

    @api.model
    @tools.ormcache()
    def _credit_group_members(self):
        """The members of the active groups: per company id, per member id, the ids
        of its group's members in order (itself included).  The exposure query of
        a few customers reads their group's other members too, and a check locks
        the first member.  Cached; cleared when a group changes."""
        self.flush_model(["active", "company_id", "partner_ids"])
        self.env.cr.execute(
            """SELECT grp.company_id, member.partner_id,
                      ARRAY_AGG(other.partner_id ORDER BY other.partner_id)
                 FROM credit_group grp
                 JOIN credit_group_member_rel member ON member.group_id = grp.id
                 JOIN credit_group_member_rel other ON other.group_id = grp.id
                WHERE grp.active
                GROUP BY grp.company_id, member.partner_id"""
        )
        members = defaultdict(dict)
        for company_id, partner_id, mates in self.env.cr.fetchall():
            members[company_id][partner_id] = tuple(mates)
        return dict(members)

    @api.model
    @tools.ormcache()
    def _credit_group_firsts(self):
        """The members of the active groups and the first member of the group of
        each, as two tuples in the same order: what a check's lock statement looks
        up.  Cached with the members."""
        pairs = [
            (member_id, mates[0])
            for members in self._credit_group_members().values()
            for member_id, mates in members.items()
        ]
        return tuple(m for m, _f in pairs), tuple(f for _m, f in pairs)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if {"company_id", "active", "partner_ids"} & set(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.constrains("credit_limit")
    def _check_credit_limit(self):
        if any(group.credit_limit < 0 for group in self):
            raise ValidationError(self.env._("A group limit cannot be negative."))

    @api.constrains("partner_ids")
    def _check_members(self):
        for group in self:
            contacts = group.partner_ids.filtered(
                lambda p: p.commercial_partner_id != p
            )
            if contacts:
                raise ValidationError(
                    self.env._(
                        "Only companies and individuals can be members of a group, "
                        "not their contacts: %(contacts)s.",
                        contacts=", ".join(contacts.mapped("display_name")),
                    )
                )

    @api.constrains("partner_ids", "company_id", "active")
    def _check_one_group(self):
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT member.partner_id
                     FROM credit_group_member_rel member
                     JOIN credit_group grp ON grp.id = member.group_id
                    WHERE grp.active
                      AND member.partner_id IN (SELECT partner_id
                                                  FROM credit_group_member_rel
                                                 WHERE group_id = ANY(%s))
                    GROUP BY member.partner_id, grp.company_id
                   HAVING COUNT(*) > 1""",
                self.ids,
            )
        )
        twice = self.env["res.partner"].browse(r[0] for r in self.env.cr.fetchall())
        if twice:
            raise ValidationError(
                self.env._(
                    "A customer belongs to one group per company: %(partners)s "
                    "already belong to another.",
                    partners=", ".join(twice.sudo().mapped("display_name")),
                )
            )
