# A stand-in for torchvision/models/_api.py, which describes pretrained weights and downloads them: here
# weights can be named (as the model files do) but never loaded (see ../../LICENSE).

BUILTIN_MODELS = {}


class Weights:
    def __init__(self, url, transforms, meta):
        self.url = url
        self.transforms = transforms
        self.meta = meta


class WeightsEnum:
    @classmethod
    def verify(cls, obj):
        if obj is not None:
            raise ValueError("this stand-in for torchvision has no pretrained weights")
        return obj


def register_model(name=None):
    def wrapper(fn):
        BUILTIN_MODELS[name or fn.__name__] = fn
        return fn

    return wrapper


def get_model(name, **config):
    return BUILTIN_MODELS[name](**config)
