"""ExampleGen over spans of new labelled digit images (IDX pairs or PNG folders)."""
from components.span_example_gen.component import SpanExampleGen

__all__ = ['SpanExampleGen']
