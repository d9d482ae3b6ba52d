"""The import graph, read from the source with `ast` (no module is imported, so no TF).

Layers, top to bottom: the CLI and the runners, pipeline/, components/, models/, formats/.
A module imports only from its own layer or below (bench/, tools/ and tests/ sit above
everything), formats/ imports nothing of ours and no TensorFlow, and no two modules import
each other, directly or around a longer circle. Imports inside functions count: a lazy
import is still an arrow.
"""
import ast
import os

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Lower number = lower layer. Top-level runner files (local_runner.py, ...) are RUNNER_LAYER.
LAYERS = {'formats': 0, 'models': 1, 'components': 2, 'pipeline': 3, 'cli': 4,
          'bench': 5, 'tools': 5, 'tests': 5}
RUNNER_LAYER = 4
_TF_FREE = {'formats': ('tensorflow', 'tfx', 'keras', 'tensorflow_model_analysis')}


def _module_files():
  """Module name -> path of every .py file of ours (packages and top-level runners)."""
  files = {}
  for name in sorted(os.listdir(_REPO)):
    path = os.path.join(_REPO, name)
    if name.endswith('.py'):
      files[name[:-3]] = path
    elif name in LAYERS and os.path.isdir(path):
      for folder, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if d != '__pycache__']
        for file_name in names:
          if file_name.endswith('.py'):
            rel = os.path.relpath(os.path.join(folder, file_name), _REPO)[:-3]
            parts = rel.split(os.sep)
            if parts[-1] == '__init__':
              parts = parts[:-1]
            files['.'.join(parts)] = os.path.join(folder, file_name)
  return files


def _imports(module, path, known):
  """(imported name, line) for every import in `path`; `from a import b` names a.b if it is
  a module of ours (`known`), else a."""
  with open(path) as f:
    tree = ast.parse(f.read(), path)
  package = module if path.endswith('__init__.py') else module.rpartition('.')[0]
  for node in ast.walk(tree):
    if isinstance(node, ast.Import):
      for alias in node.names:
        yield alias.name, node.lineno
    elif isinstance(node, ast.ImportFrom):
      base = node.module or ''
      if node.level:  # relative: resolved against this module's package
        anchor = package.split('.')[:len(package.split('.')) - node.level + 1]
        base = '.'.join(anchor + ([base] if base else []))
      for alias in node.names:
        child = f'{base}.{alias.name}'
        yield (child if child in known else base), node.lineno


def _layer(module):
  top = module.split('.')[0]
  return LAYERS.get(top, RUNNER_LAYER)


def _graph():
  """module -> {imported module of ours: line}, and the third-party tops by module."""
  files = _module_files()
  graph, external = {}, {}
  for module, path in files.items():
    graph[module], external[module] = {}, set()
    for target, line in _imports(module, path, files):
      while target and target not in files:  # `import a.b.c` of ours resolves to a file
        target = target.rpartition('.')[0]
      if target and target != module:
        graph[module].setdefault(target, line)
    with open(path) as f:
      for node in ast.walk(ast.parse(f.read(), path)):
        if isinstance(node, ast.Import):
          external[module].update(a.name.split('.')[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
          external[module].add(node.module.split('.')[0])
  return files, graph, external


def _cycles(graph):
  """Every strongly connected group of more than one module, as one circle path through it."""
  index, low, stack, on_stack, groups = {}, {}, [], set(), []

  def visit(node):  # Tarjan's algorithm, recursive: the graph is a few hundred modules
    index[node] = low[node] = len(index)
    stack.append(node)
    on_stack.add(node)
    for target in graph[node]:
      if target not in index:
        visit(target)
        low[node] = min(low[node], low[target])
      elif target in on_stack:
        low[node] = min(low[node], index[target])
    if low[node] == index[node]:
      group = []
      while True:
        member = stack.pop()
        on_stack.discard(member)
        group.append(member)
        if member == node:
          break
      if len(group) > 1:
        groups.append(group)

  for node in sorted(graph):
    if node not in index:
      visit(node)
  return [_circle(graph, sorted(group)) for group in groups]


def _circle(graph, group):
  """A path start -> ... -> start inside one strongly connected group."""
  start, members = group[0], set(group)
  paths = [[start]]
  while paths:  # breadth first: the shortest circle back to start
    path = paths.pop(0)
    for target in sorted(graph[path[-1]]):
      if target == start:
        return path + [start]
      if target in members and target not in path:
        paths.append(path + [target])
  return group


def test_no_module_imports_from_a_layer_above_its_own():
  _, graph, _ = _graph()
  upward = [f'{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)}) '
            f'at line {line}'
            for module, targets in sorted(graph.items())
            for target, line in sorted(targets.items()) if _layer(target) > _layer(module)]
  assert not upward, 'Upward imports:\n' + '\n'.join(upward)


def test_formats_imports_nothing_of_ours_and_no_tensorflow():
  _, graph, external = _graph()
  problems = []
  for module in sorted(graph):
    top = module.split('.')[0]
    if top in _TF_FREE:
      problems += [f'{module} imports {t}' for t in graph[module] if not t.startswith(top)]
      problems += [f'{module} imports {t}' for t in sorted(external[module] & set(_TF_FREE[top]))]
  assert not problems, '\n'.join(problems)


def test_no_import_cycles():
  _, graph, _ = _graph()
  circles = _cycles(graph)
  assert not circles, 'Import cycles:\n' + '\n'.join(' -> '.join(c) for c in circles)


def test_the_checks_see_upward_imports_and_cycles():
  # The checks themselves, on a made-up graph: a missed arrow would pass everything above.
  graph = {'models.a': {'components.b': 1}, 'components.b': {'models.a': 2}, 'formats.c': {}}
  assert _cycles(graph) == [['components.b', 'models.a', 'components.b']]
  assert _layer('models.a') < _layer('components.b') < _layer('local_runner')
