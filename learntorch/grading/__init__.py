"""The course's autograder: ``check("1.1")`` in a notebook, ``learntorch-grade`` in a shell."""
from .grade import check

__all__ = ["check"]
