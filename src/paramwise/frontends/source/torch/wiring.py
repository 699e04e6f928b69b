"""The torch reader's modules wired together: the functions modules.py's modules and parameters call that are
written in the modules above it (see `modules.Operations`); the reader installs them when it is imported."""

from __future__ import annotations

from . import containers, copying, forward, lazy, moduleapi, tensors, traced
from .modules import Operations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from ..python.values import Context
    from .modules import ModuleClass


def from_pretrained(cls: ModuleClass, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """`nn.Embedding.from_pretrained(...)`: parametrize.py, loaded for a file that calls it."""
    from . import parametrize

    return parametrize.from_pretrained(cls, args, kwargs, ctx)


OPERATIONS = Operations(
    shape_of=traced.shape_of,
    tensor_attr=forward.tensor_attr,
    index_tensor=forward.index_tensor,
    binop=forward.binop,
    compare=tensors.compare,
    scalar=tensors.scalar,
    call_module=forward.call_module,
    builtin_forward=forward.builtin_forward,
    copy_param=copying.copy_param,
    copy_node=copying.copy_node,
    warn_if_created=lazy.warn_if_created,
    warn_unread=lazy.warn_unread,
    container_api=containers.container_api,
    module_api=moduleapi.module_api,
    combine=containers.combine,
    item=containers.item,
    add_child=containers.add_child,
    add_items=containers.add_items,
    make_leaf_kind=moduleapi.make_leaf_kind,
    from_pretrained=from_pretrained,
)
