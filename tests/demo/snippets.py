"""Reads the app snippets of docs/mobile.md: which signature, tensor names, shapes and dtypes
their code really uses, so a test can hold them to a release's card.

Each snippet is read from its code, not from comments: Kotlin's input and output arrays
(`val noise = Array(1) { FloatArray(64) }`, named in `mapOf("noise" to noise)` of
`runSignature(inputs, outputs, "serving_default")`); Swift's `signatureRunner(with:)`,
`resizeInput(named:toShape:)`, typed input arrays passed to `invoke(with:)` and the
`precondition` on the output's shape and dataType.
"""
import re
from typing import Dict, List

KOTLIN_TYPES = {'Float': 'float32', 'Int': 'int32', 'Long': 'int64', 'Byte': 'int8',
                'UByte': 'uint8'}
SWIFT_TYPES = {'Float32': 'float32', 'Float': 'float32', 'Int32': 'int32', 'Int64': 'int64',
               'Int8': 'int8', 'UInt8': 'uint8'}
SWIFT_DATA_TYPES = {'float32': 'float32', 'int32': 'int32', 'int64': 'int64', 'int8': 'int8',
                    'uInt8': 'uint8'}


def code_blocks(markdown: str, language: str) -> List[str]:
  return re.findall(rf'^```{language}\n(.*?)^```', markdown, re.M | re.S)


def _one(pattern: str, code: str, what: str) -> re.Match:
  found = list(re.finditer(pattern, code))
  if len(found) != 1:
    raise ValueError(f'expected one {what} in the snippet, found {len(found)}')
  return found[0]


def _tensor(dtype: str, shape: List[int]) -> Dict:
  return {'dtype': dtype, 'shape': shape}


def kotlin(code: str) -> Dict:
  """{'signature', 'inputs': name -> {dtype, shape}, 'outputs': ...} of a Kotlin snippet."""
  arrays = {}
  for m in re.finditer(r'val (\w+) = ((?:Array\(\d+\)\s*\{\s*)*)(\w+?)Array\((\d+)\)', code):
    dims = [int(d) for d in re.findall(r'Array\((\d+)\)', m.group(2))] + [int(m.group(4))]
    if m.group(3) not in KOTLIN_TYPES:
      raise ValueError(f'Kotlin array {m.group(1)}: element type {m.group(3)} is unknown')
    arrays[m.group(1)] = _tensor(KOTLIN_TYPES[m.group(3)], dims)
  call = _one(r'runSignature\(\s*mapOf\((.*?)\),\s*mapOf\((.*?)\),\s*"(\w+)"\s*\)', code,
              'runSignature(mapOf(inputs), mapOf(outputs), signature) call')

  def named(pairs):
    tensors = {}
    for name, variable in re.findall(r'"(\w+)" to (\w+)', pairs):
      if variable not in arrays:
        raise ValueError(f'Kotlin snippet: tensor {name!r} is bound to {variable}, which is '
                         'not declared as an array')
      tensors[name] = arrays[variable]
    return tensors
  return {'signature': call.group(3), 'inputs': named(call.group(1)),
          'outputs': named(call.group(2))}


def swift(code: str) -> Dict:
  """{'signature', 'inputs': name -> {dtype, shape}, 'outputs': ...} of a Swift snippet."""
  signature = _one(r'signatureRunner\(with: "(\w+)"\)', code, 'signatureRunner(with:)').group(1)
  shapes = {name: [int(d) for d in dims.split(',')]
            for name, dims in re.findall(r'resizeInput\(named: "(\w+)", toShape: \[([\d, ]+)\]\)', code)}
  arrays = {var: SWIFT_TYPES[kind]
            for var, kind in re.findall(r'let (\w+): \[(\w+)\]', code) if kind in SWIFT_TYPES}
  invoke = _one(r'(?s)invoke\(with: \[(.*?)\]\)', code, 'invoke(with: [...]) call').group(1)
  inputs = {}
  for name, variable in re.findall(r'"(\w+)": (\w+)\.withUnsafeBufferPointer', invoke):
    if variable not in arrays or name not in shapes:
      raise ValueError(f'Swift snippet: input {name!r} needs a typed array `let {variable}: '
                       f'[Type]` and a resizeInput(named: "{name}", toShape: [...])')
    inputs[name] = _tensor(arrays[variable], shapes[name])
  output = _one(r'let (\w+) = try \w+\.output\(named: "(\w+)"\)', code, 'output(named:)')
  check = _one(rf'precondition\({output.group(1)}\.shape\.dimensions == \[([\d, ]+)\] && '
               rf'{output.group(1)}\.dataType == \.(\w+)\)', code, 'precondition on the output')
  outputs = {output.group(2): _tensor(SWIFT_DATA_TYPES[check.group(2)],
                                      [int(d) for d in check.group(1).split(',')])}
  return {'signature': signature, 'inputs': inputs, 'outputs': outputs}


def card_io(card: Dict) -> Dict:
  """The same view of a card: its signature and each input's and output's dtype and shape."""
  def tensors(entries):
    return {e['name']: _tensor(e['dtype'], list(e['shape'])) for e in entries}
  return {'signature': card['signature'], 'inputs': tensors(card['inputs']),
          'outputs': tensors(card['outputs'])}


def mismatches(snippet: Dict, card: Dict) -> List[str]:
  """Where a snippet's view differs from a card's; a -1 (dynamic) card dimension takes any."""
  found = []
  if snippet['signature'] != card['signature']:
    found.append(f'signature {snippet["signature"]!r}, the card has {card["signature"]!r}')
  for side in ('inputs', 'outputs'):
    if sorted(snippet[side]) != sorted(card[side]):
      found.append(f'{side} {sorted(snippet[side])}, the card has {sorted(card[side])}')
      continue
    for name, want in card[side].items():
      got = snippet[side][name]
      if got['dtype'] != want['dtype']:
        found.append(f'{name}: dtype {got["dtype"]}, the card has {want["dtype"]}')
      if len(got['shape']) != len(want['shape']) or any(
          w not in (-1, g) for g, w in zip(got['shape'], want['shape'])):
        found.append(f'{name}: shape {got["shape"]}, the card has {want["shape"]}')
  return found
