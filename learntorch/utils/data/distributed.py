from .sampler import DistributedSampler  # noqa: F401  (torch.utils.data.distributed)
