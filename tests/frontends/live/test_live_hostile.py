"""paramwise.summary() on hostile live objects: the meta twin runs none of the user's hooks, copies no tensor
data and changes nothing of the user's; every failure is a paramwise error that says what to do. Counts are
checked against the frameworks themselves (sum of numel(), count_params())."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from typing import Any

import pytest

import paramwise
from paramwise import InputError, ParamwiseError

torch = pytest.importorskip("torch")
from paramwise.frontends.live import torch as torch_live  # noqa: E402
from paramwise.frontends.live import torch_meta  # noqa: E402


def torch_count(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


class Net(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)
        self.out = torch.nn.Linear(3, 2)

    def forward(self, x: Any) -> Any:
        return self.out(self.fc(x))


# -- hooks -----------------------------------------------------------------------------------------------


def test_user_hooks_do_not_run_and_stay_on_the_module() -> None:
    calls: list[str] = []
    model = Net()
    model.fc.register_forward_hook(lambda *a: calls.append("forward"))
    model.fc.register_forward_hook(lambda *a: calls.append("always"), always_call=True)
    model.fc.register_forward_pre_hook(lambda *a: calls.append("pre"))
    model.out.register_forward_pre_hook(lambda m, a, k: calls.append("pre kwargs"), with_kwargs=True)
    model.out.register_full_backward_hook(lambda *a: calls.append("backward"))
    before = [(len(m._forward_hooks), len(m._forward_pre_hooks), len(m._backward_hooks)) for m in model.modules()]
    report = paramwise.summary(model, input_size=(2, 4))
    assert calls == []
    assert report.total == torch_count(model)
    assert report.output_shapes == [(2, 2)]
    assert [(len(m._forward_hooks), len(m._forward_pre_hooks), len(m._backward_hooks)) for m in model.modules()] == before
    model(torch.zeros(1, 4))
    assert {"forward", "always", "pre", "pre kwargs"} <= set(calls)


def test_global_module_hooks_do_not_run_and_are_restored() -> None:
    from torch.nn.modules import module as where

    calls: list[str] = []
    handles = [
        where.register_module_forward_hook(lambda *a: calls.append("global forward")),
        where.register_module_forward_pre_hook(lambda *a: calls.append("global pre")),
        where.register_module_buffer_registration_hook(lambda *a: calls.append("global buffer")),
    ]

    class RegistersBuffer(Net):
        def forward(self, x: Any) -> Any:
            self.register_buffer("seen", torch.zeros(1))
            return super().forward(x)

    class Raises(Net):
        def forward(self, x: Any) -> Any:
            raise RuntimeError("the user's forward fails")

    try:
        for model in (RegistersBuffer(), Raises()):
            report = paramwise.summary(model, input_size=(1, 4))
            assert report.total == torch_count(model)
            assert calls == []
        torch.nn.Linear(2, 2)(torch.zeros(1, 2))
        assert calls == ["global pre", "global forward"]
    finally:
        for h in handles:
            h.remove()


# -- no data in the twin ----------------------------------------------------------------------------------


class Hoard(torch.nn.Module):
    """Tensors the twin must not copy: plain attributes, in a list, in a dict, inside another object."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(4, 2)
        self.table = torch.ones(n)
        self.items = [torch.ones(n // 4), torch.ones(3)]
        self.lookup = {"a": torch.ones(n // 4)}
        self.box = Box(torch.ones(n // 4))
        self.teacher = [torch.nn.Linear(n // 64, 16)]  # a module held but not registered: copied, but not its data
        self.derived = self.teacher[0].weight * 2  # not a leaf: deepcopy() itself would refuse it

    def forward(self, x: Any) -> Any:
        self.table.add_(1)  # in place, on the twin's own (meta) tensor
        return self.fc(x)


class Box:
    def __init__(self, value: Any) -> None:
        self.value = value


def test_twin_holds_only_meta_tensors_and_no_hooks() -> None:
    model = Hoard(64)
    model.fc.register_forward_hook(lambda *a: None)
    twin, error = torch_meta.meta_twin(torch, model)
    assert error == ""
    found = [twin.table, *twin.items, twin.lookup["a"], twin.box.value, twin.derived, *twin.parameters(),
             *twin.teacher[0].parameters()]
    assert {t.device.type for t in found} == {"meta"}
    assert [tuple(t.shape) for t in found[:6]] == [(64,), (16,), (3,), (16,), (16,), (16, 1)]
    assert all(len(getattr(m, d)) == 0 for m in twin.modules() for d in torch_meta.HOOK_DICTS)
    assert len(model.fc._forward_hooks) == 1


def test_forward_changes_nothing_of_the_users() -> None:
    class Counts(Net):
        def __init__(self) -> None:
            super().__init__()
            self.calls = 0
            self.log: list[int] = []
            self.register_buffer("steps", torch.zeros(1))
            self.plain = torch.ones(3)

        def forward(self, x: Any) -> Any:
            self.calls += 1
            self.log.append(1)
            self.steps += 1
            self.plain.mul_(5)
            torch.zeros(10**12)  # the default device is meta while the twin runs: no memory
            return super().forward(x)

    model = Counts()
    report = paramwise.summary(model, input_size=(1, 4))
    assert report.output_shapes == [(1, 2)]
    assert (model.calls, model.log, float(model.steps), model.plain.tolist()) == (0, [], 0.0, [1.0, 1.0, 1.0])
    assert model.training


def test_numpy_attribute_is_not_copied() -> None:
    np = pytest.importorskip("numpy")
    model = Net()
    model.array = np.ones((8, 8))  # type: ignore[assignment]
    twin, error = torch_meta.meta_twin(torch, model)
    assert error == ""
    assert twin.array.shape == (8, 8) and twin.array.strides == (0, 0)


def test_big_plain_tensor_attribute_costs_no_memory() -> None:
    """A 256 MiB plain tensor attribute: the peak RSS of the process does not grow by its size."""
    script = textwrap.dedent("""
        import resource, sys, torch, paramwise
        sys.path.insert(0, sys.argv[1])
        from test_live_hostile import Hoard
        model = Hoard(2**26)
        paramwise.summary(torch.nn.Linear(2, 2), input_size=(1, 2))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report = paramwise.summary(model, input_size=(1, 4))
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert report.total == sum(p.numel() for p in model.parameters())
        print((after - before) // 1024)
    """)
    from pathlib import Path

    done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 64, f"peak RSS grew by {done.stdout.split()[-1]} MiB"


# -- lazy modules -----------------------------------------------------------------------------------------


def lazy_model() -> Any:
    return torch.nn.Sequential(torch.nn.LazyConv2d(4, 3), torch.nn.Flatten(), torch.nn.LazyLinear(5),
                               torch.nn.LazyBatchNorm1d())


def test_lazy_without_input_size_says_what_to_do() -> None:
    with pytest.raises(InputError) as info:
        paramwise.summary(torch.nn.LazyLinear(3))
    assert "lazy parameters" in info.value.message and "weight" in info.value.message
    assert "input_size" in info.value.hint and "forward" in info.value.hint


def test_lazy_with_input_size_counts_what_torch_counts() -> None:
    model = lazy_model()
    real = lazy_model()  # torch cannot deepcopy an uninitialized buffer: the same architecture, built again
    report = paramwise.summary(model, input_size=(2, 3, 8, 8))
    assert all(torch.nn.parameter.is_lazy(p) for p in model.parameters()), "the user's module stays lazy"
    real.eval()
    real(torch.zeros(2, 3, 8, 8))
    assert report.total == torch_count(real)
    assert report.output_shapes == [(2, 5)]


def test_lazy_with_wrong_input_size_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        paramwise.summary(lazy_model(), input_size=(1, 3))
    assert "infers their shapes failed" in info.value.message
    assert "input_size" in info.value.hint


# -- what is not a module, what is not a shape ------------------------------------------------------------


@pytest.mark.parametrize("obj, expected", [
    (torch.zeros(3), "pass the nn.Module itself, not a tensor"),
    (torch.nn.Parameter(torch.zeros(2, 2)), "not a tensor"),
    (torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1), "pass the nn.Module it optimizes"),
    (torch.nn.Linear, "paramwise.summary(Linear(...))"),
    (torch.nn.Linear(2, 2).state_dict(), "a state_dict is not a model"),
    (torch.float32, "pass the nn.Module"),
    (None, "pass the model object"),
    ([torch.nn.Linear(2, 2)], "pass the model object"),
    (3, "pass the model object"),
], ids=["tensor", "parameter", "optimizer", "class", "state_dict", "dtype", "none", "list", "int"])
def test_not_a_module(obj: Any, expected: str) -> None:
    with pytest.raises(InputError) as info:
        paramwise.summary(obj)
    assert expected in info.value.hint
    assert info.value.message.startswith("summary() ")


@pytest.mark.parametrize("options, expected", [
    ({"input_size": "abc"}, "input_size must be a shape"),
    ({"input_size": (1, -4)}, "input_size must be a shape"),
    ({"input_size": (1, 4.0)}, "input_size must be a shape"),
    ({"input_size": [(1, 4), "x"]}, "input_size must be a shape"),
    ({"input_size": (1, 4), "input_dtype": "float"}, "must be a torch.dtype"),
    ({"input_size": [(1, 4), (1, 4)], "input_dtype": [torch.float32]}, "1 input dtypes for 2 inputs"),
])
def test_bad_input_size(options: dict[str, Any], expected: str) -> None:
    with pytest.raises(InputError) as info:
        paramwise.summary(Net(), **options)
    assert expected in info.value.message


# -- the user's code raising ------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("boom"), SystemExit(3), RecursionError(), KeyError("k")])
def test_forward_raising_keeps_exact_counts(error: BaseException) -> None:
    class Raises(Net):
        def forward(self, x: Any) -> Any:
            raise error

    model = Raises()
    report = paramwise.summary(model, input_size=(1, 4))
    assert report.total == torch_count(model)
    [warning] = [w for w in report.warnings if w.code == "forward_not_followed"]
    assert type(error).__name__ in warning.message


def test_exception_whose_str_raises() -> None:
    class Nasty(Exception):
        def __str__(self) -> str:
            raise ValueError("no text")

    class Raises(Net):
        def forward(self, x: Any) -> Any:
            raise Nasty()

    report = paramwise.summary(Raises(), input_size=(1, 4))
    assert "Nasty" in report.warnings[-1].message


def test_module_that_cannot_be_copied_keeps_exact_counts() -> None:
    model = Net()
    model.lock = threading.Lock()  # type: ignore[assignment]
    report = paramwise.summary(model, input_size=(1, 4))
    assert report.total == torch_count(model)
    assert "could not be copied" in report.warnings[-1].message


def test_raising_named_parameters_is_an_input_error() -> None:
    class Broken(Net):
        def named_parameters(self, *args: Any, **kwargs: Any) -> Any:
            raise ValueError("mine")

    with pytest.raises(InputError) as info:
        paramwise.summary(Broken(), input_size=(1, 4))
    assert "named_parameters() raised ValueError: mine" in info.value.message


def test_raising_property_of_a_builtin_subclass_counts_its_tensors() -> None:
    class Odd(torch.nn.Linear):
        @property  # type: ignore[override]
        def in_features(self) -> int:
            raise RuntimeError("no")

        @in_features.setter
        def in_features(self, value: int) -> None:
            pass

    model = torch.nn.Sequential(Odd(3, 4))
    assert paramwise.summary(model, input_size=(1, 3)).total == torch_count(model)


def test_raising_named_modules_is_an_input_error() -> None:
    class Broken(Net):
        def named_modules(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("mine")

    with pytest.raises(ParamwiseError) as info:
        paramwise.summary(Broken())
    assert "RuntimeError: mine" in info.value.message


# -- Keras ------------------------------------------------------------------------------------------------


def keras_parts() -> tuple[Any, Any]:
    keras = pytest.importorskip("keras")

    class NoConfig(keras.layers.Layer):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.inner = keras.layers.Dense(3)

        def build(self, shape: Any) -> None:
            self.inner.build(shape)

        def call(self, x: Any) -> Any:
            return self.inner(x)

        def get_config(self) -> Any:
            raise RuntimeError("no config for you")

    return keras, NoConfig


@pytest.mark.parametrize("shape", ["sequential", "functional", "layer", "subclassed"])
def test_keras_get_config_raising_counts_what_keras_counts(shape: str) -> None:
    keras, NoConfig = keras_parts()
    np = pytest.importorskip("numpy")
    if shape == "sequential":
        model = keras.Sequential([keras.Input((4,)), NoConfig(), keras.layers.Dense(2)])
    elif shape == "functional":
        x = keras.Input((4,))
        model = keras.Model(x, keras.layers.Dense(2)(NoConfig()(x)))
    elif shape == "layer":
        model = NoConfig()
        model.build((None, 4))
    else:
        class Sub(keras.Model):
            def __init__(self) -> None:
                super().__init__()
                self.a, self.b = NoConfig(), keras.layers.Dense(2)

            def call(self, x: Any) -> Any:
                return self.b(self.a(x))

        model = Sub()
        model(np.zeros((1, 4)))
    report = paramwise.summary(model)
    assert report.total == model.count_params()
    assert not [w for w in report.warnings if w.code == "live_mismatch"]
    if shape in ("sequential", "functional"):
        [warning] = [w for w in report.warnings if w.code == "config_failed"]
        assert "get_config() raised RuntimeError: no config for you" in warning.message
        assert "get_config()" in warning.hint


def test_keras_not_a_layer() -> None:
    keras, _ = keras_parts()
    np = pytest.importorskip("numpy")
    for obj, expected in [(keras.Input((4,)), "not a tensor"), (keras.Variable(np.zeros(3)), "owns this variable"),
                          (keras.optimizers.Adam(), "this optimizer trains"), (keras.layers.Dense, "Dense(...)")]:
        with pytest.raises(InputError) as info:
            paramwise.summary(obj)
        assert expected in info.value.hint


def test_keras_user_code_raising() -> None:
    keras, _ = keras_parts()
    np = pytest.importorskip("numpy")

    class CountRaises(keras.layers.Dense):
        def get_build_config(self) -> Any:
            raise RuntimeError("build config")

    class Wrapper(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.d = CountRaises(2)

        def call(self, x: Any) -> Any:
            return self.d(x)

        def count_params(self) -> int:
            raise RuntimeError("count")

    model = Wrapper()
    model(np.zeros((1, 4)))
    report = paramwise.summary(model)
    assert report.total == model.d.count_params()

    class WeightsRaise(keras.layers.Dense):
        @property
        def weights(self) -> Any:
            raise RuntimeError("weights")

    layer = WeightsRaise(2)
    layer.build((None, 4))
    with pytest.raises(InputError) as info:
        paramwise.summary(layer)
    assert "raised RuntimeError: weights" in info.value.message


def test_deepcopy_returning_the_module_itself_is_refused() -> None:
    class Same(torch.nn.Linear):
        def __deepcopy__(self, memo: Any) -> Any:
            return self

    model = torch.nn.Sequential(Same(4, 3), torch.nn.ReLU())
    before = model[0].weight.detach().clone()
    report = paramwise.summary(model, input_size=(1, 4))
    assert report.total == torch_count(model)
    assert "not a separate module" in report.warnings[-1].message
    assert all(len(m._forward_hooks) == 0 for m in model.modules())
    assert torch.equal(model[0].weight, before)
    assert model.training


def test_unknown_options_are_input_errors() -> None:
    with pytest.raises(InputError) as info:
        paramwise.summary(Net(), input_shape=(1, 4))
    assert "input_shape" in info.value.message and "input_size=" in info.value.hint
    with pytest.raises(InputError) as info:
        paramwise.summary("not/a/model.py", input_size=(1, 4))
    assert "input_size" in info.value.message and "input_shape=" in info.value.hint


def test_a_failure_in_paramwise_itself_is_not_blamed_on_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch_live, "tensor_name", torch_live.parent_of)  # a wrong call inside paramwise
    with pytest.raises(TypeError):
        paramwise.summary(Net())
