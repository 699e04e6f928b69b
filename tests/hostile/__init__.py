"""The hostile-input corpus: inputs written to break paramwise's promise (never run what it reads; a clear
error, exit 2, in bounded time and memory), generated at run time by make_corpus.py and run by runner.py."""
