"""New data arriving as spans: two good spans, then a malformed one, in one output folder.

Run 1 finds `span-1/` (an IDX gz pair), run 2 also `span-2/` (a raw IDX pair and a PNG
folder), run 3 also `span-3/`, whose labels file holds a 12. The GAN Trainer is a stand-in
(tests/support/recording_trainer.py) that records every example it would train on, so the
tests check what reached training, not only the wiring. The decision under test: a run
trains on the TFDS data plus the latest span only (docs/operating.md, "New data as spans").
"""
import collections
import glob
import os

from PIL import Image
import pytest
import tensorflow_data_validation as tfdv

from components.tfds_example_gen import example_codec
from pipeline import configs
from pipeline import pipeline as pipeline_lib
from tests.support import idx
from tests.support import pipelines
from tests.support import recording_trainer

_CAP = 100  # TFDS examples per split


def _pipeline(paths, tfds_data_dir, mnist_dir, incoming_dir):
  return pipeline_lib.create_pipeline(
      pipeline_name='test_spans', pipeline_root=paths.pipeline_root,
      tfds_data_dir=tfds_data_dir, schema_path=configs.SCHEMA_PATH,
      serving_dir=paths.serving_dir, metadata_connection_config=paths.connection_config(),
      manual_dir=mnist_dir, max_examples_per_split=_CAP,
      beam_pipeline_args=configs.BEAM_PIPELINE_ARGS, stop_after='training', train_steps=1,
      classifier_train_steps=2, classifier_min_accuracy=0.0,
      trainer_run_fn='tests.support.recording_trainer.run_fn', incoming_dir=incoming_dir)


def _write_span(incoming_dir, span, images, labels, gz=True, pngs=()):
  """span-N/digits-{images,labels}-idx?-ubyte[.gz], plus PNGs as (digit, image) pairs."""
  folder = os.path.join(incoming_dir, f'span-{span}')
  os.makedirs(folder)
  suffix = '.gz' if gz else ''
  idx.write(os.path.join(folder, f'digits-images-idx3-ubyte{suffix}'), images)
  idx.write(os.path.join(folder, f'digits-labels-idx1-ubyte{suffix}'), labels)
  for i, (digit, image) in enumerate(pngs):
    os.makedirs(os.path.join(folder, str(digit)), exist_ok=True)
    Image.fromarray(image).save(os.path.join(folder, str(digit), f'{i}.png'))
  written = [(recording_trainer.image_digest(i), int(l)) for i, l in zip(images, labels)]
  return written + [(recording_trainer.image_digest(i), d) for d, i in pngs]


def _examples(paths, component_id):
  """LIVE Examples written by `component_id`, oldest first."""
  return sorted((a for a in pipelines.live_artifacts(paths, 'Examples')
                 if f'{os.sep}{component_id}{os.sep}' in a.uri), key=lambda a: a.id)


def _contents(examples_artifact, splits=('train', 'eval')):
  """(pixel digest, label) of every example in `splits` of an Examples artifact."""
  pairs = []
  for split in splits:
    for record in pipelines.read_split(examples_artifact.uri, split):
      image, label = example_codec.decode(record)
      pairs.append((recording_trainer.image_digest(image), label))
  return pairs


def _gan_models(paths):
  return sorted((m for m in pipelines.live_artifacts(paths, 'Model')
                 if f'{os.sep}Trainer{os.sep}' in m.uri), key=lambda a: a.id)


@pytest.fixture(scope='module')
def runs(tmp_path_factory, tfds_data_dir, mnist_dir):
  root = tmp_path_factory.mktemp('spans')
  paths, incoming = pipelines.Paths(root / 'out'), str(root / 'incoming')
  images, labels = idx.read_split(mnist_dir, 'test')  # disjoint from the TFDS train cap
  sevens = [(7, image) for image in images[labels == 7][-10:]]
  state = {'paths': paths, 'incoming': incoming, 'written': {}}

  state['written'][1] = _write_span(incoming, 1, images[:120], labels[:120])
  pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir, incoming))
  state['written'][2] = _write_span(incoming, 2, images[120:320], labels[120:320], gz=False,
                                    pngs=sevens)
  pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir, incoming))
  state['after_two_runs'] = {
      'examples': [a.id for a in pipelines.live_artifacts(paths, 'Examples')],
      'models': [a.id for a in pipelines.live_artifacts(paths, 'Model')],
      'span_outputs': sorted(glob.glob(os.path.join(paths.pipeline_root, 'SpanExampleGen',
                                                    'examples', '*'))),
  }

  bad_labels = labels[320:420].copy()
  bad_labels[37] = 12
  _write_span(incoming, 3, images[320:420], bad_labels)
  with pytest.raises(Exception) as raised:
    pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir, incoming))
  state['bad_span_error'] = str(raised.value)
  return state


