"""What the child processes of test_multiprocessing.py run: importable without torch, so a
spawned child starts quickly."""
TIMEOUT = 120


def add_ten(tensor, done):
    tensor += 10
    done.put(tensor.sum().item())


def double_what_arrives(inbox, outbox):
    tensor = inbox.get(timeout=TIMEOUT)
    tensor.detach().mul_(2)  # detach: a Parameter may not be changed in place while tracked
    outbox.put((tensor.is_shared(), tensor.tolist(), type(tensor).__name__, tensor.requires_grad))


def fill_slot(rank, tensor):
    tensor[rank] = rank + 1


def fail(rank):
    raise ValueError(f"rank {rank} failed")
