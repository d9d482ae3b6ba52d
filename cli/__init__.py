"""The project's command line: `python -m cli generate --model PATH --out grid.png`.

Top of the import graph beside the runners: it reads releases and exported models through
formats/ (the layouts) and components/ (the LiteRT runner, the generator's inputs), and
nothing below imports it.
"""
