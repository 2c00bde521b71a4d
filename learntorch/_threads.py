"""``get_num_threads``/``set_num_threads``: the size of the BLAS thread pool NumPy uses."""
from threadpoolctl import threadpool_info, threadpool_limits

_limit = None  # keeps the active limit alive (threadpoolctl undoes it when collected)


def set_num_threads(n):
    """Limit the BLAS/OpenMP pools behind matmul and friends to ``n`` threads."""
    global _limit
    if int(n) < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, but got {n}")
    _limit = threadpool_limits(limits=int(n))


def get_num_threads():
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return pools[0]["num_threads"] if pools else 1
