# A stand-in for torchvision/utils.py: only what the model files import, which logs API usage (see ../LICENSE).


def _log_api_usage_once(obj) -> None:
    pass
