"""From a CSV file's bytes to text, and how its fields are separated.

Lab files come from instruments, spreadsheets and colleagues: UTF-8 with or without a
byte-order mark, UTF-16 from Excel's "Unicode text", Latin-1 from older software;
commas, semicolons (locales that write decimal commas) or tabs. Each is read with a
note (the CSV reader turns it into a warning) or refused with a sentence that names the
problem; nothing here raises a codec or parser error of its own.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass

from discover.core.errors import DataError

# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?); export the sheet as CSV"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook; export the sheet as CSV"),
    (b"%PDF", "a PDF document, not a CSV file"),
)
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
WHITESPACE = r"\s+"
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+(?:[eE][-+]?\d+)?\s*$")
_DECIMAL_POINT = re.compile(r"\d\.\d|^\s*[-+]?\.\d")


def decode(raw: bytes, where: str) -> tuple[str, str | None]:
    """Text of a file and a note when it was not plain UTF-8.

    Parameters
    ----------
    raw : bytes
        The file's content.
    where : str
        The file as messages name it (already quoted).

    Returns
    -------
    text : str
    note : str or None
        What was assumed (UTF-16, Latin-1), for a warning.

    Raises
    ------
    DataError
        For binary files (spreadsheets, archives) and text that is not valid in the
        encoding its byte-order mark announces.
    """
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"File {where} starts with a {label} byte-order mark but is not valid {label} "
                    f"(byte {exc.start}); save it again as UTF-8 text."
                ) from None
            note = None if label == "UTF-8" else f"File {where} is {label} text; read it as such (UTF-8 is the usual)."
            return _no_nul(text, where), note
    for magic, what in _SIGNATURES:
        if raw.startswith(magic):
            raise DataError(f"File {where} is {what}.")
    head = raw[:4096]
    if b"\x00" in head:
        codec = _utf16_without_bom(head)
        if codec is None:
            raise DataError(f"File {where} holds binary data (NUL bytes), not CSV text; export it as a CSV file.")
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            raise DataError(f"File {where} looks like UTF-16 text but does not decode as such; save it as UTF-8.") from None
        return _no_nul(text, where), f"File {where} is UTF-16 text without a byte-order mark; read it as such."
    try:
        return _no_nul(raw.decode("utf-8"), where), None
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        text = raw.decode("latin-1")
        return _no_nul(text, where), (
            f"File {where} is not UTF-8 (byte 0x{byte:02x} at position {exc.start}); read it as Latin-1 — check "
            "that the column names look right, or save the file as UTF-8."
        )


#: Longest header row read (bytes; the first line that is not blank nor Excel's ``sep=`` line).
MAX_HEADER_BYTES = 2**20
#: Most columns read: a wider table is refused before it is parsed.
MAX_COLUMNS = 20_000
#: Bytes read first, to refuse a binary file or an overlong header without reading the rest.
HEAD_BYTES = MAX_HEADER_BYTES + 4096


def check_head(head: bytes, where: str, whole: bool) -> None:
    """Refuse, from the first :data:`HEAD_BYTES` of a file, what would be refused after reading all of it.

    ``whole`` says whether ``head`` is the whole file. A binary signature (spreadsheet, archive,
    PDF), NUL bytes in text that is not UTF-16 or UTF-32, a header row longer than
    :data:`MAX_HEADER_BYTES` or with more than :data:`MAX_COLUMNS` fields is one sentence here,
    before a sparse or enormous file is read whole.

    Raises
    ------
    DataError
    """
    wide = any(head.startswith(bom) for bom, _, label in _BOMS if label != "UTF-8")
    if not wide:
        for magic, what in _SIGNATURES:
            if head.startswith(magic):
                raise DataError(f"File {where} is {what}.")
        if b"\x00" in head[:4096] and _utf16_without_bom(head[:4096]) is None:
            raise DataError(f"File {where} holds binary data (NUL bytes), not CSV text; export it as a CSV file.")
    text = head.replace(b"\x00", b"") if (wide or b"\x00" in head[:4096]) else head
    lines = re.split(rb"\r\n|\r|\n", text)
    for i, line in enumerate(lines):
        bare = line.replace(codecs.BOM_UTF8, b"").strip().lstrip(b"\xff\xfe").strip()
        if not bare or (i == 0 and re.fullmatch(rb"(?i)sep=.", bare)):
            continue
        if i == len(lines) - 1 and not whole:
            raise DataError(f"File {where} has a header row longer than {MAX_HEADER_BYTES // 2**20} MiB; a header "
                            "holds short column names — check that this is the CSV file meant.")
        fields = max(bare.count(b","), bare.count(b";"), bare.count(b"\t"), len(bare.split()) - 1) + 1
        if fields > MAX_COLUMNS:
            raise DataError(f"File {where} has about {fields} columns, more than discover reads ({MAX_COLUMNS}); "
                            "keep the columns needed, or give a field with many positions as an .npz file.")
        return


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte is NUL (ASCII text in UTF-16), else None."""
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _no_nul(text: str, where: str) -> str:
    if "\x00" in text:
        raise DataError(f"File {where} holds NUL characters, not CSV text; export it as a CSV file.")
    return text


