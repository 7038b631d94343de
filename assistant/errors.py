"""One base exception; each subclass names something the user must do differently."""


class AssistantError(Exception):
    """Base for every error meant for a user; surfaces show its message, never a traceback."""


class ConfigError(AssistantError):
    """A setting has a bad value (the message names the variable and the fix)."""


class CorpusError(AssistantError):
    """A corpus file cannot be read or parsed (the message names the file)."""


class IndexUnavailableError(AssistantError):
    """The index cannot be opened or reached (e.g. the Chroma server is down)."""


class InvalidQuestionError(AssistantError):
    """The question or history is malformed (empty, too long, wrong shape)."""


class GenerationError(AssistantError):
    """The optional language model failed (timeout, server error); the extractive answer
    is shown instead, so a member never sees this."""
