"""A small vision-transformer package."""
