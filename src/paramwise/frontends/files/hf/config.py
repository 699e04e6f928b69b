"""A Hugging Face config.json as data: each value is looked up with the default transformers' config class
gives it, and checked (a size is a whole number >= 1); a bad value is an error that names its key."""

from __future__ import annotations

from ....errors import InputError, Location

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_SIZE = 2**40  # any one size in a config (a vocabulary, a width, a layer count); real ones are below 2**20
MAX_LAYERS = 10_000  # layers in one stack; real models have at most a few hundred (each is about 12 rows)
MISSING: Any = object()


class Config:
    """One config (or a nested one: CLIP's text_config) with the family's defaults under it."""

    def __init__(self, data: dict[str, Any], defaults: dict[str, Any], file: str, prefix: str = "",
                 aliases: dict[str, tuple[str, ...]] | None = None) -> None:
        self.data, self.defaults, self.file, self.prefix = data, defaults, file, prefix
        self.aliases = aliases or {}

    def where(self, key: str) -> Location:
        return Location(self.file, path=f"{self.prefix}{key}")

    def has(self, key: str) -> bool:
        return any(k in self.data for k in (key, *self.aliases.get(key, ())))

    def raw(self, key: str, default: Any = MISSING) -> Any:
        """The value the config gives `key` (under its own name or an older one), explicit nulls included;
        else `default`, else the family's default."""
        for k in (key, *self.aliases.get(key, ())):
            if k in self.data:
                return self.data[k]
        if default is not MISSING:
            return default
        if key in self.defaults:
            return self.defaults[key]
        raise InputError(f"the config has no '{self.prefix}{key}', which this model needs",
                         hint="give the model's own config.json, as transformers saves it", location=self.where(key))

    def optional(self, key: str, default: Any = MISSING) -> int | None:
        """A size that may be null (DeepSeek's q_lora_rank: no low-rank query projection)."""
        return None if self.raw(key, default) is None else self.size(key, default)

    def size(self, key: str, default: Any = MISSING, *, low: int = 1) -> int:
        value = self.raw(key, default)
        if type(value) is not int or not low <= value <= MAX_SIZE:
            raise InputError(f"'{self.prefix}{key}' must be a whole number from {low} to {MAX_SIZE:,}; got {shown(value)}",
                             hint="fix this value in the config", location=self.where(key))
        return value

    def number(self, key: str, default: Any = MISSING) -> int:
        """A whole number that may be 0 or negative (-1: "none", as DeBERTa's position_buckets)."""
        value = self.raw(key, default)
        if type(value) is not int or not -MAX_SIZE <= value <= MAX_SIZE:
            raise InputError(f"'{self.prefix}{key}' must be a whole number; got {shown(value)}",
                             hint="fix this value in the config", location=self.where(key))
        return value

    def flag(self, key: str, default: Any = MISSING) -> bool:
        value = self.raw(key, default)
        if value is None:  # an explicit null: what the config class makes of it
            value = default if default is not MISSING else self.defaults.get(key)
        if type(value) is not bool:
            raise InputError(f"'{self.prefix}{key}' must be true or false; got {shown(value)}",
                             hint="fix this value in the config", location=self.where(key))
        return value

    def text(self, key: str, default: Any = MISSING) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            raise InputError(f"'{self.prefix}{key}' must be a string; got {shown(value)}",
                             hint="fix this value in the config", location=self.where(key))
        return value

    def sizes(self, key: str, default: Any = MISSING) -> list[int]:
        value = self.raw(key, default)
        if not isinstance(value, list) or len(value) > MAX_LAYERS or any(type(v) is not int or v < 0 for v in value):
            raise InputError(f"'{self.prefix}{key}' must be a list of whole numbers; got {shown(value)}",
                             hint="fix this value in the config", location=self.where(key))
        return list(value)

    def sub(self, key: str, defaults: dict[str, Any]) -> Config:
        value = self.raw(key, {})
        if not isinstance(value, dict):
            raise InputError(f"'{self.prefix}{key}' must be an object; got {shown(value)}",
                             hint="fix this value in the config", location=self.where(key))
        return Config(value, defaults, self.file, f"{self.prefix}{key}.", self.aliases)

    def divide(self, key: str, by_key: str) -> int:
        """`key // by_key` (a head size from the width and the number of heads), which must divide exactly."""
        total, parts = self.size(key), self.size(by_key)
        if total % parts:
            raise InputError(f"'{self.prefix}{key}' ({total:,}) is not a multiple of '{self.prefix}{by_key}' ({parts:,})",
                             hint="fix one of these values in the config", location=self.where(by_key))
        return total // parts

    def layers(self, key: str, default: Any = MISSING) -> int:
        n = self.size(key, default, low=0)
        if n > MAX_LAYERS:
            raise InputError(f"'{self.prefix}{key}' is {n:,}; paramwise reads configs of at most {MAX_LAYERS:,} layers",
                             hint="fix this value in the config", location=self.where(key))
        return n


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
