"""learntorch.viz: the drawing of the autograd graph, its DOT source and its Jupyter forms."""
import shutil

import pytest

import learntorch as torch
from learntorch.autograd.graph import DOT_MISSING_HINT, GraphDrawing
from learntorch.viz import draw_graph, graph_source


def small_graph():
    """``(a * b + c).sum()`` and its three named leaves."""
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    c = torch.tensor([7.0, 8.0, 9.0], requires_grad=True)
    return (a * b + c).sum(), {"a": a, "b": b, "c": c}


SMALL_GRAPH_DOT = """\
digraph {
\tgraph [rankdir=TB]
\tnode [fontname=monospace fontsize=10 shape=box style=filled]
\tn0 [label="()" fillcolor=darkolivegreen1]
\tn1 [label=SumBackward0 fillcolor=lightgrey]
\tn1 -> n0
\tn2 [label=AddBackward0 fillcolor=lightgrey]
\tn2 -> n1
\tn3 [label=MulBackward0 fillcolor=lightgrey]
\tn3 -> n2
\tn4 [label="c\\n(3,)" fillcolor=lightblue]
\tn4 -> n2
\tn5 [label="a\\n(3,)" fillcolor=lightblue]
\tn5 -> n3
\tn6 [label="b\\n(3,)" fillcolor=lightblue]
\tn6 -> n3
}
"""

SMALL_GRAPH_TEXT = "<computation graph: 7 nodes, 6 edges>"


def test_small_graph_dot_source_exactly():
    out, params = small_graph()
    assert graph_source(out, params) == SMALL_GRAPH_DOT


def test_draw_graph_returns_a_digraph_with_a_stable_repr():
    out, params = small_graph()
    drawing = draw_graph(out, params)
    assert isinstance(drawing, GraphDrawing)
    assert drawing.source == SMALL_GRAPH_DOT
    assert repr(drawing) == SMALL_GRAPH_TEXT


def test_same_graph_twice_gives_the_same_source():
    out, params = small_graph()
    assert graph_source(out, params) == graph_source(out, params)


def test_ids_do_not_depend_on_object_identity():
    # Fresh tensors and nodes live at other addresses; the source must not change.
    first = graph_source(*small_graph())
    keep_alive = [small_graph() for _ in range(5)]
    assert all(graph_source(*g) == first for g in keep_alive)


def test_unnamed_leaves_are_labelled_by_shape():
    x = torch.ones(2, 3, requires_grad=True)
    source = graph_source(x.exp())
    assert '[label="(2, 3)" fillcolor=lightblue]' in source
    assert '[label="(2, 3)" fillcolor=darkolivegreen1]' in source


def test_names_come_from_named_parameters():
    class Model:
        def __init__(self):
            self.weight = torch.ones(2, requires_grad=True)

        def named_parameters(self):
            yield "weight", self.weight

    model = Model()
    assert '"weight\\n(2,)"' in graph_source(model.weight * 3.0, model)


def test_tensors_without_grad_are_not_drawn():
    # Autograd keeps no node for a constant (its edge is (None, 0)), so neither does the drawing.
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    k = torch.tensor([5.0, 6.0])
    drawing = draw_graph(a * k + 1.0, {"a": a, "k": k})
    assert repr(drawing) == "<computation graph: 4 nodes, 3 edges>"
    assert "k\\n" not in drawing.source


def test_a_leaf_used_twice_is_drawn_once_with_two_edges():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    source = graph_source(x * x, {"x": x})
    assert source.count('"x\\n(2,)"') == 1
    assert source.count("n2 -> n1") == 2


def test_list_of_outputs_shares_their_common_part():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    outputs = [h.sum(), (h * 2.0).mean()]
    source = graph_source(outputs, {"x": x})
    assert graph_source(tuple(outputs), {"x": x}) == source
    assert source.count("fillcolor=darkolivegreen1") == 2
    assert source.count("ExpBackward0") == 1
    assert source.count('"x\\n(2,)"') == 1


def test_output_that_is_a_leaf_is_a_lone_node():
    x = torch.tensor([1.0], requires_grad=True)
    assert repr(draw_graph(x, {"x": x})) == "<computation graph: 1 nodes, 0 edges>"


def test_show_saved_draws_what_backward_will_read():
    out, params = small_graph()
    source = graph_source(out, params, show_saved=True)
    assert source.endswith(
        '\tn7 [label="a\\n(3,)" fillcolor=orange]\n'
        "\tn7 -> n3 [dir=none style=dashed]\n"
        '\tn8 [label="b\\n(3,)" fillcolor=orange]\n'
        "\tn8 -> n3 [dir=none style=dashed]\n"
        "}\n")


def test_show_saved_after_backward_draws_nothing_freed():
    out, params = small_graph()
    out.backward()
    assert graph_source(out, params, show_saved=True) == SMALL_GRAPH_DOT


def test_deep_chain_draws_without_recursion():
    x = torch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0
    # 10,000 MulBackward0, the leaf and the output.
    assert repr(draw_graph(y)) == "<computation graph: 10002 nodes, 10001 edges>"


def test_rejects_what_is_not_a_tensor():
    with pytest.raises(TypeError, match="tensor or a list/tuple of tensors"):
        draw_graph([1.0, 2.0])


# -- what Jupyter shows ------------------------------------------------------------------
def test_mimebundle_without_dot_is_text_and_install_hint(monkeypatch):
    monkeypatch.setenv("PATH", "")  # graphviz can no longer find `dot`
    out, params = small_graph()
    bundle = draw_graph(out, params)._repr_mimebundle_()
    assert bundle == {"text/plain": f"{SMALL_GRAPH_TEXT}\n{DOT_MISSING_HINT}"}
    assert "sudo apt-get install graphviz" in DOT_MISSING_HINT


def test_mimebundle_strips_the_graphviz_version_comment(monkeypatch):
    # Stands in for `dot`, so this runs whether graphviz is installed or not.
    svg = ('<?xml version="1.0"?>\n<!-- Generated by graphviz version 2.43.0 (0)\n -->\n'
           "<!-- Title: %3 Pages: 1 -->\n<svg></svg>\n")
    out, params = small_graph()
    drawing = draw_graph(out, params)
    monkeypatch.setattr(drawing, "_repr_image_svg_xml", lambda: svg)
    assert drawing._repr_mimebundle_() == {
        "image/svg+xml": '<?xml version="1.0"?>\n<!-- Title: %3 Pages: 1 -->\n<svg></svg>\n',
        "text/plain": SMALL_GRAPH_TEXT,
    }


@pytest.mark.graphviz
@pytest.mark.skipif(shutil.which("dot") is None, reason="needs graphviz's dot executable")
def test_mimebundle_with_dot_is_deterministic_svg():
    out, params = small_graph()
    bundle = draw_graph(out, params)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    svg = bundle["image/svg+xml"]
    assert "<svg" in svg and "MulBackward0" in svg
    assert "Generated by graphviz" not in svg
    assert draw_graph(out, params)._repr_mimebundle_()["image/svg+xml"] == svg
