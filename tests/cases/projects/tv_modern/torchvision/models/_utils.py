# A stand-in for the two helpers of torchvision/models/_utils.py that the model files use for pretrained
# weights: the old `pretrained=True` spelling, and the class count that weights impose (see ../../LICENSE).


def handle_legacy_interface(**weights):
    def outer_wrapper(builder):
        return builder

    return outer_wrapper


def _ovewrite_named_param(kwargs, param, new_value):
    if param in kwargs and kwargs[param] != new_value:
        raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    kwargs[param] = new_value
