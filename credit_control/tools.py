"""Helpers of the hot paths: writing many rows at once with PostgreSQL's COPY, as
Odoo's own ``_ensure_xml_id`` writes its ``ir_model_data`` rows; today's date of the
user without reading the user."""

import io
import json

import psycopg2.extensions

from odoo import fields


def user_today(record):
    """``fields.Date.context_today(record)``, the user's timezone taken from their
    cached context when the context gives none: reading ``user.tz`` would load the
    whole user and partner rows, about 4 ms that confirming an order never spends
    otherwise."""
    env = record.env
    tz = env.context.get("tz") or env["res.users"].context_get().get("tz")
    return fields.Date.context_today(record.with_context(tz=tz or "UTC"))


def copy_rows(cr, table, columns, rows):
    """Write ``rows`` (tuples of Python values in the order of ``columns``) into
    ``table`` with one COPY: much faster than an INSERT of the same rows, whose
    statement PostgreSQL would parse first.  Lists and dicts go as JSON, ``None``
    as NULL; no ORM method runs."""
    text = io.StringIO("".join("\t".join(map(_copy_text, row)) + "\n" for row in rows))
    # COPY does not work with an asynchronous wait callback (gevent)
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cr.copy_from(text, table, columns=columns)
    finally:
        psycopg2.extensions.set_wait_callback(callback)


# what COPY's text format reads as the end of a value or row, the backslash first
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _copy_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, str):
        for char, escaped in _COPY_ESCAPES:
            value = value.replace(char, escaped)
        return value
    if isinstance(value, (list, dict)):
        return _copy_text(json.dumps(value, separators=(",", ":")))
    return str(value)  # numbers, dates and booleans as PostgreSQL reads them
