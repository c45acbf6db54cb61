"""Quality checks for translations: small check classes in a registry (``base.REGISTRY``), run on
every save and on submit. Importing this package registers every check."""

from articles.translations.qa import checks_content, checks_form  # noqa: F401  (registers)
from articles.translations.qa.base import (
    REGISTRY,
    AlignedPair,
    Finding,
    QAContext,
    Severity,
    run_checks,
)

__all__ = ["REGISTRY", "AlignedPair", "Finding", "QAContext", "Severity", "run_checks"]
