"""Pictures of the computation graph autograd records.

::

    import learntorch as torch
    from learntorch.viz import draw_graph

    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    loss = (a * b).sum()
    draw_graph(loss, params={"a": a, "b": b})   # the last line of a cell: Jupyter shows it

Read it top to bottom, the way the forward pass ran: blue boxes are the leaves you
asked gradients for (with their names and shapes), grey boxes are the ``grad_fn`` of
each op (``MulBackward0`` …), green is the tensor you drew.  ``loss.backward()`` walks
the same arrows the other way.  Tensors that do not require grad are constants to
autograd and do not appear.  ``draw_graph(..., show_saved=True)`` also shows, in orange,
what each op saved for its backward.

``draw_graph`` returns a ``graphviz.Digraph``: ``.render(...)`` writes a file and
``.source`` is its DOT text (``graph_source`` gives that directly).  Without graphviz's
``dot`` program, Jupyter shows a one-line summary and how to install it.
"""
from .autograd.graph import draw_graph, graph_source

__all__ = ["draw_graph", "graph_source"]
