"""learntorch.vision.models: torchvision's classification models on learntorch's nn.

Same classes, attribute names and initialisation as torchvision's, so state_dicts load either
way and a seed gives torchvision's weights."""
from ._api import *  # noqa: F401,F403
from ._api import Weights, WeightsEnum  # noqa: F401
from .alexnet import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .mobilenetv2 import *  # noqa: F401,F403
from .mobilenetv3 import *  # noqa: F401,F403
from .mnasnet import *  # noqa: F401,F403
from .googlenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .efficientnet import *  # noqa: F401,F403
from .regnet import *  # noqa: F401,F403
from .convnext import *  # noqa: F401,F403
from .vision_transformer import *  # noqa: F401,F403
from .swin_transformer import *  # noqa: F401,F403
from .maxvit import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .shufflenetv2 import *  # noqa: F401,F403
