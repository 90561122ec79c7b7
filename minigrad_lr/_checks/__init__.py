"""Every argument check of the package, in one place: each error names the argument and its value.

The checks are grouped in four modules by what they check: ``values`` (plain values), ``arrays``,
``model`` (the model, its optimizer and what training code hands them) and ``settings`` (settings
that need more than one number). The rest of the package imports them from here.

A check takes the argument's name (as the caller spells it, e.g. ``"betas[0]"``) and its value, and
returns the value converted to a plain Python type (float, int, bool), so that a NumPy scalar never
reaches an update rule and silently changes a float32 array into float64. It raises ``TypeError``
for a value of the wrong type and ``ValueError`` for a value of the right type but out of range.
"""

from .arrays import (
    check_curve,
    check_data,
    check_data_pair,
    check_finite_array,
    check_float64_variable,
    check_float_ndarray,
    check_lr_grid,
    check_lrs_and_losses,
    check_real_array,
    check_scalar_output,
    check_skip_window,
    check_train_val,
)
from .model import (
    FLOAT_DTYPES,
    check_batch,
    check_buffers,
    check_dout,
    check_dtype,
    check_generator,
    check_iterable,
    check_loss_output,
    check_model_and_optimizer,
    check_params,
    check_sizes,
    check_val_batches,
)
from .settings import (
    RANGE_MODES,
    check_one_cycle,
    check_range,
    check_stop_factor,
)
from .values import (
    MAX_STEP,
    check_at_least,
    check_betas,
    check_callable,
    check_choice,
    check_decay,
    check_executor,
    check_flag,
    check_fraction,
    check_greater,
    check_growth_rate,
    check_names,
    check_no_argument_callable,
    check_non_negative,
    check_number,
    check_open_fraction,
    check_path,
    check_positive,
    check_positive_int,
    check_real,
    check_seeds,
    check_step,
    check_string,
    check_up_to,
    show_int,
    to_float,
)

__all__ = [
    "FLOAT_DTYPES", "MAX_STEP", "RANGE_MODES", "check_at_least", "check_batch", "check_betas", "check_buffers",
    "check_callable", "check_choice", "check_curve", "check_data", "check_data_pair", "check_decay", "check_dout",
    "check_dtype", "check_executor", "check_finite_array", "check_flag", "check_float64_variable",
    "check_float_ndarray", "check_fraction", "check_generator", "check_greater", "check_growth_rate",
    "check_iterable", "check_loss_output", "check_lr_grid", "check_lrs_and_losses", "check_model_and_optimizer",
    "check_names", "check_no_argument_callable", "check_non_negative", "check_number", "check_one_cycle",
    "check_open_fraction", "check_params", "check_path", "check_positive", "check_positive_int", "check_range",
    "check_real", "check_real_array", "check_scalar_output", "check_seeds", "check_sizes", "check_skip_window",
    "check_step", "check_stop_factor", "check_string", "check_train_val", "check_up_to", "check_val_batches",
    "show_int", "to_float",
]
