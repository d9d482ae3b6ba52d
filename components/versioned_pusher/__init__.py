"""Pushes a blessed generator (SavedModel + TFLite variants) as one versioned folder."""
