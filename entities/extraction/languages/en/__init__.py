"""English: no NER model ships offline yet, so no entity spans (editors add them by hand);
figures, dates and quotes come from ``lexicon``. A model goes in this folder when we add one."""

from __future__ import annotations

from entities.extraction.base import NoEntities

EXTRACTOR = NoEntities("en")
