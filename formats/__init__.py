"""The file and data contracts every producer and consumer of this project imports.

Names of features, files, signatures and variants, and the readers of the formats we
exchange (IDX files, SHA-256 digests), in one place so nothing is spelled twice. This
package sits at the bottom of the import graph: it imports nothing of ours and no
TensorFlow (pure Python and numpy), so a tool, a test or a phone-side script can read the
contracts without loading TF.
"""
