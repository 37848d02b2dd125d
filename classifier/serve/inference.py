"""The inference API: load a shipped model and turn images into calibrated class probabilities and a domain check.

Serving runs on the LiteRT interpreter and never imports TensorFlow or Keras: a model without its
`.tflite` file is an error that names the command to make it. Each model's temperature, domain network
and threshold come from its `.domain.npz` (classifier/serve/domain.py).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
from PIL import Image

from classifier.core import manifest, settings, tasks
from classifier.core.arrays import as_uint8
from classifier.core.errors import ModelFileError
from classifier.core.files import sha256
from classifier.core.types import Prediction
from classifier.serve import adapt, domain, explain, numbers
from classifier.serve.preprocessing import decoded, empty_named, preprocess

# The model kind of a learner's own network (Classifier.from_litert).
LEARNER = "learner"
# Batches are run through an interpreter sized for this many images at a time. Its working memory grows
# with it; `explain()` (about 34 squares on ink) and a whole test set take no longer in chunks of 8 than
# of 16 or 32, so the smallest keeps the most memory free (docs/experiments.md, "Batch interpreters").
BATCH_CHUNK = 8
# What a served model gives for each image (classifier.train.models.serving_model): the class scores
# before softmax, and the penultimate layer's activations.
OUTPUTS = ("logits", "features")
# The domain check reads summaries of whole layers: a large batch is run this many images at a time, so
# that every layer's full output is never held for all of them at once.
HEAD_CHUNK = 256


class _Interpreter:
    """A LiteRT interpreter for a fixed batch size, with its input and named output tensors looked up once."""

    def __init__(self, content: bytes, batch_size: int, threads: int) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self._interpreter = Interpreter(model_content=content, num_threads=threads)
        if batch_size != 1:
            index = self._interpreter.get_input_details()[0]["index"]
            self._interpreter.resize_tensor_input(index, [batch_size, settings.IMAGE_SIZE, settings.IMAGE_SIZE, 1])
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        # The outputs by the names training gave them (models.serving_model), from the model's signature.
        details = self._interpreter.get_signature_runner().get_output_details()
        self._outputs = {name: detail["index"] for name, detail in details.items()}
        if not set(OUTPUTS) <= set(self._outputs):
            raise ValueError(f"its outputs are {sorted(self._outputs)}, without {list(OUTPUTS)}")
        self.shapes = {name: tuple(int(size) for size in detail["shape"][1:]) for name, detail in details.items()}

    @property
    def names(self) -> list[str]:
        """Every output's name: OUTPUTS, then the shown layers' in model order."""
        return sorted(self._outputs, key=lambda name: (name not in OUTPUTS, name))

    def run(self, inputs: np.ndarray, names: tuple[str, ...] = OUTPUTS) -> dict[str, np.ndarray]:
        self._interpreter.set_tensor(self._input, inputs)
        self._interpreter.invoke()
        return {name: self._interpreter.get_tensor(self._outputs[name]).copy() for name in names}


class _LiteRTBackend:
    """A LiteRT interpreter for single images, kept behind a lock; batches get a fresh interpreter per call.

    A batch interpreter holds working memory for BATCH_CHUNK images (several MB for a CNN), so it
    is made for each batch (about 10 ms) rather than kept in a long-running app for a rare batch.
    The one exception is the explanation's occlusion batch (`logits_now`), which runs on every stroke
    when the inside view is shown: its interpreter is made on first use and kept, behind its own lock.
    """

    name = "litert"

    def __init__(self, content: bytes, path: Path, recreate: str) -> None:
        self._content = content
        try:
            self._single = _Interpreter(content, batch_size=1, threads=1)
        except (ValueError, RuntimeError) as error:
            raise ModelFileError(f"The model file {path} cannot be loaded ({error}). {recreate}") from error
        self._single_lock = threading.Lock()
        self._kept_batch: _Interpreter | None = None
        self._kept_lock = threading.Lock()

    def logits_now(self, images: np.ndarray) -> np.ndarray:
        """Logits of a batch through the kept batch interpreter, one thread, BATCH_CHUNK images at a time."""
        with self._kept_lock:
            if self._kept_batch is None:
                self._kept_batch = _Interpreter(self._content, batch_size=BATCH_CHUNK, threads=1)
            chunk = np.zeros((BATCH_CHUNK, *images.shape[1:]), dtype=np.float32)
            logits = []
            for start in range(0, len(images), BATCH_CHUNK):
                count = min(BATCH_CHUNK, len(images) - start)
                chunk[:count] = images[start : start + count]
                logits.append(self._kept_batch.run(chunk, ("logits",))["logits"][:count])
        return np.concatenate(logits)

    @property
    def layer_names(self) -> list[str]:
        return [name for name in self._single.names if name not in OUTPUTS]

    def outputs(self, images: np.ndarray, names: tuple[str, ...] = OUTPUTS) -> dict[str, np.ndarray]:
        if len(images) == 1:
            with self._single_lock:
                return self._single.run(images, names)
        batch = _Interpreter(self._content, batch_size=BATCH_CHUNK, threads=os.cpu_count() or 1)
        chunk = np.zeros((BATCH_CHUNK, *images.shape[1:]), dtype=np.float32)
        outputs = {name: np.empty((len(images), *batch.shapes[name]), dtype=np.float32) for name in names}
        for start in range(0, len(images), BATCH_CHUNK):
            count = min(BATCH_CHUNK, len(images) - start)
            chunk[:count] = images[start : start + count]
            for name, values in batch.run(chunk, names).items():
                outputs[name][start : start + count] = values[:count]
        return outputs


class NumberReader:
    """A drawing task's number reader (classifier/serve/numbers.py), as served: LiteRT, one line at a time, behind a lock."""

    def __init__(self, task: str, models_dir: Path | None = None) -> None:
        from ai_edge_litert.interpreter import Interpreter

        path = settings.model_path(task, settings.NUMBER_READER, ".tflite", models_dir)
        content = manifest.verified_bytes(path, task, settings.NUMBER_READER)
        try:
            self._interpreter = Interpreter(model_content=content, num_threads=1)
            self._interpreter.allocate_tensors()
            self._input = self._interpreter.get_input_details()[0]["index"]
            self._output = self._interpreter.get_output_details()[0]["index"]
            self._interpreter.set_tensor(self._input, np.zeros((1, numbers.LINE_HEIGHT, numbers.LINE_WIDTH, 1), np.float32))
        except (ValueError, RuntimeError) as error:
            recreate = settings.recreate_hint(task, settings.NUMBER_READER)
            raise ModelFileError(f"The number reader {path} cannot be loaded ({error}). {recreate}") from error
        self._lock = threading.Lock()

    def __call__(self, line: np.ndarray) -> np.ndarray:
        """The logits (FRAMES, 11) of one (LINE_HEIGHT, LINE_WIDTH) line in 0..1."""
        with self._lock:
            self._interpreter.set_tensor(self._input, np.asarray(line, dtype=np.float32)[None, :, :, None])
            self._interpreter.invoke()
            return self._interpreter.get_tensor(self._output)[0].copy()


