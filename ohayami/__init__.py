"""ohayami — a Jupyter workshop kit for putting a digital service into practice (デジタル実装).

Public API: the guide's loaders, one type's card, the diagnostic chart and the kit's error type.
Widgets, figures and the workbenches live in submodules and are imported only when used.
"""

from .chart import check_all, diagnose
from .errors import OhayamiError
from .guide import (
    TYPE_IDS,
    TypeCard,
    load_cases,
    load_chart,
    load_criteria_template,
    load_exclusion_reasons,
    load_priority_criteria,
    load_problem_template,
    load_references,
    load_steps,
    load_types,
    load_vision_template,
    type_card,
    validate_all,
)

__version__ = "0.1.0"

__all__ = [
    "check_all", "diagnose", "OhayamiError", "TYPE_IDS", "TypeCard", "load_cases", "load_chart", "load_criteria_template",
    "load_exclusion_reasons", "load_priority_criteria", "load_problem_template", "load_references",
    "load_steps", "load_types", "load_vision_template", "type_card", "validate_all",
]
