"""Python source, read without running it: python/ is the bounded interpreter, keras/ and torch/ the
framework readers on top of it."""
