"""Pipeline definition: configuration constants and the component wiring."""
