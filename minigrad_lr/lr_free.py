"""What the learning-rate-free optimizers share: an adapted step size, kept as scalar state.

DoG (``dog.py``), DAdaptSGD and DAdaptAdam (``dadaptation.py``) and Prodigy (``prodigy.py``) estimate
their own step size from the distance travelled and the gradients seen. Each follows its authors'
PyTorch package: the same argument names, defaults, positional order and arithmetic, with the
model's parameters as the package's one parameter group. Beyond ``Optimizer``'s interface:

- ``lr`` multiplies the adapted step (default 1.0, which the authors advise keeping). The packages
  reject lr <= 0 when they are built, and so do these; lr may be set to 0 later (a schedule ending at
  0), and each class says what a step with lr = 0 does.
- The adapted step size is an attribute (``eta`` for DoG, ``d`` for the others). It and the other
  scalars a step carries to the next (sums, maxima) are plain Python floats, listed in ``SCALARS``;
  ``state_dict()`` saves them beside lr, the hyper-parameters, t and the buffers.
- Sums over all the parameters (norms, inner products) are accumulated in Python floats, one term per
  parameter, as the packages do with ``.item()``; arrays keep the dtype of the parameters.
- Where a package adds the L2 term into ``p.grad`` in place, here ``p.grad`` is left unchanged and the
  step reads grad + weight_decay · θ; the steps are the same.
- Logging and distributed-training arguments (``log_every``, ``fsdp_in_use``) are left out. Positional
  arguments keep the package's order; those that follow a left-out one are keyword-only.

References
----------
M. Ivgi, O. Hinder and Y. Carmon, "DoG is SGD's Best Friend: A Parameter-Free Dynamic Step Size
Schedule", ICML 2023; package ``dog-optimizer`` 1.0.3.
A. Defazio and K. Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023; package
``dadaptation`` 3.2.
K. Mishchenko and A. Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner", ICML 2024;
package ``prodigyopt`` 1.1.2.
"""

from ._checks import check_positive
from .optim import Optimizer


class LRFreeOptimizer(Optimizer):
    """An ``Optimizer`` whose state also holds scalars (the adapted step size among them).

    Parameters
    ----------
    params : iterable of Parameter
    lr : float > 0
        The multiplier of the adapted step.
    **hyper
        The hyper-parameters, checked by the subclass's ``_check_hyper``.

    Attributes
    ----------
    SCALARS : dict of str to callable
        Class attribute: the name of each scalar of the state and the check of ``_checks`` that a
        loaded value must pass. The subclass sets each one's starting value in its ``__init__``.

    Notes
    -----
    ``state_dict()`` is ``Optimizer``'s dict plus one entry per scalar, e.g. for DAdaptAdam
    ``{"lr": 1.0, "betas": (0.9, 0.999), ..., "t": 3, "m": [...], "v": [...], "s": [...],
    "d": 2.1e-05, "numerator_weighted": 3.7e-12}``.
    """

    SCALARS = {}

    def __init__(self, params, lr, **hyper):
        super().__init__(params, check_positive("lr", lr), **hyper)

    def state_dict(self):
        """``Optimizer.state_dict()`` plus every scalar of ``SCALARS`` (Python floats)."""
        state = super().state_dict()
        state.update({name: getattr(self, name) for name in self.SCALARS})
        return state

    def load_state_dict(self, state):
        """Restore a ``state_dict()``: the scalars are checked first, then everything else, then all is set.

        A state that fails any check raises (TypeError or ValueError, naming the key) and leaves the
        optimizer as it was.
        """
        if not isinstance(state, dict):
            raise TypeError(f"state must be a dict from state_dict(), got {type(state).__name__}")
        for name in self.SCALARS:
            if name not in state:
                raise ValueError(f"state_dict is missing key {name!r} (a {type(self).__name__} keeps the scalars "
                                 f"{tuple(self.SCALARS)})")
        scalars = {name: check(name, state[name]) for name, check in self.SCALARS.items()}
        super().load_state_dict({key: value for key, value in state.items() if key not in self.SCALARS})
        for name, value in scalars.items():
            setattr(self, name, value)
