"""Questions about a finished model (its Graph and Report): check a hand count and name its mistakes,
find pitfalls, count it in the other framework's conventions, write its count as a formula.

Pure functions: nothing here prints; render/ turns the results into text and cli/ writes them.
"""
