"""``learntorch.optim``: the optimizers of ``torch.optim`` (one algorithm a module) and
``lr_scheduler``."""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]
