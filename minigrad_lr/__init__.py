"""minigrad_lr: the learning-rate range test ("LR finder") of Leslie Smith and fast.ai, in plain NumPy.

The data flow, one module each::

    data.batches -> nn.MLP.forward -> losses -> nn.MLP.backward -> optim.step (lr from schedules)
                 -> finder.lr_range_test records -> suggest reads the curve -> plots draw it

Quick use::

    import minigrad_lr as mg
    X, y = mg.load_digits()
    model = mg.MLP([64, 32, 10], seed=0)
    opt = mg.Adam(model.parameters())
    result = mg.lr_range_test(model, opt, mg.batches(X, y, batch_size=64))
    result.suggest()          # Suggestion(lr=..., index=..., method='sma_derivative', loss=...)
"""

from .data import batches, load_digits, load_mnist, make_spirals
from .finder import RangeTestResult, StopRule, apply_stop_rule, lr_range_test
from .gradcheck import numerical_gradient, rel_error
from .losses import mse, softmax_cross_entropy
from .nn import MLP, Linear, Parameter, ReLU, Tanh
from .optim import SGD, Adagrad, Adam, Optimizer, RMSProp
from .schedules import range_lrs
from .suggest import METHODS, Suggestion, ema, loss_change, sma, suggest_all, suggest_lr

__version__ = "0.1.0"

__all__ = [
    "METHODS", "MLP", "SGD", "Adagrad", "Adam", "Linear", "Optimizer", "Parameter", "RMSProp",
    "RangeTestResult", "ReLU", "StopRule", "Suggestion", "Tanh", "apply_stop_rule", "batches", "ema",
    "load_digits", "load_mnist", "loss_change", "lr_range_test", "make_spirals", "mse",
    "numerical_gradient", "range_lrs", "rel_error", "sma", "softmax_cross_entropy", "suggest_all",
    "suggest_lr",
]
