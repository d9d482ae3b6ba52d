"""Helpers of the publication tests (local and remote serving directories)."""
import os


def fill_with(files):
  """A `fill(folder)` for publish.publish writing `files` (relative path -> text)."""
  def fill(folder):
    assert '://' not in folder  # publish hands fill a local folder, whatever the target
    for name, content in files.items():
      path = os.path.join(folder, name)
      os.makedirs(os.path.dirname(path), exist_ok=True)
      with open(path, 'w') as f:
        f.write(content)
  return fill
