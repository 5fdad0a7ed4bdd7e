"""One reader per file format: bytes -> ``DecodedText`` (the report's text, how it was read,
and what the file says about itself). ``indexer.reading`` chooses among them."""

# An exception's message is cut to this many characters: one line of a terminal or log.
MESSAGE_LIMIT = 160


def short_error(error: BaseException) -> str:
    """``ExceptionName: message``, the message on one line and cut short: text only, so
    nothing of the exception (an lxml error log, a traceback) is kept."""
    message = " ".join(str(error).split())
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
