MODELS = {}


def register(name):
    def wrap(cls):
        MODELS[name] = cls
        return cls
    return wrap


def create(name, **kwargs):
    return MODELS[name](**kwargs)


from . import nets  # noqa: E402  (registers the models; nets imports this module back)
