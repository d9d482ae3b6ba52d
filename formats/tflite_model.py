"""The folder of one exported TFLite variant: the model file and its card beside it.

TFLiteExport writes `<artifact>/Format-Serving/{tflite, card.json}`; the gates load the
`tflite` file (the exact name tensorflow-model-analysis loads for model_type='tf_lite').
A release renames the file (formats/release.py), and its card names the file it sits beside.
"""
MODEL_FILE = 'tflite'
CARD_FILE = 'card.json'
CARD_FILE_FIELD = 'file'  # the card's field naming the model file beside it
# The card's record of the TFLite Model Metadata inside the file: {version, bytes}; the
# exporter writes the export's id as version, a release its own version.
CARD_METADATA_FIELD = 'metadata'
