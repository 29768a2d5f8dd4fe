"""One weighted multi-criteria engine for type C problems and type E vendor services.

    from ohayami.scoring import Criterion, Evaluation, Rules, PriceRule, evaluate
    ev = Evaluation({"V1": "A社", "V2": "B社"}, [Criterion("f", "機能", 60), Criterion("u", "使いやすさ", 40, "A-E")],
                    scores)            # long frame: evaluator, alternative_id, criterion_id, value
    result = evaluate(ev, Rules(combine="average", rounding="truncate", digits=1))
    result.table                       # total, rank, exclusions and reasons per alternative
"""

from .engine import (Criterion, Evaluation, PriceRule, Result, Rules, apply_rounding, evaluate, rank_vote,
                     round_half_up, spread, truncate)
from .price import PriceMethod, price_method, price_methods
from .scales import PRESETS, Scale, normalise_entry, parse_scale
from .sensitivity import intuition_check, kendall_tau_b, rank_probabilities, spearman, weight_sensitivity
from .weights import (AHPResult, RANDOM_INDEX, WEIGHT_METHODS, WeightMethod, ahp, combine_pairwise, combine_weights,
                      direct_points, normalise, pairwise_matrix, rank_order_centroid, weight_method, weight_methods)

__all__ = [
    "AHPResult", "Criterion", "Evaluation", "PRESETS", "PriceMethod", "PriceRule", "RANDOM_INDEX", "Result", "Rules",
    "Scale", "WEIGHT_METHODS", "WeightMethod", "ahp", "apply_rounding", "combine_pairwise", "combine_weights",
    "direct_points", "evaluate", "intuition_check", "kendall_tau_b", "normalise", "normalise_entry", "pairwise_matrix",
    "parse_scale", "price_method", "price_methods", "rank_order_centroid", "rank_probabilities", "rank_vote",
    "round_half_up", "spearman", "spread", "truncate", "weight_method", "weight_methods", "weight_sensitivity",
]
