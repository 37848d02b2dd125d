"""Typed errors a user can cause; each message is written to be shown to that user as it is."""


class ClassifierError(Exception):
    """Base class of every error this package raises on purpose."""


class UnreadableImageError(ClassifierError):
    """The input could not be decoded as an image, or is of a kind that is not accepted."""


class ImageTooLargeError(UnreadableImageError):
    """The image declares more pixels than the limit; it was refused before decoding."""


class EmptyImageError(ClassifierError):
    """The image decodes but holds no ink (an empty canvas) or no item (a blank photo)."""


class NumberError(ClassifierError):
    """A drawing cannot be read as a number (more digits than a number may have)."""


class ModelFileError(ClassifierError):
    """A model, history or metrics file is missing, damaged or does not match the manifest."""


class StoreError(ClassifierError):
    """The database (corrections, learners' networks) is missing, locked, unreachable or refused a query."""


class DataError(ClassifierError):
    """A dataset file is missing, corrupt, truncated or has the wrong checksum."""


class NetworkSettingsError(ClassifierError):
    """A learner's network cannot be trained as asked: a setting out of range, or a cost over the cap."""


class NetworkBusyError(ClassifierError):
    """The visitor already has a network queued or training; one at a time."""