@dataclass(frozen=True)
class Dialect:
    """How the fields of a file are written.

    Attributes
    ----------
    sep : str
        ``","``, ``";"``, ``"\\t"`` or ``WHITESPACE``.
    decimal : str
        ``"."`` or ``","`` (decimal commas, with a semicolon or tab separator).
    note : str or None
        What was assumed, for a warning (None for plain comma-separated text).
    """

    sep: str = ","
    decimal: str = "."
    note: str | None = None


def sniff(text: str, where: str) -> tuple[str, Dialect]:
    """Find the separator from the header row and the rows after it.

    The separator that splits the header into several fields and the rows after it into
    as many is taken (see :func:`_fit` for ties); a header with none of them but several
    words separated by spaces means a whitespace-separated table. With semicolons or tabs, numbers such as ``1,5`` mean
    decimal commas. Excel's ``sep=;`` first line is honoured and removed.

    Returns
    -------
    text : str
        The text to parse (without a ``sep=`` line).
    dialect : Dialect
    """
    first = re.match(r"\s*sep=([^\r\n])[ \t]*(?:\r\n|\r|\n|$)", text, flags=re.IGNORECASE)
    forced = None
    if first:
        forced, text = first.group(1), text[first.end():]
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return text, Dialect(forced or ",")
    if forced is not None:
        sep = forced
    else:
        sep = max(SEPARATORS, key=lambda s: _fit(lines, s))
        if _fields(lines[0], sep) == 1 and len(lines[0].split()) > 1 and len(lines) > 1 \
                and len(lines[1].split()) == len(lines[0].split()):
            sep = WHITESPACE
    decimal = "."
    if sep in (";", "\t"):
        cells = [c for ln in lines[1:] for c in _split(ln, sep)]
        if any(_DECIMAL_COMMA.match(c) for c in cells) and not any(_DECIMAL_POINT.search(c) for c in cells):
            decimal = ","
    note = None
    if sep != "," or decimal != ".":
        how = "spaces" if sep == WHITESPACE else SEPARATORS.get(sep, f"'{sep}'")
        note = f"File {where} is separated by {how}" + (" with decimal commas" if decimal == "," else "") \
            + "; read it that way."
    return text, Dialect(sep, decimal, note)


def _split(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=sep))
    except (csv.Error, StopIteration):
        return line.split(sep)


def _fields(line: str, sep: str) -> int:
    return len(_split(line, sep))


def _fit(lines: list[str], sep: str) -> tuple:
    """How well ``sep`` explains the sample: a table (several fields, rows agreeing with the header) first.

    Among tables tabs come before semicolons before commas: a file separated by tabs or
    semicolons often writes decimal commas, which split every row into as many pieces
    again, while a comma-separated file rarely holds a semicolon in every row.
    """
    header = _fields(lines[0], sep)
    rows = lines[1:20]
    agree = sum(_fields(ln, sep) == header for ln in rows) / len(rows) if rows else 1.0
    if header > 1 and agree >= 0.8:
        return True, -("\t", ";", ",").index(sep), agree, header
    return False, sep == ",", agree, header  # no table at all: read it as CSV and let the checks say why
