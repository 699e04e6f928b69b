"""The bounded interpreter: it evaluates the subset of Python model files use, under step, time, size
and depth budgets, and knows no framework. Also the repair of pasted pages."""
