"""ipywidgets views. Wiring only: every number and every rule comes from the model modules."""
