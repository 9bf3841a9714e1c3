"""Loads the add-ons' Odoo-free modules by path: no Odoo, no database needed."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_module(relative_path):
    path = ROOT / relative_path
    name = "pure_" + "_".join(path.with_suffix("").parts[-3:])
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def rules():
    return load_module("credit_control/lib/credit_rules.py")


@pytest.fixture(scope="session")
def coverage():
    return load_module("credit_insurance/lib/coverage.py")


@pytest.fixture(scope="session")
def periods():
    return load_module("credit_insurance/lib/periods.py")


@pytest.fixture(scope="session")
def scoring():
    return load_module("credit_control/lib/scoring.py")


@pytest.fixture(scope="session")
def dunning():
    return load_module("credit_control/lib/dunning.py")


@pytest.fixture(scope="session")
def ageing():
    return load_module("credit_control/lib/ageing.py")


@pytest.fixture(scope="session")
def backtest():
    return load_module("credit_control/lib/backtest.py")


@pytest.fixture(scope="session")
def limit_approval():
    return load_module("credit_control/lib/limit_approval.py")


@pytest.fixture(scope="session")
def alerts():
    return load_module("credit_control/lib/alerts.py")


@pytest.fixture(scope="session")
def tools():
    return load_module("credit_control/tools.py")
