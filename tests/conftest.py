from __future__ import annotations

import os

import pytest
from hypothesis import settings

os.environ.setdefault("KERAS_BACKEND", "torch")

# speed is measured by benchmarks, never by tests: these machines are shared and noisy
settings.register_profile("paramwise", deadline=None)
settings.load_profile("paramwise")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite the expected outputs in tests/golden")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds large real models (minutes on 2 cores); skip with -m 'not slow'")
