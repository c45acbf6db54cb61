"""A coverage matrix as CSV or JSON (what the export view sends).

CSV: one header row (the row title, the entity type for entity rows, each column, "Total"),
a row per matrix row, then a "Total" row. Written as UTF-8 *with* a byte-order mark: Excel,
which most of the desk opens CSV files with, reads a BOM-less file in the machine's ANSI code
page and turns Kazakh and Russian names into mojibake; LibreOffice, Google Sheets and Python's
``csv`` with ``encoding="utf-8-sig"`` read the BOM transparently. Cells that a spreadsheet
would run as a formula (starting with = + - @, a tab or a carriage return) get a leading
apostrophe: entity names and story titles come from imported text.

JSON: the same numbers with their keys (language codes, ids, bucket days), the links of the
cells (absolute URLs), translations in progress of the story × language matrix, and the
filters that made it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.utils.translation import gettext as _

from entities.coverage.selectors import Matrix

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def matrix_csv(matrix: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with_type = matrix.key.startswith("entity-")
    head = [matrix.row_title, *([_("Type")] if with_type else [])]
    writer.writerow(
        [_safe(str(h)) for h in [*head, *(c.label for c in matrix.columns), _("Total")]]
    )
    for row in matrix.rows:
        writer.writerow(
            [
                _safe(row.header.label),
                *([row.header.kind] if with_type else []),
                *(cell.count for cell in row.cells),
                row.total,
            ]
        )
    writer.writerow([_("Total"), *([""] if with_type else []), *matrix.column_totals, matrix.total])
    return BOM + buffer.getvalue()


def matrix_json(matrix: Matrix, absolute: Callable[[str], str] = str) -> dict:
    filters = matrix.filters

    def link(url: str) -> str:
        return absolute(url) if url else ""

    return {
        "matrix": matrix.key,
        "title": str(matrix.title),
        "measure": matrix.measure,
        "granularity": matrix.granularity or None,
        "filters": {
            "start": filters.start.isoformat() if filters.start else None,
            "end": filters.end.isoformat() if filters.end else None,
            "language": filters.language or None,
            "source": filters.source_id,
            "entity_type": filters.entity_type or None,
            "top": filters.top,
        },
        "notes": [str(note) for note in matrix.notes],
        "columns": [
            {"key": c.key, "label": str(c.label), "title": c.title, "url": link(c.url)}
            for c in matrix.columns
        ],
        "rows": [
            {
                "key": row.header.key,
                "label": row.header.label,
                "type": row.header.kind or None,
                "url": link(row.header.url),
                "total": row.total,
                "cells": [
                    {"count": cell.count, "pending": cell.pending, "url": link(cell.url)}
                    for cell in row.cells
                ],
            }
            for row in matrix.rows
        ],
        "column_totals": matrix.column_totals,
        "total": matrix.total,
    }


def export_filename(matrix: Matrix, extension: str) -> str:
    filters = matrix.filters
    start = filters.start.isoformat() if filters.start else "start"
    end = filters.end.isoformat() if filters.end else "end"
    return f"coverage-{matrix.key}-{start}-{end}.{extension}"
