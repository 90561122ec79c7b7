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

from .adaptive import Adagrad, Adam, RMSProp
from .cyclical import cyclic, one_cycle, one_cycle_momentum
from .dadaptation import DAdaptAdam, DAdaptSGD
from .data import batches, load_digits, load_mnist, make_spirals, train_val_split
from .dog import DoG
from .finder import StopRule, apply_stop_rule, lr_range_test
from .gradcheck import numerical_gradient, rel_error
from .losses import accuracy, mse, softmax_cross_entropy
from .lr_bounds import cyclic_bounds, one_cycle_max_lr
from .lr_search import find_lr
from .nn import MLP, Linear, Parameter, ReLU, Tanh
from .optim import SGD, Optimizer
from .plateau import ReduceLROnPlateau
from .prodigy import Prodigy
from .quality import suggestion_quality
from .result import RangeTestResult
from .rules import NoSuggestionError, Suggestion
from .schedules import cosine_annealing, cosine_warm_restarts, exponential_decay, range_lrs, step_decay
from .smoothing import ema, loss_change, sma
from .suggest import METHODS, suggest_all, suggest_lr
from .sweep import Checkpoint, lr_sweep
from .train import History, fit

__version__ = "0.1.0"

__all__ = [
    "Checkpoint",
    "Adagrad", "Adam", "DAdaptAdam", "DAdaptSGD", "DoG", "History", "Linear", "METHODS", "MLP", "NoSuggestionError",
    "Optimizer", "Parameter", "Prodigy", "RMSProp", "RangeTestResult", "ReLU", "ReduceLROnPlateau", "SGD",
    "StopRule", "Suggestion", "Tanh", "accuracy", "apply_stop_rule", "batches", "cosine_annealing",
    "cosine_warm_restarts", "cyclic", "cyclic_bounds", "ema", "exponential_decay", "find_lr", "fit", "load_digits",
    "load_mnist", "loss_change", "lr_range_test", "lr_sweep", "make_spirals", "mse", "numerical_gradient",
    "one_cycle", "one_cycle_max_lr", "one_cycle_momentum", "range_lrs", "rel_error", "sma", "softmax_cross_entropy",
    "step_decay", "suggest_all", "suggest_lr", "suggestion_quality", "train_val_split",
]