def test_each_run_ingests_the_latest_span(runs):
  paths, written = runs['paths'], runs['written']
  first, second = _examples(paths, 'SpanExampleGen')
  assert [first.custom_properties['span'].int_value,
          second.custom_properties['span'].int_value] == [1, 2]
  # Every written example arrives once, split between train and eval; nothing else does.
  assert collections.Counter(_contents(first)) == collections.Counter(written[1])
  assert collections.Counter(_contents(second)) == collections.Counter(written[2])
  assert len(written[2]) == 210  # 200 from the raw IDX pair, 10 PNGs
  for examples in (first, second):
    assert 0 < len(_contents(examples, ['eval'])) < len(_contents(examples, ['train']))


def test_the_tfds_data_is_ingested_once(runs):
  [tfds_examples] = _examples(runs['paths'], 'TfdsExampleGen')  # run 2 reused run 1's
  assert tfds_examples.custom_properties['span'].int_value == 0


def test_the_new_span_is_validated_like_the_tfds_data(runs):
  paths = runs['paths']
  span_statistics = sorted((s for s in pipelines.live_artifacts(paths, 'ExampleStatistics')
                            if f'{os.sep}SpanStatisticsGen{os.sep}' in s.uri),
                           key=lambda a: a.id)
  assert len(span_statistics) == 2
  counts = [tfdv.load_stats_binary(os.path.join(span_statistics[-1].uri, f'Split-{split}',
                                                'FeatureStats.pb')).datasets[0].num_examples
            for split in ('train', 'eval')]
  assert sum(counts) == 210


def test_the_gan_trains_on_tfds_plus_the_latest_span_only(runs):
  paths = runs['paths']
  [tfds_examples] = _examples(paths, 'TfdsExampleGen')
  spans = _examples(paths, 'SpanExampleGen')
  models = _gan_models(paths)
  assert len(models) == 2
  tfds_train = _contents(tfds_examples, ['train'])
  assert len(tfds_train) == _CAP
  for model, span in zip(models, spans):
    assert pipelines.input_ids(paths, model.id, 'examples') == sorted([tfds_examples.id,
                                                                        span.id])
    trained_on = [tuple(e) for e in recording_trainer.recorded(model.uri)['examples']]
    assert collections.Counter(trained_on) == collections.Counter(
        tfds_train + _contents(span, ['train']))
  # Run 2 no longer trains on span 1 (its knowledge comes with warm start).
  second_run = {digest for digest, _ in recording_trainer.recorded(models[1].uri)['examples']}
  assert second_run.isdisjoint(digest for digest, _ in runs['written'][1])


def test_the_classifier_stays_on_the_tfds_data(runs):
  paths = runs['paths']
  [tfds_examples] = _examples(paths, 'TfdsExampleGen')
  classifiers = [m for m in pipelines.live_artifacts(paths, 'Model')
                 if f'{os.sep}ClassifierTrainer{os.sep}' in m.uri]
  # Run 2 reuses run 1's classifier (a cache hit): its inputs did not change.
  assert len(classifiers) == 1
  for classifier in classifiers:
    assert pipelines.input_ids(paths, classifier.id, 'examples') == [tfds_examples.id]


def test_a_malformed_span_stops_the_run_naming_the_file(runs):
  paths = runs['paths']
  bad_file = os.path.join(runs['incoming'], 'span-3', 'digits-labels-idx1-ubyte.gz')
  assert f'{bad_file}: label 12 at index 37' in runs['bad_span_error']
  before = runs['after_two_runs']
  # Nothing published and nothing trained; TFX removed the failed execution's output folder.
  assert [a.id for a in pipelines.live_artifacts(paths, 'Examples')] == before['examples']
  assert [a.id for a in pipelines.live_artifacts(paths, 'Model')] == before['models']
  assert sorted(glob.glob(os.path.join(paths.pipeline_root, 'SpanExampleGen', 'examples',
                                       '*'))) == before['span_outputs']
