"""Scripts the benchmarks run as peers, in a fresh process each."""

# transformers building a config's model on the meta device (no weights): `python -c TRANSFORMERS_META config.json`
TRANSFORMERS_META = """
import json, sys, torch, transformers
config = json.load(open(sys.argv[1]))
fields = {k: v for k, v in config.items() if k not in ("model_type", "architectures", "torch_dtype")}
made = transformers.AutoConfig.for_model(config["model_type"], **fields)
with torch.device("meta"):
    model = transformers.AutoModelForCausalLM.from_config(made)
print(f"Total params: {sum(p.numel() for p in model.parameters()):,}")
"""
