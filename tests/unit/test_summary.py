"""learntorch.summary: the torchinfo-style table, its totals, and that it leaves the model alone."""
import pytest

import learntorch as lt
from learntorch import nn

MLP_TABLE = """\
==========================================================================================
Layer (type:depth-idx)                   Output Shape              Param #
==========================================================================================
Sequential                               [64, 10]                  --
├─Linear: 1-1                            [64, 128]                 100,480
├─Linear: 1-2                            [64, 10]                  1,290
==========================================================================================
Total params: 101,770
Trainable params: 101,770
Non-trainable params: 0
Total mult-adds (M): 6.51
==========================================================================================
Input size (MB): 0.20
Forward/backward pass size (MB): 0.07
Params size (MB): 0.41
Estimated Total Size (MB): 0.68
=========================================================================================="""


class Nested(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(15, 20), nn.Sequential(nn.Linear(20, 20), nn.Identity()))
        self.head = nn.Linear(20, 1)

    def forward(self, x):
        return self.head(self.features(x))


def test_mlp_table_is_torchinfos_layout():
    model = nn.Sequential(nn.Linear(784, 128), nn.Linear(128, 10))
    assert repr(lt.summary(model, (64, 784), verbose=0)) == MLP_TABLE


def test_rows_follow_calls_with_depth_indices():
    text = str(lt.summary(Nested(), (2, 15), verbose=0))
    lines = text.splitlines()[3:10]
    assert [line[:40].rstrip() for line in lines] == [
        "Nested", "├─Sequential: 1-1", "│    └─Linear: 2-1", "│    └─Sequential: 2-2",
        "│    │    └─Linear: 3-1", "│    │    └─Identity: 3-2", "├─Linear: 1-2"]


def test_depth_limit_folds_children_counts_into_the_parent():
    stats = lt.summary(Nested(), (2, 15), depth=1, verbose=0)
    rows = str(stats).splitlines()[3:6]
    assert rows[1].split()[-1] == "740"  # 320 + 420 of the hidden children
    assert rows[2].split()[-1] == "21"


def test_totals_trainable_shared_and_sizes():
    model = Nested()
    model.head.requires_grad_(False)
    model.extra = model.features[0]  # shared: counted once
    stats = lt.summary(model, input_data=lt.zeros(3, 15), verbose=0)
    assert stats.total_params == 761 and stats.trainable_params == 740
    assert stats.total_param_bytes == 761 * 4 and stats.total_input == 3 * 15 * 4
    assert "Non-trainable params: 21" in str(stats)


def test_model_state_and_random_stream_are_untouched():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 2))
    model.train()
    before = [p.detach().clone() for p in model.parameters()]
    lt.manual_seed(7)
    expected = lt.rand(3)
    lt.manual_seed(7)
    lt.summary(model, (1, 4), verbose=0)
    assert lt.rand(3).tolist() == expected.tolist()
    assert model.training and all(m.training for m in model.modules())
    assert all((a == b.detach()).all() for a, b in zip(before, model.parameters()))
    assert not model[0]._forward_hooks and not model[0]._forward_pre_hooks


def test_several_inputs_and_keyword_inputs():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(3, 2), nn.Linear(5, 2)

        def forward(self, x, y):
            return self.a(x) + self.b(y)

    stats = lt.summary(Two(), [(4, 3), (4, 5)], verbose=0)
    assert stats.total_input == (12 + 20) * 4
    assert lt.summary(Two(), input_data={"x": lt.zeros(1, 3), "y": lt.zeros(1, 5)},
                      verbose=0).total_params == 20
    assert "[1, 2]" in str(lt.summary(Two(), input_data=[lt.zeros(1, 3), lt.zeros(1, 5)], verbose=0))


def test_keras_style_input_shape_and_columns():
    stats = lt.summary(nn.Linear(15, 3), input_shape=(15,), verbose=0,
                       col_names=("input_size", "output_size", "num_params", "params_percent",
                                  "trainable", "mult_adds"))
    row = str(stats).splitlines()[3].split()
    assert row == ["Linear", "[1,", "15]", "[1,", "3]", "48", "100.00%", "True", "48"]


def test_html_form_for_jupyter():
    page = lt.summary(Nested(), (2, 15), verbose=0)._repr_html_()
    assert page.startswith("<div") and "<table>" in page and "├─Sequential: 1-1" in page
    assert "Total params: 761" in page


def test_prints_outside_jupyter_by_default(capsys):
    lt.summary(nn.Linear(2, 2), (1, 2))
    assert "Total params: 6" in capsys.readouterr().out


NESTED_WITHOUT_INPUT = """\
=================================================================
Layer (type:depth-idx)                   Param #
=================================================================
Nested                                   --
├─Sequential: 1-1                        --
│    └─Linear: 2-1                       320
│    └─Sequential: 2-2                   --
│    │    └─Linear: 3-1                  420
│    │    └─Identity: 3-2                --
├─Linear: 1-2                            21
=================================================================
Total params: 761
Trainable params: 461
Non-trainable params: 300
================================================================="""


def _partly_frozen():
    model = Nested()
    model.features[0].weight.requires_grad_(False)
    return model


def test_without_an_input_the_rows_are_the_registered_modules_as_torchinfo():
    """torchinfo 1.8 prints exactly this for the same model (checked when it was written)."""
    assert repr(lt.summary(_partly_frozen(), verbose=0)) == NESTED_WITHOUT_INPUT


def test_without_an_input_depth_folds_and_parameter_columns_work():
    folded = str(lt.summary(_partly_frozen(), depth=1, verbose=0)).splitlines()
    assert folded[4] == "├─Sequential: 1-1                        740"
    rows = str(lt.summary(_partly_frozen(), verbose=0,
                          col_names=("num_params", "params_percent", "trainable"))).splitlines()
    assert rows[3].split() == ["Nested", "--", "--", "Partial"]
    assert rows[5] == ("│    └─Linear: 2-1                       320                        "
                       "42.05%                   Partial")


@pytest.mark.parametrize("column", ["output_size", "input_size", "mult_adds"])
def test_without_an_input_columns_that_need_a_forward_pass_are_refused(column):
    with pytest.raises(ValueError, match=f"input_data or input_size in order to use columns: "
                                         f"{{'{column}'}}"):
        lt.summary(nn.Linear(2, 2), col_names=("num_params", column), verbose=0)


def test_without_an_input_the_model_is_not_called():
    class NoForward(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 3)
    assert "Total params: 9" in str(lt.summary(NoForward(), verbose=0))


def test_bad_column_name():
    with pytest.raises(ValueError, match="not a valid column name"):
        lt.summary(nn.Linear(2, 2), (1, 2), col_names=("colour",), verbose=0)