class Classifier:
    """One trained model for one task, ready to predict; safe to share between threads."""

    def __init__(self, task: str, model_kind: str, models_dir: Path | None = None, domain_check: bool = True) -> None:
        """Load a model's files; `domain_check=False` skips its .domain.npz (for calibration, which makes it)."""
        settings.check_model_kind(model_kind)
        recreate = settings.recreate_hint(task, model_kind)
        litert_path = settings.model_path(task, model_kind, ".tflite", models_dir)
        content = manifest.verified_bytes(litert_path, task, model_kind)
        check = domain.load(task, model_kind, models_dir) if domain_check else None
        self._load(task, model_kind, _LiteRTBackend(content, litert_path, recreate), sha256(content), check, models_dir)
        if self.domain is not None and not set(self.domain.layers) <= set(self.layer_names):
            path = settings.model_path(task, model_kind, ".domain.npz", models_dir)
            raise ModelFileError(
                f"The calibration file {path} reads layers that the model does not have ({', '.join(self.domain.layers)}): "
                f"it was made for another model. {settings.recreate_hint(self.task, model_kind, 'calibrate')}"
            )

    @classmethod
    def from_litert(cls, task: str, name: str, content: bytes) -> Classifier:
        """A learner's own network from its LiteRT bytes (served like a shipped model, with the same outputs).

        It has no domain check and no training images to show as alike: `domain` is None, and `explain`
        gives no neighbours. `model_kind` is "learner"; `digest` tells one learner's network from another.
        """
        backend = _LiteRTBackend(content, Path(f"{name}.tflite"), "Train it again on the Train your own page.")
        classifier = cls.__new__(cls)
        classifier._load(task, LEARNER, backend, sha256(content), None, None)
        return classifier

    def _load(
        self, task: str, model_kind: str, backend: _LiteRTBackend, digest: str, check: domain.DomainCheck | None, models_dir
    ) -> None:
        self.spec = tasks.get(task)
        self.task = self.spec.name
        self.model_kind = model_kind
        self.class_names: tuple[str, ...] = self.spec.class_names
        self._backend = backend
        # The version of the model: the SHA-256 of the file it was loaded from (as in the manifest).
        self.digest = digest
        self.domain = check
        # What an answer needs of the model: logits, features and the layers the domain check reads.
        self.answer_outputs = OUTPUTS + (self.domain.layers if self.domain is not None else ())
        self._models_dir = models_dir
        self._neighbours: explain.NeighbourIndex | None = None
        self._neighbours_lock = threading.Lock()
        self._number_reader: NumberReader | None = None
        self._number_reader_lock = threading.Lock()

    @property
    def backend(self) -> str:
        """The runtime that serves the model: 'litert'."""
        return self._backend.name

    @property
    def layer_names(self) -> list[str]:
        """The served names of the shown layers' outputs, in model order (see models.serving_model)."""
        return self._backend.layer_names

    def outputs_batch(self, images28: np.ndarray, names: tuple[str, ...] = OUTPUTS) -> dict[str, np.ndarray]:
        """Return the model's raw outputs for (N, 28, 28) images in 0..1, by name.

        By default "logits" (N, classes) and "features" (N, 128); any of `layer_names` on request.
        """
        images = np.asarray(images28, dtype=np.float32)
        if images.ndim != 3 or images.shape[1:] != (settings.IMAGE_SIZE, settings.IMAGE_SIZE):
            raise ValueError(f"The model takes an (N, 28, 28) array, not {images.shape}.")
        if len(images) == 0:
            return {"logits": np.zeros((0, self.spec.num_classes), np.float32), "features": np.zeros((0, 0), np.float32)}
        return self._backend.outputs(images[..., None], names)

    def predict_batch(self, images28: np.ndarray) -> np.ndarray:
        """Return (N, classes) calibrated probabilities for (N, 28, 28) images in 0..1, ink bright on black."""
        return self._probabilities(self.outputs_batch(images28)["logits"])

    def _probabilities(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated by the domain file's temperature; a model without one (a learner's) gives its softmax as it is."""
        return self.domain.probabilities(logits) if self.domain is not None else domain.softmax(logits)

    def head_inputs(self, images28: np.ndarray, layers: tuple[str, ...]) -> np.ndarray:
        """The domain network's inputs (domain.head_inputs) for (N, 28, 28) images in 0..1, summarising `layers`."""
        return np.concatenate(
            [
                domain.head_inputs(self.outputs_batch(images28[start : start + HEAD_CHUNK], OUTPUTS + layers), layers)
                for start in range(0, len(images28), HEAD_CHUNK)
            ]
        )

    def domain_scores(self, images28: np.ndarray) -> np.ndarray:
        """Return (N,) domain scores: higher = more like the training data; below `domain.threshold` = out of domain."""
        return self.domain.head(self.head_inputs(images28, self.domain.layers))

    def adapter(self, images28: np.ndarray, labels: np.ndarray) -> adapt.Adapter:
        """An adapter from a user's examples: (N, 28, 28) images (uint8, or float in 0..1) and their right labels.

        Raises ModelFileError when the model's neighbour file is missing or damaged.
        """
        images = as_uint8(np.asarray(images28).reshape(-1, settings.IMAGE_SIZE, settings.IMAGE_SIZE))
        features = self.outputs_batch(images / np.float32(255))["features"]
        reference = self._neighbour_index().features
        return adapt.Adapter(images, features, np.asarray(labels, dtype=int).reshape(-1), reference)

    def predict(
        self,
        image: Image.Image | np.ndarray | bytes | str | Path,
        name: str | None = None,
        adapter: adapt.Adapter | None = None,
    ) -> Prediction:
        """Preprocess one drawing or photo and classify it, adjusted by `adapter` when one is given.

        Raises EmptyImageError when there is nothing to classify and UnreadableImageError when the
        input cannot be decoded; both messages name the input when `name` (or a path) is given.
        """
        image28 = preprocess(self.spec, image, name)
        (prediction,) = self._predictions(image28[None], self.outputs_batch(image28[None], self.answer_outputs), adapter)
        return prediction

    def _predictions(
        self, images28: np.ndarray, outputs: dict[str, np.ndarray], adapter: adapt.Adapter | None = None
    ) -> list[Prediction]:
        """One Prediction per image from the model's outputs (at least `answer_outputs`) for the (N, 28, 28) images."""
        probabilities = self._probabilities(outputs["logits"])
        examples = np.full(len(probabilities), -1)
        if adapter is not None:
            probabilities, examples = adapter.adjust(probabilities, outputs["features"])
        # Without a domain check (a learner's network), every input counts as in its domain.
        scores = self.domain.scores(outputs) if self.domain is not None else np.full(len(probabilities), np.inf)
        threshold = self.domain.threshold if self.domain is not None else -np.inf
        labels = np.argmax(probabilities, axis=1)
        return [
            Prediction(
                int(label),
                self.class_names[label],
                row,
                image28,
                # A drawing written like one of the user's own examples is in their domain, whatever the check says.
                bool(score >= threshold or example >= 0),
                float(score),
                None if example < 0 else int(example),
            )
            for label, row, image28, score, example in zip(labels, probabilities, images28, scores, examples)
        ]

    def read_number(
        self,
        image: Image.Image | np.ndarray | bytes | str | Path,
        name: str | None = None,
        adapter: adapt.Adapter | None = None,
    ) -> numbers.Number:
        """Read a number of 1 to MAX_DIGITS digits written left to right (tasks whose input is a drawing).

        Raises what `predict` raises, NumberError when there are more digits than a number may have, and
        ModelFileError when the task's number reader (which reads touching digits) is missing or damaged.
        """
        if self.spec.input_kind != "drawing":
            raise ValueError(f"The {self.task} task reads pictures of one item, not numbers.")
        image, name = decoded(image, name)

        def classify(images28: np.ndarray) -> list[Prediction]:
            return self._predictions(images28, self.outputs_batch(images28, self.answer_outputs), adapter)

        with empty_named(name):
            return numbers.read(image, self.spec.working_size, classify, self._read_line)

    def _read_line(self, line: np.ndarray) -> np.ndarray:
        """The number reader's output for a line of touching digits; the reader (9 MB) is loaded on first use."""
        with self._number_reader_lock:
            if self._number_reader is None:
                self._number_reader = NumberReader(self.task, self._models_dir)
        return self._number_reader(line)

    def explain(
        self,
        image: Image.Image | np.ndarray | bytes | str | Path,
        name: str | None = None,
        adapter: adapt.Adapter | None = None,
    ) -> explain.Explanation:
        """Predict (adjusted by `adapter` when one is given), and show how: every shown layer's activity, the why-map
        and the nearest training images.

        See classifier/serve/explain.py. Raises what `predict` raises, and ModelFileError when the model's
        neighbour file is missing or damaged.
        """
        image28 = preprocess(self.spec, image, name)
        layer_names = tuple(self.layer_names)
        outputs = self.outputs_batch(image28[None], OUTPUTS + layer_names)
        (prediction,) = self._predictions(image28[None], outputs, adapter)
        layers, counts = [], {}
        for layer_name in layer_names:
            values = outputs[layer_name][0]
            kind = "pooling" if layer_name.endswith("pooling") else "convolution" if values.ndim == 3 else "dense"
            counts[kind] = counts.get(kind, 0) + 1
            layers.append(explain.Layer(f"{kind} {counts[kind]}", kind, values))
        layers.append(explain.Layer("logits", "logits", outputs["logits"][0]))
        layers.append(explain.Layer("probabilities", "probabilities", prediction.probabilities))
        saliency = explain.occlusion_saliency(lambda batch: self._backend.logits_now(batch[..., None]), image28, prediction.label)
        neighbours: tuple[explain.Neighbour, ...] = ()
        if self.model_kind != LEARNER:
            index = self._neighbour_index()
            nearest, distances = index.nearest(outputs["features"][0])
            neighbours = tuple(
                explain.Neighbour(index.images[i], int(index.labels[i]), self.class_names[int(index.labels[i])], float(distance))
                for i, distance in zip(nearest, distances)
            )
        return explain.Explanation(prediction, tuple(layers), saliency, neighbours)

    def _neighbour_index(self) -> explain.NeighbourIndex:
        """The model's neighbour index, loaded and checked on first use (most callers only predict)."""
        if self.model_kind == LEARNER:
            raise ModelFileError(
                "A network trained on the Train your own page keeps no training images to compare with, which adapting "
                "to a handwriting needs: adapt with the shipped CNN or MLP."
            )
        with self._neighbours_lock:
            if self._neighbours is None:
                self._neighbours = explain.load_neighbours(self.task, self.model_kind, self._models_dir)
            return self._neighbours


def load_classifier(task: str, model: str = "cnn", models_dir: Path | None = None) -> Classifier:
    """Load a shipped model: `load_classifier("digits", "cnn")`; raises ModelFileError naming the fix."""
    return Classifier(task, model, models_dir)
