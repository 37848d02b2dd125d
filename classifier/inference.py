"""The inference API: load a shipped model and turn images into ten class probabilities.

Serving runs on the LiteRT interpreter and never imports TensorFlow or Keras. When a model has no
`.tflite` file, it falls back to Keras and logs that once.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from classifier import manifest, settings
from classifier.errors import ModelFileError
from classifier.preprocessing import preprocess

logger = logging.getLogger(__name__)

# Batches are run through an interpreter sized for this many images at a time.
BATCH_CHUNK = 32


@dataclass(frozen=True)
class Prediction:
    """What a model made of one input."""

    label: int
    class_name: str
    probabilities: np.ndarray
    image28: np.ndarray

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.label])


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class _Interpreter:
    """A LiteRT interpreter for a fixed batch size, with its input and output tensors looked up once."""

    def __init__(self, content: bytes, batch_size: int, threads: int) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self._interpreter = Interpreter(model_content=content, num_threads=threads)
        if batch_size != 1:
            index = self._interpreter.get_input_details()[0]["index"]
            self._interpreter.resize_tensor_input(index, [batch_size, settings.IMAGE_SIZE, settings.IMAGE_SIZE, 1])
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        output = self._interpreter.get_output_details()[0]
        self._output = output["index"]
        self.classes = int(output["shape"][-1])

    def run(self, inputs: np.ndarray) -> np.ndarray:
        self._interpreter.set_tensor(self._input, inputs)
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output).copy()


class _LiteRTBackend:
    """A LiteRT interpreter for single images, kept behind a lock; batches get a fresh interpreter per call.

    A batch interpreter holds working memory for BATCH_CHUNK images (about 6 MB for the CNN), so it
    is made for each batch (about 10 ms) rather than kept in a long-running app for a rare batch.
    """

    name = "litert"

    def __init__(self, content: bytes, path: Path, command: str) -> None:
        self._content = content
        try:
            self._single = _Interpreter(content, batch_size=1, threads=1)
        except (ValueError, RuntimeError) as error:
            raise ModelFileError(f"The model file {path} cannot be loaded ({error}). Recreate it with `{command}`.") from error
        self._single_lock = threading.Lock()

    def logits(self, images: np.ndarray) -> np.ndarray:
        if len(images) == 1:
            with self._single_lock:
                return self._single.run(images)
        batch = _Interpreter(self._content, batch_size=BATCH_CHUNK, threads=os.cpu_count() or 1)
        chunk = np.zeros((BATCH_CHUNK, *images.shape[1:]), dtype=np.float32)
        logits = np.empty((len(images), batch.classes), dtype=np.float32)
        for start in range(0, len(images), BATCH_CHUNK):
            count = min(BATCH_CHUNK, len(images) - start)
            chunk[:count] = images[start : start + count]
            logits[start : start + count] = batch.run(chunk)[:count]
        return logits


class _KerasBackend:
    """The fallback when a model has no LiteRT file: the Keras model, loaded in safe mode."""

    name = "keras"

    def __init__(self, content: bytes, path: Path, command: str) -> None:
        import keras

        try:
            self._model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # Keras raises many types for a damaged archive.
            raise ModelFileError(f"The model file {path} cannot be loaded ({error}). Recreate it with `{command}`.") from error
        self._lock = threading.Lock()

    def logits(self, images: np.ndarray) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model(images, training=False))


class Classifier:
    """One trained model for one task, ready to predict; safe to share between threads."""

    def __init__(self, task: str, model_kind: str, models_dir: Path | None = None) -> None:
        settings.check_task(task, model_kind)
        self.task = task
        self.model_kind = model_kind
        self.class_names: tuple[str, ...] = settings.CLASS_NAMES[task]
        command = settings.train_command(task, model_kind)
        litert_path = settings.model_path(task, model_kind, ".tflite", models_dir)
        if litert_path.exists():
            self._backend = _LiteRTBackend(manifest.verified_bytes(litert_path, task, model_kind), litert_path, command)
        else:
            keras_path = settings.model_path(task, model_kind, ".keras", models_dir)
            content = manifest.verified_bytes(keras_path, task, model_kind)
            logger.warning(
                "%s is missing: serving %s with Keras, which is slower. %s recreates it.",
                litert_path,
                keras_path,
                command,
            )
            self._backend = _KerasBackend(content, keras_path, command)

    @property
    def backend(self) -> str:
        """'litert' or 'keras'."""
        return self._backend.name

    def predict_batch(self, images28: np.ndarray) -> np.ndarray:
        """Return (N, 10) probabilities for (N, 28, 28) images in 0..1, ink bright on black."""
        images = np.asarray(images28, dtype=np.float32)
        if images.ndim != 3 or images.shape[1:] != (settings.IMAGE_SIZE, settings.IMAGE_SIZE):
            raise ValueError(f"predict_batch takes an (N, 28, 28) array, not {images.shape}.")
        if len(images) == 0:
            return np.zeros((0, 10), dtype=np.float32)
        return softmax(self._backend.logits(images[..., None]))

    def predict(self, image: Image.Image | np.ndarray | bytes | str | Path, name: str | None = None) -> Prediction:
        """Preprocess one drawing or photo and classify it.

        Raises EmptyImageError when there is nothing to classify and UnreadableImageError when the
        input cannot be decoded; both messages name the input when `name` (or a path) is given.
        """
        image28 = preprocess(self.task, image, name)
        probabilities = self.predict_batch(image28[None])[0]
        label = int(np.argmax(probabilities))
        return Prediction(label, self.class_names[label], probabilities, image28)


def load_classifier(task: str, model: str = "cnn", models_dir: Path | None = None) -> Classifier:
    """Load a shipped model: `load_classifier("digits", "cnn")`; raises ModelFileError naming the fix."""
    return Classifier(task, model, models_dir)
