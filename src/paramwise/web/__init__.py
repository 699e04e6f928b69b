"""`paramwise serve`: the local web page (app.py, static/) and the worker processes that read for it (pool.py).
Needs the `web` extra (starlette, uvicorn); the reading itself is the command's (cli/serve.py --worker)."""
