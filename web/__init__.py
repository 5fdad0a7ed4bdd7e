"""The local web page: ``reportsearch serve`` (see ``web.app``)."""
