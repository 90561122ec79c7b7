"""Helpers shared by the tests of the schedules (test_schedules, test_cyclical, test_plateau).

torch's schedulers drive a dummy SGD optimizer over one float64 parameter; the lr in its param group
before the first ``scheduler.step()`` is step 0.
"""

import inspect
import math

import numpy as np
import pytest

N_TORCH_STEPS = 300


def within(value, low, high, rel=1e-12):
    """low <= value <= high, with a slack of rel·max(|low|, |high|) for the rounding of low + (high − low)·s."""
    slack = rel * max(abs(low), abs(high))
    return low - slack <= value <= high + slack


def torch_values(torch, make_scheduler, lr=1.0, n=N_TORCH_STEPS, key="lr"):
    """The first n values of param_groups[0][key] under the scheduler make_scheduler(optimizer) builds."""
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=lr, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    values = [optimizer.param_groups[0][key]]
    for _ in range(n - 1):
        optimizer.step()  # no gradient: a no-op, but torch wants it before scheduler.step()
        scheduler.step()
        values.append(optimizer.param_groups[0][key])
    return values


def assert_torch_defaults(torch, ours, torch_name):
    """Every optional argument ``ours`` shares with torch's scheduler ``torch_name`` has torch's default."""
    theirs = inspect.signature(getattr(torch.optim.lr_scheduler, torch_name)).parameters
    shared = [p for p in inspect.signature(ours).parameters.values()
              if p.name in theirs and p.default is not inspect.Parameter.empty]
    assert shared
    for p in shared:
        assert p.default == theirs[p.name].default, p.name


def assert_rejects(function, good, argument, value, error):
    """``function(**good)`` works; with ``argument=value`` it raises ``error`` whose message names the argument."""
    function(**good)  # the good arguments are fine
    with pytest.raises(error, match=argument):
        function(**{**good, argument: value})


def as_numpy(arguments):
    """The same keyword arguments as NumPy scalars: ints as np.int64, floats as np.float32."""
    return {k: (np.int64(v) if isinstance(v, int) else np.float32(v)) for k, v in arguments.items()}


# --- hostile arguments: every kind of wrong value, for every argument of a schedule -------------------

HUGE = 10**400  # a Python int that no float64 holds
HOSTILE = {
    # the kind of argument: [(value, error), ...]
    "real": [("0.1", TypeError), (None, TypeError), ([0.1], TypeError), (True, TypeError), (np.array(0.1), TypeError),
             (math.nan, ValueError), (math.inf, ValueError), (-math.inf, ValueError), (HUGE, ValueError)],
    "int": [("3", TypeError), (None, TypeError), ([3], TypeError), (True, TypeError), (3.0, TypeError),
            (np.float64(3.0), TypeError), (math.nan, TypeError), (math.inf, TypeError), (-1, ValueError)],
    "step": [(2**53 + 1, ValueError), (HUGE, ValueError)],  # and every "int" case: a count of steps
    "choice": [("nope", ValueError), (None, ValueError), (["exp"], ValueError), (1, ValueError)],
    "flag": [(1, TypeError), ("True", TypeError), (None, TypeError), (np.float64(1.0), TypeError)],
}
HOSTILE["step"] = HOSTILE["int"] + HOSTILE["step"]


def hostile_cases(function, kinds):
    """pytest params (function, argument, value, error) for each argument of ``kinds`` (name -> kind of HOSTILE)."""
    return [pytest.param(function, argument, value, error, id=f"{function.__name__}-{argument}={value!r:.20}")
            for argument, kind in kinds.items() for value, error in HOSTILE[kind]]


def assert_names_argument_and_value(function, good, argument, value, error):
    """``function(**good, argument=value)`` raises ``error``; its message names the argument and shows the value."""
    with pytest.raises(error) as info:
        function(**{**good, argument: value})
    message = str(info.value)
    assert argument in message, message
    huge = isinstance(value, int) and value.bit_length() > 128  # shown by its size, not its 400 digits
    assert ("bits" if huge else repr(value)) in message, message


def as_numpy64(arguments):
    """The same keyword arguments as NumPy scalars of the same value: ints as np.int64, floats as np.float64."""
    return {k: (np.int64(v) if type(v) is int else np.float64(v) if type(v) is float else v)
            for k, v in arguments.items()}
